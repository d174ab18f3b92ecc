/*-------------------------------------------------------------------------
 *
 * ranking_all.c
 *	  Ranking metrics at k averaged over every query of a table in one
 *	  aggregate, without GROUP BY: vqc.ndcg_at_k_all(query, y_true,
 *	  y_score, k) and vqc.ranking_metrics_all (all six metrics and counts).
 *
 * The state keeps each query's rows in a hash table keyed by
 * the query value (its type's default hash opclass).  A row of the same
 * query as the row before it (the usual order of a results table) skips
 * the hash lookup: its key is compared by image with the previous one.
 * Rows are appended to the query's newest run of pairs in a bump arena, so
 * a query read in one run is one contiguous array; a query past 2k + 16
 * rows is compacted into a vqc.ranking_state (ranking.c), which keeps it
 * in O(k).  At the end every query is compacted and scored as the
 * per-query aggregates score it (same code, same tie rule), and the means
 * are taken with compensated sums.
 *
 * Memory: about 16 bytes a row plus 40 a query (less for large queries),
 * held until the end; past vqc.exact_memory_limit the aggregate raises
 * 54000 with a hint towards the per-query aggregates over GROUP BY, which
 * spill to disk (vqc.ranking_report falls back to them by itself).  The
 * soft form (vqc._ranking_metrics_all_soft, in a suite's scan) instead
 * stops keeping rows and ends in {"k": k, "overflow": true}, so that the
 * scan's other checks go on and the runner reads the metric in a pass of
 * its own.
 *
 * The state is the type vqc.ranking_all_state (0.6.0, at the end of this
 * file; internal in 0.5.0, whose symbols stay), boxed as an expanded
 * object during aggregation.  Its binary form (magic "VQCK", or "VQCQ" for
 * 0.5.0's parallel serialization; version, the key type, its collation,
 * k, skipped rows, queries; per query its key (a by-value type's Datum,
 * else the type's binary form), then its pairs in native byte order or
 * its ranking_state's binary form) is fully validated when read; the
 * combine function reads it straight into the leader's state, query by
 * query, so a query split across workers is scored on all its rows.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "common/int.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "port/pg_bswap.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/syscache.h"
#include "utils/typcache.h"

#include "arg_type.h"
#include "label_metric_state.h"
#include "metric_state.h"
#include "ranking.h"
#include "state_box.h"
#include "vqc.h"

#define TYPNAME "vqc.ndcg_at_k_all state"
#define STATE_TYPNAME "vqc.ranking_all_state"

/* magic word of the flat form of vqc.ranking_all_state: "VQCK" */
#define VQC_MAGIC_RANKING_ALL_STATE	0x5651434b

/* magic word of the serialized state: "VQCQ" */
#define VQC_MAGIC_RANKING_ALL	0x56514351

/*
 * The arena's blocks double from 1 kB to 256 kB, and the table and the
 * array of queries start small, so that a state per group (GROUP BY model)
 * costs a few kB
 */
#define ARENA_FIRST_BLOCK		1024
#define ARENA_BLOCK				(256 * 1024)
#define FIRST_QUERIES			16

/* a run of one query's rows; a query's runs chain from its newest */
typedef struct RankSeg
{
	struct RankSeg *prev;
	int32		n;
	int32		pad;
	RankPair	pairs[FLEXIBLE_ARRAY_MEMBER];
} RankSeg;

#define SEG_HDRSZ	offsetof(RankSeg, pairs)

/* a query's rows: runs of pairs, or once past 2k + 16 rows a compacted state */
typedef struct QueryRows
{
	Datum		key;			/* the arena's copy when by reference */
	void	   *data;			/* RankSeg * (npairs >= 0), else RankingState * */
	int32		npairs;			/* pairs in the runs; -1 when compacted */
	int32		pad;
} QueryRows;

/*
 * The hash table's entry, 12 bytes: the query's place in RankAll.rows (its
 * key is there) and its hash.  A lookup puts the key it looks for in the
 * next free place of rows first, so that keys are always places.
 */
typedef struct QueryEntry
{
	uint32		idx;
	uint32		hash;
	char		status;			/* simplehash's */
} QueryEntry;

struct RankAll;
static uint32 query_hash_at(struct RankAll *st, uint32 i);
static bool query_equal_at(struct RankAll *st, uint32 a, uint32 b);

#define SH_PREFIX qtab
#define SH_ELEMENT_TYPE QueryEntry
#define SH_KEY_TYPE uint32
#define SH_KEY idx
#define SH_HASH_KEY(tb, k) query_hash_at((struct RankAll *) (tb)->private_data, k)
#define SH_EQUAL(tb, a, b) query_equal_at((struct RankAll *) (tb)->private_data, a, b)
#define SH_SCOPE static inline
#define SH_STORE_HASH
#define SH_GET_HASH(tb, a) ((a)->hash)
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

/* tells a state from a serialized one not read yet (combinefn takes both) */
#define RANK_ALL_STATE			0x51414c4c
#define RANK_ALL_BYTES			0x51424954

typedef struct RankAll
{
	uint32		tag;			/* RANK_ALL_STATE */
	MemoryContext cxt;			/* everything below lives here */
	Oid			typid;			/* the query column's type */
	Oid			collation;
	int16		typlen;
	bool		typbyval;
	FmgrInfo   *hash_fn;		/* the type cache's */
	FmgrInfo   *eq_fn;
	int32		k;				/* 0 before the first row */
	int64		nulls;			/* rows skipped for a NULL query, relevance or score */
	int64		npairs;			/* pairs in the runs of all queries (a size hint) */
	qtab_hash  *tab;
	QueryRows  *rows;			/* the queries in their first row's order */
	uint32		nrows;
	uint32		rowscap;
	int64		last;			/* the previous row's query, -1 for none */
	Datum		lastkey;
	char	   *block;			/* the arena's current block */
	Size		used;
	Size		blocksize;
	RankSeg    *lastseg;		/* the arena's newest allocation when a run */
	Size		limit;			/* vqc.exact_memory_limit in bytes */
	bool		soft;			/* past the limit: overflowed, not an error */
	bool		overflowed;		/* (soft) past the limit: rows no longer kept */
} RankAll;

