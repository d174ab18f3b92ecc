/*-------------------------------------------------------------------------
 *
 * ranking.c
 *	  vqc.ranking_state: the rows of one query that ranking metrics at k
 *	  need (NDCG as scikit-learn 1.2's ndcg_score, MAP@k, reciprocal rank,
 *	  precision, recall and hit at k), kept exactly in O(k) memory.
 *
 * Items are ranked by score, highest first.  Tied scores are averaged over
 * their orders, as scikit-learn's ndcg_score does (McSherry and Najork,
 * 2008): every metric is its expected value when the items of a tie are
 * placed in uniformly random order.  So the state keeps, per distinct
 * score, a group (score, items, relevant items, sum of relevance), but
 * only the groups that start within the first k positions: an item below
 * them can never enter the top k, whatever is added or merged later.  It
 * also keeps the k largest relevances (the ideal DCG) and the counts of
 * items and relevant items (relevance > 0).  Merging two states is exact:
 * a group dropped on one side starts at k or later in the merge too.
 *
 * During aggregation rows are appended unsorted and the arrays are
 * compacted (sorted, ties merged, cut to k) when full; the binary form is
 * always the compacted one.
 *
 * Binary form (network order): magic "VQCN", version (uint16), flags
 * (uint16, 0), k (int4, 0 = no row yet), n (int8), nulls (int8), relevant
 * (int8), ngroups (int4), then per group score (float8), items (int8),
 * relevant items (int8), relevance sum (float8); nrels (int4), then the
 * relevances (float8), largest first.  Text form: hex of the binary form.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "common/int.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"

#include "label_metric_state.h"
#include "ranking.h"

#define TYPNAME "vqc.ranking_state"

PG_FUNCTION_INFO_V1(vqc_ranking_state_in);
PG_FUNCTION_INFO_V1(vqc_ranking_state_out);
PG_FUNCTION_INFO_V1(vqc_ranking_state_recv);
PG_FUNCTION_INFO_V1(vqc_ranking_state_send);
PG_FUNCTION_INFO_V1(vqc_ranking_transfn);
PG_FUNCTION_INFO_V1(vqc_ranking_combinefn);
PG_FUNCTION_INFO_V1(vqc_ranking_finalfn);
PG_FUNCTION_INFO_V1(vqc_ranking_ndcg);
PG_FUNCTION_INFO_V1(vqc_ranking_ap);
PG_FUNCTION_INFO_V1(vqc_ranking_rr);
PG_FUNCTION_INFO_V1(vqc_ranking_precision);
PG_FUNCTION_INFO_V1(vqc_ranking_recall);
PG_FUNCTION_INFO_V1(vqc_ranking_hit);
PG_FUNCTION_INFO_V1(vqc_ranking_k);
PG_FUNCTION_INFO_V1(vqc_ranking_count);
PG_FUNCTION_INFO_V1(vqc_ranking_null_count);
PG_FUNCTION_INFO_V1(vqc_ranking_to_jsonb);
PG_FUNCTION_INFO_V1(vqc_ranking_metrics);

RankingState *
ranking_new(int32 pcap, int32 gcap)
{
	RankingState *s = palloc0(RANK_SIZE(pcap, gcap));

	SET_VARSIZE(s, RANK_SIZE(pcap, gcap));
	s->version = VQC_STATE_VERSION;
	s->pcap = pcap;
	s->gcap = gcap;
	return s;
}

static void
ranking_check_layout(const RankingState *s)
{
	if (VARSIZE(s) < RANK_HDRSZ || s->version != VQC_STATE_VERSION || s->pcap < 0 || s->gcap < 0 ||
		VARSIZE(s) != RANK_SIZE(s->pcap, s->gcap) || s->npairs < 0 || s->npairs > s->pcap ||
		s->ngroups < 0 || s->ngroups > s->gcap || s->nrels < 0 || s->nrels > s->gcap)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("unsupported or corrupt vqc state"),
				 errdetail("The stored state was not written by this version of vqc.")));
}

static RankingState *
ranking_get_arg(FunctionCallInfo fcinfo, int argno)
{
	RankingState *s = (RankingState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(argno));

	ranking_check_layout(s);
	return s;
}

/* ---------------------------------------------------------------------
 * Compaction: groups sorted by score (highest first), ties merged, groups
 * starting at k or later dropped; the k largest relevances, largest first
 * ---------------------------------------------------------------------
 */

static int
group_cmp(const void *a, const void *b)
{
	double		x = ((const RankGroup *) a)->score;
	double		y = ((const RankGroup *) b)->score;

	return x > y ? -1 : x < y ? 1 : 0;
}

