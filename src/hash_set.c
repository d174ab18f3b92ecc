/*-------------------------------------------------------------------------
 *
 * hash_set.c
 *	  vqc.hash_set_state: exact uniqueness screening in one scan.  The
 *	  aggregate keeps the 64-bit extended hash (seed 0, input collation) of
 *	  every non-null value, up to the exact memory limit.  The accessors
 *	  radix-sort a private copy once: no repeated hash proves all values
 *	  distinct; a repeated hash means values MAY repeat (the caller confirms
 *	  with a second pass).  Past the memory limit only the count is kept.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/typcache.h"

#include "state_io.h"

#define TYPNAME "vqc.hash_set_state"

PG_FUNCTION_INFO_V1(vqc_hash_set_state_in);
PG_FUNCTION_INFO_V1(vqc_hash_set_state_out);
PG_FUNCTION_INFO_V1(vqc_hash_set_state_recv);
PG_FUNCTION_INFO_V1(vqc_hash_set_state_send);
PG_FUNCTION_INFO_V1(vqc_hash_set_transfn);
PG_FUNCTION_INFO_V1(vqc_hash_set_combinefn);
PG_FUNCTION_INFO_V1(vqc_hash_set_count);
PG_FUNCTION_INFO_V1(vqc_hash_set_overflowed);
PG_FUNCTION_INFO_V1(vqc_hash_set_has_duplicates);
PG_FUNCTION_INFO_V1(vqc_hash_set_distinct_hashes);
PG_FUNCTION_INFO_V1(vqc_hash_set_duplicate_hashes);
PG_FUNCTION_INFO_V1(vqc_hash_value);

/* the input type's extended hash function, cached in fn_extra */
typedef struct HashSetCache
{
	Oid			typid;
	FmgrInfo	hashfn;
} HashSetCache;

Datum
vqc_hash_set_state_in(PG_FUNCTION_ARGS)
{
	return vec8_type_in(fcinfo, VQC_MAGIC_HASH_SET, TYPNAME);
}

Datum
vqc_hash_set_state_out(PG_FUNCTION_ARGS)
{
	return vec8_type_out(fcinfo, VQC_MAGIC_HASH_SET, TYPNAME);
}

Datum
vqc_hash_set_state_recv(PG_FUNCTION_ARGS)
{
	return vec8_type_recv(fcinfo, VQC_MAGIC_HASH_SET, TYPNAME);
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
		Oid			typid = get_fn_expr_argtype(fcinfo->flinfo, argno);
		TypeCacheEntry *tce;

		if (!OidIsValid(typid))
			elog(ERROR, "could not determine the input type of a vqc hash function");
		tce = lookup_type_cache(typid, TYPECACHE_HASH_EXTENDED_PROC_FINFO);
		if (!OidIsValid(tce->hash_extended_proc))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_FUNCTION),
					 errmsg("could not identify an extended hash function for type %s",
							format_type_be(typid))));
		cache = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(HashSetCache));
		cache->typid = typid;
		fmgr_info_copy(&cache->hashfn, &tce->hash_extended_proc_finfo,
					   fcinfo->flinfo->fn_mcxt);
		fcinfo->flinfo->fn_extra = cache;
	}
	return cache;
}

static inline uint64
hash_set_hash(FunctionCallInfo fcinfo, HashSetCache *cache, Datum value)
{
	return DatumGetUInt64(FunctionCall2Coll(&cache->hashfn, PG_GET_COLLATION(),
											value, Int64GetDatum(0)));
}

/*
 * Transition: strict (NULL inputs never arrive), INITCOND is the empty
 * state.  Hashes with the type's extended hash support function.
 */
Datum
vqc_hash_set_transfn(PG_FUNCTION_ARGS)
{
	Vec8Expanded *e = vec8_transition_arg(fcinfo, 0);
	HashSetCache *cache = hash_set_hasher(fcinfo, 1);

	vec8_append(e, hash_set_hash(fcinfo, cache, PG_GETARG_DATUM(1)));
	PG_RETURN_DATUM(EOHPGetRWDatum(&e->hdr));
}

/*
 * vqc.hash_value(anyelement) returns bigint: the hash the aggregate stores,
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

	vec8_combine(l, vec8_get_arg(fcinfo, 1));
	PG_RETURN_DATUM(EOHPGetRWDatum(&l->hdr));
}

/*
 * LSD radix sort of uint64 keys, 11 bits per pass (6 passes); passes in
 * which every key has the same digit are skipped.
 */
