/*-------------------------------------------------------------------------
 *
 * agreement.c
 *	  vqc.agreement_state: long-format ratings (item, annotator, label) and
 *	  the agreement measures computed from them: percent agreement,
 *	  Fleiss' kappa (statsmodels 0.13), Krippendorff's alpha (nominal,
 *	  ordinal, interval; as NLTK 3.8's AnnotationTask.alpha, ordinal with
 *	  the textbook metric) and Cohen's kappa of two annotators (as
 *	  scikit-learn's cohen_kappa_score on the items both rated).
 *
 * Items, annotators and labels may be of any type; the state keeps their
 * text forms (two values are the same item, annotator or label when their
 * text is the same; ordinal and interval labels are read as numbers).  A
 * rating with a NULL is skipped and counted.  The measures need every
 * rating of an item, which may arrive in any partial state, so the state
 * keeps them all: it is exact, and its size grows with the ratings.
 *
 * In memory: a header, then the ratings, each three uint32 lengths
 * followed by the item, annotator and label bytes, padded to a 4-byte
 * boundary.  VARSIZE is the allocated size; "used" bytes hold ratings.
 *
 * Binary form (network order): magic "VQCA", version (uint16), flags
 * (uint16: the option in bits 0-3, 0x10 built with annotators, 0x20
 * without), nratings (int8), nulls (int8), then per rating the item,
 * annotator and label, each a length (uint32) and its bytes.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "common/int.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "arg_type.h"
#include "label_metric_state.h"

#define TYPNAME "vqc.agreement_state"

/* the option a one-step aggregate was given (flag bits 0-3) */
#define AGREE_OPTION_MASK		0x000F
#define AGREE_NOMINAL			1
#define AGREE_ORDINAL			2
#define AGREE_INTERVAL			3
#define AGREE_UNWEIGHTED		4
#define AGREE_LINEAR			5
#define AGREE_QUADRATIC			6
#define AGREE_OPTION_MAX		6
/* how the ratings were taken: with annotators, or as (item, label) only */
#define AGREE_ANNOTATED			0x0010
#define AGREE_UNANNOTATED		0x0020
#define AGREE_ALL_FLAGS			0x003F

typedef struct AgreementState
{
	int32		vl_len_;		/* varlena header (do not touch directly) */
	uint16		version;		/* VQC_STATE_VERSION */
	uint16		flags;
	int64		nratings;
	int64		nulls;			/* ratings skipped for a NULL */
	int64		used;			/* bytes of data[] holding ratings */
	char		data[FLEXIBLE_ARRAY_MEMBER];
} AgreementState;

#define AGREE_HDRSZ				offsetof(AgreementState, data)
#define AGREE_CAPACITY(s)		((Size) (VARSIZE(s) - AGREE_HDRSZ))
#define AGREE_ENTRY_SIZE(i, a, l) INTALIGN(3 * sizeof(uint32) + (Size) (i) + (a) + (l))

/* one rating, read from the state */
typedef struct Rating
{
	const char *item;
	const char *ann;
	const char *label;
	uint32		ilen;
	uint32		alen;
	uint32		llen;
	int32		code;			/* the label's number among the distinct labels */
	double		value;			/* the label as a number (ordinal, interval) */
	int64		pos;			/* where a paired rating goes (Cohen's kappa) */
} Rating;

PG_FUNCTION_INFO_V1(vqc_agreement_state_in);
PG_FUNCTION_INFO_V1(vqc_agreement_state_out);
PG_FUNCTION_INFO_V1(vqc_agreement_state_recv);
PG_FUNCTION_INFO_V1(vqc_agreement_state_send);
PG_FUNCTION_INFO_V1(vqc_agreement_transfn);
PG_FUNCTION_INFO_V1(vqc_agreement_alpha_transfn);
PG_FUNCTION_INFO_V1(vqc_agreement_cohen_transfn);
PG_FUNCTION_INFO_V1(vqc_agreement_items_transfn);
PG_FUNCTION_INFO_V1(vqc_agreement_combinefn);
PG_FUNCTION_INFO_V1(vqc_agreement_finalfn);
PG_FUNCTION_INFO_V1(vqc_agreement_percent);
PG_FUNCTION_INFO_V1(vqc_agreement_fleiss);
PG_FUNCTION_INFO_V1(vqc_agreement_alpha);
PG_FUNCTION_INFO_V1(vqc_agreement_alpha_bound);
PG_FUNCTION_INFO_V1(vqc_agreement_cohen);
PG_FUNCTION_INFO_V1(vqc_agreement_cohen_bound);
PG_FUNCTION_INFO_V1(vqc_agreement_count);
PG_FUNCTION_INFO_V1(vqc_agreement_null_count);

