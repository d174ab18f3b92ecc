/*-------------------------------------------------------------------------
 *
 * profile.c
 *	  vqc.profile: a mergeable, bounded-size column profile, built by the
 *	  parallel-safe aggregate vqc.profile_agg(anyelement).  This file is the
 *	  aggregate: the state's kinds, its exact and sketch modes, batching,
 *	  the transition, combine and final functions and vqc.merge.  The stored
 *	  form and the text and binary forms are in profile_format.c, the
 *	  accessors and vqc.profile_to_jsonb in profile_accessors.c.
 *
 * A profile holds, for one column:
 *	  - its kind (numeric, temporal, boolean, text) and input type;
 *	  - counts: rows, nulls, NaN, +Infinity, -Infinity, true, false;
 *	  - finite min/max and moments (n, mean, M2, M3, M4) of numbers and
 *		temporal values, which are profiled as float8: integers, numeric,
 *		float4 and float8 as their float8 value; date as days since
 *		1970-01-01; timestamp and timestamptz as microseconds since
 *		1970-01-01 00:00 (UTC for timestamptz); infinite dates and
 *		timestamps count as +/-Infinity;
 *	  - for text: character lengths (min, mean, max) and the byte-order
 *		(C collation) min and max, kept to 64 bytes with a clipped flag;
 *		bpchar values lose their trailing blanks first, as in comparisons;
 *	  - the distribution: in EXACT MODE the raw non-null values (at most
 *		2048, and for text at most 32 kB of strings), from which quantiles,
 *		ranks, distinct counts and frequencies are exact; past that, in
 *		SKETCH MODE, a KLL quantile sketch (kll.c), a HyperLogLog (hll.c)
 *		and Misra-Gries frequent values (frequent.c), fed the stored values
 *		at the switch.
 *
 * Hashes (HyperLogLog, frequent-value keys): for numbers and temporal
 * values splitmix64's finalizer over the float8's 64 bits (with -0 folded
 * into 0 and one canonical NaN), for text hash_bytes_extended(seed 0) over
 * the string's bytes.  So distinct counts of numbers count distinct float8
 * values (int8 above 2^53 may fold), and text is compared bytewise.
 *
 * Like the other state types the state is the varlena itself, modified in
 * place; a new pointer (per-tuple context) only when it grows or switches
 * to sketch mode.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "common/int.h"
#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"

#include "arg_type.h"
#include "numeric_float.h"
#include "profile_internal.h"
#include "state_io.h"

StaticAssertDecl(PROFILE_HDRSZ % 8 == 0, "profile data must be 8-byte aligned");
StaticAssertDecl(PROFILE_SKETCH_SIZE <= 64 * 1024, "a profile must fit in 64 kB");

PG_FUNCTION_INFO_V1(vqc_profile_transfn);
PG_FUNCTION_INFO_V1(vqc_profile_combinefn);
PG_FUNCTION_INFO_V1(vqc_profile_finalfn);
PG_FUNCTION_INFO_V1(vqc_profile_merge);

/* ---------------------------------------------------------------------
 * Types and values
 * ---------------------------------------------------------------------
 */

int
profile_kind_of_type(Oid typid)
{
	switch (typid)
	{
		case INT2OID:
		case INT4OID:
		case INT8OID:
		case NUMERICOID:
		case FLOAT4OID:
		case FLOAT8OID:
			return PK_NUMERIC;
		case DATEOID:
		case TIMESTAMPOID:
		case TIMESTAMPTZOID:
			return PK_TEMPORAL;
		case BOOLOID:
			return PK_BOOLEAN;
		case TEXTOID:
		case VARCHAROID:
		case BPCHAROID:
			return PK_TEXT;
		default:
			return PK_EMPTY;
	}
}

/* profiles merge when their types share a family (same units) */
static Oid
type_family(Oid typid)
{
	switch (profile_kind_of_type(typid))
	{
		case PK_NUMERIC:
			return FLOAT8OID;
		case PK_TEMPORAL:
			return typid == DATEOID ? DATEOID : TIMESTAMPTZOID;
		case PK_BOOLEAN:
			return BOOLOID;
		case PK_TEXT:
			return TEXTOID;
	}
	return InvalidOid;
}

const char *
profile_kind_name(int kind)
{
	switch (kind)
	{
		case PK_NUMERIC:
			return "numeric";
		case PK_TEMPORAL:
			return "temporal";
		case PK_BOOLEAN:
			return "boolean";
		case PK_TEXT:
			return "text";
	}
	return "empty";
}

