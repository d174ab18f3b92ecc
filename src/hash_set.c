/*-------------------------------------------------------------------------
 *
 * hash_set.c
 *	  vqc.hash_set_state: exact uniqueness screening in one scan.  The
 *	  aggregate keeps a 64-bit word per non-null value, up to the exact
 *	  memory limit: for smallint, integer and bigint the value itself (so
 *	  a repeated word IS a repeated value), for other types the extended
 *	  hash (seed 0, input collation).  The accessors radix-sort a copy once:
 *	  no repeated word proves all values distinct; a repeated hash means
 *	  values MAY repeat (the caller confirms with a second pass).  Past the
 *	  memory limit integers whose range fits go on as a bitmap
 *	  (hash_set_dense.c); otherwise only the count is kept.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "access/transam.h"
#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"
#include "utils/typcache.h"

#include "arg_type.h"
#include "hash_set_dense.h"
#include "hash_set_keyed.h"
#include "state_io.h"

#define TYPNAME "vqc.hash_set_state"

PG_FUNCTION_INFO_V1(vqc_hash_set_state_in);
PG_FUNCTION_INFO_V1(vqc_hash_set_state_out);
PG_FUNCTION_INFO_V1(vqc_hash_set_state_recv);
PG_FUNCTION_INFO_V1(vqc_hash_set_state_send);
PG_FUNCTION_INFO_V1(vqc_hash_set_transfn);
PG_FUNCTION_INFO_V1(vqc_hash_set_combinefn);
PG_FUNCTION_INFO_V1(vqc_hash_set_has_duplicates);
PG_FUNCTION_INFO_V1(vqc_hash_set_distinct_hashes);
PG_FUNCTION_INFO_V1(vqc_hash_set_duplicates);
PG_FUNCTION_INFO_V1(vqc_hash_set_key_duplicates);
PG_FUNCTION_INFO_V1(vqc_hash_value);

/*
 * How the input type is turned into a word, cached in fn_extra: integers
 * are their own word (identity_typid is INT2OID, INT4OID or INT8OID),
 * anything else goes through its extended hash function.
 */
typedef struct HashSetCache
{
	Oid			identity_typid;
	bool		is_numeric;		/* special values need their own hashes */
	Datum		numeric_zero;
	uint16		binding;		/* the state's VEC8_BINDING_MASK bits */
	FmgrInfo	hashfn;
} HashSetCache;

/*
 * numeric's extended hash gives NaN, Infinity and -Infinity one hash (the
 * seed): fine for a hash table, which compares keys, but the screen counts
 * distinct hashes.  So each special value gets a constant of its own.
 */
#define HASH_NUMERIC_NAN	UINT64CONST(0x6e614e2d76716321)
#define HASH_NUMERIC_PINF	UINT64CONST(0x666e492b76716321)
#define HASH_NUMERIC_NINF	UINT64CONST(0x666e492d76716321)

/*
 * A state's binding: 1 for integers as themselves, else the OID of the
 * hash function (built-in ones are below FirstNormalObjectId = 2^14; the
 * others share the binding 0x3FFF), in flag bits 1 to 14.
 */
StaticAssertDecl(FirstNormalObjectId == 0x4000, "built-in OIDs fit in 14 bits");

static uint16
hash_set_binding(Oid identity_typid, Oid hashproc)
{
	Oid			tag = Min(hashproc, 0x3FFF);

	if (OidIsValid(identity_typid))
		return HASH_SET_BINDING_INTEGERS;
	return (uint16) (tag << 1);
}

Datum
vqc_hash_set_state_in(PG_FUNCTION_ARGS)
{
	Datum		d = vec8_type_in(fcinfo, VQC_MAGIC_HASH_SET, TYPNAME);

	hash_set_dense_validate((Vec8State *) DatumGetPointer(d),
							ERRCODE_INVALID_TEXT_REPRESENTATION, TYPNAME);
	hash_set_keyed_validate((Vec8State *) DatumGetPointer(d),
							ERRCODE_INVALID_TEXT_REPRESENTATION, TYPNAME);
	return d;
}

Datum
vqc_hash_set_state_out(PG_FUNCTION_ARGS)
{
	return vec8_type_out(fcinfo, VQC_MAGIC_HASH_SET, TYPNAME);
}