/* the serialized state's header flags */
#define RANK_ALL_FLAG_OVERFLOWED	0x0001
#define RANK_ALL_FLAG_SOFT			0x0002

/* what deserialize hands to combinefn: the bytes, read into the leader's state there */
typedef struct RankAllBytes
{
	uint32		tag;			/* RANK_ALL_BYTES */
	const char *data;
	Size		len;
} RankAllBytes;

PG_FUNCTION_INFO_V1(vqc_ranking_all_transfn);
PG_FUNCTION_INFO_V1(vqc_ranking_all_soft_transfn);
PG_FUNCTION_INFO_V1(vqc_ranking_all_combinefn);
PG_FUNCTION_INFO_V1(vqc_ranking_all_serialize);
PG_FUNCTION_INFO_V1(vqc_ranking_all_deserialize);
PG_FUNCTION_INFO_V1(vqc_ranking_all_ndcg);
PG_FUNCTION_INFO_V1(vqc_ranking_all_report);

static uint32
query_hash(RankAll *st, Datum key)
{
	return DatumGetUInt32(FunctionCall1Coll(st->hash_fn, st->collation, key));
}

static bool
query_equal(RankAll *st, Datum a, Datum b)
{
	return DatumGetBool(FunctionCall2Coll(st->eq_fn, st->collation, a, b));
}

static uint32
query_hash_at(RankAll *st, uint32 i)
{
	return query_hash(st, st->rows[i].key);
}

static bool
query_equal_at(RankAll *st, uint32 a, uint32 b)
{
	return query_equal(st, st->rows[a].key, st->rows[b].key);
}

/* ---------------------------------------------------------------------
 * The state
 * ---------------------------------------------------------------------
 */

/*
 * The state argument: only an aggregate of these functions makes one, but
 * a superuser's aggregate could hand another internal state here
 */
static RankAll *
state_arg(FunctionCallInfo fcinfo, int argno)
{
	RankAll    *st = (RankAll *) PG_GETARG_POINTER(argno);

	if (st->tag != RANK_ALL_STATE)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("the state is not an all-queries ranking state")));
	return st;
}

/* a query of more rows than this is kept as a compacted ranking_state */
static inline int32
small_limit(int32 k)
{
	return (int32) Min((int64) 2 * k + 16, (int64) PG_INT32_MAX / 2);
}

static void
check_memory(RankAll *st)
{
	Size		held = MemoryContextMemAllocated(st->cxt, true);

	if (held > st->limit && st->soft)
		st->overflowed = true;	/* the soft form's final function says so */
	else if (held > st->limit)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("the queries exceed vqc.exact_memory_limit"),
				 errdetail("The all-queries ranking aggregates keep every query's rows until the end; they held %zu kB.",
						   held / 1024),
				 errhint("Raise vqc.exact_memory_limit (or work_mem, when it is -1), or average the per-query "
						 "aggregates over GROUP BY query (vqc.ndcg_score(y_true, y_score, k)), which spill to disk.")));
}

static RankAll *
rank_all_new(MemoryContext parent, Oid typid, Oid collation)
{
	MemoryContext cxt = AllocSetContextCreate(parent, "vqc ranking queries", ALLOCSET_SMALL_SIZES);
	RankAll    *st = MemoryContextAllocZero(cxt, sizeof(RankAll));
	TypeCacheEntry *tc = lookup_type_cache(typid, TYPECACHE_HASH_PROC_FINFO | TYPECACHE_EQ_OPR_FINFO);

	if (!OidIsValid(tc->hash_proc) || !OidIsValid(tc->eq_opr))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_FUNCTION),
				 errmsg("could not identify a hash function for type %s", format_type_be(typid)),
				 errhint("Cast the query column to a type with a hash operator class, such as text, "
						 "or aggregate per query with GROUP BY.")));
	st->tag = RANK_ALL_STATE;
	st->cxt = cxt;
	st->typid = typid;
	st->collation = collation;
	st->typlen = tc->typlen;
	st->typbyval = tc->typbyval;
	st->hash_fn = &tc->hash_proc_finfo;
	st->eq_fn = &tc->eq_opr_finfo;
	st->tab = qtab_create(cxt, FIRST_QUERIES, st);
	st->rowscap = FIRST_QUERIES;
	st->rows = MemoryContextAlloc(cxt, st->rowscap * sizeof(QueryRows));
	st->last = -1;
	st->limit = vqc_exact_memory_limit_bytes();
	return st;
}

static void *
arena_alloc(RankAll *st, Size size)
{
	char	   *p;

	size = MAXALIGN(size);
	if (st->block == NULL || st->used + size > st->blocksize)
	{
		st->blocksize = Max(st->block == NULL ? ARENA_FIRST_BLOCK : Min(st->blocksize * 2, ARENA_BLOCK), size);
		st->block = MemoryContextAlloc(st->cxt, st->blocksize);
		st->used = 0;
		check_memory(st);
	}
	p = st->block + st->used;
	st->used += size;
	st->lastseg = NULL;
	return p;
}

/* a new run of room for n pairs, at the front of q's chain */
static RankSeg *
new_run(RankAll *st, QueryRows *q, int32 n)
{
	RankSeg    *seg = arena_alloc(st, SEG_HDRSZ + (Size) n * sizeof(RankPair));

	seg->prev = q->data;
	seg->n = 0;
	q->data = seg;
	st->lastseg = seg;
	return seg;
}

/* s with a pair added (s freed when the state moved) */
static RankingState *
state_add(RankingState *s, double rel, double score)
{
	RankingState *n = ranking_add(s, rel, score);

	if (n != s)
		pfree(s);
	return n;
}