static AgreementState *
agreement_new(Size capacity)
{
	AgreementState *s = palloc0(AGREE_HDRSZ + capacity);

	SET_VARSIZE(s, AGREE_HDRSZ + capacity);
	s->version = VQC_STATE_VERSION;
	return s;
}

static void
agreement_check_layout(const AgreementState *s)
{
	if (VARSIZE(s) < AGREE_HDRSZ || s->version != VQC_STATE_VERSION ||
		s->used < 0 || (Size) s->used > AGREE_CAPACITY(s))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("unsupported or corrupt vqc state"),
				 errdetail("The stored state was not written by this version of vqc.")));
}

static AgreementState *
agreement_get_arg(FunctionCallInfo fcinfo, int argno)
{
	AgreementState *s = (AgreementState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(argno));

	agreement_check_layout(s);
	return s;
}

/* Makes room for need more bytes: s itself, or a copy with at least twice the room. */
static AgreementState *
agreement_reserve(AgreementState *s, Size need)
{
	Size		want = (Size) s->used + need;
	AgreementState *n;

	if (want <= AGREE_CAPACITY(s))
		return s;
	if (want > MaxAllocSize - AGREE_HDRSZ)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("vqc.agreement_state would exceed 1 GB"),
				 errhint("Compute agreement over fewer ratings at a time, or with shorter item, annotator and label values.")));
	n = agreement_new(vqc_grow_capacity(AGREE_CAPACITY(s), want, MaxAllocSize - AGREE_HDRSZ));
	n->flags = s->flags;
	n->nratings = s->nratings;
	n->nulls = s->nulls;
	n->used = s->used;
	memcpy(n->data, s->data, s->used);
	return n;
}

static AgreementState *
agreement_append(AgreementState *s, const char *i, uint32 ilen, const char *a, uint32 alen,
				 const char *l, uint32 llen)
{
	uint32		lens[3] = {ilen, alen, llen};
	char	   *p;

	s = agreement_reserve(s, AGREE_ENTRY_SIZE(ilen, alen, llen));
	p = s->data + s->used;
	memcpy(p, lens, sizeof(lens));
	p += sizeof(lens);
	memcpy(p, i, ilen);
	memcpy(p + ilen, a, alen);
	memcpy(p + ilen + alen, l, llen);
	s->used += AGREE_ENTRY_SIZE(ilen, alen, llen);
	s->nratings++;
	return s;
}

/* the ratings of s as an array (pointing into s) */
static Rating *
agreement_ratings(const AgreementState *s)
{
	Rating	   *r = palloc(Max(s->nratings, 1) * sizeof(Rating));
	const char *p = s->data;
	int64		i;

	for (i = 0; i < s->nratings; i++)
	{
		uint32		lens[3];

		memcpy(lens, p, sizeof(lens));
		r[i].ilen = lens[0];
		r[i].alen = lens[1];
		r[i].llen = lens[2];
		r[i].item = p + sizeof(lens);
		r[i].ann = r[i].item + lens[0];
		r[i].label = r[i].ann + lens[1];
		r[i].code = 0;
		r[i].value = 0;
		p += AGREE_ENTRY_SIZE(lens[0], lens[1], lens[2]);
	}
	return r;
}

/* ---------------------------------------------------------------------
 * I/O
 * ---------------------------------------------------------------------
 */

static void
agreement_serialize(StringInfo buf, const void *state)
{
	const AgreementState *s = state;

	Rating	   *r = agreement_ratings(s);
	int64		i;

	vqc_write_header(buf, VQC_MAGIC_AGREEMENT, s->flags);
	pq_sendint64(buf, (uint64) s->nratings);
	pq_sendint64(buf, (uint64) s->nulls);
	for (i = 0; i < s->nratings; i++)
	{
		pq_sendint32(buf, r[i].ilen);
		pq_sendbytes(buf, r[i].item, r[i].ilen);
		pq_sendint32(buf, r[i].alen);
		pq_sendbytes(buf, r[i].ann, r[i].alen);
		pq_sendint32(buf, r[i].llen);
		pq_sendbytes(buf, r[i].label, r[i].llen);
	}
	pfree(r);
}

static const char *
agreement_read_text(VqcReader *r, uint32 *len)
{
	const char *p;

	*len = vqc_read_u32(r);
	p = vqc_read_bytes(r, *len);
	if (!pg_verifymbstr(p, *len, true))
		vqc_bad_state(r, "A value is not valid text in the server encoding.");
	return p;
}