static inline float8
datum_to_float8(Oid typid, Datum d)
{
	switch (typid)
	{
		case INT2OID:
			return (float8) DatumGetInt16(d);
		case INT4OID:
			return (float8) DatumGetInt32(d);
		case INT8OID:
			return (float8) DatumGetInt64(d);
		case FLOAT4OID:
			return (float8) DatumGetFloat4(d);
		case FLOAT8OID:
			return DatumGetFloat8(d);
		case NUMERICOID:
			return vqc_numeric_to_float8(d);
		case DATEOID:
			{
				DateADT		v = DatumGetDateADT(d);

				if (DATE_IS_NOBEGIN(v))
					return -INFINITY;
				if (DATE_IS_NOEND(v))
					return INFINITY;
				return (float8) v + EPOCH_DAYS;
			}
		case TIMESTAMPOID:
		case TIMESTAMPTZOID:
			{
				Timestamp	v = DatumGetTimestamp(d);

				if (TIMESTAMP_IS_NOBEGIN(v))
					return -INFINITY;
				if (TIMESTAMP_IS_NOEND(v))
					return INFINITY;
				return (float8) v + EPOCH_USECS;
			}
	}
	elog(ERROR, "unexpected type %u in a numeric profile", typid);
	return 0;
}


static inline uint64
hash_text(const char *p, int len)
{
	return hash_bytes_extended((const unsigned char *) p, len, 0);
}

/* ---------------------------------------------------------------------
 * States
 * ---------------------------------------------------------------------
 */

ProfileState *
profile_alloc_exact(const ProfileState *hdr, int32 cap)
{
	Size		sz = PROFILE_HDRSZ + cap;
	ProfileState *s = (ProfileState *) palloc0(sz);

	if (hdr)
	{
		memcpy(s, hdr, PROFILE_HDRSZ);
		if (hdr->exact_used > 0)
			memcpy(s->data, hdr->data, hdr->exact_used);
	}
	else
		s->version = VQC_STATE_VERSION;
	SET_VARSIZE(s, sz);
	s->exact_cap = cap;
	return s;
}

ProfileState *
profile_alloc_sketch(const ProfileState *hdr)
{
	/* zeroed: no byte of an earlier allocation may reach a stored state */
	ProfileState *s = (ProfileState *) palloc0(PROFILE_SKETCH_SIZE);
	ProfileSketch *sk = PROFILE_SKETCH(s);

	memcpy(s, hdr, PROFILE_HDRSZ);
	SET_VARSIZE(s, PROFILE_SKETCH_SIZE);
	s->flags |= PF_SKETCH;
	s->nexact = s->exact_used = s->exact_cap = 0;
	freq_init(&sk->freq);
	kll_init(&sk->kll);
	return s;
}

static inline void
sketch_number(ProfileSketch *sk, float8 x)
{
	uint64		h = hash_number(x);

	hll_add(sk->hll, h);
	freq_update(&sk->freq, h, x, NULL, 0, false, false);
	if (!isnan(x))
		kll_update(&sk->kll, x);
}

static inline void
sketch_text(ProfileSketch *sk, const char *p, int len)
{
	uint64		h = hash_text(p, len);
	int			cl = clip_len(p, len);

	hll_add(sk->hll, h);
	freq_update(&sk->freq, h, 0.0, p, cl, cl < len, true);
}

/*
 * Feeds a sketch-mode state's batched finite values into its moments and
 * sketches, in arrival order, so the sketches come out as if fed one by one.
 */
void
profile_flush_batch(ProfileState *s)
{
	ProfileSketch *sk = PROFILE_SKETCH(s);
	int			i;

	if (sk->nbatch == 0)
		return;
	moments_add_batch(&s->mom, sk->batch, sk->nbatch);
	for (i = 0; i < sk->nbatch; i++)
		sketch_number(sk, sk->batch[i]);
	sk->nbatch = 0;
}

/*
 * A flushed sketch-mode state given to the transition function (an
 * aggregate of the user's with a profile as INITCOND) regains its batch.
 */
static ProfileState *
profile_widen(const ProfileState *s)
{
	ProfileState *w = palloc0(PROFILE_SKETCH_SIZE);

	memcpy(w, s, PROFILE_FLUSHED_SIZE);
	SET_VARSIZE(w, PROFILE_SKETCH_SIZE);
	PROFILE_SKETCH(w)->nbatch = 0;
	return w;
}