/* q's runs replaced by a compacted ranking_state in the state's context */
static void
make_compacted(RankAll *st, QueryRows *q)
{
	MemoryContext old = MemoryContextSwitchTo(st->cxt);
	RankingState *s = ranking_new(0, 0);
	RankSeg    *seg;
	int32		i;

	s->k = st->k;
	for (seg = q->data; seg != NULL; seg = seg->prev)
		for (i = 0; i < seg->n; i++)
			s = state_add(s, seg->pairs[i].rel, seg->pairs[i].score);
	MemoryContextSwitchTo(old);
	if (st->lastseg == q->data)
		st->lastseg = NULL;		/* its room is lost, not reused */
	q->data = s;
	q->npairs = -1;
	check_memory(st);
}

/* appends a checked pair to q, growing its newest run in place when it can */
static inline void
query_add(RankAll *st, QueryRows *q, double rel, double score)
{
	RankSeg    *seg = q->data;

	if (q->npairs < 0)
	{
		MemoryContext old = MemoryContextSwitchTo(st->cxt);
		void	   *was = q->data;

		q->data = state_add(q->data, rel, score);
		MemoryContextSwitchTo(old);
		if (q->data != was)
			check_memory(st);	/* the state grew */
		return;
	}
	if (seg != NULL && seg == st->lastseg && st->used + sizeof(RankPair) <= st->blocksize)
		st->used += sizeof(RankPair);
	else
		seg = new_run(st, q, 1);
	seg->pairs[seg->n].score = score + 0.0;		/* -0 is 0 */
	seg->pairs[seg->n].rel = rel + 0.0;
	seg->n++;
	st->npairs++;
	if (++q->npairs > small_limit(st->k))
		make_compacted(st, q);
}

/*
 * The query of key, a new one (key copied into the arena) when it was not
 * seen; *isnew tells which.
 */
static QueryRows *
query_for(RankAll *st, Datum key, uint32 hash, bool use_hash, bool *isnew)
{
	QueryEntry *e;
	QueryRows  *q;
	bool		found;

	if (st->nrows == st->rowscap)
	{
		st->rowscap *= 2;
		st->rows = repalloc_huge(st->rows, (Size) st->rowscap * sizeof(QueryRows));
		check_memory(st);
	}
	q = &st->rows[st->nrows];
	q->key = key;				/* the key looked for, at the next free place */
	if (use_hash)
		e = qtab_insert_hash(st->tab, st->nrows, hash, &found);
	else
		e = qtab_insert(st->tab, st->nrows, &found);
	*isnew = !found;
	if (found)
		return &st->rows[e->idx];
	if (!st->typbyval)
	{
		Size		len = datumGetSize(key, false, st->typlen);
		void	   *copy = arena_alloc(st, len);

		memcpy(copy, DatumGetPointer(key), len);
		q->key = PointerGetDatum(copy);
	}
	q->data = NULL;
	q->npairs = 0;
	st->nrows++;
	return q;
}

/* room for n more queries at once (a merge knows how many come) */
static void
reserve(RankAll *st, int64 n)
{
	uint64		want = st->tab->members + (uint64) n;

	if (want >= st->rowscap && want < PG_UINT32_MAX / 2)
	{
		st->rowscap = (uint32) want + 1;
		st->rows = repalloc_huge(st->rows, (Size) st->rowscap * sizeof(QueryRows));
		check_memory(st);
	}
	if (want > st->tab->grow_threshold && want < PG_UINT32_MAX / 2)
	{
		qtab_grow(st->tab, (uint64) (want / 0.85) + 1);
		check_memory(st);
	}
}

/* the row of arguments 1 .. 3 (query, relevance, score) added to st, of cut-off k */
static inline void
rank_all_row(FunctionCallInfo fcinfo, RankAll *st, int32 k)
{
	QueryRows  *q;
	Datum		key;
	double		rel;
	double		score;

	ranking_bind_k_to(&st->k, k);
	if (st->overflowed)
		return;
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
	{
		st->nulls++;
		return;
	}
	rel = PG_GETARG_FLOAT8(2);
	score = PG_GETARG_FLOAT8(3);
	ranking_check_row(rel, score);
	key = PG_GETARG_DATUM(1);
	if (st->last >= 0 && datum_image_eq(st->lastkey, key, st->typbyval, st->typlen))
		q = &st->rows[st->last];
	else
	{
		bool		isnew;

		if (st->typlen == -1)
			key = PointerGetDatum(PG_DETOAST_DATUM_PACKED(key));
		q = query_for(st, key, 0, false, &isnew);
		st->last = q - st->rows;
		st->lastkey = q->key;
	}
	query_add(st, q, rel, score);
}

/*
 * ranking_all_transfn(state, query, y_true, y_score, k): not strict; a row
 * with a NULL query, relevance or score is skipped and counted; k must be
 * given.  The soft form (a suite's scan) stops keeping rows past the
 * memory limit instead of raising, and its final function says so.
 */
static Datum ranking_all_step(FunctionCallInfo fcinfo, bool soft);

Datum
vqc_ranking_all_transfn(PG_FUNCTION_ARGS)
{
	return ranking_all_step(fcinfo, false);
}

Datum
vqc_ranking_all_soft_transfn(PG_FUNCTION_ARGS)
{
	return ranking_all_step(fcinfo, true);
}

static Datum
ranking_all_step(FunctionCallInfo fcinfo, bool soft)
{
	MemoryContext aggcontext;
	RankAll    *st;
	int32		k;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		metric_check_agg(fcinfo);	/* raises */
	k = ranking_k_arg(fcinfo, 4);
	if (PG_ARGISNULL(0))
	{
		st = rank_all_new(aggcontext, get_fn_expr_argtype(fcinfo->flinfo, 1), PG_GET_COLLATION());
		st->soft = soft;
	}
	else
		st = state_arg(fcinfo, 0);
	rank_all_row(fcinfo, st, k);
	PG_RETURN_POINTER(st);
}