static void *
agreement_parse(const char *data, Size len, int errcode)
{
	VqcReader	r;
	uint16		flags;
	int64		nratings;
	int64		nulls;
	int64		i;
	AgreementState *s;

	vqc_reader_init(&r, data, len, errcode, TYPNAME);
	flags = vqc_read_header(&r, VQC_MAGIC_AGREEMENT);
	if ((flags & ~AGREE_ALL_FLAGS) || (flags & AGREE_OPTION_MASK) > AGREE_OPTION_MAX ||
		((flags & AGREE_ANNOTATED) && (flags & AGREE_UNANNOTATED)))
		vqc_bad_state(&r, "The state has unknown flag bits set.");
	nratings = vqc_read_i64(&r);
	nulls = vqc_read_i64(&r);
	if (nratings < 0 || nulls < 0 || (uint64) nratings > vqc_reader_remaining(&r) / 12)
		vqc_bad_state(&r, "A count is out of range.");
	if (nratings > 0 && !(flags & (AGREE_ANNOTATED | AGREE_UNANNOTATED)))
		vqc_bad_state(&r, "A state with ratings does not say whether they have annotators.");

	/* the in-memory form is at most what is left plus 4 bytes a rating */
	s = agreement_new(Min(vqc_reader_remaining(&r) + 4 * (Size) nratings, MaxAllocSize - AGREE_HDRSZ));
	s->flags = flags;
	s->nulls = nulls;
	for (i = 0; i < nratings; i++)
	{
		uint32		ilen;
		uint32		alen;
		uint32		llen;
		const char *item = agreement_read_text(&r, &ilen);
		const char *ann = agreement_read_text(&r, &alen);
		const char *label = agreement_read_text(&r, &llen);

		if ((flags & AGREE_UNANNOTATED) && alen != 0)
			vqc_bad_state(&r, "A rating taken without annotators has one.");
		s = agreement_append(s, item, ilen, ann, alen, label, llen);
	}
	vqc_read_end(&r);
	/* no spare room: the stored form is the one vqc_agreement_finalfn gives */
	s = repalloc(s, AGREE_HDRSZ + s->used);
	SET_VARSIZE(s, AGREE_HDRSZ + s->used);
	return s;
}

Datum
vqc_agreement_state_in(PG_FUNCTION_ARGS)
{
	return metric_type_in(fcinfo, agreement_parse, TYPNAME);
}

Datum
vqc_agreement_state_out(PG_FUNCTION_ARGS)
{
	return metric_type_out(agreement_serialize, agreement_get_arg(fcinfo, 0), TYPNAME);
}

Datum
vqc_agreement_state_recv(PG_FUNCTION_ARGS)
{
	return metric_type_recv(fcinfo, agreement_parse);
}

Datum
vqc_agreement_state_send(PG_FUNCTION_ARGS)
{
	return metric_type_send(agreement_serialize, agreement_get_arg(fcinfo, 0));
}

/* ---------------------------------------------------------------------
 * Aggregate
 * ---------------------------------------------------------------------
 */

/* output functions of the "any" arguments, cached for the query */
typedef struct ArgOutput
{
	Oid			types[3];
	FmgrInfo	out[3];
} ArgOutput;

/* the text form of "any" argument argno (slot-th of the value arguments) */
static char *
any_arg_text(FunctionCallInfo fcinfo, int argno, int slot)
{
	ArgOutput  *cache = (ArgOutput *) fcinfo->flinfo->fn_extra;
	Oid			typ = vqc_arg_type(fcinfo, argno);

	if (cache == NULL)
	{
		cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(ArgOutput));
		fcinfo->flinfo->fn_extra = cache;
	}
	if (!OidIsValid(typ))
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("could not determine the type of an agreement argument")));
	if (cache->types[slot] != typ)
	{
		Oid			outfn;
		bool		varlena;

		getTypeOutputInfo(typ, &outfn, &varlena);
		fmgr_info_cxt(outfn, &cache->out[slot], fcinfo->flinfo->fn_mcxt);
		cache->types[slot] = typ;
	}
	return OutputFunctionCall(&cache->out[slot], PG_GETARG_DATUM(argno));
}