Datum
vqc_hash_set_state_recv(PG_FUNCTION_ARGS)
{
	Datum		d = vec8_type_recv(fcinfo, VQC_MAGIC_HASH_SET, TYPNAME);

	hash_set_dense_validate((Vec8State *) DatumGetPointer(d),
							ERRCODE_INVALID_BINARY_REPRESENTATION, TYPNAME);
	hash_set_keyed_validate((Vec8State *) DatumGetPointer(d),
							ERRCODE_INVALID_BINARY_REPRESENTATION, TYPNAME);
	return d;
}

Datum
vqc_hash_set_state_send(PG_FUNCTION_ARGS)
{
	return vec8_type_send(fcinfo, VQC_MAGIC_HASH_SET);
}

/*
 * The extended hash support function of argument argno's type, cached in
 * fn_extra: the aggregate and vqc.hash_value() must hash alike.
 */
static HashSetCache *
hash_set_hasher(FunctionCallInfo fcinfo, int argno)
{
	HashSetCache *cache = (HashSetCache *) fcinfo->flinfo->fn_extra;

	if (unlikely(cache == NULL))
	{
		Oid			typid = vqc_arg_type(fcinfo, argno);
		Oid			basetype;
		TypeCacheEntry *tce;

		if (!OidIsValid(typid))
			elog(ERROR, "could not determine the input type of a vqc hash function");
		basetype = getBaseType(typid);
		tce = lookup_type_cache(typid, TYPECACHE_HASH_EXTENDED_PROC_FINFO);
		if (!OidIsValid(tce->hash_extended_proc))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_FUNCTION),
					 errmsg("could not identify an extended hash function for type %s",
							format_type_be(typid))));
		cache = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(HashSetCache));
		cache->identity_typid =
			(basetype == INT2OID || basetype == INT4OID || basetype == INT8OID) ? basetype : InvalidOid;
		cache->is_numeric = (basetype == NUMERICOID);
		if (cache->is_numeric)
		{
			MemoryContext old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);

			cache->numeric_zero = NumericGetDatum(int64_to_numeric(0));
			MemoryContextSwitchTo(old);
		}
		cache->binding = hash_set_binding(cache->identity_typid, tce->hash_extended_proc);
		fmgr_info_copy(&cache->hashfn, &tce->hash_extended_proc_finfo,
					   fcinfo->flinfo->fn_mcxt);
		fcinfo->flinfo->fn_extra = cache;
	}
	return cache;
}

static inline uint64
hash_set_hash(FunctionCallInfo fcinfo, HashSetCache *cache, Datum value)
{
	switch (cache->identity_typid)
	{
		case INT8OID:
			return (uint64) DatumGetInt64(value);
		case INT4OID:
			return (uint64) (int64) DatumGetInt32(value);
		case INT2OID:
			return (uint64) (int64) DatumGetInt16(value);
	}
	if (cache->is_numeric)
	{
		Numeric		n = DatumGetNumeric(value);

		if (unlikely(numeric_is_nan(n)))
			return HASH_NUMERIC_NAN;
		if (unlikely(numeric_is_inf(n)))
			return DatumGetBool(DirectFunctionCall2(numeric_lt, NumericGetDatum(n), cache->numeric_zero))
				? HASH_NUMERIC_NINF : HASH_NUMERIC_PINF;
	}
	return DatumGetUInt64(FunctionCall2Coll(&cache->hashfn, PG_GET_COLLATION(),
											value, Int64GetDatum(0)));
}

/*
 * Transition: strict (NULL inputs never arrive), INITCOND is the empty
 * state.  Hashes with the type's extended hash support function.  A full
 * list of integers may go on as a bitmap (hash_set_dense.c).
 */
