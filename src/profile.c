/*-------------------------------------------------------------------------
 *
 * profile.c
 *	  vqc.profile: a mergeable, bounded-size column profile, built by the
 *	  parallel-safe aggregate vqc.profile_agg(anyelement) and read by the
 *	  accessors below.
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
 * Quantiles, ranks and histograms are over the non-NaN values; NaN counts
 * are reported separately.  In exact mode vqc.quantile() equals
 * percentile_cont over those values.
 *
 * Like the other state types the state is the varlena itself, modified in
 * place; a new pointer (per-tuple context) only when it grows or switches
 * to sketch mode.  External forms: binary (send/recv) and its lower-case
 * hex (out/in), versioned, validated completely on input.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "common/int.h"
#include "datatype/timestamp.h"
#include "fmgr.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "port/pg_bswap.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/float.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"

#include "numeric_float.h"
#include "profile.h"
#include "state_io.h"

#define TYPNAME "vqc.profile"

/* days and microseconds between 1970-01-01 and PostgreSQL's 2000-01-01 */
#define EPOCH_DAYS		((double) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE))
#define EPOCH_USECS		((double) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * (double) USECS_PER_DAY)

StaticAssertDecl(PROFILE_HDRSZ % 8 == 0, "profile data must be 8-byte aligned");
StaticAssertDecl(PROFILE_SKETCH_SIZE <= 64 * 1024, "a profile must fit in 64 kB");

PG_FUNCTION_INFO_V1(vqc_profile_in);
PG_FUNCTION_INFO_V1(vqc_profile_out);
PG_FUNCTION_INFO_V1(vqc_profile_recv);
PG_FUNCTION_INFO_V1(vqc_profile_send);
PG_FUNCTION_INFO_V1(vqc_profile_transfn);
PG_FUNCTION_INFO_V1(vqc_profile_combinefn);
PG_FUNCTION_INFO_V1(vqc_profile_finalfn);
PG_FUNCTION_INFO_V1(vqc_profile_merge);
PG_FUNCTION_INFO_V1(vqc_profile_quantile);
PG_FUNCTION_INFO_V1(vqc_profile_quantiles);
PG_FUNCTION_INFO_V1(vqc_profile_rank);
PG_FUNCTION_INFO_V1(vqc_profile_ndistinct);
PG_FUNCTION_INFO_V1(vqc_profile_top_values);
PG_FUNCTION_INFO_V1(vqc_profile_histogram);
PG_FUNCTION_INFO_V1(vqc_profile_row_count);
PG_FUNCTION_INFO_V1(vqc_profile_null_count);
PG_FUNCTION_INFO_V1(vqc_profile_null_fraction);
PG_FUNCTION_INFO_V1(vqc_profile_mean);
PG_FUNCTION_INFO_V1(vqc_profile_variance);
PG_FUNCTION_INFO_V1(vqc_profile_stddev);
PG_FUNCTION_INFO_V1(vqc_profile_skewness);
PG_FUNCTION_INFO_V1(vqc_profile_kurtosis);
PG_FUNCTION_INFO_V1(vqc_profile_min_value);
PG_FUNCTION_INFO_V1(vqc_profile_max_value);
PG_FUNCTION_INFO_V1(vqc_profile_is_exact);
PG_FUNCTION_INFO_V1(vqc_profile_to_jsonb);

/* ---------------------------------------------------------------------
 * Types and values
 * ---------------------------------------------------------------------
 */

static int
kind_of_type(Oid typid)
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
	switch (kind_of_type(typid))
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

/*
 * The text of a profiled number: float8's shortest exact form for numbers,
 * ISO 8601 for dates and timestamps (timestamptz in UTC, so the accessors
 * stay immutable).
 */