/* iterates over the text entries of an exact state */

/* feeds the exact values of src into the sketches of dst */
static void
feed_exact(ProfileState *dst, const ProfileState *src)
{
	ProfileSketch *sk = PROFILE_SKETCH(dst);
	int32		i;

	Assert(dst->flags & PF_SKETCH);
	if (src->flags & PF_SKETCH)
		return;
	if (src->kind == PK_TEXT)
	{
		const char *p = src->data;

		for (i = 0; i < src->nexact; i++)
		{
			int32		len;
			const char *v = text_entry(p, &len);

			sketch_text(sk, v, len);
			p = v + len;
		}
	}
	else if (src->kind == PK_NUMERIC || src->kind == PK_TEMPORAL)
	{
		const float8 *v = (const float8 *) src->data;

		for (i = 0; i < src->nexact; i++)
			sketch_number(sk, v[i]);
	}
}

/* exact mode is full: a new sketch-mode state fed the stored values */
static ProfileState *
profile_to_sketch(const ProfileState *s)
{
	ProfileState *n = profile_alloc_sketch(s);

	feed_exact(n, s);
	return n;
}

/* room for need more bytes of exact data: the same or a grown state */
static ProfileState *
profile_reserve(ProfileState *s, int32 need, int32 max)
{
	Size		cap;

	if (s->exact_used + need <= s->exact_cap)
		return s;
	cap = vqc_grow_capacity(s->exact_cap, s->exact_used + need, max);
	return profile_alloc_exact(s, (int32) cap);
}

static ProfileState *
profile_add_number(ProfileState *s, float8 x)
{
	/*
	 * The common case, a finite value in sketch mode, only joins the batch;
	 * a NaN or infinity first flushes it, keeping the arrival order.
	 */
	if (likely(s->flags & PF_SKETCH))
	{
		ProfileSketch *sk = PROFILE_SKETCH(s);

		if (likely(isfinite(x)))
		{
			sk->batch[sk->nbatch++] = (x == 0) ? 0.0 : x;	/* -0 as 0 */
			if (unlikely(sk->nbatch == PROFILE_BATCH))
				profile_flush_batch(s);
			return s;
		}
		profile_flush_batch(s);
	}
	if (isnan(x))
		s->nan++;
	else if (isinf(x))
	{
		if (x > 0)
			s->posinf++;
		else
			s->neginf++;
	}
	else
		moments_add(&s->mom, x);
	x = canonical(x);

	if (likely(s->flags & PF_SKETCH))
	{
		sketch_number(PROFILE_SKETCH(s), x);
		return s;
	}
	if (s->nexact < PROFILE_EXACT_CAP)
	{
		s = profile_reserve(s, sizeof(float8), PROFILE_EXACT_CAP * sizeof(float8));
		memcpy(s->data + s->exact_used, &x, sizeof(float8));
		s->exact_used += sizeof(float8);
		s->nexact++;
		return s;
	}
	s = profile_to_sketch(s);
	sketch_number(PROFILE_SKETCH(s), x);
	return s;
}

/*
 * Characters in a valid string of the database encoding.  In UTF-8 that is
 * the number of bytes that do not continue a character, a loop the compiler
 * vectorizes; pg_mbstrlen_with_len's per-character calls were a tenth of
 * the profile's time on e-mail addresses.
 */
static int64
text_char_length(const char *p, int len)
{
	if (GetDatabaseEncoding() == PG_UTF8)
	{
		const unsigned char *u = (const unsigned char *) p;
		int64		n = 0;
		int			i;

		for (i = 0; i < len; i++)
			n += (u[i] & 0xC0) != 0x80;
		return n;
	}
	return pg_mbstrlen_with_len(p, len);
}