/* st's query q takes the pairs of npairs rows from runs (or a compacted state) */
static void
merge_pairs(RankAll *st, QueryRows *q, const RankSeg *runs, int32 npairs)
{
	const RankSeg *seg;

	if (q->npairs >= 0 && (int64) q->npairs + npairs <= small_limit(st->k))
	{
		RankSeg    *run = new_run(st, q, npairs);

		for (seg = runs; seg != NULL; seg = seg->prev)
		{
			memcpy(&run->pairs[run->n], seg->pairs, seg->n * sizeof(RankPair));
			run->n += seg->n;
		}
		q->npairs += npairs;
		st->npairs += npairs;
		st->lastseg = NULL;
		return;
	}
	if (q->npairs >= 0)
		make_compacted(st, q);
	{
		MemoryContext old = MemoryContextSwitchTo(st->cxt);

		for (seg = runs; seg != NULL; seg = seg->prev)
			for (int32 i = 0; i < seg->n; i++)
				q->data = state_add(q->data, seg->pairs[i].rel, seg->pairs[i].score);
		MemoryContextSwitchTo(old);
	}
}

/* st's query q takes a compacted state r of the same k */
static void
merge_state(RankAll *st, QueryRows *q, RankingState *r)
{
	MemoryContext old;
	RankingState *m;

	if (q->npairs >= 0)
		make_compacted(st, q);
	old = MemoryContextSwitchTo(st->cxt);
	m = ranking_merge(q->data, r);
	if (m != q->data)
		pfree(q->data);
	q->data = m;
	MemoryContextSwitchTo(old);
	check_memory(st);
}

static void
add_nulls(RankAll *st, int64 nulls)
{
	if (pg_add_s64_overflow(st->nulls, nulls, &st->nulls))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("state count out of range")));
}

/* l takes every query of r */
static void
rank_all_merge(RankAll *l, RankAll *r)
{
	if (l->typid != r->typid || l->collation != r->collation)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("cannot merge ranking states of different query types")));
	if (r->k != 0)
		ranking_bind_k_to(&l->k, r->k);
	add_nulls(l, r->nulls);
	l->last = -1;
	l->overflowed |= r->overflowed;
	if (!l->overflowed)
		reserve(l, r->nrows);	/* a parallel leader's own partial state comes this way */
	for (uint32 i = 0; i < r->nrows && !l->overflowed; i++)
	{
		const QueryRows *x = &r->rows[i];
		bool		isnew;
		QueryRows  *q = query_for(l, x->key, query_hash(r, x->key), true, &isnew);

		if (x->npairs >= 0)
			merge_pairs(l, q, x->data, x->npairs);
		else
			merge_state(l, q, x->data);
	}
}

/* ---------------------------------------------------------------------
 * Serialization, for parallel plans: native byte order, for the leader
 * of the same server only (it is never stored), and read as carefully as
 * a stored state.  Keys of types passed by value are their Datum; others
 * their type's binary form.
 * ---------------------------------------------------------------------
 */

/*
 * Where the binary form goes: bytes at p (which has room), or only counted
 * when p is NULL, so that a flat form is written once, in place, at its
 * exact size (a parallel worker's state is tens of megabytes).
 */
typedef struct RankSink
{
	char	   *p;
	Size		n;
} RankSink;

static inline void
sink_put(RankSink *s, const void *src, Size len)
{
	if (s->p != NULL)
		memcpy(s->p + s->n, src, len);
	s->n += len;
}

static inline void
sink_u16(RankSink *s, uint16 x)
{
	x = pg_hton16(x);
	sink_put(s, &x, sizeof(x));
}

static inline void
sink_u32(RankSink *s, uint32 x)
{
	x = pg_hton32(x);
	sink_put(s, &x, sizeof(x));
}

static inline void
sink_u64(RankSink *s, uint64 x)
{
	x = pg_hton64(x);
	sink_put(s, &x, sizeof(x));
}

/* the binary form of st, with magic word magic, into s */
static void
rank_all_emit(const RankAll *st, RankSink *s, uint32 magic)
{
	FmgrInfo	send;

	if (!st->typbyval)
	{
		Oid			sendfn;
		bool		varlena;

		getTypeBinaryOutputInfo(st->typid, &sendfn, &varlena);
		fmgr_info(sendfn, &send);
	}
	/* the header of vqc_write_header */
	sink_u32(s, magic);
	sink_u16(s, VQC_STATE_VERSION);
	sink_u16(s, (st->overflowed ? RANK_ALL_FLAG_OVERFLOWED : 0) | (st->soft ? RANK_ALL_FLAG_SOFT : 0));
	sink_u32(s, st->typid);
	sink_u32(s, st->collation);
	sink_u32(s, (uint32) st->k);
	sink_u64(s, (uint64) st->nulls);
	/* an overflowed state's queries are of no use: none is sent */
	sink_u64(s, st->overflowed ? 0 : (uint64) st->nrows);
	for (uint32 i = 0; i < st->nrows && !st->overflowed; i++)
	{
		const QueryRows *q = &st->rows[i];

		if (st->typbyval)
			sink_put(s, &q->key, sizeof(Datum));
		else
		{
			bytea	   *kb = SendFunctionCall(&send, q->key);

			sink_u32(s, VARSIZE(kb) - VARHDRSZ);
			sink_put(s, VARDATA(kb), VARSIZE(kb) - VARHDRSZ);
			pfree(kb);
		}
		sink_put(s, &q->npairs, sizeof(int32));
		if (q->npairs >= 0)
		{
			const RankSeg *seg;

			for (seg = q->data; seg != NULL; seg = seg->prev)
				sink_put(s, seg->pairs, seg->n * sizeof(RankPair));
		}
		else
		{
			StringInfoData sb;

			initStringInfo(&sb);
			ranking_serialize(&sb, q->data);
			sink_put(s, &sb.len, sizeof(int));
			sink_put(s, sb.data, sb.len);
			pfree(sb.data);
		}
	}
}