static int
pair_cmp(const void *a, const void *b)
{
	double		x = ((const RankPair *) a)->score;
	double		y = ((const RankPair *) b)->score;

	return x > y ? -1 : x < y ? 1 : 0;
}

static int
rel_cmp(const void *a, const void *b)
{
	double		x = *(const double *) a;
	double		y = *(const double *) b;

	return x > y ? -1 : x < y ? 1 : 0;
}

/* few items (a query's usual lot) sort fastest by insertion */
#define RANK_INSERTION_SORT		24

static void
sort_groups(RankGroup *g, int32 n)
{
	int32		i;

	if (n > RANK_INSERTION_SORT)
	{
		qsort(g, n, sizeof(RankGroup), group_cmp);
		return;
	}
	for (i = 1; i < n; i++)
	{
		RankGroup	x = g[i];
		int32		j = i;

		for (; j > 0 && g[j - 1].score < x.score; j--)
			g[j] = g[j - 1];
		g[j] = x;
	}
}

static void
sort_rels(double *r, int32 n)
{
	int32		i;

	if (n > RANK_INSERTION_SORT)
	{
		qsort(r, n, sizeof(double), rel_cmp);
		return;
	}
	for (i = 1; i < n; i++)
	{
		double		x = r[i];
		int32		j = i;

		for (; j > 0 && r[j - 1] < x; j--)
			r[j] = r[j - 1];
		r[j] = x;
	}
}

/*
 * The room of a stored state: what its groups and relevances take, and for
 * a state of no items (the aggregates' INITCOND) room for a query's usual
 * lot of pairs, so that the executor's copy of the INITCOND for each group
 * is all the allocation a query of up to 12 rows needs (56 + 12 x 16
 * bytes: one 256-byte chunk).
 */
#define RANK_EMPTY_PAIRS		12

/*
 * Sorts n groups by score, merges ties and drops the groups that start at
 * k or later; returns how many are left (at most k).
 */
static int32
compact_groups(RankGroup *g, int32 n, int32 k)
{
	int32		out = 0;
	int64		start = 0;
	int32		i;

	sort_groups(g, n);
	for (i = 0; i < n; i++)
	{
		if (out > 0 && g[out - 1].score == g[i].score)
		{
			g[out - 1].count += g[i].count;
			g[out - 1].nrel += g[i].nrel;
			g[out - 1].gain += g[i].gain;
			continue;
		}
		if (out > 0)
		{
			start += g[out - 1].count;
			if (start >= k)
				break;			/* this and every later group start past k */
		}
		g[out++] = g[i];
	}
	return out;
}

/* the k largest of n relevances, largest first; returns how many */
static int32
compact_rels(double *r, int32 n, int32 k)
{
	sort_rels(r, n);
	return Min(n, k);
}

/* n pairs as n groups of one item (g) and their relevances (r) */
void
ranking_pairs_to_groups(const RankPair *p, int32 n, RankGroup *g, double *r)
{
	int32		i;

	for (i = 0; i < n; i++)
	{
		g[i].score = p[i].score;
		g[i].count = 1;
		g[i].nrel = p[i].rel > 0;
		g[i].gain = p[i].rel;
		r[i] = p[i].rel;
	}
}

/* s's groups and relevances (without pairs) compacted in place */
void
ranking_compact_arrays(RankingState *s)
{
	Assert(s->npairs == 0);
	s->ngroups = compact_groups(RANK_GROUPS(s), s->ngroups, s->k);
	s->nrels = compact_rels(RANK_RELS(s), s->nrels, s->k);
}

/*
 * s with its pairs and the extra groups and relevances compacted into its
 * groups and relevances: s itself when they fit, else a copy with more
 * room (in CurrentMemoryContext).  With grow_pairs (a transition that
 * found the pairs full) the pairs' room grows with the groups (up to
 * 2k + 16), so that a large query compacts ever less often.
 */