Datum
vqc_hash_set_transfn(PG_FUNCTION_ARGS)
{
	Vec8Expanded *e = vec8_transition_arg(fcinfo, 0);
	HashSetCache *cache = hash_set_hasher(fcinfo, 1);
	uint64		word;
	Vec8State  *s;

	if (unlikely((e->vec->flags & VEC8_BINDING_MASK) != cache->binding))
		vec8_bind(e->vec, cache->binding);
	word = hash_set_hash(fcinfo, cache, PG_GETARG_DATUM(1));
	s = e->vec;
	if (s->flags & VEC8_DENSE)
		hash_set_dense_add(e, word);
	else if (unlikely(s->nvalues >= VEC8_CAPACITY(s)) &&
			 OidIsValid(cache->identity_typid) && !(s->flags & VEC8_OVERFLOW))
		hash_set_list_full(e, word);
	else
		vec8_append(e, word);
	PG_RETURN_DATUM(EOHPGetRWDatum(&e->hdr));
}

/*
 * vqc.hash_value(anyelement) returns bigint: the word the aggregate stores,
 * so that a second pass can pick out the rows of repeated hashes.
 */
Datum
vqc_hash_value(PG_FUNCTION_ARGS)
{
	HashSetCache *cache = hash_set_hasher(fcinfo, 0);

	PG_RETURN_INT64((int64) hash_set_hash(fcinfo, cache, PG_GETARG_DATUM(0)));
}

Datum
vqc_hash_set_combinefn(PG_FUNCTION_ARGS)
{
	Vec8Expanded *l = vec8_transition_arg(fcinfo, 0);

	hash_set_combine(l, vec8_get_arg(fcinfo, 1));
	PG_RETURN_DATUM(EOHPGetRWDatum(&l->hdr));
}

/*
 * Sorting the words, ascending as bigint.  A full LSD radix sort takes six
 * 11-bit passes.  Two passes over the top 22 significant bits of the words'
 * range leave runs of about n / 4M words sharing them (2.4 for ten million
 * uniform hashes, or ten million consecutive integers), and an insertion
 * sort finishes each run: a third of the memory traffic.  Runs that are not
 * short (words crowded in a small part of the range) get the full radix
 * sort, which skips the passes whose digit every word shares.
 */
#define RADIX_BITS	11
#define RADIX_SIZE	(1 << RADIX_BITS)
#define RADIX_PASSES ((64 + RADIX_BITS - 1) / RADIX_BITS)
#define SHORT_RUN	32
#define SIGN_BIT	(UINT64CONST(1) << 63)

/* a word as an unsigned key in bigint order */
static inline uint64
word_key(uint64 w)
{
	return w ^ SIGN_BIT;
}

/*
 * One stable counting pass of src into dst on the digit (key - base) >>
 * shift, given that digit's histogram c (turned into offsets); a plain copy
 * when every word has the same digit.
 */
static void
radix_pass(const uint64 *src, uint64 *dst, int64 n, uint64 base, int shift, Size *c)
{
	Size		sum = 0;
	int64		i;
	int			d;

	if (c[((word_key(src[0]) - base) >> shift) & (RADIX_SIZE - 1)] == (Size) n)
	{
		memcpy(dst, src, n * sizeof(uint64));
		return;
	}
	for (d = 0; d < RADIX_SIZE; d++)
	{
		Size		cnt = c[d];

		c[d] = sum;
		sum += cnt;
	}
	for (i = 0; i < n; i++)
	{
		uint64		v = src[i];

		dst[c[((word_key(v) - base) >> shift) & (RADIX_SIZE - 1)]++] = v;
	}
	CHECK_FOR_INTERRUPTS();
}

/* sorts a[0..n) in place with all six passes; tmp has room for n words */
static void
radix_sort_words(uint64 *a, uint64 *tmp, int64 n)
{
	Size	   *counts = palloc0(sizeof(Size) * RADIX_PASSES * RADIX_SIZE);
	uint64	   *src = a;
	uint64	   *dst = tmp;
	int64		i;
	int			pass;

	/* one read for all the histograms */
	for (i = 0; i < n; i++)
	{
		uint64		k = word_key(a[i]);

		for (pass = 0; pass < RADIX_PASSES; pass++)
			counts[pass * RADIX_SIZE + ((k >> (pass * RADIX_BITS)) & (RADIX_SIZE - 1))]++;
	}
	CHECK_FOR_INTERRUPTS();
	for (pass = 0; pass < RADIX_PASSES; pass++)
	{
		Size	   *c = counts + pass * RADIX_SIZE;
		uint64	   *t;

		if (c[(word_key(src[0]) >> (pass * RADIX_BITS)) & (RADIX_SIZE - 1)] == (Size) n)
			continue;			/* every word shares this digit */
		radix_pass(src, dst, n, 0, pass * RADIX_BITS, c);
		t = src;
		src = dst;
		dst = t;
	}
	if (src != a)
		memcpy(a, src, n * sizeof(uint64));
	pfree(counts);
}