/* the size of st's binary form */
static Size
rank_all_size(const RankAll *st, uint32 magic)
{
	RankSink	s = {NULL, 0};

	rank_all_emit(st, &s, magic);
	return s.n;
}

/* the binary form of st, with magic word magic, appended to buf */
static void
rank_all_write(const RankAll *st, StringInfo buf, uint32 magic)
{
	Size		n = rank_all_size(st, magic);
	RankSink	s;

	if (n >= (Size) (MaxAllocSize - buf->len - 1))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("the ranking state is too large to be written"),
				 errdetail("The binary form of a state is limited to 1 GB.")));
	enlargeStringInfo(buf, (int) n);
	s.p = buf->data + buf->len;
	s.n = 0;
	rank_all_emit(st, &s, magic);
	Assert(s.n == n);
	buf->len += (int) n;
	buf->data[buf->len] = '\0';
}

Datum
vqc_ranking_all_serialize(PG_FUNCTION_ARGS)
{
	RankAll    *st;
	StringInfoData buf;

	metric_check_agg(fcinfo);
	st = state_arg(fcinfo, 0);
	initStringInfo(&buf);
	pq_sendint32(&buf, 0);		/* the varlena header, set below */
	rank_all_write(st, &buf, VQC_MAGIC_RANKING_ALL);
	SET_VARSIZE(buf.data, buf.len);
	PG_RETURN_BYTEA_P((bytea *) buf.data);
}

/* the serialized state's bytes, read by combinefn straight into its state */
Datum
vqc_ranking_all_deserialize(PG_FUNCTION_ARGS)
{
	bytea	   *b = PG_GETARG_BYTEA_PP(0);
	RankAllBytes *w;

	metric_check_agg(fcinfo);
	w = palloc(sizeof(RankAllBytes));
	w->tag = RANK_ALL_BYTES;
	w->data = VARDATA_ANY(b);
	w->len = VARSIZE_ANY_EXHDR(b);
	PG_RETURN_POINTER(w);
}

static int32
read_native_i32(VqcReader *r)
{
	int32		x;

	memcpy(&x, vqc_read_bytes(r, sizeof(int32)), sizeof(int32));
	return x;
}

/* a query's key: its Datum, or its type's binary form read by its receive function */
static Datum
read_key(VqcReader *r, RankAll *st, FmgrInfo *recv, Oid ioparam)
{
	StringInfoData kbuf;
	int32		klen;
	Datum		key;

	if (st->typbyval)
	{
		memcpy(&key, vqc_read_bytes(r, sizeof(Datum)), sizeof(Datum));
		return key;
	}
	klen = vqc_read_i32(r);
	if (klen < 0 || (Size) klen > vqc_reader_remaining(r))
		vqc_bad_state(r, "A query key's length is out of range.");
	kbuf.data = unconstify(char *, vqc_read_bytes(r, klen));
	kbuf.len = klen;
	kbuf.maxlen = klen;
	kbuf.cursor = 0;
	key = ReceiveFunctionCall(recv, &kbuf, ioparam, -1);
	if (kbuf.cursor != kbuf.len)
		vqc_bad_state(r, "A query key has trailing bytes.");
	return key;
}

/* one query of a serialized state merged into st, validated */
static void
read_query(VqcReader *r, RankAll *st, FmgrInfo *recv, Oid ioparam)
{
	Datum		key = read_key(r, st, recv, ioparam);
	int32		npairs = read_native_i32(r);
	bool		isnew;
	QueryRows  *q = query_for(st, key, 0, false, &isnew);

	if (npairs >= 0)
	{
		RankSeg    *run;

		if (npairs < 1 || npairs > small_limit(st->k) ||
			(Size) npairs > vqc_reader_remaining(r) / sizeof(RankPair))
			vqc_bad_state(r, "A query's number of rows is out of range.");
		/* a query seen first here (the usual case) reads straight into its run */
		run = isnew ? new_run(st, q, npairs) : palloc(SEG_HDRSZ + npairs * sizeof(RankPair));
		if (!isnew)
			run->prev = NULL;
		run->n = npairs;
		memcpy(run->pairs, vqc_read_bytes(r, npairs * sizeof(RankPair)), npairs * sizeof(RankPair));
		for (int32 i = 0; i < npairs; i++)
		{
			double		score = run->pairs[i].score;
			double		rel = run->pairs[i].rel;

			if (!isfinite(score) || !isfinite(rel) || rel < 0 || signbit(rel) || (score == 0 && signbit(score)))
				vqc_bad_state(r, "A pair is not finite, has a negative relevance or a negative zero.");
		}
		if (isnew)
		{
			q->npairs = npairs;
			st->npairs += npairs;
			st->lastseg = NULL;
		}
		else
		{
			merge_pairs(st, q, run, npairs);
			pfree(run);
		}
	}
	else if (npairs == -1)
	{
		int32		len = read_native_i32(r);
		RankingState *s;

		if (len < 0 || (Size) len > vqc_reader_remaining(r))
			vqc_bad_state(r, "A query's state length is out of range.");
		s = ranking_parse(vqc_read_bytes(r, len), len, r->errcode);
		if (s->k != st->k || s->n < 1)
			vqc_bad_state(r, "A query's state does not match the cut-off k or has no rows.");
		merge_state(st, q, s);
		pfree(s);
	}
	else
		vqc_bad_state(r, "A query's number of rows is out of range.");
}

/*
 * *lp (created in a child of aggcontext when NULL) takes every query of a
 * binary form of magic word magic (parallel or flat), validated (errcode
 * 22P02 or 22P03).  A soft state past the memory limit stops reading
 * (overflowed) unless whole, which reads every byte or raises 54000.
 */