static RankingState *
ranking_absorb(RankingState *s, const RankGroup *xg, int32 nxg, const double *xr, int32 nxr,
			   bool grow_pairs)
{
	int32		ng = s->ngroups + s->npairs + nxg;
	int32		nr = s->nrels + s->npairs + nxr;
	RankGroup  *g = palloc(Max(ng, 1) * sizeof(RankGroup));
	double	   *r = palloc(Max(nr, 1) * sizeof(double));
	RankPair   *p = RANK_PAIRS(s);
	int32		pcap = s->pcap;

	memcpy(g, RANK_GROUPS(s), s->ngroups * sizeof(RankGroup));
	memcpy(r, RANK_RELS(s), s->nrels * sizeof(double));
	ranking_pairs_to_groups(p, s->npairs, g + s->ngroups, r + s->nrels);
	if (nxg > 0)
		memcpy(g + s->ngroups + s->npairs, xg, nxg * sizeof(RankGroup));
	if (nxr > 0)
		memcpy(r + s->nrels + s->npairs, xr, nxr * sizeof(double));
	ng = compact_groups(g, ng, s->k);
	nr = compact_rels(r, nr, s->k);

	if (grow_pairs && s->pcap == 0)
		pcap = RANK_EMPTY_PAIRS;
	else if (grow_pairs && s->pcap < ng)
		pcap = (int32) Min((int64) 2 * s->k + 16, (int64) s->pcap * 2);
	if (Max(ng, nr) > s->gcap || pcap != s->pcap)
	{
		RankingState *c = ranking_new(pcap, Max(Max(ng, nr), s->gcap));

		c->k = s->k;
		c->n = s->n;
		c->nulls = s->nulls;
		c->nrelevant = s->nrelevant;
		s = c;
	}
	else
	{
		memset(RANK_PAIRS(s), 0, s->npairs * sizeof(RankPair));
		memset(RANK_GROUPS(s), 0, s->ngroups * sizeof(RankGroup));
		memset(RANK_RELS(s), 0, s->nrels * sizeof(double));
	}
	s->npairs = 0;
	s->ngroups = ng;
	s->nrels = nr;
	memcpy(RANK_GROUPS(s), g, ng * sizeof(RankGroup));
	memcpy(RANK_RELS(s), r, nr * sizeof(double));
	pfree(g);
	pfree(r);
	return s;
}

/* dst (of room for them) takes src's counts, groups and relevances */
static void
ranking_copy_into(RankingState *dst, const RankingState *src)
{
	Assert(src->npairs == 0 && dst->gcap >= src->ngroups && dst->gcap >= src->nrels);
	dst->k = src->k;
	dst->ngroups = src->ngroups;
	dst->nrels = src->nrels;
	dst->n = src->n;
	dst->nulls = src->nulls;
	dst->nrelevant = src->nrelevant;
	memcpy(RANK_GROUPS(dst), RANK_GROUPS(src), src->ngroups * sizeof(RankGroup));
	memcpy(RANK_RELS(dst), RANK_RELS(src), src->nrels * sizeof(double));
}

/* a compacted private copy: no pairs, exactly the room a stored state has */
static RankingState *
ranking_compacted_copy(const RankingState *s)
{
	RankingState *w = ranking_new(s->npairs, Max(s->ngroups, s->nrels));
	RankingState *c;

	memcpy(&w->k, &s->k, sizeof(int32));
	w->npairs = s->npairs;
	w->ngroups = s->ngroups;
	w->nrels = s->nrels;
	w->n = s->n;
	w->nulls = s->nulls;
	w->nrelevant = s->nrelevant;
	memcpy(RANK_PAIRS(w), RANK_PAIRS(s), s->npairs * sizeof(RankPair));
	memcpy(RANK_GROUPS(w), RANK_GROUPS(s), s->ngroups * sizeof(RankGroup));
	memcpy(RANK_RELS(w), RANK_RELS(s), s->nrels * sizeof(double));
	w = ranking_absorb(w, NULL, 0, NULL, 0, false);
	c = ranking_new(w->n == 0 ? RANK_EMPTY_PAIRS : 0, Max(w->ngroups, w->nrels));
	ranking_copy_into(c, w);
	pfree(w);
	return c;
}

/* ---------------------------------------------------------------------
 * I/O
 * ---------------------------------------------------------------------
 */

void
ranking_serialize(StringInfo buf, const void *state)
{
	const RankingState *s = state;

	RankingState *c = ranking_compacted_copy(s);
	RankGroup  *g = RANK_GROUPS(c);
	int32		i;

	vqc_write_header(buf, VQC_MAGIC_RANKING, 0);
	pq_sendint32(buf, (uint32) c->k);
	pq_sendint64(buf, (uint64) c->n);
	pq_sendint64(buf, (uint64) c->nulls);
	pq_sendint64(buf, (uint64) c->nrelevant);
	pq_sendint32(buf, (uint32) c->ngroups);
	for (i = 0; i < c->ngroups; i++)
	{
		metric_send_f8(buf, g[i].score);
		pq_sendint64(buf, (uint64) g[i].count);
		pq_sendint64(buf, (uint64) g[i].nrel);
		metric_send_f8(buf, g[i].gain);
	}
	pq_sendint32(buf, (uint32) c->nrels);
	for (i = 0; i < c->nrels; i++)
		metric_send_f8(buf, RANK_RELS(c)[i]);
	pfree(c);
}