static ProfileState *
profile_add_text(ProfileState *s, const char *p, int len)
{
	int64		nn = s->rows - s->nulls - 1;	/* non-null values before this */
	int64		nchars = text_char_length(p, len);
	int			cl = clip_len(p, len);
	bool		clipped = cl < len;

	if (nn == 0)
	{
		s->len_min = s->len_max = nchars;
		memcpy(s->mintext, p, cl);
		memcpy(s->maxtext, p, cl);
		s->minlen = s->maxlen = (uint8) cl;
		if (clipped)
			s->flags |= PF_MIN_CLIPPED | PF_MAX_CLIPPED;
	}
	else
	{
		if (nchars < s->len_min)
			s->len_min = nchars;
		if (nchars > s->len_max)
			s->len_max = nchars;
		if (clipped_cmp(p, cl, clipped, s->mintext, s->minlen,
						(s->flags & PF_MIN_CLIPPED) != 0) < 0)
		{
			memcpy(s->mintext, p, cl);
			s->minlen = (uint8) cl;
			s->flags = (s->flags & ~PF_MIN_CLIPPED) | (clipped ? PF_MIN_CLIPPED : 0);
		}
		if (clipped_cmp(p, cl, clipped, s->maxtext, s->maxlen,
						(s->flags & PF_MAX_CLIPPED) != 0) > 0)
		{
			memcpy(s->maxtext, p, cl);
			s->maxlen = (uint8) cl;
			s->flags = (s->flags & ~PF_MAX_CLIPPED) | (clipped ? PF_MAX_CLIPPED : 0);
		}
	}
	s->len_total += nchars;

	if (s->flags & PF_SKETCH)
	{
		sketch_text(PROFILE_SKETCH(s), p, len);
		return s;
	}
	if (s->nexact < PROFILE_EXACT_CAP &&
		(int64) s->exact_used + (int64) sizeof(uint32) + len <= PROFILE_EXACT_TEXT_BYTES)
	{
		uint32		l = (uint32) len;

		s = profile_reserve(s, sizeof(uint32) + len, PROFILE_EXACT_TEXT_BYTES);
		memcpy(s->data + s->exact_used, &l, sizeof(uint32));
		memcpy(s->data + s->exact_used + sizeof(uint32), p, len);
		s->exact_used += sizeof(uint32) + len;
		s->nexact++;
		return s;
	}
	s = profile_to_sketch(s);
	sketch_text(PROFILE_SKETCH(s), p, len);
	return s;
}

/* ---------------------------------------------------------------------
 * Transition
 * ---------------------------------------------------------------------
 */

/* what a transition call site knows of its argument's type, in fn_extra */
typedef struct ProfileInput
{
	Oid			typid;			/* the argument's (base) type */
	Oid			family;			/* type_family(typid) */
} ProfileInput;

/* the profiled type of the aggregate's argument, cached in fn_extra */
static const ProfileInput *
profile_input_type(FunctionCallInfo fcinfo)
{
	ProfileInput *cache = (ProfileInput *) fcinfo->flinfo->fn_extra;

	if (unlikely(cache == NULL))
	{
		Oid			typid = vqc_arg_type(fcinfo, 1);

		if (!OidIsValid(typid))
			elog(ERROR, "could not determine the input type of vqc.profile_agg");
		typid = getBaseType(typid);
		if (profile_kind_of_type(typid) == PK_EMPTY)
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("vqc.profile_agg does not support type %s",
							format_type_be(typid)),
					 errhint("Supported types are smallint, integer, bigint, numeric, real, double precision, boolean, date, timestamp, timestamptz, text, varchar and char; cast the column to one of them.")));
		cache = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(ProfileInput));
		cache->typid = typid;
		cache->family = type_family(typid);
		fcinfo->flinfo->fn_extra = cache;
	}
	return cache;
}

/*
 * A state of another type than the call's (an INITCOND of the user's, or a
 * state merged from types of one family) takes values of its family only:
 * the state's kind decides how the argument's datum is read.
 */
static void
profile_check_input(ProfileState *s, const ProfileInput *in)
{
	if (type_family(s->typid) != in->family)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("cannot add a value of type %s to a profile of %s",
						format_type_be(in->typid), format_type_be(s->typid)),
				 errdetail("A profile takes values of the type family it was built from.")));
	s->typid = in->family;
}

/*
 * Transition: not strict, so that NULLs are counted; the INITCOND is the
 * empty profile, whose kind the first row sets.
 */