static void
read_into(RankAll **lp, const char *data, Size len, MemoryContext aggcontext,
		  uint32 magic, int code, bool whole)
{
	VqcReader	r;
	Oid			typid;
	Oid			collation;
	int32		k;
	int64		nulls;
	int64		nqueries;
	Oid			recvfn = InvalidOid;
	Oid			ioparam = InvalidOid;
	FmgrInfo	recv;
	RankAll    *l = *lp;
	uint16		flags;

	vqc_reader_init(&r, data, len, code, magic == VQC_MAGIC_RANKING_ALL ? TYPNAME : STATE_TYPNAME);
	flags = vqc_read_header(&r, magic);
	if ((flags & ~(RANK_ALL_FLAG_OVERFLOWED | RANK_ALL_FLAG_SOFT)) != 0 ||
		((flags & RANK_ALL_FLAG_OVERFLOWED) && !(flags & RANK_ALL_FLAG_SOFT)))
		vqc_bad_state(&r, "The state has unknown flag bits set.");
	typid = (Oid) vqc_read_i32(&r);
	collation = (Oid) vqc_read_i32(&r);
	k = vqc_read_i32(&r);
	nulls = vqc_read_i64(&r);
	nqueries = vqc_read_i64(&r);
	if (k < 0 || k > RANK_MAX_K || nulls < 0 || nqueries < 0 || (k == 0 && nqueries != 0) ||
		((flags & RANK_ALL_FLAG_OVERFLOWED) && nqueries != 0) ||
		(uint64) nqueries > vqc_reader_remaining(&r) / 8)
		vqc_bad_state(&r, "A count or the cut-off k is out of range.");
	if (l == NULL)
	{
		if (!SearchSysCacheExists1(TYPEOID, ObjectIdGetDatum(typid)))
			vqc_bad_state(&r, "The query type does not exist.");
		if (OidIsValid(collation) && !SearchSysCacheExists1(COLLOID, ObjectIdGetDatum(collation)))
			vqc_bad_state(&r, "The query collation does not exist.");
		*lp = l = rank_all_new(aggcontext, typid, collation);
		l->soft = (flags & RANK_ALL_FLAG_SOFT) != 0 && !whole;
	}
	else if (l->typid != typid || l->collation != collation)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("cannot merge ranking states of different query types")));
	if (k != 0)
		ranking_bind_k_to(&l->k, k);
	add_nulls(l, nulls);
	l->last = -1;
	l->overflowed |= (flags & RANK_ALL_FLAG_OVERFLOWED) != 0;
	if (l->overflowed)
	{
		if (flags & RANK_ALL_FLAG_OVERFLOWED)
			vqc_read_end(&r);	/* it has no queries */
		return;					/* nothing more is kept (soft form) */
	}
	reserve(l, nqueries);
	if (!l->typbyval)
	{
		getTypeBinaryInputInfo(typid, &recvfn, &ioparam);
		fmgr_info(recvfn, &recv);
	}
	for (int64 i = 0; i < nqueries; i++)
	{
		read_query(&r, l, &recv, ioparam);
		if (l->overflowed)
			return;				/* the soft form went past the limit here */
	}
	vqc_read_end(&r);
}

/*
 * Combine (not strict): l, created in the aggregate's context when NULL,
 * takes r, a state or (from deserialize) a serialized one
 */
Datum
vqc_ranking_all_combinefn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	RankAll    *l = PG_ARGISNULL(0) ? NULL : state_arg(fcinfo, 0);
	void	   *r = PG_ARGISNULL(1) ? NULL : PG_GETARG_POINTER(1);

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		metric_check_agg(fcinfo);	/* raises */
	if (r == NULL)
		PG_RETURN_POINTER(l);
	if (*(uint32 *) r == RANK_ALL_BYTES)
	{
		read_into(&l, ((RankAllBytes *) r)->data, ((RankAllBytes *) r)->len, aggcontext,
				  VQC_MAGIC_RANKING_ALL, ERRCODE_INVALID_BINARY_REPRESENTATION, false);
		PG_RETURN_POINTER(l);
	}
	if (*(uint32 *) r != RANK_ALL_STATE)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("the state is not an all-queries ranking state")));
	if (l == NULL)
	{
		l = rank_all_new(aggcontext, ((RankAll *) r)->typid, ((RankAll *) r)->collation);
		l->k = ((RankAll *) r)->k;
		l->soft = ((RankAll *) r)->soft;
	}
	rank_all_merge(l, r);
	PG_RETURN_POINTER(l);
}

/* ---------------------------------------------------------------------
 * Final functions
 * ---------------------------------------------------------------------
 */

/* a compensated (Neumaier) sum */
typedef struct KahanSum
{
	double		sum;
	double		c;
} KahanSum;

static inline void
kahan_add(KahanSum *s, double x)
{
	double		t = s->sum + x;

	if (fabs(s->sum) >= fabs(x))
		s->c += (s->sum - t) + x;
	else
		s->c += (x - t) + s->sum;
	s->sum = t;
}

typedef struct RankTotals
{
	int64		queries;
	int64		without_relevant;
	int64		rows;
	KahanSum	m[RANK_NMETRICS];
} RankTotals;

/* the scratch state w, of room for n groups and relevances */
static RankingState *
scratch_for(RankingState *w, int32 n)
{
	if (w != NULL && w->gcap >= n)
		return w;
	if (w != NULL)
		pfree(w);
	return ranking_new(0, Max(n, 64));
}

/*
 * Scores every query into t: all six metrics, or (ndcg_only) NDCG alone
 * in t->m[0].
 */