/* reads the groups, checking they are a compacted state's */
static void
ranking_parse_groups(VqcReader *r, RankingState *s, int64 *items, int64 *relevant)
{
	RankGroup  *g = RANK_GROUPS(s);
	int64		start = 0;
	int32		i;

	*relevant = 0;
	for (i = 0; i < s->ngroups; i++)
	{
		g[i].score = metric_read_finite(r);
		g[i].count = vqc_read_i64(r);
		g[i].nrel = vqc_read_i64(r);
		g[i].gain = metric_read_finite(r);
		if (g[i].score == 0 && signbit(g[i].score))
			vqc_bad_state(r, "A score is negative zero.");
		if (i > 0 && !(g[i].score < g[i - 1].score))
			vqc_bad_state(r, "The scores are not in strictly decreasing order.");
		if (start >= s->k)
			vqc_bad_state(r, "A group starts past the cut-off k.");
		if (g[i].count < 1 || g[i].count > s->n - start || g[i].nrel < 0 || g[i].nrel > g[i].count)
			vqc_bad_state(r, "A group's counts are out of range.");
		if (g[i].gain < 0 || (g[i].nrel == 0) != (g[i].gain == 0))
			vqc_bad_state(r, "A group's relevance sum does not match its relevant items.");
		start += g[i].count;
		*relevant += g[i].nrel;
	}
	*items = start;
}

void *
ranking_parse(const char *data, Size len, int errcode)
{
	VqcReader	r;
	int32		k;
	int64		n;
	int64		nulls;
	int64		nrelevant;
	int32		ngroups;
	int32		nrels;
	int64		items;
	int64		relevant;
	int32		positive = 0;
	int32		i;
	RankingState *g;
	RankingState *s;
	double	   *rels;

	vqc_reader_init(&r, data, len, errcode, TYPNAME);
	if (vqc_read_header(&r, VQC_MAGIC_RANKING) != 0)
		vqc_bad_state(&r, "The state has unknown flag bits set.");
	k = vqc_read_i32(&r);
	n = vqc_read_i64(&r);
	nulls = vqc_read_i64(&r);
	nrelevant = vqc_read_i64(&r);
	ngroups = vqc_read_i32(&r);
	if (k < 0 || k > RANK_MAX_K)
		vqc_bad_state(&r, "The cut-off k is out of range.");
	if (n < 0 || nulls < 0 || nrelevant < 0 || nrelevant > n)
		vqc_bad_state(&r, "A count is out of range.");
	if (ngroups < 0 || ngroups > k || ngroups > n ||
		(Size) ngroups > vqc_reader_remaining(&r) / 32)
		vqc_bad_state(&r, "The number of groups is out of range.");
	if (k == 0 && n != 0)
		vqc_bad_state(&r, "A state with items has no cut-off k.");

	g = ranking_new(0, ngroups);
	g->k = k;
	g->n = n;
	g->ngroups = ngroups;
	ranking_parse_groups(&r, g, &items, &relevant);
	if (relevant > nrelevant || nrelevant - relevant > n - items ||
		(n > 0 && items < Min(n, (int64) k)))
		vqc_bad_state(&r, "The groups do not match the counts.");

	nrels = vqc_read_i32(&r);
	if (nrels != Min(n, (int64) k) || (Size) nrels > vqc_reader_remaining(&r) / sizeof(double))
		vqc_bad_state(&r, "The number of relevances kept is not min(k, items).");
	s = ranking_new(n == 0 ? RANK_EMPTY_PAIRS : 0, Max(ngroups, nrels));
	ranking_copy_into(s, g);
	pfree(g);
	s->nulls = nulls;
	s->nrelevant = nrelevant;
	s->nrels = nrels;
	rels = RANK_RELS(s);
	for (i = 0; i < nrels; i++)
	{
		rels[i] = metric_read_finite(&r);
		if (rels[i] < 0 || (rels[i] == 0 && signbit(rels[i])))
			vqc_bad_state(&r, "A relevance is negative.");
		if (i > 0 && rels[i] > rels[i - 1])
			vqc_bad_state(&r, "The relevances are not in decreasing order.");
		positive += rels[i] > 0;
	}
	if (positive != Min(nrelevant, (int64) nrels))
		vqc_bad_state(&r, "The relevances kept do not match the count of relevant items.");
	vqc_read_end(&r);
	return s;
}

Datum
vqc_ranking_state_in(PG_FUNCTION_ARGS)
{
	return metric_type_in(fcinfo, ranking_parse, TYPNAME);
}