#define RADIX_BITS	11
#define RADIX_SIZE	(1 << RADIX_BITS)
#define RADIX_PASSES ((64 + RADIX_BITS - 1) / RADIX_BITS)

static void
radix_sort_u64(uint64 *a, int64 n)
{
	Size	   *counts;
	uint64	   *tmp;
	uint64	   *src = a;
	uint64	   *dst;
	int64		i;
	int			pass;

	if (n < 2)
		return;

	counts = palloc0(sizeof(Size) * RADIX_PASSES * RADIX_SIZE);
	tmp = palloc(n * sizeof(uint64));
	dst = tmp;

	/* one read for all the histograms */
	for (i = 0; i < n; i++)
	{
		uint64		v = a[i];

		for (pass = 0; pass < RADIX_PASSES; pass++)
			counts[pass * RADIX_SIZE + ((v >> (pass * RADIX_BITS)) & (RADIX_SIZE - 1))]++;
	}

	for (pass = 0; pass < RADIX_PASSES; pass++)
	{
		Size	   *c = counts + pass * RADIX_SIZE;
		int			shift = pass * RADIX_BITS;
		Size		sum = 0;
		int			d;
		uint64	   *t;

		/* skip a pass where all keys share this digit */
		if (c[(src[0] >> shift) & (RADIX_SIZE - 1)] == (Size) n)
			continue;

		for (d = 0; d < RADIX_SIZE; d++)
		{
			Size		cnt = c[d];

			c[d] = sum;
			sum += cnt;
		}
		for (i = 0; i < n; i++)
		{
			uint64		v = src[i];

			dst[c[(v >> shift) & (RADIX_SIZE - 1)]++] = v;
		}
		t = src;
		src = dst;
		dst = t;
		CHECK_FOR_INTERRUPTS();
	}

	if (src != a)
		memcpy(a, src, n * sizeof(uint64));
	pfree(tmp);
	pfree(counts);
}

/* distinct hashes among the stored ones (the state is not overflowed) */
static int64
distinct_hashes(const Vec8State *s)
{
	uint64	   *h;
	int64		n = s->nvalues;
	int64		distinct;
	int64		i;

	if (n == 0)
		return 0;
	h = vec8_private_values(s);
	radix_sort_u64(h, n);
	distinct = 1;
	for (i = 1; i < n; i++)
	{
		if (h[i] != h[i - 1])
			distinct++;
	}
	pfree(h);
	return distinct;
}

Datum
vqc_hash_set_count(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(vec8_get_arg(fcinfo, 0)->count);
}

Datum
vqc_hash_set_overflowed(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL((vec8_get_arg(fcinfo, 0)->flags & VEC8_OVERFLOW) != 0);
}

Datum
vqc_hash_set_has_duplicates(PG_FUNCTION_ARGS)
{
	Vec8State  *s = vec8_get_arg(fcinfo, 0);

	if (s->flags & VEC8_OVERFLOW)
		PG_RETURN_NULL();
	PG_RETURN_BOOL(distinct_hashes(s) < s->nvalues);
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
 * vqc.hash_set_duplicate_hashes(state, max_hashes int) returns bigint[]:
 * the hashes stored more than once, ascending; NULL when the state overflowed
 * or more than max_hashes hashes repeat (then a second pass should not rely
 * on them).
 */
Datum
vqc_hash_set_duplicate_hashes(PG_FUNCTION_ARGS)
{
	Vec8State  *s = vec8_get_arg(fcinfo, 0);
	int32		max_hashes = PG_GETARG_INT32(1);
	uint64	   *h;
	Datum	   *out;
	int64		n = s->nvalues;
	int64		nout = 0;
	int64		i;

	if (max_hashes < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_hashes must not be negative")));
	if (s->flags & VEC8_OVERFLOW)
		PG_RETURN_NULL();

	h = vec8_private_values(s);
	radix_sort_u64(h, n);
	out = palloc(sizeof(Datum) * Max(1, Min(n / 2 + 1, (int64) max_hashes + 1)));
	for (i = 1; i < n; i++)
	{
		/* the first repeat of each run of equal hashes */
		if (h[i] == h[i - 1] && (i == 1 || h[i - 1] != h[i - 2]))
		{
			if (nout == max_hashes)
				PG_RETURN_NULL();
			out[nout++] = Int64GetDatum((int64) h[i]);
		}
	}
	pfree(h);
	PG_RETURN_ARRAYTYPE_P(construct_array(out, (int) nout, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}