static void
rank_all_totals(const RankAll *st, RankTotals *t, bool ndcg_only)
{
	RankingState *w = NULL;
	RankPair   *pairs = NULL;
	double	   *rels = NULL;
	int32		room = 0;
	double		m[RANK_NMETRICS];

	memset(t, 0, sizeof(*t));
	for (uint32 qi = 0; qi < st->nrows; qi++)
	{
		const QueryRows *q = &st->rows[qi];
		const RankingState *s;

		if (q->npairs >= 0 && ndcg_only)
		{
			const RankSeg *seg;
			int32		n = 0;
			int64		relevant = 0;

			if (q->npairs > room)
			{
				room = Max(q->npairs, 64);
				pairs = pairs ? repalloc(pairs, room * sizeof(RankPair)) : palloc(room * sizeof(RankPair));
				rels = rels ? repalloc(rels, room * sizeof(double)) : palloc(room * sizeof(double));
			}
			for (seg = q->data; seg != NULL; n += seg->n, seg = seg->prev)
				memcpy(pairs + n, seg->pairs, seg->n * sizeof(RankPair));
			for (int32 i = 0; i < n; i++)
				relevant += pairs[i].rel > 0;
			kahan_add(&t->m[0], ranking_ndcg_pairs(pairs, n, st->k, rels));
			t->queries++;
			t->without_relevant += relevant == 0;
			t->rows += n;
			continue;
		}
		if (q->npairs >= 0)
		{
			const RankSeg *seg;
			RankGroup  *g;
			double	   *r;
			int32		n = 0;

			w = scratch_for(w, q->npairs);
			g = RANK_GROUPS(w);
			r = RANK_RELS(w);
			w->k = st->k;
			w->nrelevant = 0;
			for (seg = q->data; seg != NULL; n += seg->n, seg = seg->prev)
				ranking_pairs_to_groups(seg->pairs, seg->n, g + n, r + n);
			for (int32 i = 0; i < n; i++)
				w->nrelevant += g[i].nrel;
			w->n = n;
			w->ngroups = n;
			w->nrels = n;
			ranking_compact_arrays(w);
			s = w;
		}
		else
			s = ranking_compact_view(q->data);
		if (ndcg_only)
			m[0] = ranking_ndcg(s);
		else
			ranking_all_metrics(s, m);
		for (int i = 0; i < (ndcg_only ? 1 : RANK_NMETRICS); i++)
			kahan_add(&t->m[i], m[i]);
		t->queries++;
		t->without_relevant += s->nrelevant == 0;
		t->rows += s->n;
		if (s != w && s != q->data)
			pfree(unconstify(RankingState *, s));
	}
	if (w != NULL)
		pfree(w);
	if (pairs != NULL)
	{
		pfree(pairs);
		pfree(rels);
	}
}

static inline double
mean_of(const RankTotals *t, int i)
{
	return (t->m[i].sum + t->m[i].c) / (double) t->queries;
}

/* NDCG of every query of st into t (an overflowed state has none to give) */
static void
rank_all_ndcg(const RankAll *st, RankTotals *t)
{
	if (st->overflowed)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the ranking state overflowed vqc.exact_memory_limit"),
				 errdetail("An overflowed state keeps no queries; only vqc.ranking_all_report reads it.")));
	rank_all_totals(st, t, true);
}

/* the mean NDCG@k over the queries of st, NULL for none */
static Datum
ndcg_datum(FunctionCallInfo fcinfo, const RankAll *st)
{
	RankTotals	t;

	rank_all_ndcg(st, &t);
	if (t.queries == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(mean_of(&t, 0));
}

/*
 * vqc.ranking_report's object of st (k, queries, queries without a
 * relevant item, rows taken, rows skipped, and the six means, null when
 * there is no query), or {"k", "overflow": true}
 */
static Datum
report_datum(const RankAll *st)
{
	static const char *const names[RANK_NMETRICS] = {"ndcg", "map", "mrr", "precision", "recall", "hit_rate"};
	RankTotals	t;
	StringInfoData buf;

	if (st->overflowed)
		return DirectFunctionCall1(jsonb_in, CStringGetDatum(psprintf("{\"k\": %d, \"overflow\": true}", st->k)));
	rank_all_totals(st, &t, false);
	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"k\": %d, \"queries\": " INT64_FORMAT ", \"queries_without_relevant\": " INT64_FORMAT
					 ", \"rows\": " INT64_FORMAT ", \"null_rows\": " INT64_FORMAT,
					 st->k, t.queries, t.without_relevant, t.rows, st->nulls);
	for (int i = 0; i < RANK_NMETRICS; i++)
		appendStringInfo(&buf, ", \"%s\": %s", names[i],
						 t.queries == 0 ? "null" : metric_json_number(mean_of(&t, i)));
	appendStringInfoChar(&buf, '}');
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data));
}

/* ndcg_at_k_all's final function (internal state, 0.5.0) */
Datum
vqc_ranking_all_ndcg(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	return ndcg_datum(fcinfo, state_arg(fcinfo, 0));
}

/* ranking_metrics_all's final function (internal state, 0.5.0); NULL without rows */
Datum
vqc_ranking_all_report(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	PG_RETURN_DATUM(report_datum(state_arg(fcinfo, 0)));
}

/* ---------------------------------------------------------------------
 * The SQL type vqc.ranking_all_state (0.6.0): the same state boxed as an
 * expanded object during aggregation (state_box.c), so that Citus runs
 * the aggregates as worker partials and a coordinator combine.  Its flat
 * form is the parallel form above under its own magic word ("VQCK"): the
 * pairs and by-value keys in native byte order, so a state reads back
 * only on a server of the same architecture (as a parallel worker's).
 * Text: hex of the binary form.  Every input is validated as a parallel
 * state is, and must name an existing type and collation.
 * ---------------------------------------------------------------------
 */

static void
box_write(const void *state, StringInfo buf)
{
	rank_all_write(state, buf, VQC_MAGIC_RANKING_ALL_STATE);
}

static Size
box_size(const void *state)
{
	return rank_all_size(state, VQC_MAGIC_RANKING_ALL_STATE);
}

static void
box_write_at(const void *state, char *dst, Size len)
{
	RankSink	s = {dst, 0};

	rank_all_emit(state, &s, VQC_MAGIC_RANKING_ALL_STATE);
	if (s.n != len)
		elog(ERROR, "the ranking state changed while it was written");
}

static const StateBoxType rank_all_box = {STATE_TYPNAME, box_write, box_size, box_write_at};