/* sets a flag group (annotators, option), or raises when set otherwise */
static void
agreement_bind(AgreementState *s, uint16 mask, uint16 value)
{
	uint16		cur = s->flags & mask;

	if (value == 0 || cur == value)
		return;
	if (cur != 0)
	{
		if (mask == AGREE_OPTION_MASK)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("cannot mix agreement states of different levels or weights"),
					 errdetail("The level or weights must be the same for every row and every state merged.")));
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("cannot mix agreement states taken with and without annotators")));
	}
	s->flags |= value;
}

static AgreementState *
agreement_transition_arg(FunctionCallInfo fcinfo)
{
	AgreementState *s;

	metric_check_agg(fcinfo);
	if (PG_ARGISNULL(0))
		return agreement_new(256);
	s = (AgreementState *) vqc_state_writable(PG_GETARG_DATUM(0));
	agreement_check_layout(s);
	return s;
}

/* adds the rating of arguments (item, annotator or -1, label) */
static AgreementState *
agreement_add(FunctionCallInfo fcinfo, AgreementState *s, int item, int ann, int label)
{
	char	   *i;
	char	   *a = "";
	char	   *l;

	agreement_bind(s, AGREE_ANNOTATED | AGREE_UNANNOTATED,
				   ann >= 0 ? AGREE_ANNOTATED : AGREE_UNANNOTATED);
	if (PG_ARGISNULL(item) || (ann >= 0 && PG_ARGISNULL(ann)) || PG_ARGISNULL(label))
	{
		s->nulls++;
		return s;
	}
	i = any_arg_text(fcinfo, item, 0);
	if (ann >= 0)
		a = any_arg_text(fcinfo, ann, 1);
	l = any_arg_text(fcinfo, label, 2);
	return agreement_append(s, i, strlen(i), a, strlen(a), l, strlen(l));
}

/* agreement_transfn(state, item, annotator, label): not strict */
Datum
vqc_agreement_transfn(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(agreement_add(fcinfo, agreement_transition_arg(fcinfo), 1, 2, 3));
}

/* agreement_items_transfn(state, item, label): ratings without annotators */
Datum
vqc_agreement_items_transfn(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(agreement_add(fcinfo, agreement_transition_arg(fcinfo), 1, -1, 2));
}

static uint16
alpha_level(text *t)
{
	char	   *level = text_to_cstring(t);

	if (strcmp(level, "nominal") == 0)
		return AGREE_NOMINAL;
	if (strcmp(level, "ordinal") == 0)
		return AGREE_ORDINAL;
	if (strcmp(level, "interval") == 0)
		return AGREE_INTERVAL;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("level must be nominal, ordinal or interval")));
	pg_unreachable();
}

static uint16
cohen_weights(FunctionCallInfo fcinfo, int argno)
{
	char	   *w;

	if (PG_ARGISNULL(argno))
		return AGREE_UNWEIGHTED;
	w = text_to_cstring(PG_GETARG_TEXT_PP(argno));
	if (strcmp(w, "linear") == 0)
		return AGREE_LINEAR;
	if (strcmp(w, "quadratic") == 0)
		return AGREE_QUADRATIC;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("weights must be NULL, linear or quadratic")));
	pg_unreachable();
}

/* agreement_alpha_transfn(state, item, annotator, label, level) */
Datum
vqc_agreement_alpha_transfn(PG_FUNCTION_ARGS)
{
	AgreementState *s = agreement_transition_arg(fcinfo);

	if (PG_ARGISNULL(4))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("level must not be null")));
	agreement_bind(s, AGREE_OPTION_MASK, alpha_level(PG_GETARG_TEXT_PP(4)));
	PG_RETURN_POINTER(agreement_add(fcinfo, s, 1, 2, 3));
}

/* agreement_cohen_transfn(state, item, annotator, label, weights) */
Datum
vqc_agreement_cohen_transfn(PG_FUNCTION_ARGS)
{
	AgreementState *s = agreement_transition_arg(fcinfo);

	agreement_bind(s, AGREE_OPTION_MASK, cohen_weights(fcinfo, 4));
	PG_RETURN_POINTER(agreement_add(fcinfo, s, 1, 2, 3));
}

/* Combine (strict): l takes r's ratings. */
Datum
vqc_agreement_combinefn(PG_FUNCTION_ARGS)
{
	AgreementState *l;
	AgreementState *r;

	metric_check_agg(fcinfo);
	l = (AgreementState *) vqc_state_writable(PG_GETARG_DATUM(0));
	agreement_check_layout(l);
	r = agreement_get_arg(fcinfo, 1);
	agreement_bind(l, AGREE_ANNOTATED | AGREE_UNANNOTATED,
				   r->flags & (AGREE_ANNOTATED | AGREE_UNANNOTATED));
	agreement_bind(l, AGREE_OPTION_MASK, r->flags & AGREE_OPTION_MASK);
	if (pg_add_s64_overflow(l->nulls, r->nulls, &l->nulls) ||
		pg_add_s64_overflow(l->nratings, r->nratings, &l->nratings))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("state count out of range")));
	l->nratings -= r->nratings;
	l = agreement_reserve(l, r->used);
	memcpy(l->data + l->used, r->data, r->used);
	l->used += r->used;
	l->nratings += r->nratings;
	PG_RETURN_POINTER(l);
}