static void
insertion_sort_words(uint64 *a, int64 n)
{
	int64		i;

	for (i = 1; i < n; i++)
	{
		uint64		v = a[i];
		int64		j = i;

		while (j > 0 && (int64) a[j - 1] > (int64) v)
		{
			a[j] = a[j - 1];
			j--;
		}
		a[j] = v;
	}
}

/*
 * A palloc'd copy of the n > 0 words at src, ascending as bigint (also the
 * score state's sort, scores.c).
 */
uint64 *
vqc_sorted_words(const uint64 *src, int64 n)
{
	uint64	   *out = palloc(n * sizeof(uint64));
	uint64	   *tmp = palloc(n * sizeof(uint64));
	Size	   *lo = palloc0(sizeof(Size) * RADIX_SIZE);
	Size	   *hi = palloc0(sizeof(Size) * RADIX_SIZE);
	uint64		min = PG_UINT64_MAX;
	uint64		max = 0;
	int			shift;
	int64		i;
	int64		run;

	for (i = 0; i < n; i++)
	{
		uint64		k = word_key(src[i]);

		min = Min(min, k);
		max = Max(max, k);
	}
	CHECK_FOR_INTERRUPTS();
	/* the top 22 significant bits of (key - min) */
	shift = Max(0, (max == min ? 0 : 64 - __builtin_clzll(max - min)) - 2 * RADIX_BITS);
	for (i = 0; i < n; i++)
	{
		uint64		k = word_key(src[i]) - min;

		lo[(k >> shift) & (RADIX_SIZE - 1)]++;
		hi[(k >> (shift + RADIX_BITS)) & (RADIX_SIZE - 1)]++;
	}
	CHECK_FOR_INTERRUPTS();
	radix_pass(src, tmp, n, min, shift, lo);
	radix_pass(tmp, out, n, min, shift + RADIX_BITS, hi);

	/* finish each run of words that share those bits */
	for (run = 0; run < n;)
	{
		uint64		top = (word_key(out[run]) - min) >> shift;
		int64		end = run + 1;

		while (end < n && (word_key(out[end]) - min) >> shift == top)
			end++;
		if (end - run <= SHORT_RUN)
			insertion_sort_words(out + run, end - run);
		else
			radix_sort_words(out + run, tmp, end - run);
		/* about every million words */
		if ((run >> 20) != (end >> 20))
			CHECK_FOR_INTERRUPTS();
		run = end;
	}
	pfree(lo);
	pfree(hi);
	pfree(tmp);
	return out;
}

/* distinct hashes among the stored ones (the state is not overflowed) */
static int64
distinct_hashes(const Vec8State *s)
{
	uint64	   *h;
	int64		n = s->nvalues;
	int64		distinct;
	int64		i;

	if (hash_set_is_keyed(s))
		return hash_set_keyed_distinct(s);
	/* the bitmap form: every value but the repeats is distinct */
	if (s->flags & VEC8_DENSE)
		return s->count - DENSE_NREPEATS(s);
	if (n == 0)
		return 0;
	h = vqc_sorted_words(s->values, n);
	distinct = 1;
	for (i = 1; i < n; i++)
	{
		if (h[i] != h[i - 1])
			distinct++;
	}
	CHECK_FOR_INTERRUPTS();
	pfree(h);
	return distinct;
}

Datum
vqc_hash_set_has_duplicates(PG_FUNCTION_ARGS)
{
	Vec8State  *s = vec8_get_arg(fcinfo, 0);

	if (s->flags & VEC8_OVERFLOW)
		PG_RETURN_NULL();
	if (hash_set_is_keyed(s))
		PG_RETURN_BOOL(hash_set_keyed_has_duplicates(s));
	PG_RETURN_BOOL(distinct_hashes(s) < s->count);
}