PG_FUNCTION_INFO_V1(vqc_ranking_all_state_transfn);
PG_FUNCTION_INFO_V1(vqc_ranking_all_state_soft_transfn);
PG_FUNCTION_INFO_V1(vqc_ranking_all_state_combinefn);
PG_FUNCTION_INFO_V1(vqc_ranking_all_state_ndcg);
PG_FUNCTION_INFO_V1(vqc_ranking_all_state_report);

/* a new state in a child of parent holding the state datum d (flat or boxed) */
static RankAll *
rank_all_from_datum(Datum d, MemoryContext parent)
{
	StateBox   *box = state_box_of(d, &rank_all_box);
	RankAll    *st = NULL;

	if (box != NULL)
	{
		const RankAll *r = box->state;

		st = rank_all_new(parent, r->typid, r->collation);
		st->k = r->k;
		st->soft = r->soft;
		rank_all_merge(st, unconstify(RankAll *, r));
	}
	else
	{
		struct varlena *v = PG_DETOAST_DATUM_PACKED(d);

		read_into(&st, VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v), parent,
				  VQC_MAGIC_RANKING_ALL_STATE, ERRCODE_INVALID_BINARY_REPRESENTATION, false);
	}
	return st;
}

/* l takes the state datum d (flat or boxed) */
static void
rank_all_merge_datum(RankAll *l, Datum d)
{
	StateBox   *box = state_box_of(d, &rank_all_box);

	if (box != NULL)
		rank_all_merge(l, box->state);
	else
	{
		struct varlena *v = PG_DETOAST_DATUM_PACKED(d);

		read_into(&l, VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v), NULL,
				  VQC_MAGIC_RANKING_ALL_STATE, ERRCODE_INVALID_BINARY_REPRESENTATION, false);
	}
}

static void
state_validate(const char *data, Size len, int errcode)
{
	RankAll    *st = NULL;

	read_into(&st, data, len, CurrentMemoryContext, VQC_MAGIC_RANKING_ALL_STATE, errcode, true);
	MemoryContextDelete(st->cxt);
}

static bool
state_write_expanded(Datum d, StringInfo buf)
{
	return state_box_write_expanded(d, &rank_all_box, buf);
}

static const MetricStateType rank_all_type = {STATE_TYPNAME, state_validate, state_write_expanded};

METRIC_STATE_IO_FUNCTIONS(vqc_ranking_all_state, rank_all_type)

/*
 * The transition: the aggregate's own box modified in place, or a new box
 * (from NULL, or from a flat state given as INITCOND or by a user's
 * aggregate, which must be of the call's query type and collation).
 */
static Datum
ranking_all_state_step(FunctionCallInfo fcinfo, bool soft)
{
	StateBox   *box = state_box_rw(fcinfo, 0, &rank_all_box);
	int32		k = ranking_k_arg(fcinfo, 4);

	if (unlikely(box == NULL))
	{
		MemoryContext aggcontext;
		Oid			typid = vqc_arg_type(fcinfo, 1);
		RankAll    *st;

		Oid			collation = PG_GET_COLLATION();

		if (!AggCheckCallContext(fcinfo, &aggcontext))
			metric_check_agg(fcinfo);	/* raises */
		if (!OidIsValid(typid))
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("could not determine the type of the query column")));
		/* Citus's worker_partial_agg passes no collation: the default one's */
		if (!OidIsValid(collation) && type_is_collatable(typid))
			collation = DEFAULT_COLLATION_OID;
		if (PG_ARGISNULL(0))
		{
			st = rank_all_new(aggcontext, typid, collation);
			st->soft = soft;
		}
		else
		{
			st = rank_all_from_datum(PG_GETARG_DATUM(0), aggcontext);
			if (st->typid != typid || st->collation != collation)
				ereport(ERROR,
						(errcode(ERRCODE_DATATYPE_MISMATCH),
						 errmsg("the ranking state was built for another query type or collation")));
		}
		box = state_box_new(&rank_all_box, st->cxt, st);
	}
	state_box_changed(box);
	rank_all_row(fcinfo, box->state, k);
	return state_box_datum(box);
}

Datum
vqc_ranking_all_state_transfn(PG_FUNCTION_ARGS)
{
	return ranking_all_state_step(fcinfo, false);
}

Datum
vqc_ranking_all_state_soft_transfn(PG_FUNCTION_ARGS)
{
	return ranking_all_state_step(fcinfo, true);
}

/* Combine (not strict): either side flat or boxed; the result is the aggregate's own box */
Datum
vqc_ranking_all_state_combinefn(PG_FUNCTION_ARGS)
{
	StateBox   *box = state_box_rw(fcinfo, 0, &rank_all_box);

	if (box == NULL)
	{
		MemoryContext aggcontext;
		RankAll    *st;

		if (!AggCheckCallContext(fcinfo, &aggcontext))
			metric_check_agg(fcinfo);	/* raises */
		if (PG_ARGISNULL(0) && PG_ARGISNULL(1))
			PG_RETURN_NULL();
		st = rank_all_from_datum(PG_GETARG_DATUM(PG_ARGISNULL(0) ? 1 : 0), aggcontext);
		box = state_box_new(&rank_all_box, st->cxt, st);
		if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
			return state_box_datum(box);
	}
	else if (PG_ARGISNULL(1))
		return state_box_datum(box);
	state_box_changed(box);
	rank_all_merge_datum(box->state, PG_GETARG_DATUM(1));
	return state_box_datum(box);
}

/* a final function's state: read in place when boxed, else parsed here */
static const RankAll *
final_state(FunctionCallInfo fcinfo)
{
	StateBox   *box = state_box_of(PG_GETARG_DATUM(0), &rank_all_box);

	return box != NULL ? box->state : rank_all_from_datum(PG_GETARG_DATUM(0), CurrentMemoryContext);
}

Datum
vqc_ranking_all_state_ndcg(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	return ndcg_datum(fcinfo, final_state(fcinfo));
}

Datum
vqc_ranking_all_state_report(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	PG_RETURN_DATUM(report_datum(final_state(fcinfo)));
}