/* the aggregate's result without spare room (not in place) */
Datum
vqc_agreement_finalfn(PG_FUNCTION_ARGS)
{
	AgreementState *s = agreement_get_arg(fcinfo, 0);
	AgreementState *c = agreement_new(s->used);

	memcpy(c, s, AGREE_HDRSZ + s->used);
	SET_VARSIZE(c, AGREE_HDRSZ + s->used);
	PG_RETURN_POINTER(c);
}

/* ---------------------------------------------------------------------
 * Measures
 * ---------------------------------------------------------------------
 */

static int
bytes_cmp(const char *a, uint32 alen, const char *b, uint32 blen)
{
	int			c = memcmp(a, b, Min(alen, blen));

	if (c != 0)
		return c;
	return alen < blen ? -1 : alen > blen ? 1 : 0;
}

static int
rating_label_text_cmp(const void *a, const void *b)
{
	const Rating *x = a;
	const Rating *y = b;

	return bytes_cmp(x->label, x->llen, y->label, y->llen);
}

static int
rating_label_value_cmp(const void *a, const void *b)
{
	double		x = ((const Rating *) a)->value;
	double		y = ((const Rating *) b)->value;

	return x < y ? -1 : x > y ? 1 : 0;
}

static int
rating_item_cmp(const void *a, const void *b)
{
	const Rating *x = a;
	const Rating *y = b;
	int			c = bytes_cmp(x->item, x->ilen, y->item, y->ilen);

	if (c != 0)
		return c;
	return x->code - y->code;
}

static int
rating_item_ann_cmp(const void *a, const void *b)
{
	const Rating *x = a;
	const Rating *y = b;
	int			c = bytes_cmp(x->item, x->ilen, y->item, y->ilen);

	if (c != 0)
		return c;
	return bytes_cmp(x->ann, x->alen, y->ann, y->alen);
}

/* a label read as a number, for ordinal and interval levels and weights */
static double
label_number(const Rating *r)
{
	char	   *str = pnstrdup(r->label, r->llen);
	char	   *end;
	double		v;

	errno = 0;
	v = strtod(str, &end);
	while (*end == ' ')
		end++;
	if (r->llen == 0 || *end != '\0' || errno != 0 || !isfinite(v))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("labels must be finite numbers for an ordinal or interval level or weighted kappa"),
				 errhint("Use the nominal level, or labels of a numeric type.")));
	pfree(str);
	return v + 0.0;
}

/*
 * Numbers the distinct labels 0 .. L-1 (in r[].code): by value when
 * numeric (ordinal, interval, weights), else by text; returns L and, when
 * values is not NULL, each label's number.
 */
static int32
code_labels(Rating *r, int64 n, bool numeric, double **values)
{
	int32		L = 0;
	int64		i;

	if (numeric)
		for (i = 0; i < n; i++)
			r[i].value = label_number(&r[i]);
	qsort(r, n, sizeof(Rating), numeric ? rating_label_value_cmp : rating_label_text_cmp);
	if (values)
		*values = palloc(Max(n, 1) * sizeof(double));
	for (i = 0; i < n; i++)
	{
		if (i > 0 && (numeric ? r[i].value != r[i - 1].value
					  : rating_label_text_cmp(&r[i], &r[i - 1]) != 0))
			L++;
		r[i].code = L;
		if (values)
			(*values)[L] = r[i].value;
	}
	return n > 0 ? L + 1 : 0;
}

static int
rating_ann_cmp(const void *a, const void *b)
{
	const Rating *x = a;
	const Rating *y = b;

	return bytes_cmp(x->ann, x->alen, y->ann, y->alen);
}

static int64
distinct_annotators(const Rating *r, int64 n)
{
	Rating	   *c = palloc(Max(n, 1) * sizeof(Rating));
	int64		d = 0;
	int64		i;

	memcpy(c, r, n * sizeof(Rating));
	qsort(c, n, sizeof(Rating), rating_ann_cmp);
	for (i = 0; i < n; i++)
		if (i == 0 || rating_ann_cmp(&c[i], &c[i - 1]) != 0)
			d++;
	pfree(c);
	return d;
}