Datum
vqc_profile_transfn(PG_FUNCTION_ARGS)
{
	const ProfileInput *in;
	Oid			typid;
	ProfileState *s;

	/* checked once per call site: profile_input_type() caches in fn_extra */
	if (unlikely(fcinfo->flinfo->fn_extra == NULL) &&
		!AggCheckCallContext(fcinfo, NULL))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("vqc.profile_transfn must be called by an aggregate")));

	in = profile_input_type(fcinfo);
	typid = in->typid;
	if (PG_ARGISNULL(0))
		s = profile_alloc_exact(NULL, 0);
	else
		s = (ProfileState *) vqc_state_writable(PG_GETARG_DATUM(0));
	if (unlikely((s->flags & PF_SKETCH) && VARSIZE(s) != PROFILE_SKETCH_SIZE))
		s = profile_widen(s);
	if (unlikely(s->kind == PK_EMPTY))
	{
		s->kind = (uint8) profile_kind_of_type(typid);
		s->typid = typid;
	}
	else if (unlikely(s->typid != typid && s->typid != in->family))
		profile_check_input(s, in);
	s->rows++;
	if (PG_ARGISNULL(1))
	{
		s->nulls++;
		PG_RETURN_POINTER(s);
	}

	switch (s->kind)
	{
		case PK_NUMERIC:
		case PK_TEMPORAL:
			s = profile_add_number(s, datum_to_float8(typid, PG_GETARG_DATUM(1)));
			break;
		case PK_BOOLEAN:
			if (PG_GETARG_BOOL(1))
				s->ntrue++;
			else
				s->nfalse++;
			break;
		case PK_TEXT:
			{
				text	   *t = PG_GETARG_TEXT_PP(1);
				char	   *p = VARDATA_ANY(t);
				int			len = VARSIZE_ANY_EXHDR(t);

				if (typid == BPCHAROID)
					len = bpchartruelen(p, len);
				s = profile_add_text(s, p, len);
			}
			break;
	}
	PG_RETURN_POINTER(s);
}

/* ---------------------------------------------------------------------
 * Combine, final and vqc.merge
 * ---------------------------------------------------------------------
 */

static inline int64
add_count(int64 a, int64 b)
{
	int64		r;

	if (pg_add_s64_overflow(a, b, &r))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("profile count out of range")));
	return r;
}

/* text min/max and lengths of l := l merged with r (r has values) */
static void
combine_text_summary(ProfileState *l, const ProfileState *r)
{
	if (profile_nonnull(l) == 0)
	{
		l->len_min = r->len_min;
		l->len_max = r->len_max;
		memcpy(l->mintext, r->mintext, r->minlen);
		memcpy(l->maxtext, r->maxtext, r->maxlen);
		l->minlen = r->minlen;
		l->maxlen = r->maxlen;
		l->flags = (l->flags & ~(PF_MIN_CLIPPED | PF_MAX_CLIPPED)) |
			(r->flags & (PF_MIN_CLIPPED | PF_MAX_CLIPPED));
	}
	else
	{
		l->len_min = Min(l->len_min, r->len_min);
		l->len_max = Max(l->len_max, r->len_max);
		if (clipped_cmp(r->mintext, r->minlen, (r->flags & PF_MIN_CLIPPED) != 0,
						l->mintext, l->minlen, (l->flags & PF_MIN_CLIPPED) != 0) < 0)
		{
			memcpy(l->mintext, r->mintext, r->minlen);
			l->minlen = r->minlen;
			l->flags = (l->flags & ~PF_MIN_CLIPPED) | (r->flags & PF_MIN_CLIPPED);
		}
		if (clipped_cmp(r->maxtext, r->maxlen, (r->flags & PF_MAX_CLIPPED) != 0,
						l->maxtext, l->maxlen, (l->flags & PF_MAX_CLIPPED) != 0) > 0)
		{
			memcpy(l->maxtext, r->maxtext, r->maxlen);
			l->maxlen = r->maxlen;
			l->flags = (l->flags & ~PF_MAX_CLIPPED) | (r->flags & PF_MAX_CLIPPED);
		}
	}
	l->len_total = add_count(l->len_total, r->len_total);
}

static void
combine_counts(ProfileState *l, const ProfileState *r)
{
	l->rows = add_count(l->rows, r->rows);
	l->nulls = add_count(l->nulls, r->nulls);
	l->nan = add_count(l->nan, r->nan);
	l->posinf = add_count(l->posinf, r->posinf);
	l->neginf = add_count(l->neginf, r->neginf);
	l->ntrue = add_count(l->ntrue, r->ntrue);
	l->nfalse = add_count(l->nfalse, r->nfalse);
	moments_combine(&l->mom, &r->mom);
}

/*
 * The values or sketches of l := l merged with r: exact while both are
 * exact and the union fits, else sketches fed whatever is exact.  Returns
 * l or a new state.
 */