Datum
vqc_ranking_state_out(PG_FUNCTION_ARGS)
{
	return metric_type_out(ranking_serialize, ranking_get_arg(fcinfo, 0), TYPNAME);
}

Datum
vqc_ranking_state_recv(PG_FUNCTION_ARGS)
{
	return metric_type_recv(fcinfo, ranking_parse);
}

Datum
vqc_ranking_state_send(PG_FUNCTION_ARGS)
{
	return metric_type_send(ranking_serialize, ranking_get_arg(fcinfo, 0));
}

/* ---------------------------------------------------------------------
 * Aggregate
 * ---------------------------------------------------------------------
 */

static RankingState *
ranking_transition_arg(FunctionCallInfo fcinfo, int argno)
{
	RankingState *s = (RankingState *) vqc_state_writable(PG_GETARG_DATUM(argno));

	ranking_check_layout(s);
	return s;
}

/* *have (0: not bound yet) bound to k, or 22023 when it was bound to another k */
void
ranking_bind_k_to(int32 *have, int32 k)
{
	if (*have == k)
		return;
	if (*have != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot mix ranking states of different k"),
				 errdetail("A ranking state keeps what its cut-off k needs; k must be the same for every row and every state merged.")));
	*have = k;
}

/* binds the state to k, or raises when it was built with another k */
static void
ranking_bind_k(RankingState *s, int32 k)
{
	ranking_bind_k_to(&s->k, k);
}

/* 22023 unless 1 <= k <= RANK_MAX_K */
static void
ranking_check_k(int32 k)
{
	if (k <= 0 || k > RANK_MAX_K)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("k must be between 1 and %d", RANK_MAX_K)));
}

/* the k argument: 22004 when NULL, 22023 out of range */
int32
ranking_k_arg(FunctionCallInfo fcinfo, int argno)
{
	int32		k;

	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("k must not be null")));
	k = PG_GETARG_INT32(argno);
	ranking_check_k(k);
	return k;
}

/* 22023 unless the relevance and the score are finite and rel >= 0 */
void
ranking_check_row(double rel, double score)
{
	metric_require_finite(rel, "y_true");
	metric_require_finite(score, "y_score");
	if (rel < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("y_true must not be negative"),
				 errdetail("Relevance is a gain of zero or more (scikit-learn 1.4 refuses negative values too).")));
}

/*
 * s with one checked row appended: s itself, or when its pairs were full a
 * compacted copy with more room (in CurrentMemoryContext)
 */
RankingState *
ranking_add(RankingState *s, double rel, double score)
{
	RankPair   *p;

	if (s->npairs == s->pcap)
		s = ranking_absorb(s, NULL, 0, NULL, 0, true);
	p = &RANK_PAIRS(s)[s->npairs++];
	p->score = score + 0.0;		/* -0 is 0 */
	p->rel = rel + 0.0;
	s->n++;
	s->nrelevant += rel > 0;
	return s;
}

/*
 * ranking_transfn(state, y_true, y_score, k): not strict; a row with a NULL
 * relevance or score is skipped and counted; k must be given.
 */
Datum
vqc_ranking_transfn(PG_FUNCTION_ARGS)
{
	RankingState *s;
	double		rel;
	double		score;
	int32		k;

	metric_check_agg(fcinfo);
	k = ranking_k_arg(fcinfo, 3);
	s = PG_ARGISNULL(0) ? ranking_new(RANK_EMPTY_PAIRS, 0) : ranking_transition_arg(fcinfo, 0);
	ranking_bind_k(s, k);
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
	{
		s->nulls++;
		PG_RETURN_POINTER(s);
	}
	rel = PG_GETARG_FLOAT8(1);
	score = PG_GETARG_FLOAT8(2);
	ranking_check_row(rel, score);
	PG_RETURN_POINTER(ranking_add(s, rel, score));
}

/*
 * l (writable) with r's counts, groups and relevances: l itself or a
 * compacted copy with more room (in CurrentMemoryContext)
 */
RankingState *
ranking_merge(RankingState *l, RankingState *r)
{
	if (r->k != 0)
		ranking_bind_k(l, r->k);
	if (pg_add_s64_overflow(l->n, r->n, &l->n) ||
		pg_add_s64_overflow(l->nulls, r->nulls, &l->nulls) ||
		pg_add_s64_overflow(l->nrelevant, r->nrelevant, &l->nrelevant))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("state count out of range")));
	if (r->npairs > 0)
		r = ranking_compacted_copy(r);	/* a worker's partial state */
	return ranking_absorb(l, RANK_GROUPS(r), r->ngroups, RANK_RELS(r), r->nrels, false);
}