static void
require_annotators(const AgreementState *s, Rating *r, int64 min, int64 max, const char *what)
{
	int64		d;

	if (!(s->flags & AGREE_ANNOTATED))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s needs the annotator of each rating", what),
				 errhint("Take the state with vqc.agreement_agg(item, annotator, label).")));
	d = distinct_annotators(r, s->nratings);
	if (d < min || d > max)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s needs %s annotators, and the ratings have " INT64_FORMAT,
						what, min == max ? "exactly two" : "at least two", d)));
}

/*
 * The items x labels table: the ratings sorted by item then label code;
 * calls back per item with its counts per label (dense, L long) and its
 * number of ratings.
 */
typedef void (*item_fn) (void *arg, const double *counts, int64 m, int32 L);

static void
for_each_item(Rating *r, int64 n, int32 L, item_fn fn, void *arg)
{
	double	   *counts = palloc0(Max(L, 1) * sizeof(double));
	int64		start = 0;
	int64		i;

	qsort(r, n, sizeof(Rating), rating_item_cmp);
	for (i = 1; i <= n; i++)
	{
		int64		j;

		if (i < n && bytes_cmp(r[i].item, r[i].ilen, r[start].item, r[start].ilen) == 0)
			continue;
		for (j = start; j < i; j++)
			counts[r[j].code]++;
		fn(arg, counts, i - start, L);
		for (j = start; j < i; j++)
			counts[r[j].code] = 0;
		start = i;
	}
	pfree(counts);
}

/* percent agreement and Fleiss' kappa share these sums */
typedef struct ItemSums
{
	int64		items;			/* items of two ratings or more */
	int64		first_m;		/* ratings of the first item (-1: none yet) */
	bool		unequal;		/* items differ in their number of ratings */
	double		agree;			/* sum over those items of their agreeing pairs' share */
	double	   *label_totals;	/* ratings per label */
} ItemSums;

static void
item_sums(void *arg, const double *counts, int64 m, int32 L)
{
	ItemSums   *t = arg;
	double		pairs = 0;
	int32		c;

	if (t->first_m < 0)
		t->first_m = m;
	else if (m != t->first_m)
		t->unequal = true;
	for (c = 0; c < L; c++)
		t->label_totals[c] += counts[c];
	if (m < 2)
		return;
	for (c = 0; c < L; c++)
		pairs += counts[c] * (counts[c] - 1);
	t->agree += pairs / ((double) m * (double) (m - 1));
	t->items++;
}

static void
sum_items(const AgreementState *s, ItemSums *t, int32 *L)
{
	Rating	   *r = agreement_ratings(s);

	*L = code_labels(r, s->nratings, false, NULL);
	memset(t, 0, sizeof(*t));
	t->first_m = -1;
	t->label_totals = palloc0(Max(*L, 1) * sizeof(double));
	for_each_item(r, s->nratings, *L, item_sums, t);
}

/* mean over items of two or more ratings of the share of agreeing pairs */
Datum
vqc_agreement_percent(PG_FUNCTION_ARGS)
{
	AgreementState *s = agreement_get_arg(fcinfo, 0);
	ItemSums	t;
	int32		L;

	sum_items(s, &t, &L);
	if (t.items == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(t.agree / (double) t.items);
}

/*
 * Fleiss' kappa as statsmodels 0.13's fleiss_kappa(table): every item must
 * have the same number m >= 2 of ratings (statsmodels assumes it).
 */
Datum
vqc_agreement_fleiss(PG_FUNCTION_ARGS)
{
	AgreementState *s = agreement_get_arg(fcinfo, 0);
	ItemSums	t;
	int32		L;
	int32		c;
	double		total;
	double		pe = 0;
	double		pbar;

	if (s->nratings == 0)
		PG_RETURN_NULL();
	sum_items(s, &t, &L);
	if (t.unequal)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("Fleiss' kappa needs the same number of ratings for every item"),
				 errdetail("Fleiss' kappa (as statsmodels computes it) assumes every item is rated equally often."),
				 errhint("Use vqc.krippendorff_alpha, which allows missing ratings.")));
	if (t.first_m < 2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("Fleiss' kappa needs at least two ratings per item")));
	total = (double) s->nratings;
	for (c = 0; c < L; c++)
		pe += (t.label_totals[c] / total) * (t.label_totals[c] / total);
	pbar = t.agree / (double) t.items;
	if (pe == 1)
		PG_RETURN_NULL();		/* one label only: 0 / 0 */
	PG_RETURN_FLOAT8((pbar - pe) / (1 - pe));
}