Datum
vqc_hash_set_distinct_hashes(PG_FUNCTION_ARGS)
{
	Vec8State  *s = vec8_get_arg(fcinfo, 0);

	if (s->flags & VEC8_OVERFLOW)
		PG_RETURN_NULL();
	PG_RETURN_INT64(distinct_hashes(s));
}

/*
 * vqc.hash_set_duplicates(state, max_hashes int) returns bigint[][]: one
 * {word, occurrences} row per word stored more than once, ascending as
 * bigint; NULL when the state overflowed or more than max_hashes words
 * repeat (then a second pass should not rely on them).  For integer
 * columns the words are the repeated values themselves; for a keyed state
 * (hash_set_keyed.c) they are the candidate keys, with their rows.
 */
Datum
vqc_hash_set_duplicates(PG_FUNCTION_ARGS)
{
	Vec8State  *s = vec8_get_arg(fcinfo, 0);
	int32		max_hashes = PG_GETARG_INT32(1);
	const uint64 *words = s->values;
	int64		n = s->nvalues;
	int			extra = 0;
	uint64	   *h;
	Datum	   *out;
	int64		nout = 0;
	int64		i;
	int			dims[2];
	int			lbs[2] = {1, 1};

	if (max_hashes < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_hashes must not be negative")));
	if (s->flags & VEC8_OVERFLOW)
		PG_RETURN_NULL();
	if (hash_set_is_keyed(s))
	{
		bool		isnull;
		Datum		d = hash_set_keyed_duplicates(s, max_hashes, false, &isnull);

		if (isnull)
			PG_RETURN_NULL();
		PG_RETURN_DATUM(d);
	}
	/* the bitmap form: a value stored k times has k - 1 repeats */
	if (s->flags & VEC8_DENSE)
	{
		words = DENSE_REPEATS(s);
		n = DENSE_NREPEATS(s);
		extra = 1;
	}
	if (n == 0)
		PG_RETURN_ARRAYTYPE_P(construct_empty_array(INT8OID));

	h = vqc_sorted_words(words, n);
	/* rows: at most one per two words of a list, one per repeat of a bitmap */
	out = palloc(sizeof(Datum) * 2 * Max(1, Min(extra ? n : n / 2 + 1, (int64) max_hashes + 1)));

	for (i = 0; i < n;)
	{
		int64		end = i + 1;

		while (end < n && h[end] == h[i])
			end++;
		if ((i >> 20) != (end >> 20))
			CHECK_FOR_INTERRUPTS();
		if (end - i + extra > 1)
		{
			if (nout == max_hashes)
				PG_RETURN_NULL();
			out[2 * nout] = Int64GetDatum((int64) h[i]);
			out[2 * nout + 1] = Int64GetDatum(end - i + extra);
			nout++;
		}
		i = end;
	}
	pfree(h);
	if (nout == 0)
		PG_RETURN_ARRAYTYPE_P(construct_empty_array(INT8OID));
	dims[0] = (int) nout;
	dims[1] = 2;
	PG_RETURN_ARRAYTYPE_P(construct_md_array(out, NULL, 2, dims, lbs, INT8OID, 8,
											 FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

/*
 * vqc.hash_set_key_duplicates(keyed state, max_keys int) returns bigint[][]:
 * one {key, rows} row per key of a keyed state (hash_set_keyed.c) stored
 * more than once, ascending; exactly what vqc.hash_set_duplicates gives for
 * vqc.hash_set_agg of the key column alone, so a suite that screens both the
 * key and a combination keyed by it screens the key once.  NULL when the
 * state overflowed or more than max_keys keys repeat.
 */
Datum
vqc_hash_set_key_duplicates(PG_FUNCTION_ARGS)
{
	Vec8State  *s = vec8_get_arg(fcinfo, 0);
	int32		max_keys = PG_GETARG_INT32(1);
	bool		isnull;
	Datum		d;

	if (max_keys < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_keys must not be negative")));
	if (!hash_set_is_keyed(s))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("vqc.hash_set_key_duplicates needs a keyed state"),
				 errdetail("A keyed state is the result of vqc.hash_set_agg(key, rest).")));
	if (s->flags & VEC8_OVERFLOW)
		PG_RETURN_NULL();
	d = hash_set_keyed_duplicates(s, max_keys, true, &isnull);
	if (isnull)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(d);
}