static ProfileState *
combine_values(ProfileState *l, const ProfileState *r)
{
	bool		lsk = (l->flags & PF_SKETCH) != 0;
	bool		rsk = (r->flags & PF_SKETCH) != 0;

	if (!lsk && !rsk)
	{
		int32		max = (l->kind == PK_TEXT) ? PROFILE_EXACT_TEXT_BYTES :
			PROFILE_EXACT_CAP * (int32) sizeof(float8);

		if (l->nexact + r->nexact <= PROFILE_EXACT_CAP &&
			(int64) l->exact_used + r->exact_used <= max)
		{
			l = profile_reserve(l, r->exact_used, max);
			memcpy(l->data + l->exact_used, r->data, r->exact_used);
			l->exact_used += r->exact_used;
			l->nexact += r->nexact;
			return l;
		}
		l = profile_to_sketch(l);
		feed_exact(l, r);
		return l;
	}
	if (!lsk)
	{
		/* r's sketches, l's (merged) header, then l's values */
		ProfileState *n = profile_alloc_sketch(l);

		memcpy(PROFILE_SKETCH(n), PROFILE_SKETCH(r), offsetof(ProfileSketch, batch));
		feed_exact(n, l);
		return n;
	}
	if (!rsk)
	{
		feed_exact(l, r);
		return l;
	}
	hll_merge(PROFILE_SKETCH(l)->hll, PROFILE_SKETCH(r)->hll);
	freq_merge(&PROFILE_SKETCH(l)->freq, &PROFILE_SKETCH(r)->freq, l->kind == PK_TEXT);
	if (l->kind != PK_TEXT)
		kll_merge(&PROFILE_SKETCH(l)->kll, &PROFILE_SKETCH(r)->kll);
	return l;
}

/*
 * l := l merged with r (l writable, r read only).  Returns l or a new
 * state.  Profiles of different kinds, or of temporal types with different
 * units, do not merge.
 */
static ProfileState *
profile_combine(ProfileState *l, const ProfileState *r)
{
	Assert(r->kind == PK_TEXT || !(r->flags & PF_SKETCH) ||
		   PROFILE_SKETCH(r)->nbatch == 0);
	if ((l->flags & PF_SKETCH) && l->kind != PK_TEXT)
		profile_flush_batch(l);
	if (r->kind == PK_EMPTY)
		return l;
	if (l->kind == PK_EMPTY)
	{
		ProfileState *n = palloc(VARSIZE(r));

		memcpy(n, r, VARSIZE(r));
		return n;
	}
	if (type_family(l->typid) != type_family(r->typid))
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("cannot merge a profile of %s with a profile of %s",
						format_type_be(l->typid), format_type_be(r->typid)),
				 errdetail("Profiles merge only when their columns have the same kind and units.")));
	if (l->typid != r->typid)
		l->typid = type_family(l->typid);

	if (l->kind == PK_TEXT && profile_nonnull(r) > 0)
		combine_text_summary(l, r);
	combine_counts(l, r);
	if (l->kind == PK_BOOLEAN)
		return l;
	return combine_values(l, r);
}

Datum
vqc_profile_combinefn(PG_FUNCTION_ARGS)
{
	ProfileState *l;
	ProfileState *r;

	if (!AggCheckCallContext(fcinfo, NULL))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("vqc.profile_combinefn must be called by an aggregate")));

	l = (ProfileState *) vqc_state_writable(PG_GETARG_DATUM(0));
	r = profile_get_arg(fcinfo, 1);
	PG_RETURN_POINTER(profile_combine(l, r));
}

/* The aggregates' result: the stored form (a copy, see profile_stored()). */
Datum
vqc_profile_finalfn(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(profile_stored(profile_checked(PG_GETARG_DATUM(0))));
}

/* vqc.merge(a, b): not strict; a NULL side yields the other */
Datum
vqc_profile_merge(PG_FUNCTION_ARGS)
{
	ProfileState *a;
	ProfileState *copy;

	if (PG_ARGISNULL(0) && PG_ARGISNULL(1))
		PG_RETURN_NULL();
	if (PG_ARGISNULL(0))
		PG_RETURN_DATUM(PG_GETARG_DATUM(1));
	if (PG_ARGISNULL(1))
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	a = profile_get_arg(fcinfo, 0);
	copy = palloc(VARSIZE(a));
	memcpy(copy, a, VARSIZE(a));
	PG_RETURN_POINTER(profile_stored(profile_combine(copy, profile_get_arg(fcinfo, 1))));
}