/* Krippendorff's alpha: the sums over pairable items */
typedef struct AlphaSums
{
	const double *values;		/* a number per label (interval, ordinal) */
	bool		nominal;
	double		n;				/* pairable values */
	double		observed;		/* sum over items of their pairs' distances / (m - 1) */
	double	   *marginals;		/* pairable values per label */
} AlphaSums;

/* sum over ordered pairs of an item's (or all) values of their distance */
static double
pair_distances(const AlphaSums *a, const double *counts, double m, int32 L)
{
	double		sum = 0;
	double		mean = 0;
	int32		c;

	if (a->nominal)
	{
		for (c = 0; c < L; c++)
			sum += counts[c] * counts[c];
		return m * m - sum;
	}
	/* sum_{c,k} n_c n_k (v_c - v_k)^2 = 2 m sum_c n_c (v_c - mean)^2 */
	for (c = 0; c < L; c++)
		mean += counts[c] * a->values[c];
	mean /= m;
	for (c = 0; c < L; c++)
		if (counts[c] > 0)
			sum += counts[c] * (a->values[c] - mean) * (a->values[c] - mean);
	return 2 * m * sum;
}

/* first pass: the pairable values per label */
static void
alpha_marginals(void *arg, const double *counts, int64 m, int32 L)
{
	AlphaSums  *a = arg;
	int32		c;

	if (m < 2)
		return;
	for (c = 0; c < L; c++)
		a->marginals[c] += counts[c];
	a->n += (double) m;
}

/* second pass: observed disagreement */
static void
alpha_observed(void *arg, const double *counts, int64 m, int32 L)
{
	AlphaSums  *a = arg;

	if (m >= 2)
		a->observed += pair_distances(a, counts, (double) m, L) / (double) (m - 1);
}

static bool
agreement_alpha(const AgreementState *s, uint16 level, double *out)
{
	Rating	   *r = agreement_ratings(s);
	AlphaSums	a;
	double	   *values;
	double		expected;
	int32		L;
	int32		c;

	if (s->nratings == 0)
		return false;
	require_annotators(s, r, 2, PG_INT64_MAX, "Krippendorff's alpha");
	L = code_labels(r, s->nratings, level != AGREE_NOMINAL, &values);
	if (L == 1)
	{
		*out = 1.0;				/* one label only: NLTK's 1 */
		return true;
	}
	memset(&a, 0, sizeof(a));
	a.nominal = level == AGREE_NOMINAL;
	a.values = values;
	a.marginals = palloc0(L * sizeof(double));
	for_each_item(r, s->nratings, L, alpha_marginals, &a);
	if (a.n == 0)
		return false;			/* no item has two ratings */
	if (level == AGREE_ORDINAL)
	{
		/* textbook ordinal distance: (M_k - M_c)^2, M_c = n_<c + n_c / 2 */
		double		below = 0;

		for (c = 0; c < L; c++)
		{
			values[c] = below + a.marginals[c] / 2;
			below += a.marginals[c];
		}
	}
	for_each_item(r, s->nratings, L, alpha_observed, &a);
	expected = pair_distances(&a, a.marginals, a.n, L);
	if (expected == 0)
		return false;
	*out = 1.0 - (a.n - 1) * a.observed / expected;
	return true;
}

Datum
vqc_agreement_alpha(PG_FUNCTION_ARGS)
{
	AgreementState *s = agreement_get_arg(fcinfo, 0);
	double		alpha;

	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("level must not be null")));
	if (!agreement_alpha(s, alpha_level(PG_GETARG_TEXT_PP(1)), &alpha))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(alpha);
}

/* the one-step aggregate's final function: the level it was given */
Datum
vqc_agreement_alpha_bound(PG_FUNCTION_ARGS)
{
	AgreementState *s = agreement_get_arg(fcinfo, 0);
	uint16		level = s->flags & AGREE_OPTION_MASK;
	double		alpha;

	if (level == 0 && s->nratings == 0)
		PG_RETURN_NULL();
	if (level < AGREE_NOMINAL || level > AGREE_INTERVAL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the state was not taken with a level"),
				 errhint("Give the level: vqc.krippendorff_alpha(state, level).")));
	if (!agreement_alpha(s, level, &alpha))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(alpha);
}