/* Combine (strict): l takes r's groups and relevances. */
Datum
vqc_ranking_combinefn(PG_FUNCTION_ARGS)
{
	RankingState *l;
	RankingState *r;

	metric_check_agg(fcinfo);
	l = ranking_transition_arg(fcinfo, 0);
	r = ranking_get_arg(fcinfo, 1);
	PG_RETURN_POINTER(ranking_merge(l, r));
}

/* the aggregate's result: compacted, without spare room (not in place) */
Datum
vqc_ranking_finalfn(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(ranking_compacted_copy(ranking_get_arg(fcinfo, 0)));
}

/* ---------------------------------------------------------------------
 * Metrics, each the expected value over the orders of tied scores
 * ---------------------------------------------------------------------
 */

/* the discounts of the first positions, computed once per process */
#define RANK_DISCOUNTS			1024
static double rank_discounts[RANK_DISCOUNTS];
static bool rank_discounts_ready = false;

/* scikit-learn's discount of 0-based position p: 1 / log2(p + 2) */
static inline double
rank_discount_of(int64 p)
{
	return 1.0 / (log((double) p + 2.0) / log(2.0));
}

static inline double
rank_discount(int64 p)
{
	if (unlikely(!rank_discounts_ready))
	{
		int			i;

		for (i = 0; i < RANK_DISCOUNTS; i++)
			rank_discounts[i] = rank_discount_of(i);
		rank_discounts_ready = true;
	}
	return p < RANK_DISCOUNTS ? rank_discounts[p] : rank_discount_of(p);
}

/*
 * s compacted, for reading: s itself when it has no pairs, else one new
 * allocation (the metrics read only the groups and relevances)
 */
RankingState *
ranking_compact_view(const RankingState *s)
{
	RankingState *c;
	RankGroup  *g;
	double	   *r;

	if (s->npairs == 0)
		return unconstify(RankingState *, s);
	c = ranking_new(0, Max(s->ngroups, s->nrels) + s->npairs);
	g = RANK_GROUPS(c);
	r = RANK_RELS(c);
	c->k = s->k;
	c->n = s->n;
	c->nulls = s->nulls;
	c->nrelevant = s->nrelevant;
	memcpy(g, RANK_GROUPS(s), s->ngroups * sizeof(RankGroup));
	memcpy(r, RANK_RELS(s), s->nrels * sizeof(double));
	ranking_pairs_to_groups(RANK_PAIRS(s), s->npairs, g + s->ngroups, r + s->nrels);
	c->ngroups = s->ngroups + s->npairs;
	c->nrels = s->nrels + s->npairs;
	ranking_compact_arrays(c);
	return c;
}

/* a compacted view of the state argument */
static RankingState *
ranking_view(FunctionCallInfo fcinfo)
{
	return ranking_compact_view(ranking_get_arg(fcinfo, 0));
}

/* positions [start, start + covered) of group i within the top k */
#define FOR_EACH_GROUP_IN_TOP_K(s, i, g, start, covered) \
	for (i = 0, start = 0; i < (s)->ngroups && start < (s)->k; start += RANK_GROUPS(s)[i].count, i++) \
		if ((g = &RANK_GROUPS(s)[i]), (covered = Min(start + g->count, (int64) (s)->k) - start), true)

/*
 * NDCG@k as scikit-learn 1.2: a tied group's gain is its mean relevance
 * times the sum of its positions' discounts; the ideal DCG ranks the
 * relevances themselves; no relevant item gives 0.
 */
double
ranking_ndcg(const RankingState *s)
{
	const RankGroup *g;
	double		dcg = 0;
	double		idcg = 0;
	int64		start;
	int64		covered;
	int64		p;
	int32		i;

	FOR_EACH_GROUP_IN_TOP_K(s, i, g, start, covered)
	{
		double		disc = 0;

		for (p = start; p < start + covered; p++)
			disc += rank_discount(p);
		dcg += g->gain / (double) g->count * disc;
	}
	for (i = 0; i < s->nrels; i++)
		idcg += RANK_RELS(s)[i] * rank_discount(i);
	return idcg == 0 ? 0.0 : dcg / idcg;
}

/*
 * NDCG@k of a query's n rows as pairs (sorted here, in place, by score,
 * highest first): ranking_ndcg's sums without building groups.  rels has
 * room for n relevances.
 */