static char *
value_text(Oid typid, float8 x)
{
	char		buf[MAXDATELEN + 1];
	struct pg_tm tm;
	fsec_t		fsec;

	if (isnan(x))
		return pstrdup("NaN");
	if (kind_of_type(typid) == PK_TEMPORAL && isinf(x))
		return pstrdup(x > 0 ? "infinity" : "-infinity");
	switch (typid)
	{
		case DATEOID:
			j2date((int) (x - EPOCH_DAYS) + POSTGRES_EPOCH_JDATE,
				   &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
			EncodeDateOnly(&tm, USE_ISO_DATES, buf);
			return pstrdup(buf);
		case TIMESTAMPOID:
		case TIMESTAMPTZOID:
			if (timestamp2tm((Timestamp) (x - EPOCH_USECS), NULL, &tm, &fsec, NULL, NULL) != 0)
				return float8out_internal(x);
			tm.tm_isdst = 0;	/* UTC: EncodeDateTime prints the zone only then */
			EncodeDateTime(&tm, fsec, typid == TIMESTAMPTZOID, 0, NULL, USE_ISO_DATES, buf);
			return pstrdup(buf);
		case BOOLOID:
			return pstrdup(x != 0 ? "true" : "false");
	}
	return float8out_internal(x);
}

/* -0 folds into 0, every NaN into one NaN: equal values, equal bits */
static inline float8
canonical(float8 x)
{
	if (x == 0)
		return 0.0;
	if (isnan(x))
		return get_float8_nan();
	return x;
}

/*
 * splitmix64's output function (Stafford's "Mix13" finalizer) over the
 * float8's bits: a bijection with full avalanche, inlined, a third of the
 * cost of hash_bytes_extended over the same 8 bytes.
 */
static inline uint64
hash_number(float8 x)
{
	uint64		z;

	memcpy(&z, &x, sizeof(z));
	z += UINT64CONST(0x9E3779B97F4A7C15);
	z = (z ^ (z >> 30)) * UINT64CONST(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64CONST(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

static inline uint64
hash_text(const char *p, int len)
{
	return hash_bytes_extended((const unsigned char *) p, len, 0);
}

/* bytes of p kept as a clipped value: whole characters, at most 64 bytes */
static inline int
clip_len(const char *p, int len)
{
	if (len <= PROFILE_CLIP)
		return len;
	return pg_mbcliplen(p, len, PROFILE_CLIP);
}

/* byte order of clipped keys; a clipped key sorts after its unclipped twin */
static int
clipped_cmp(const char *a, int alen, bool aclip, const char *b, int blen, bool bclip)
{
	int			c = memcmp(a, b, Min(alen, blen));

	if (c != 0)
		return c;
	if (alen != blen)
		return alen < blen ? -1 : 1;
	return (int) aclip - (int) bclip;
}

/* ---------------------------------------------------------------------
 * States
 * ---------------------------------------------------------------------
 */

static ProfileState *
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

static ProfileState *
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
static void
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
 * Zeroes every byte of a stored form that no field uses (the tails of the
 * text min/max, padding, the sketches' free space), so that logically
 * equal profiles are equal bytes, as profile_parse() builds them.
 */
static void
profile_clear_unused(ProfileState *s)
{
	memset(s->mintext + s->minlen, 0, PROFILE_CLIP - s->minlen);
	memset(s->maxtext + s->maxlen, 0, PROFILE_CLIP - s->maxlen);
	s->pad = s->pad2 = 0;
	if (s->flags & PF_SKETCH)
	{
		freq_clear_unused(&PROFILE_SKETCH(s)->freq);
		kll_clear_unused(&PROFILE_SKETCH(s)->kll);
		PROFILE_SKETCH(s)->pad = 0;
	}
}

/*
 * s itself when it is flushed already, else a flushed copy, which ends
 * before batch[]: what the aggregate returns and tables store.
 */
static ProfileState *
profile_flushed(ProfileState *s)
{
	ProfileState *c;

	if (!(s->flags & PF_SKETCH) || VARSIZE(s) == PROFILE_FLUSHED_SIZE)
		return s;
	c = palloc(PROFILE_SKETCH_SIZE);
	memcpy(c, s, PROFILE_SKETCH_SIZE);
	profile_flush_batch(c);
	SET_VARSIZE(c, PROFILE_FLUSHED_SIZE);
	profile_clear_unused(c);
	return c;
}

/*
 * The stored form of a state leaving an aggregate or vqc.merge, always a
 * copy: flushed (see above), exact data trimmed to what is used, unused
 * bytes zeroed (a merged state may be flushed and still hold stale bytes).
 */
static ProfileState *
profile_stored(ProfileState *s)
{
	ProfileState *c;

	if (!(s->flags & PF_SKETCH))
		c = profile_alloc_exact(s, s->exact_used);
	else if (VARSIZE(s) != PROFILE_FLUSHED_SIZE)
		return profile_flushed(s);
	else
	{
		c = palloc(PROFILE_FLUSHED_SIZE);
		memcpy(c, s, PROFILE_FLUSHED_SIZE);
	}
	profile_clear_unused(c);
	return c;
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
static inline const char *
text_entry(const char *p, int32 *len)
{
	uint32		l;

	memcpy(&l, p, sizeof(l));
	*len = (int32) l;
	return p + sizeof(uint32);
}

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
		Oid			typid = get_fn_expr_argtype(fcinfo->flinfo, 1);

		if (!OidIsValid(typid))
			elog(ERROR, "could not determine the input type of vqc.profile_agg");
		typid = getBaseType(typid);
		if (kind_of_type(typid) == PK_EMPTY)
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
		elog(ERROR, "vqc_profile_transfn called in non-aggregate context");

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
		s->kind = (uint8) kind_of_type(typid);
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

/*
 * l := l merged with r (l writable, r read only).  Returns l or a new
 * state.  Profiles of different kinds, or of temporal types with different
 * units, do not merge.
 */
static ProfileState *
profile_combine(ProfileState *l, const ProfileState *r)
{
	int64		lnn;
	int64		rnn;
	bool		lsk;
	bool		rsk;

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

	lnn = l->rows - l->nulls;
	rnn = r->rows - r->nulls;

	/* text min/max and lengths */
	if (l->kind == PK_TEXT && rnn > 0)
	{
		if (lnn == 0)
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

	l->rows = add_count(l->rows, r->rows);
	l->nulls = add_count(l->nulls, r->nulls);
	l->nan = add_count(l->nan, r->nan);
	l->posinf = add_count(l->posinf, r->posinf);
	l->neginf = add_count(l->neginf, r->neginf);
	l->ntrue = add_count(l->ntrue, r->ntrue);
	l->nfalse = add_count(l->nfalse, r->nfalse);
	moments_combine(&l->mom, &r->mom);

	if (l->kind == PK_BOOLEAN)
		return l;

	lsk = (l->flags & PF_SKETCH) != 0;
	rsk = (r->flags & PF_SKETCH) != 0;
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

/* A read-only, detoasted, checked profile, its batch not flushed. */
static ProfileState *
profile_checked(Datum d)
{
	ProfileState *s = (ProfileState *) PG_DETOAST_DATUM(d);
	bool		ok;

	ok = VARSIZE(s) >= PROFILE_HDRSZ && s->version == VQC_STATE_VERSION &&
		s->kind <= PK_TEXT;
	if (ok && (s->flags & PF_SKETCH))
		ok = (VARSIZE(s) == PROFILE_SKETCH_SIZE ||
			  VARSIZE(s) == PROFILE_FLUSHED_SIZE) &&
			PROFILE_SKETCH(s)->nbatch >= 0 &&
			(PROFILE_SKETCH(s)->nbatch == 0 || VARSIZE(s) == PROFILE_SKETCH_SIZE) &&
			PROFILE_SKETCH(s)->nbatch < PROFILE_BATCH &&
			(PROFILE_SKETCH(s)->nbatch == 0 || s->kind == PK_NUMERIC ||
			 s->kind == PK_TEMPORAL);
	else if (ok)
		ok = s->exact_cap >= 0 && s->exact_used >= 0 &&
			s->exact_used <= s->exact_cap &&
			VARSIZE(s) == PROFILE_HDRSZ + (Size) s->exact_cap;
	if (!ok)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("unsupported or corrupt vqc state"),
				 errdetail("The stored profile was not written by this version of vqc.")));
	return s;
}

/* A read-only, detoasted, checked profile. */
ProfileState *
profile_from_datum(Datum d)
{
	return profile_flushed(profile_checked(d));
}

/* A read-only, detoasted profile argument. */
static ProfileState *
profile_get_arg(FunctionCallInfo fcinfo, int argno)
{
	return profile_from_datum(PG_GETARG_DATUM(argno));
}

Datum
vqc_profile_combinefn(PG_FUNCTION_ARGS)
{
	ProfileState *l;
	ProfileState *r;

	if (!AggCheckCallContext(fcinfo, NULL))
		elog(ERROR, "vqc_profile_combinefn called in non-aggregate context");

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

/* ---------------------------------------------------------------------
 * External forms
 * ---------------------------------------------------------------------
 */

static inline void
send_f8(StringInfo buf, float8 x)
{
	uint64		bits;

	memcpy(&bits, &x, sizeof(bits));
	pq_sendint64(buf, bits);
}

static inline float8
read_f8(VqcReader *r)
{
	uint64		bits = vqc_read_u64(r);
	float8		x;

	memcpy(&x, &bits, sizeof(x));
	return x;
}

/*
 * Binary form (network byte order): header ("VQCP", version, flags), kind
 * (uint8), type oid (uint32), rows, nulls, nan, +inf, -inf, true, false
 * (int64 each), moments n (int64), mean, M2, M3, M4, min, max (float8
 * each), text length min, max, total (int64 each), text min and max (uint8
 * length + bytes each), then
 *	  exact mode: value count (int32) and the values: float8 each, or
 *		(uint32 length + bytes) each for text;
 *	  sketch mode: the 16384 HyperLogLog registers (uint8 each), the
 *		frequent values (frequent.c), and for numbers and temporal values
 *		the KLL sketch (kll.c).
 */
static void
profile_write(StringInfo buf, const ProfileState *s)
{
	int32		i;

	enlargeStringInfo(buf, 256 + (s->flags & PF_SKETCH ? sizeof(ProfileSketch) : s->exact_used));
	vqc_write_header(buf, VQC_MAGIC_PROFILE, s->flags);
	pq_sendbyte(buf, s->kind);
	pq_sendint32(buf, s->typid);
	pq_sendint64(buf, (uint64) s->rows);
	pq_sendint64(buf, (uint64) s->nulls);
	pq_sendint64(buf, (uint64) s->nan);
	pq_sendint64(buf, (uint64) s->posinf);
	pq_sendint64(buf, (uint64) s->neginf);
	pq_sendint64(buf, (uint64) s->ntrue);
	pq_sendint64(buf, (uint64) s->nfalse);
	pq_sendint64(buf, (uint64) s->mom.n);
	send_f8(buf, s->mom.mean);
	send_f8(buf, s->mom.m2);
	send_f8(buf, s->mom.m3);
	send_f8(buf, s->mom.m4);
	send_f8(buf, s->mom.min);
	send_f8(buf, s->mom.max);
	pq_sendint64(buf, (uint64) s->len_min);
	pq_sendint64(buf, (uint64) s->len_max);
	pq_sendint64(buf, (uint64) s->len_total);
	pq_sendbyte(buf, s->minlen);
	pq_sendbytes(buf, s->mintext, s->minlen);
	pq_sendbyte(buf, s->maxlen);
	pq_sendbytes(buf, s->maxtext, s->maxlen);

	if (!(s->flags & PF_SKETCH))
	{
		const char *p = s->data;

		pq_sendint32(buf, (uint32) s->nexact);
		for (i = 0; i < s->nexact; i++)
		{
			if (s->kind == PK_TEXT)
			{
				int32		len;
				const char *v = text_entry(p, &len);

				pq_sendint32(buf, (uint32) len);
				pq_sendbytes(buf, v, len);
				p = v + len;
			}
			else
			{
				float8		x;

				memcpy(&x, p, sizeof(x));
				send_f8(buf, x);
				p += sizeof(float8);
			}
		}
	}
	else
	{
		const ProfileSketch *sk = PROFILE_SKETCH(s);

		pq_sendbytes(buf, (const char *) sk->hll, HLL_M);
		freq_write(buf, &sk->freq);
		if (s->kind != PK_TEXT)
			kll_write(buf, &sk->kll);
	}
}

/* subtracts c from *rem, rejecting when c is negative or exceeds it */
static void
take_count(VqcReader *r, int64 *rem, int64 c, const char *detail)
{
	if (c < 0 || c > *rem)
		vqc_bad_state(r, detail);
	*rem -= c;
}

static bool
is_canonical(float8 x)
{
	float8		c = canonical(x);

	return memcmp(&c, &x, sizeof(x)) == 0;
}

/* text in a state must be valid in the server encoding, as text input is */
static void
check_encoding(VqcReader *r, const char *p, int len)
{
	if (!pg_verifymbstr(p, len, true))
		vqc_bad_state(r, "A stored string is not valid in the server encoding.");
}

static ProfileState *
profile_parse(const char *data, Size len, int errcode)
{
	VqcReader	r;
	ProfileState hdr;
	ProfileState *s;
	uint16		flags;
	int64		nn;
	int64		rem;
	Oid			typid;
	int			i;

	memset(&hdr, 0, sizeof(hdr));
	vqc_reader_init(&r, data, len, errcode, TYPNAME);
	flags = vqc_read_header(&r, VQC_MAGIC_PROFILE);
	if (flags & ~PF_ALL_FLAGS)
		vqc_bad_state(&r, "The state has unknown flag bits set.");
	hdr.version = VQC_STATE_VERSION;
	hdr.flags = flags;
	hdr.kind = vqc_read_u8(&r);
	typid = vqc_read_u32(&r);
	hdr.typid = typid;
	if (hdr.kind > PK_TEXT)
		vqc_bad_state(&r, "The profile kind is invalid.");
	if (hdr.kind == PK_EMPTY ? typid != InvalidOid : kind_of_type(typid) != hdr.kind)
		vqc_bad_state(&r, "The profile's type does not match its kind.");

	hdr.rows = vqc_read_i64(&r);
	hdr.nulls = vqc_read_i64(&r);
	hdr.nan = vqc_read_i64(&r);
	hdr.posinf = vqc_read_i64(&r);
	hdr.neginf = vqc_read_i64(&r);
	hdr.ntrue = vqc_read_i64(&r);
	hdr.nfalse = vqc_read_i64(&r);
	hdr.mom.n = vqc_read_i64(&r);
	hdr.mom.mean = read_f8(&r);
	hdr.mom.m2 = read_f8(&r);
	hdr.mom.m3 = read_f8(&r);
	hdr.mom.m4 = read_f8(&r);
	hdr.mom.min = read_f8(&r);
	hdr.mom.max = read_f8(&r);
	hdr.len_min = vqc_read_i64(&r);
	hdr.len_max = vqc_read_i64(&r);
	hdr.len_total = vqc_read_i64(&r);
	hdr.minlen = vqc_read_u8(&r);
	if (hdr.minlen > PROFILE_CLIP)
		vqc_bad_state(&r, "The text minimum is too long.");
	memcpy(hdr.mintext, vqc_read_bytes(&r, hdr.minlen), hdr.minlen);
	hdr.maxlen = vqc_read_u8(&r);
	if (hdr.maxlen > PROFILE_CLIP)
		vqc_bad_state(&r, "The text maximum is too long.");
	memcpy(hdr.maxtext, vqc_read_bytes(&r, hdr.maxlen), hdr.maxlen);
	check_encoding(&r, hdr.mintext, hdr.minlen);
	check_encoding(&r, hdr.maxtext, hdr.maxlen);

	/* counts: everything non-null is accounted for exactly once */
	if (hdr.rows < 0 || hdr.nulls < 0 || hdr.nulls > hdr.rows)
		vqc_bad_state(&r, "The row and null counts are inconsistent.");
	nn = hdr.rows - hdr.nulls;
	if (hdr.kind == PK_EMPTY && hdr.rows != 0)
		vqc_bad_state(&r, "An empty profile must have no rows.");
	rem = nn;
	take_count(&r, &rem, hdr.nan, "The NaN count is inconsistent.");
	take_count(&r, &rem, hdr.posinf, "The +Infinity count is inconsistent.");
	take_count(&r, &rem, hdr.neginf, "The -Infinity count is inconsistent.");
	take_count(&r, &rem, hdr.ntrue, "The true count is inconsistent.");
	take_count(&r, &rem, hdr.nfalse, "The false count is inconsistent.");
	take_count(&r, &rem, hdr.mom.n, "The moments count is inconsistent.");
	switch (hdr.kind)
	{
		case PK_NUMERIC:
		case PK_TEMPORAL:
			if (rem != 0 || hdr.ntrue != 0 || hdr.nfalse != 0 ||
				(hdr.kind == PK_TEMPORAL && hdr.nan != 0))
				vqc_bad_state(&r, "The value counts do not add up to the non-null count.");
			break;
		case PK_BOOLEAN:
			if (rem != 0 || hdr.nan != 0 || hdr.posinf != 0 || hdr.neginf != 0 || hdr.mom.n != 0)
				vqc_bad_state(&r, "The value counts do not add up to the non-null count.");
			break;
		default:
			if (rem != nn)
				vqc_bad_state(&r, "The value counts do not fit the profile's kind.");
			break;
	}

	/* moments */
	if (hdr.mom.n == 0)
	{
		if (hdr.mom.mean != 0 || hdr.mom.m2 != 0 || hdr.mom.m3 != 0 ||
			hdr.mom.m4 != 0 || hdr.mom.min != 0 || hdr.mom.max != 0)
			vqc_bad_state(&r, "The moments of no values must be zero.");
	}
	else if (!isfinite(hdr.mom.mean) || !isfinite(hdr.mom.m2) ||
			 !isfinite(hdr.mom.m3) || !isfinite(hdr.mom.m4) ||
			 !isfinite(hdr.mom.min) || !isfinite(hdr.mom.max) ||
			 hdr.mom.m2 < 0 || hdr.mom.m4 < 0 || hdr.mom.min > hdr.mom.max)
		vqc_bad_state(&r, "The moments are invalid.");

	/* text lengths and min/max */
	if (hdr.kind == PK_TEXT && nn > 0)
	{
		if (hdr.len_min < 0 || hdr.len_min > hdr.len_max || hdr.len_total < hdr.len_max)
			vqc_bad_state(&r, "The text lengths are inconsistent.");
		if (clipped_cmp(hdr.mintext, hdr.minlen, (flags & PF_MIN_CLIPPED) != 0,
						hdr.maxtext, hdr.maxlen, (flags & PF_MAX_CLIPPED) != 0) > 0)
			vqc_bad_state(&r, "The text minimum is above the maximum.");
	}
	else if (hdr.len_min != 0 || hdr.len_max != 0 || hdr.len_total != 0 ||
			 hdr.minlen != 0 || hdr.maxlen != 0 ||
			 (flags & (PF_MIN_CLIPPED | PF_MAX_CLIPPED)))
		vqc_bad_state(&r, "Text statistics are present where they do not belong.");

	if (!(flags & PF_SKETCH))
	{
		int32		nexact = vqc_read_i32(&r);
		int64		cnan = 0;
		int64		cpos = 0;
		int64		cneg = 0;

		if (hdr.kind == PK_EMPTY || hdr.kind == PK_BOOLEAN ? nexact != 0 : nexact != nn)
			vqc_bad_state(&r, "The number of stored values does not match the count.");
		if (nexact > PROFILE_EXACT_CAP)
			vqc_bad_state(&r, "An exact profile holds too many values.");
		if (hdr.kind == PK_TEXT)
		{
			const char *start = r.p;
			int64		used = 0;
			char	   *p;

			/* first pass: lengths against bytes present and the budget */
			for (i = 0; i < nexact; i++)
			{
				int32		l = vqc_read_i32(&r);

				if (l < 0)
					vqc_bad_state(&r, "A stored string has a negative length.");
				used += sizeof(uint32) + (int64) l;
				if (used > PROFILE_EXACT_TEXT_BYTES)
					vqc_bad_state(&r, "An exact profile holds too many bytes of text.");
				vqc_read_bytes(&r, l);
			}
			s = profile_alloc_exact(&hdr, (int32) used);
			p = s->data;
			r.p = start;
			for (i = 0; i < nexact; i++)
			{
				uint32		l = vqc_read_u32(&r);

				memcpy(p, &l, sizeof(uint32));
				memcpy(p + sizeof(uint32), vqc_read_bytes(&r, l), l);
				check_encoding(&r, p + sizeof(uint32), l);
				p += sizeof(uint32) + l;
			}
			s->exact_used = (int32) used;
		}
		else
		{
			float8	   *v;

			if ((uint64) nexact > vqc_reader_remaining(&r) / sizeof(float8))
				vqc_bad_state(&r, "The state is truncated: it claims more values than it holds.");
			s = profile_alloc_exact(&hdr, nexact * (int32) sizeof(float8));
			v = (float8 *) s->data;
			for (i = 0; i < nexact; i++)
			{
				v[i] = read_f8(&r);
				if (!is_canonical(v[i]))
					vqc_bad_state(&r, "A stored value is not in canonical form.");
				if (isnan(v[i]))
					cnan++;
				else if (isinf(v[i]))
				{
					if (v[i] > 0)
						cpos++;
					else
						cneg++;
				}
				else if (v[i] < hdr.mom.min || v[i] > hdr.mom.max)
					vqc_bad_state(&r, "A stored value lies outside the minimum and maximum.");
			}
			if (cnan != hdr.nan || cpos != hdr.posinf || cneg != hdr.neginf)
				vqc_bad_state(&r, "The stored values do not match the NaN and infinity counts.");
			s->exact_used = nexact * (int32) sizeof(float8);
		}
		s->nexact = nexact;
	}
	else
	{
		ProfileSketch *sk;
		const uint8 *regs;
		int64		fr;

		if (hdr.kind == PK_EMPTY || hdr.kind == PK_BOOLEAN || nn == 0)
			vqc_bad_state(&r, "This profile cannot be in sketch mode.");
		s = profile_alloc_sketch(&hdr);
		SET_VARSIZE(s, PROFILE_FLUSHED_SIZE);	/* the stored form */
		sk = PROFILE_SKETCH(s);
		regs = (const uint8 *) vqc_read_bytes(&r, HLL_M);
		for (i = 0; i < HLL_M; i++)
		{
			if (regs[i] > HLL_MAX_REGISTER)
				vqc_bad_state(&r, "A HyperLogLog register is out of range.");
		}
		memcpy(sk->hll, regs, HLL_M);

		freq_read(&r, &sk->freq, hdr.kind == PK_TEXT);
		fr = nn;
		for (i = 0; i < sk->freq.nitems; i++)
		{
			const FreqItem *it = &sk->freq.items[i];

			take_count(&r, &fr, sk->freq.count[i], "The frequent-value counts exceed the non-null count.");
			if (hdr.kind != PK_TEXT)
			{
				if (!is_canonical(it->num) || (hdr.kind == PK_TEMPORAL && isnan(it->num)))
					vqc_bad_state(&r, "A frequent value is not a valid number.");
				if (it->hash != hash_number(it->num))
					vqc_bad_state(&r, "A frequent value does not match its hash.");
			}
		}
		if (sk->freq.offset > fr / (FREQ_K + 1))
			vqc_bad_state(&r, "The frequent-value error bound exceeds n / (k + 1).");

		if (hdr.kind != PK_TEXT)
		{
			kll_read(&r, &sk->kll);
			if (sk->kll.n != nn - hdr.nan)
				vqc_bad_state(&r, "The quantile sketch count does not match the non-NaN count.");
		}
	}
	vqc_read_end(&r);
	return s;
}

Datum
vqc_profile_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	Size		len;
	char	   *bin = vqc_hex_decode(str, &len, TYPNAME);

	PG_RETURN_POINTER(profile_parse(bin, len, ERRCODE_INVALID_TEXT_REPRESENTATION));
}

Datum
vqc_profile_out(PG_FUNCTION_ARGS)
{
	ProfileState *s = profile_get_arg(fcinfo, 0);
	StringInfoData buf;

	initStringInfo(&buf);
	profile_write(&buf, s);
	PG_RETURN_CSTRING(vqc_hex_encode(buf.data, buf.len, TYPNAME));
}

Datum
vqc_profile_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	ProfileState *s;

	s = profile_parse(buf->data + buf->cursor, buf->len - buf->cursor,
					  ERRCODE_INVALID_BINARY_REPRESENTATION);
	buf->cursor = buf->len;
	PG_RETURN_POINTER(s);
}

Datum
vqc_profile_send(PG_FUNCTION_ARGS)
{
	ProfileState *s = profile_get_arg(fcinfo, 0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	profile_write(&buf, s);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* ---------------------------------------------------------------------
 * Distribution of numbers: exact sorted values or the KLL view
 * ---------------------------------------------------------------------
 */

typedef struct Dist
{
	bool		exact;
	int			count;			/* values (exact) or retained items */
	float8	   *v;				/* ascending, no NaN */
	int64	   *cum;			/* sketch: cumulative weights */
	int64		total;			/* non-NaN values */
	float8		min;			/* true min and max (with infinities) */
	float8		max;
} Dist;

static int
cmp_f8(const void *a, const void *b)
{
	float8		x = *(const float8 *) a;
	float8		y = *(const float8 *) b;

	/* NaN sorts last, as in PostgreSQL */
	if (isnan(x))
		return isnan(y) ? 0 : 1;
	if (isnan(y))
		return -1;
	return (x > y) - (x < y);
}

/* false when the profile has no non-NaN number */
static bool
dist_build(const ProfileState *s, Dist *d)
{
	if (s->kind != PK_NUMERIC && s->kind != PK_TEMPORAL)
		return false;
	d->total = s->mom.n + s->posinf + s->neginf;
	if (d->total == 0)
		return false;
	d->min = s->neginf > 0 ? -INFINITY : (s->mom.n > 0 ? s->mom.min : INFINITY);
	d->max = s->posinf > 0 ? INFINITY : (s->mom.n > 0 ? s->mom.max : -INFINITY);
	if (!(s->flags & PF_SKETCH))
	{
		const float8 *src = (const float8 *) s->data;
		int			i;
		int			m = 0;

		d->exact = true;
		d->v = palloc(Max(s->nexact, 1) * sizeof(float8));
		for (i = 0; i < s->nexact; i++)
		{
			if (!isnan(src[i]))
				d->v[m++] = src[i];
		}
		qsort(d->v, m, sizeof(float8), cmp_f8);
		d->count = m;
		d->cum = NULL;
	}
	else
	{
		KllView		kv;

		kll_view(&PROFILE_SKETCH(s)->kll, &kv);
		d->exact = false;
		d->count = kv.count;
		d->v = kv.values;
		d->cum = kv.cumweight;
	}
	return true;
}

/* weight of values <= x */
static float8
dist_weight_le(const Dist *d, float8 x)
{
	int			lo = 0;
	int			hi = d->count;

	if (isnan(x))
		return (float8) d->total;
	/* first index with v > x */
	while (lo < hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (d->v[mid] <= x)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (d->exact)
		return (float8) lo;
	return lo == 0 ? 0.0 : (float8) d->cum[lo - 1];
}

static void
check_q(float8 q)
{
	if (q < 0 || q > 1 || isnan(q))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("percentile value %g is not between 0 and 1", q)));
}

static float8
dist_quantile(const Dist *d, float8 q)
{
	if (d->exact)
	{
		/* percentile_cont's arithmetic */
		int64		first = (int64) floor(q * (d->count - 1));
		int64		second = (int64) ceil(q * (d->count - 1));
		float8		lo = d->v[first];

		if (first == second)
			return lo;
		return lo + (q * (d->count - 1) - first) * (d->v[second] - lo);
	}
	else
	{
		KllView		kv = {d->count, d->v, d->cum, d->total};

		if (q == 0)
			return d->min;
		if (q == 1)
			return d->max;
		/* the first item whose cumulative weight reaches q * n */
		return d->v[kll_view_find(&kv, q * (float8) d->total)];
	}
}

Datum
vqc_profile_quantile(PG_FUNCTION_ARGS)
{
	ProfileState *s = profile_get_arg(fcinfo, 0);
	float8		q = PG_GETARG_FLOAT8(1);
	Dist		d;

	check_q(q);
	if (!dist_build(s, &d))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(dist_quantile(&d, q));
}

Datum
vqc_profile_quantiles(PG_FUNCTION_ARGS)
{
	ProfileState *s = profile_get_arg(fcinfo, 0);
	ArrayType  *qs = PG_GETARG_ARRAYTYPE_P(1);
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	int			i;
	Dist		d;
	bool		have;
	int			dims[1];
	int			lbs[1];

	if (ARR_NDIM(qs) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("expected a one-dimensional array of quantiles")));
	deconstruct_array(qs, FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
					  &elems, &nulls, &n);
	for (i = 0; i < n; i++)
	{
		if (!nulls[i])
			check_q(DatumGetFloat8(elems[i]));
	}
	have = dist_build(s, &d);
	for (i = 0; i < n; i++)
	{
		if (nulls[i] || !have)
			nulls[i] = true;
		else
			elems[i] = Float8GetDatum(dist_quantile(&d, DatumGetFloat8(elems[i])));
	}
	dims[0] = n;
	lbs[0] = 1;
	PG_RETURN_ARRAYTYPE_P(construct_md_array(elems, nulls, n == 0 ? 0 : 1, dims, lbs,
											 FLOAT8OID, 8, FLOAT8PASSBYVAL,
											 TYPALIGN_DOUBLE));
}

Datum
vqc_profile_rank(PG_FUNCTION_ARGS)
{
	ProfileState *s = profile_get_arg(fcinfo, 0);
	float8		x = PG_GETARG_FLOAT8(1);
	Dist		d;

	if (!dist_build(s, &d))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(dist_weight_le(&d, x) / (float8) d.total);
}

/* ---------------------------------------------------------------------
 * Distinct values and frequencies
 * ---------------------------------------------------------------------
 */

typedef struct TextEntry
{
	const char *p;
	int32		len;
} TextEntry;

static int
cmp_text_entry(const void *a, const void *b)
{
	const TextEntry *x = (const TextEntry *) a;
	const TextEntry *y = (const TextEntry *) b;

	return clipped_cmp(x->p, x->len, false, y->p, y->len, false);
}

static TextEntry *
sorted_text_entries(const ProfileState *s)
{
	TextEntry  *e = palloc(Max(s->nexact, 1) * sizeof(TextEntry));
	const char *p = s->data;
	int			i;

	for (i = 0; i < s->nexact; i++)
	{
		e[i].p = text_entry(p, &e[i].len);
		p = e[i].p + e[i].len;
	}
	qsort(e, s->nexact, sizeof(TextEntry), cmp_text_entry);
	return e;
}

static float8 *
sorted_numbers(const ProfileState *s)
{
	float8	   *v = palloc(Max(s->nexact, 1) * sizeof(float8));

	memcpy(v, s->data, s->nexact * sizeof(float8));
	qsort(v, s->nexact, sizeof(float8), cmp_f8);
	return v;
}

/* exact mode: a copy of the stored numbers, in insertion order */
float8 *
profile_exact_numbers(const ProfileState *s, int *n)
{
	float8	   *v = palloc(Max(s->nexact, 1) * sizeof(float8));

	Assert(!(s->flags & PF_SKETCH) && s->kind != PK_TEXT);
	memcpy(v, s->data, s->nexact * sizeof(float8));
	*n = s->nexact;
	return v;
}

/* exact mode: the stored strings as C strings, in insertion order */
char **
profile_exact_texts(const ProfileState *s, int *n)
{
	char	  **v = palloc(Max(s->nexact, 1) * sizeof(char *));
	const char *p = s->data;
	int			i;

	Assert(!(s->flags & PF_SKETCH) && s->kind == PK_TEXT);
	for (i = 0; i < s->nexact; i++)
	{
		int32		len;
		const char *e = text_entry(p, &len);

		v[i] = pnstrdup(e, len);
		p = e + len;
	}
	*n = s->nexact;
	return v;
}

float8
profile_ndistinct(const ProfileState *s)
{
	int64		nn = s->rows - s->nulls;
	int64		distinct = 0;
	int			i;

	if (nn == 0)
		return 0;
	if (s->kind == PK_BOOLEAN)
		return (float8) ((s->ntrue > 0) + (s->nfalse > 0));
	if (s->flags & PF_SKETCH)
	{
		float8		est = hll_estimate(PROFILE_SKETCH(s)->hll);

		return Min(est, (float8) nn);
	}
	if (s->kind == PK_TEXT)
	{
		TextEntry  *e = sorted_text_entries(s);

		for (i = 0; i < s->nexact; i++)
		{
			if (i == 0 || cmp_text_entry(&e[i], &e[i - 1]) != 0)
				distinct++;
		}
	}
	else
	{
		float8	   *v = sorted_numbers(s);

		for (i = 0; i < s->nexact; i++)
		{
			if (i == 0 || cmp_f8(&v[i], &v[i - 1]) != 0)
				distinct++;
		}
	}
	return (float8) distinct;
}

Datum
vqc_profile_ndistinct(PG_FUNCTION_ARGS)
{
	PG_RETURN_FLOAT8(profile_ndistinct(profile_get_arg(fcinfo, 0)));
}

typedef struct TopValue
{
	char	   *text;			/* display */
	float8		num;			/* numbers: for ordering ties */
	const char *key;			/* text: for ordering ties */
	int			keylen;
	int64		count;
} TopValue;

static int		top_kind;

static int
cmp_top(const void *a, const void *b)
{
	const TopValue *x = (const TopValue *) a;
	const TopValue *y = (const TopValue *) b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	if (top_kind == PK_TEXT)
		return clipped_cmp(x->key, x->keylen, false, y->key, y->keylen, false);
	return cmp_f8(&x->num, &y->num);
}

static char *
clipped_text(const char *p, int len)
{
	int			cl = clip_len(p, len);

	return pnstrdup(p, cl);
}

/* every (value, count) of the profile, sorted by count descending */
static TopValue *
profile_top(const ProfileState *s, int *n, int64 *bound)
{
	TopValue   *t;
	int			m = 0;
	int			i;

	*bound = 0;
	if (s->kind == PK_BOOLEAN)
	{
		t = palloc(2 * sizeof(TopValue));
		if (s->nfalse > 0)
		{
			t[m].text = pstrdup("false");
			t[m].num = 0;
			t[m++].count = s->nfalse;
		}
		if (s->ntrue > 0)
		{
			t[m].text = pstrdup("true");
			t[m].num = 1;
			t[m++].count = s->ntrue;
		}
	}
	else if (s->flags & PF_SKETCH)
	{
		const FreqSketch *f = &PROFILE_SKETCH(s)->freq;

		t = palloc(Max(f->nitems, 1) * sizeof(TopValue));
		for (i = 0; i < f->nitems; i++)
		{
			const FreqItem *it = &f->items[i];

			t[m].num = it->num;
			t[m].key = it->text;
			t[m].keylen = it->len;
			t[m].text = s->kind == PK_TEXT ? pnstrdup(it->text, it->len) :
				value_text(s->typid, it->num);
			t[m++].count = f->count[i];
		}
		*bound = f->offset;
	}
	else if (s->kind == PK_TEXT)
	{
		TextEntry  *e = sorted_text_entries(s);

		t = palloc(Max(s->nexact, 1) * sizeof(TopValue));
		for (i = 0; i < s->nexact; i++)
		{
			if (i > 0 && cmp_text_entry(&e[i], &e[i - 1]) == 0)
			{
				t[m - 1].count++;
				continue;
			}
			t[m].key = e[i].p;
			t[m].keylen = e[i].len;
			t[m].text = NULL;
			t[m++].count = 1;
		}
		for (i = 0; i < m; i++)
			t[i].text = clipped_text(t[i].key, t[i].keylen);
	}
	else
	{
		float8	   *v = sorted_numbers(s);

		t = palloc(Max(s->nexact, 1) * sizeof(TopValue));
		for (i = 0; i < s->nexact; i++)
		{
			if (i > 0 && cmp_f8(&v[i], &v[i - 1]) == 0)
			{
				t[m - 1].count++;
				continue;
			}
			t[m].num = v[i];
			t[m].text = NULL;
			t[m++].count = 1;
		}
		for (i = 0; i < m; i++)
			t[i].text = value_text(s->typid, t[i].num);
	}
	top_kind = s->kind;
	qsort(t, m, sizeof(TopValue), cmp_top);
	*n = m;
	return t;
}

/*
 * vqc.top_values(p, k) returns TABLE(value text, count bigint, error_bound
 * bigint): the k most frequent values.  Exact: true counts, bound 0.
 * Sketch: Misra-Gries lower bounds; the true count lies in
 * [count, count + error_bound].
 */
Datum
vqc_profile_top_values(PG_FUNCTION_ARGS)
{
	ProfileState *s = profile_get_arg(fcinfo, 0);
	int32		k = PG_GETARG_INT32(1);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	TopValue   *t;
	int			n;
	int64		bound;
	int			i;

	if (k < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("k must not be negative")));
	InitMaterializedSRF(fcinfo, 0);
	if (s->kind == PK_EMPTY)
		return (Datum) 0;
	t = profile_top(s, &n, &bound);
	for (i = 0; i < n && i < k; i++)
	{
		Datum		values[3];
		bool		nulls[3] = {false, false, false};

		values[0] = CStringGetTextDatum(t[i].text);
		values[1] = Int64GetDatum(t[i].count);
		values[2] = Int64GetDatum(bound);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/*
 * vqc.histogram(p, bins, kind) returns TABLE(bin int, lower float8, upper
 * float8, count float8).  'equal_width': bins of equal width between the
 * finite min and max; 'quantile': edges at the i/bins quantiles.  Bin i
 * counts values in (lower, upper], the first bin also its lower edge and
 * everything below (-Infinity), the last everything above (+Infinity).
 */
Datum
vqc_profile_histogram(PG_FUNCTION_ARGS)
{
	ProfileState *s = profile_get_arg(fcinfo, 0);
	int32		bins = PG_GETARG_INT32(1);
	char	   *kind = text_to_cstring(PG_GETARG_TEXT_PP(2));
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	bool		quantile;
	Dist		d;
	float8	   *edges;
	float8		prev = 0;
	int			i;

	if (strcmp(kind, "equal_width") == 0)
		quantile = false;
	else if (strcmp(kind, "quantile") == 0)
		quantile = true;
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown histogram kind \"%s\"", kind),
				 errhint("Use 'equal_width' or 'quantile'.")));
	if (bins < 1 || bins > 10000)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("bins must be between 1 and 10000")));

	InitMaterializedSRF(fcinfo, 0);
	if (!dist_build(s, &d))
		return (Datum) 0;
	if (!quantile && s->mom.n == 0)
		return (Datum) 0;		/* only infinities: no finite range */

	edges = palloc((bins + 1) * sizeof(float8));
	for (i = 0; i <= bins; i++)
	{
		if (quantile)
			edges[i] = dist_quantile(&d, (float8) i / bins);
		else if (i == bins)
			edges[i] = s->mom.max;
		else
			edges[i] = s->mom.min + (s->mom.max - s->mom.min) * ((float8) i / bins);
	}
	for (i = 0; i < bins; i++)
	{
		Datum		values[4];
		bool		nulls[4] = {false, false, false, false};
		float8		w = (i == bins - 1) ? (float8) d.total : dist_weight_le(&d, edges[i + 1]);

		values[0] = Int32GetDatum(i + 1);
		values[1] = Float8GetDatum(edges[i]);
		values[2] = Float8GetDatum(edges[i + 1]);
		values[3] = Float8GetDatum(w - prev);
		prev = w;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* ---------------------------------------------------------------------
 * Scalars
 * ---------------------------------------------------------------------
 */

Datum
vqc_profile_row_count(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(profile_get_arg(fcinfo, 0)->rows);
}

Datum
vqc_profile_null_count(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(profile_get_arg(fcinfo, 0)->nulls);
}

Datum
vqc_profile_null_fraction(PG_FUNCTION_ARGS)
{
	ProfileState *s = profile_get_arg(fcinfo, 0);

	if (s->rows == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8((float8) s->nulls / (float8) s->rows);
}

static bool
has_moments(const ProfileState *s)
{
	return s->kind == PK_NUMERIC || s->kind == PK_TEMPORAL;
}

#define MOMENT_ACCESSOR(fname, call) \
Datum \
fname(PG_FUNCTION_ARGS) \
{ \
	ProfileState *s = profile_get_arg(fcinfo, 0); \
	double		v; \
\
	if (!has_moments(s) || !call(&s->mom, &v)) \
		PG_RETURN_NULL(); \
	PG_RETURN_FLOAT8(v); \
}

MOMENT_ACCESSOR(vqc_profile_mean, moments_mean)
MOMENT_ACCESSOR(vqc_profile_variance, moments_variance)
MOMENT_ACCESSOR(vqc_profile_skewness, moments_skewness)
MOMENT_ACCESSOR(vqc_profile_kurtosis, moments_kurtosis)

Datum
vqc_profile_stddev(PG_FUNCTION_ARGS)
{
	ProfileState *s = profile_get_arg(fcinfo, 0);
	double		v;

	if (!has_moments(s) || !moments_variance(&s->mom, &v))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(sqrt(v));
}

/* min (want_max false) or max as text; NULL when there is none */
static char *
profile_extreme(const ProfileState *s, bool want_max, bool *clipped)
{
	int64		nn = s->rows - s->nulls;

	*clipped = false;
	if (nn == 0)
		return NULL;
	switch (s->kind)
	{
		case PK_NUMERIC:
		case PK_TEMPORAL:
			if (nn == s->nan)
				return pstrdup("NaN");
			if (want_max)
				return value_text(s->typid, s->posinf > 0 ? INFINITY :
								  s->mom.n > 0 ? s->mom.max : -INFINITY);
			return value_text(s->typid, s->neginf > 0 ? -INFINITY :
							  s->mom.n > 0 ? s->mom.min : INFINITY);
		case PK_BOOLEAN:
			if (want_max)
				return pstrdup(s->ntrue > 0 ? "true" : "false");
			return pstrdup(s->nfalse > 0 ? "false" : "true");
		case PK_TEXT:
			if (want_max)
			{
				*clipped = (s->flags & PF_MAX_CLIPPED) != 0;
				return pnstrdup(s->maxtext, s->maxlen);
			}
			*clipped = (s->flags & PF_MIN_CLIPPED) != 0;
			return pnstrdup(s->mintext, s->minlen);
	}
	return NULL;
}

Datum
vqc_profile_min_value(PG_FUNCTION_ARGS)
{
	bool		clipped;
	char	   *v = profile_extreme(profile_get_arg(fcinfo, 0), false, &clipped);

	if (v == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(v));
}

Datum
vqc_profile_max_value(PG_FUNCTION_ARGS)
{
	bool		clipped;
	char	   *v = profile_extreme(profile_get_arg(fcinfo, 0), true, &clipped);

	if (v == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(v));
}

Datum
vqc_profile_is_exact(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL((profile_get_arg(fcinfo, 0)->flags & PF_SKETCH) == 0);
}

/* ---------------------------------------------------------------------
 * JSON
 * ---------------------------------------------------------------------
 */

static void
json_key(StringInfo b, const char *key, bool *first)
{
	if (!*first)
		appendStringInfoString(b, ", ");
	*first = false;
	escape_json(b, key);
	appendStringInfoString(b, ": ");
}

/* a JSON number, or a string for NaN and infinities */
static void
json_f8(StringInfo b, float8 x)
{
	if (isfinite(x))
		appendStringInfoString(b, float8out_internal(x));
	else
		escape_json(b, float8out_internal(x));
}

static void
json_text(StringInfo b, const char *s)
{
	if (s == NULL)
		appendStringInfoString(b, "null");
	else
		escape_json(b, s);
}

static void
json_opt(StringInfo b, const char *key, bool *first, bool ok, float8 v)
{
	json_key(b, key, first);
	if (ok)
		json_f8(b, v);
	else
		appendStringInfoString(b, "null");
}

Datum
vqc_profile_to_jsonb(PG_FUNCTION_ARGS)
{
	ProfileState *s = profile_get_arg(fcinfo, 0);
	StringInfoData b;
	bool		first = true;
	bool		exact = (s->flags & PF_SKETCH) == 0;
	int64		nn = s->rows - s->nulls;
	double		v;
	bool		clipped;
	char	   *ext;

	initStringInfo(&b);
	appendStringInfoChar(&b, '{');
	json_key(&b, "kind", &first);
	escape_json(&b, profile_kind_name(s->kind));
	json_key(&b, "type", &first);
	json_text(&b, s->typid ? format_type_be(s->typid) : NULL);
	json_key(&b, "exact", &first);
	appendStringInfoString(&b, exact ? "true" : "false");
	json_key(&b, "rows", &first);
	appendStringInfo(&b, INT64_FORMAT, s->rows);
	json_key(&b, "nulls", &first);
	appendStringInfo(&b, INT64_FORMAT, s->nulls);
	json_opt(&b, "null_fraction", &first, s->rows > 0,
			 s->rows > 0 ? (float8) s->nulls / s->rows : 0);
	if (s->kind == PK_NUMERIC)
	{
		json_key(&b, "nan", &first);
		appendStringInfo(&b, INT64_FORMAT, s->nan);
	}
	if (has_moments(s))
	{
		json_key(&b, "pos_infinity", &first);
		appendStringInfo(&b, INT64_FORMAT, s->posinf);
		json_key(&b, "neg_infinity", &first);
		appendStringInfo(&b, INT64_FORMAT, s->neginf);
	}
	if (s->kind == PK_BOOLEAN)
	{
		json_key(&b, "true", &first);
		appendStringInfo(&b, INT64_FORMAT, s->ntrue);
		json_key(&b, "false", &first);
		appendStringInfo(&b, INT64_FORMAT, s->nfalse);
	}
	ext = profile_extreme(s, false, &clipped);
	json_key(&b, "min", &first);
	json_text(&b, ext);
	if (s->kind == PK_TEXT)
	{
		json_key(&b, "min_clipped", &first);
		appendStringInfoString(&b, clipped ? "true" : "false");
	}
	ext = profile_extreme(s, true, &clipped);
	json_key(&b, "max", &first);
	json_text(&b, ext);
	if (s->kind == PK_TEXT)
	{
		json_key(&b, "max_clipped", &first);
		appendStringInfoString(&b, clipped ? "true" : "false");
	}

	if (has_moments(s))
	{
		bool		ok;

		/* (the call must come before v is read) */
		ok = moments_mean(&s->mom, &v);
		json_opt(&b, "mean", &first, ok, v);
		ok = moments_variance(&s->mom, &v);
		json_opt(&b, "variance", &first, ok, v);
		json_opt(&b, "stddev", &first, ok, ok ? sqrt(v) : 0);
		ok = moments_skewness(&s->mom, &v);
		json_opt(&b, "skewness", &first, ok, v);
		ok = moments_kurtosis(&s->mom, &v);
		json_opt(&b, "kurtosis", &first, ok, v);
	}
	if (s->kind == PK_TEXT)
	{
		bool		f2 = true;

		json_key(&b, "length", &first);
		appendStringInfoChar(&b, '{');
		json_opt(&b, "min", &f2, nn > 0, (float8) s->len_min);
		json_opt(&b, "mean", &f2, nn > 0, nn > 0 ? (float8) s->len_total / nn : 0);
		json_opt(&b, "max", &f2, nn > 0, (float8) s->len_max);
		appendStringInfoChar(&b, '}');
	}

	/* distinct values */
	{
		bool		f2 = true;
		bool		dexact = exact || s->kind == PK_BOOLEAN;

		json_key(&b, "ndistinct", &first);
		appendStringInfoChar(&b, '{');
		json_key(&b, "estimate", &f2);
		json_f8(&b, profile_ndistinct(s));
		json_key(&b, "exact", &f2);
		appendStringInfoString(&b, dexact ? "true" : "false");
		json_key(&b, "relative_standard_error", &f2);
		json_f8(&b, dexact ? 0.0 : HLL_RSE);
		appendStringInfoChar(&b, '}');
	}

	/* quantiles */
	if (has_moments(s))
	{
		static const float8 qs[] = {0, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 1};
		bool		f2 = true;
		bool		f3 = true;
		Dist		d;
		bool		have = dist_build(s, &d);
		int			i;

		json_key(&b, "quantiles", &first);
		appendStringInfoChar(&b, '{');
		json_key(&b, "exact", &f2);
		appendStringInfoString(&b, exact ? "true" : "false");
		json_key(&b, "rank_error", &f2);
		json_f8(&b, exact ? 0.0 : kll_rank_error(&PROFILE_SKETCH(s)->kll));
		json_key(&b, "rank_error_confidence", &f2);
		json_f8(&b, exact ? 1.0 : 0.99);
		json_key(&b, "k", &f2);
		appendStringInfo(&b, "%d", KLL_K);
		json_key(&b, "values", &f2);
		appendStringInfoChar(&b, '{');
		for (i = 0; i < lengthof(qs); i++)
		{
			char		key[32];

			snprintf(key, sizeof(key), "%g", qs[i]);
			json_opt(&b, key, &f3, have, have ? dist_quantile(&d, qs[i]) : 0);
		}
		appendStringInfoString(&b, "}}");
	}

	/* frequent values */
	if (s->kind != PK_EMPTY)
	{
		bool		f2 = true;
		TopValue   *t;
		int			n;
		int			i;
		int64		bound;
		bool		fexact = exact || s->kind == PK_BOOLEAN;

		t = profile_top(s, &n, &bound);
		json_key(&b, "frequent", &first);
		appendStringInfoChar(&b, '{');
		json_key(&b, "exact", &f2);
		appendStringInfoString(&b, fexact ? "true" : "false");
		json_key(&b, "k", &f2);
		appendStringInfo(&b, "%d", FREQ_K);
		json_key(&b, "error_bound", &f2);
		appendStringInfo(&b, INT64_FORMAT, bound);
		json_key(&b, "max_error_bound", &f2);
		appendStringInfo(&b, INT64_FORMAT, fexact ? 0 : nn / (FREQ_K + 1));
		json_key(&b, "values", &f2);
		appendStringInfoChar(&b, '[');
		for (i = 0; i < n && i < 10; i++)
		{
			if (i > 0)
				appendStringInfoString(&b, ", ");
			appendStringInfoString(&b, "{\"value\": ");
			escape_json(&b, t[i].text);
			appendStringInfo(&b, ", \"count\": " INT64_FORMAT ", \"error_bound\": " INT64_FORMAT "}",
							 t[i].count, bound);
		}
		appendStringInfoString(&b, "]}");
	}
	appendStringInfoChar(&b, '}');

	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(b.data)));
}