/*
 * Cohen's kappa of exactly two annotators over the items both rated, as
 * scikit-learn's cohen_kappa_score: 1 - sum(w * observed) / sum(w * expected),
 * w the distance of the labels' positions in sorted order (0/1, |i - j| or
 * (i - j)^2).
 */
/*
 * The labels of the items both annotators rated, as pairs: p[2i] by the
 * annotator first in text order, p[2i + 1] by the other; returns the pairs.
 * Items rated by one annotator only are skipped.
 */
static int64
cohen_pairs(Rating *r, int64 n, Rating *p)
{
	int64		npairs = 0;
	int64		start = 0;
	int64		i;

	qsort(r, n, sizeof(Rating), rating_item_ann_cmp);
	for (i = 1; i <= n; i++)
	{
		if (i < n && bytes_cmp(r[i].item, r[i].ilen, r[start].item, r[start].ilen) == 0)
			continue;
		if (i - start > 2 || (i - start == 2 && rating_ann_cmp(&r[start], &r[start + 1]) == 0))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("an annotator rates an item more than once"),
					 errdetail("Cohen's kappa pairs the two annotators' labels of each item.")));
		if (i - start == 2)
		{
			/* sorted by annotator within the item: the first annotator first */
			p[2 * npairs] = r[start];
			p[2 * npairs + 1] = r[start + 1];
			p[2 * npairs].pos = 2 * npairs;
			p[2 * npairs + 1].pos = 2 * npairs + 1;
			npairs++;
		}
		start = i;
	}
	return npairs;
}

/*
 * Cohen's kappa of exactly two annotators over the items both rated, as
 * scikit-learn's cohen_kappa_score: 1 - sum(w * observed) / sum(w * expected),
 * w from the positions of the two labels among the paired labels in sorted
 * order (0/1, |i - j| or (i - j)^2).
 */
static bool
agreement_cohen(const AgreementState *s, uint16 weights, double *out)
{
	Rating	   *r = agreement_ratings(s);
	Rating	   *p = palloc(Max(s->nratings, 1) * sizeof(Rating));
	int32	   *code = palloc(Max(s->nratings, 1) * sizeof(int32));
	int64		npairs;
	int32		L;
	int64		i;
	double	   *conf;
	double	   *rows;
	double	   *cols;
	double		obs = 0;
	double		exp = 0;
	int32		a;
	int32		b;

	if (s->nratings == 0)
		return false;
	require_annotators(s, r, 2, 2, "Cohen's kappa");
	npairs = cohen_pairs(r, s->nratings, p);
	if (npairs == 0)
		return false;
	L = code_labels(p, 2 * npairs, weights != AGREE_UNWEIGHTED, NULL);
	for (i = 0; i < 2 * npairs; i++)
		code[p[i].pos] = p[i].code;
	conf = palloc0((Size) L * L * sizeof(double));
	rows = palloc0(L * sizeof(double));
	cols = palloc0(L * sizeof(double));
	for (i = 0; i < npairs; i++)
	{
		conf[(Size) code[2 * i] * L + code[2 * i + 1]] += 1;
		rows[code[2 * i]] += 1;
		cols[code[2 * i + 1]] += 1;
	}
	for (a = 0; a < L; a++)
		for (b = 0; b < L; b++)
		{
			double		d = fabs((double) (a - b));
			double		w = weights == AGREE_UNWEIGHTED ? (a != b) :
				weights == AGREE_LINEAR ? d : d * d;

			obs += w * conf[(Size) a * L + b];
			exp += w * rows[a] * cols[b] / (double) npairs;
		}
	if (exp == 0)
		return false;
	*out = 1.0 - obs / exp;
	return true;
}

Datum
vqc_agreement_cohen(PG_FUNCTION_ARGS)
{
	double		kappa;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();		/* not strict: NULL weights are unweighted */
	if (!agreement_cohen(agreement_get_arg(fcinfo, 0), cohen_weights(fcinfo, 1), &kappa))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(kappa);
}

Datum
vqc_agreement_cohen_bound(PG_FUNCTION_ARGS)
{
	AgreementState *s = agreement_get_arg(fcinfo, 0);
	uint16		w = s->flags & AGREE_OPTION_MASK;
	double		kappa;

	if (w != 0 && w < AGREE_UNWEIGHTED)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the state was taken with a level, not weights")));
	if (!agreement_cohen(s, w == 0 ? AGREE_UNWEIGHTED : w, &kappa))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(kappa);
}

Datum
vqc_agreement_count(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(agreement_get_arg(fcinfo, 0)->nratings);
}

Datum
vqc_agreement_null_count(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(agreement_get_arg(fcinfo, 0)->nulls);
}