double
ranking_ndcg_pairs(RankPair *p, int32 n, int32 k, double *rels)
{
	double		dcg = 0;
	double		idcg = 0;
	int32		i;

	if (n > RANK_INSERTION_SORT)
		qsort(p, n, sizeof(RankPair), pair_cmp);
	else
		for (i = 1; i < n; i++)
		{
			RankPair	x = p[i];
			int32		j = i;

			for (; j > 0 && p[j - 1].score < x.score; j--)
				p[j] = p[j - 1];
			p[j] = x;
		}
	for (i = 0; i < n && i < k;)
	{
		double		gain = p[i].rel;
		double		disc = 0;
		int32		j = i + 1;
		int32		q;

		for (; j < n && p[j].score == p[i].score; j++)
			gain += p[j].rel;
		for (q = i; q < j && q < k; q++)
			disc += rank_discount(q);
		dcg += gain / (double) (j - i) * disc;
		i = j;
	}
	for (i = 0; i < n; i++)
		rels[i] = p[i].rel;
	sort_rels(rels, n);
	for (i = 0; i < n && i < k; i++)
		idcg += rels[i] * rank_discount(i);
	return idcg == 0 ? 0.0 : dcg / idcg;
}

/* expected relevant items in the top k */
static double
ranking_hits(const RankingState *s)
{
	const RankGroup *g;
	double		hits = 0;
	int64		start;
	int64		covered;
	int32		i;

	FOR_EACH_GROUP_IN_TOP_K(s, i, g, start, covered)
		hits += (double) g->nrel * ((double) covered / (double) g->count);
	return hits;
}

/* probability that the top k hold a relevant item */
static double
ranking_hit(const RankingState *s)
{
	const RankGroup *g;
	int64		start;
	int64		covered;
	int32		i;

	FOR_EACH_GROUP_IN_TOP_K(s, i, g, start, covered)
	{
		double		none = 1;
		int64		j;

		if (g->nrel == 0)
			continue;
		/* no relevant item among covered of count drawn without replacement */
		for (j = 0; j < covered && none > 0; j++)
			none *= (double) Max(g->count - g->nrel - j, 0) / (double) (g->count - j);
		return 1.0 - none;
	}
	return 0.0;
}

/*
 * Expected 1 / rank of the first relevant item (0 past k or with none):
 * in the first group holding r relevant of c items, the first relevant
 * one is at offset x (1-based) with probability C(c - x, r - 1) / C(c, r).
 */
static double
ranking_rr(const RankingState *s)
{
	const RankGroup *g;
	int64		start;
	int64		covered;
	int32		i;

	FOR_EACH_GROUP_IN_TOP_K(s, i, g, start, covered)
	{
		double		c = (double) g->count;
		double		r = (double) g->nrel;
		double		prob;
		double		rr = 0;
		int64		x;

		if (g->nrel == 0)
			continue;
		prob = r / c;
		for (x = 1; x <= covered && x <= g->count - g->nrel + 1; x++)
		{
			rr += prob / (double) (start + x);
			if (g->count - x > 0)
				prob *= (c - (double) x - r + 1) / (c - (double) x);
		}
		return rr;
	}
	return 0.0;
}

/*
 * AP@k = sum over positions i <= k of E[rel_i * precision@i], divided by
 * min(k, relevant items).  For position i at offset t of a group of c
 * items, r relevant, after R relevant items of earlier groups:
 * E[rel_i * hits@i] = r/c (1 + R) + t r (r - 1) / (c (c - 1)).
 */
static double
ranking_ap(const RankingState *s)
{
	const RankGroup *g;
	double		sum = 0;
	double		before = 0;
	int64		start;
	int64		covered;
	int64		denom = Min((int64) s->k, s->nrelevant);
	int32		i;

	if (denom == 0)
		return 0.0;
	FOR_EACH_GROUP_IN_TOP_K(s, i, g, start, covered)
	{
		double		c = (double) g->count;
		double		r = (double) g->nrel;
		double		pair = g->count > 1 ? r * (r - 1) / (c * (c - 1)) : 0;
		int64		t;

		if (g->nrel > 0)
			for (t = 0; t < covered; t++)
				sum += (r / c * (1 + before) + (double) t * pair) / (double) (start + t + 1);
		before += r;
	}
	return sum / (double) denom;
}

/* the six metrics of a compacted state of items, in vqc._ranking_metrics' order */
void
ranking_all_metrics(const RankingState *s, double *m)
{
	double		hits = ranking_hits(s);

	m[0] = ranking_ndcg(s);
	m[1] = ranking_ap(s);
	m[2] = ranking_rr(s);
	m[3] = hits / (double) s->k;
	m[4] = s->nrelevant == 0 ? 0.0 : hits / (double) s->nrelevant;
	m[5] = ranking_hit(s);
}

#define RANKING_ACCESSOR(fn, expr) \
Datum \
fn(PG_FUNCTION_ARGS) \
{ \
	RankingState *s = ranking_view(fcinfo); \
	if (s->n == 0) \
		PG_RETURN_NULL(); \
	PG_RETURN_FLOAT8(expr); \
}

/* a query's usual lot, all still pairs, is scored from a copy on the stack */
#define RANK_STACK_PAIRS		64

Datum
vqc_ranking_ndcg(PG_FUNCTION_ARGS)
{
	RankingState *s = ranking_get_arg(fcinfo, 0);
	RankPair	p[RANK_STACK_PAIRS];
	double		r[RANK_STACK_PAIRS];

	if (s->n == 0)
		PG_RETURN_NULL();
	if (s->ngroups == 0 && s->nrels == 0 && s->npairs <= RANK_STACK_PAIRS)
	{
		memcpy(p, RANK_PAIRS(s), s->npairs * sizeof(RankPair));
		PG_RETURN_FLOAT8(ranking_ndcg_pairs(p, s->npairs, s->k, r));
	}
	PG_RETURN_FLOAT8(ranking_ndcg(ranking_compact_view(s)));
}
RANKING_ACCESSOR(vqc_ranking_ap, ranking_ap(s))
RANKING_ACCESSOR(vqc_ranking_rr, ranking_rr(s))
RANKING_ACCESSOR(vqc_ranking_precision, ranking_hits(s) / (double) s->k)
RANKING_ACCESSOR(vqc_ranking_recall, s->nrelevant == 0 ? 0.0 : ranking_hits(s) / (double) s->nrelevant)
RANKING_ACCESSOR(vqc_ranking_hit, ranking_hit(s))

Datum
vqc_ranking_k(PG_FUNCTION_ARGS)
{
	RankingState *s = ranking_get_arg(fcinfo, 0);

	if (s->k == 0)
		PG_RETURN_NULL();
	PG_RETURN_INT32(s->k);
}

Datum
vqc_ranking_count(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(ranking_get_arg(fcinfo, 0)->n);
}

Datum
vqc_ranking_null_count(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(ranking_get_arg(fcinfo, 0)->nulls);
}

Datum
vqc_ranking_to_jsonb(PG_FUNCTION_ARGS)
{
	RankingState *s = ranking_view(fcinfo);
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"k\": %d, \"count\": " INT64_FORMAT ", \"null_count\": " INT64_FORMAT
					 ", \"relevant_count\": " INT64_FORMAT, s->k, s->n, s->nulls, s->nrelevant);
	if (s->n == 0)
		appendStringInfoString(&buf, ", \"ndcg\": null, \"average_precision\": null, \"reciprocal_rank\": null, "
							   "\"precision\": null, \"recall\": null, \"hit\": null}");
	else
		appendStringInfo(&buf, ", \"ndcg\": %s, \"average_precision\": %s, \"reciprocal_rank\": %s, "
						 "\"precision\": %s, \"recall\": %s, \"hit\": %s}",
						 metric_json_number(ranking_ndcg(s)), metric_json_number(ranking_ap(s)),
						 metric_json_number(ranking_rr(s)),
						 metric_json_number(ranking_hits(s) / (double) s->k),
						 metric_json_number(s->nrelevant == 0 ? 0.0 : ranking_hits(s) / (double) s->nrelevant),
						 metric_json_number(ranking_hit(s)));
	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data)));
}

/*
 * vqc._ranking_metrics(state): {ndcg, average precision, reciprocal rank,
 * precision, recall, hit, items, skipped rows, relevant items} from one
 * compaction, for vqc.ranking_report; the six metrics are NULL for a state
 * of no items.
 */
Datum
vqc_ranking_metrics(PG_FUNCTION_ARGS)
{
	RankingState *s = ranking_view(fcinfo);
	Datum		d[9];
	bool		nulls[9] = {false};
	int			dims[1] = {9};
	int			lbs[1] = {1};
	int			i;

	if (s->n == 0)
		for (i = 0; i < RANK_NMETRICS; i++)
			nulls[i] = true;
	else
	{
		double		m[RANK_NMETRICS];

		ranking_all_metrics(s, m);
		for (i = 0; i < RANK_NMETRICS; i++)
			d[i] = Float8GetDatum(m[i]);
	}
	d[6] = Float8GetDatum((double) s->n);
	d[7] = Float8GetDatum((double) s->nulls);
	d[8] = Float8GetDatum((double) s->nrelevant);
	PG_RETURN_ARRAYTYPE_P(construct_md_array(d, nulls, 1, dims, lbs, FLOAT8OID, sizeof(float8),
											 FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}
