/*-------------------------------------------------------------------------
 *
 * hash_set_keyed.c
 *	  vqc.hash_set_agg(key, rest): the hash screen of a combination of
 *	  columns one of which, the key, is an integer column with few repeats
 *	  over a narrow range (a surrogate key, a record number), and rest is
 *	  vqc.hash_row of the other columns.  A list of combination words costs
 *	  8 bytes a row and a sort at the end; here the key addresses its slot
 *	  directly, as in the bitmap form of integers (hash_set_dense.c), and the
 *	  slot keeps a 16-bit fingerprint of rest (equal for equal rest: the
 *	  caller may pass one integer column itself).  Two rows of one
 *	  combination share the key and the fingerprint, so a key whose rows all
 *	  differ in fingerprint holds no repeated combination; a key with two
 *	  equal fingerprints is a candidate, whose rows the caller reads to
 *	  confirm (a fingerprint collision costs a pass, never a wrong answer).
 *
 *	  The keyed form (flags VEC8_DENSE, binding HASH_SET_BINDING_KEYED) has
 *	  two layouts.  Both start:
 *
 *		values[0]	the lowest key of the range, a multiple of 64 (as in
 *					hash_set_dense.c)
 *		values[1]	nbits, the number of bitmap words (plus KEYED_DIRECT in
 *					the direct layout)
 *		values[2 .. 2 + nbits)	the bitmap: bit b of word j is the key
 *					values[0] + 64 j + b
 *
 *	  then, in the direct layout that aggregation builds in memory, 16 nbits
 *	  words of fingerprints, key values[0] + i in bits 16 (i % 4) to
 *	  16 (i % 4) + 15 of word i / 4 (zero for a key that is absent): a key's
 *	  slot is found without a search, 17 bits per key of the range.  The
 *	  stored and shipped form (flattened, sent, written as text) is compact:
 *	  the fingerprints of the keys present only, in key order, four to a word
 *	  (unused lanes zero), so that parallel workers hand their leader about
 *	  a third of the bytes.  Last, in both, the repeats: a pair of words (key,
 *	  fingerprint) per row of a key after its first, in no order; count =
 *	  (bits set) + (repeats).  An empty state has no words (and no flag but
 *	  its binding).  The state overflows, and the caller then reads every
 *	  row, when the range or the repeats outgrow the exact memory limit, or
 *	  a key is NULL.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "common/int.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "port/pg_bitutils.h"
#include "utils/array.h"
#include "utils/lsyscache.h"

#include "hash_set_dense.h"
#include "hash_set_keyed.h"

PG_FUNCTION_INFO_V1(vqc_hash_set_keyed_transfn);

/* fingerprint words per bitmap word in the direct layout: 64 keys of 16 bits */
#define FP_WORDS			16
#define FP_MASK				UINT64CONST(0xFFFF)
/* the mark of the direct layout in values[1] (bitmaps are far shorter) */
#define KEYED_DIRECT		(UINT64CONST(1) << 62)
#define KEYED_IS_DIRECT(s)	(((s)->values[1] & KEYED_DIRECT) != 0)
#define KEYED_NBITS(s)		((int64) ((s)->values[1] & ~KEYED_DIRECT))
#define KEYED_BITS(s)		((s)->values + DENSE_HDR_WORDS)
#define KEYED_FPS(s)		(KEYED_BITS(s) + KEYED_NBITS(s))
/* the words before the repeats in the direct layout, for nbits bitmap words */
#define KEYED_FIXED(nbits)	(DENSE_HDR_WORDS + (1 + FP_WORDS) * (nbits))

/* the fingerprint in lane i of the words fps (4 lanes a word) */
static inline uint64
fp_get(const uint64 *fps, uint64 i)
{
	return (fps[i >> 2] >> ((i & 3) * 16)) & FP_MASK;
}

bool
hash_set_is_keyed(const Vec8State *s)
{
	return (s->flags & VEC8_BINDING_MASK) == HASH_SET_BINDING_KEYED;
}

/* Is s a keyed state in the direct layout (built in memory)? */
bool
hash_set_keyed_is_direct(const Vec8State *s)
{
	return hash_set_is_keyed(s) && (s->flags & VEC8_DENSE) && KEYED_IS_DIRECT(s);
}

/* keys present: the bits set */
static int64
keyed_present(const Vec8State *s)
{
	int64		n = 0;
	int64		i;

	for (i = 0; i < KEYED_NBITS(s); i++)
		n += pg_popcount64(KEYED_BITS(s)[i]);
	return n;
}

/* the words of fingerprints, in either layout, for present keys */
static inline int64
keyed_fp_words(const Vec8State *s, int64 present)
{
	return KEYED_IS_DIRECT(s) ? FP_WORDS * KEYED_NBITS(s) : (present + 3) / 4;
}

/* the repeats, (key, fingerprint) pairs, and how many */
static inline uint64 *
keyed_repeats(const Vec8State *s, int64 present, int64 *nrep)
{
	int64		before = DENSE_HDR_WORDS + KEYED_NBITS(s) + keyed_fp_words(s, present);

	*nrep = (s->nvalues - before) / 2;
	return (uint64 *) s->values + before;
}

/*
 * Makes the range of the direct state cover the bitmap word indexes [lo,
 * hi], widening it with room to spare toward the side that grew (as much
 * again as it had, at most half the memory left) when that fits with
 * more_words words to come; false when even [lo, hi] does not fit in the
 * memory limit.
 */
static bool
keyed_cover(Vec8Expanded *e, uint64 lo, uint64 hi, int64 more_words)
{
	Vec8State  *s = e->vec;
	uint64		base = first_word(s);
	int64		nbits = KEYED_NBITS(s);
	int64		nrep = s->nvalues - KEYED_FIXED(nbits);
	uint64		first = Min(base, lo);
	uint64		last = Max(base + nbits - 1, hi);
	int64		room = (vec8_max_words() - DENSE_HDR_WORDS - nrep - more_words) / (1 + FP_WORDS);
	uint64		extra;
	int64		newbits;
	int64		shift;
	uint64	   *v;

	if (first == base && last == base + nbits - 1)
		return true;
	if (room <= 0 || last - first >= (uint64) room)
		return false;
	extra = Min((uint64) nbits, ((uint64) room - (last - first + 1)) / 2);
	if (first < base)
		first -= Min(extra, first);
	else
		last += Min(extra, DENSE_LAST_WORD_INDEX - last);
	newbits = (int64) (last - first + 1);
	if (!vec8_reserve(e, KEYED_FIXED(newbits) + nrep))
		return false;
	s = e->vec;
	v = s->values + DENSE_HDR_WORDS;
	shift = (int64) (base - first);
	/* every section moves up: the last one first */
	memmove(v + (1 + FP_WORDS) * newbits, v + (1 + FP_WORDS) * nbits, nrep * sizeof(uint64));
	memmove(v + newbits + FP_WORDS * shift, v + nbits, FP_WORDS * nbits * sizeof(uint64));
	memmove(v + shift, v, nbits * sizeof(uint64));
	memset(v, 0, shift * sizeof(uint64));
	memset(v + shift + nbits, 0, (newbits - shift - nbits) * sizeof(uint64));
	memset(v + newbits, 0, FP_WORDS * shift * sizeof(uint64));
	memset(v + newbits + FP_WORDS * (shift + nbits), 0,
		   FP_WORDS * (newbits - shift - nbits) * sizeof(uint64));
	s->values[0] = word_of(first << 6);
	s->values[1] = (uint64) newbits | KEYED_DIRECT;
	s->nvalues = KEYED_FIXED(newbits) + nrep;
	return true;
}

/* The first key of an empty state: a direct range of the 64 keys around it. */
static bool
keyed_start(Vec8Expanded *e, uint64 k)
{
	if (!vec8_reserve(e, KEYED_FIXED(1)))
		return false;
	memset(e->vec->values, 0, KEYED_FIXED(1) * sizeof(uint64));
	e->vec->values[0] = word_of((k >> 6) << 6);
	e->vec->values[1] = 1 | KEYED_DIRECT;
	e->vec->nvalues = KEYED_FIXED(1);
	e->vec->flags |= VEC8_DENSE;
	return true;
}

/* Adds one repeat; false when it does not fit. */
static bool
keyed_repeat(Vec8Expanded *e, uint64 k, uint64 fp)
{
	if (!vec8_reserve(e, e->vec->nvalues + 2))
		return false;
	e->vec->values[e->vec->nvalues++] = word_of(k);
	e->vec->values[e->vec->nvalues++] = fp;
	return true;
}

/* Stores the key k (unsigned, in bigint order) with fingerprint fp. */
static bool
keyed_insert(Vec8Expanded *e, uint64 k, uint64 fp)
{
	uint64		low = first_word(e->vec) << 6;
	uint64		off = k - low;
	uint64	   *w;
	uint64		bit;

	if (k < low || (off >> 6) >= (uint64) KEYED_NBITS(e->vec))
	{
		if (!keyed_cover(e, k >> 6, k >> 6, 2))
			return false;
		off = k - (first_word(e->vec) << 6);
	}
	w = KEYED_BITS(e->vec) + (off >> 6);
	bit = UINT64CONST(1) << (off & 63);
	if (*w & bit)
		return keyed_repeat(e, k, fp);
	*w |= bit;
	KEYED_FPS(e->vec)[off >> 2] |= fp << ((off & 3) * 16);
	return true;
}

/*
 * A direct copy of the keyed state r (either layout) in e's context, with
 * room for spare more words.
 */
static Vec8State *
keyed_direct_copy(Vec8Expanded *e, const Vec8State *r, int64 spare)
{
	int64		nbits = KEYED_NBITS(r);
	int64		present = KEYED_IS_DIRECT(r) ? 0 : keyed_present(r);
	int64		nrep;
	const uint64 *rep = keyed_repeats(r, present, &nrep);
	int64		nvalues = KEYED_FIXED(nbits) + 2 * nrep;
	Size		sz = VEC8_HDRSZ + (Size) (nvalues + spare) * sizeof(uint64);
	Vec8State  *s = MemoryContextAllocZero(e->hdr.eoh_context, sz);
	int64		i;
	int64		rank = 0;

	SET_VARSIZE(s, sz);
	s->version = r->version;
	s->flags = r->flags;
	s->count = r->count;
	s->nvalues = nvalues;
	s->values[0] = r->values[0];
	s->values[1] = (uint64) nbits | KEYED_DIRECT;
	memcpy(KEYED_BITS(s), KEYED_BITS(r), nbits * sizeof(uint64));
	if (KEYED_IS_DIRECT(r))
		memcpy(KEYED_FPS(s), KEYED_FPS(r), FP_WORDS * nbits * sizeof(uint64));
	else
	{
		for (i = 0; i < nbits; i++)
		{
			uint64		bits = KEYED_BITS(r)[i];
			uint64	   *sf = KEYED_FPS(s) + FP_WORDS * i;

			while (bits != 0)
			{
				int			b = pg_rightmost_one_pos64(bits);

				sf[b >> 2] |= fp_get(KEYED_FPS(r), (uint64) rank++) << ((b & 3) * 16);
				bits &= bits - 1;
			}
		}
	}
	memcpy(s->values + KEYED_FIXED(nbits), rep, 2 * nrep * sizeof(uint64));
	return s;
}

/* The key's type (smallint, integer or bigint), checked once per call site. */
static Oid
keyed_key_type(FunctionCallInfo fcinfo)
{
	Oid		   *cached = (Oid *) fcinfo->flinfo->fn_extra;

	if (unlikely(cached == NULL))
	{
		Oid			typid = get_fn_expr_argtype(fcinfo->flinfo, 1);
		Oid			base = OidIsValid(typid) ? getBaseType(typid) : InvalidOid;

		if (base != INT2OID && base != INT4OID && base != INT8OID)
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("the key of vqc.hash_set_agg(key, rest) must be smallint, integer or bigint")));
		cached = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(Oid));
		*cached = base;
		fcinfo->flinfo->fn_extra = cached;
	}
	return *cached;
}

/* The transition state of argument 0 as an expanded, direct keyed state. */
static Vec8Expanded *
keyed_transition_arg(FunctionCallInfo fcinfo)
{
	Vec8Expanded *e = vec8_transition_arg(fcinfo, 0);

	if (unlikely(!hash_set_is_keyed(e->vec)))
		vec8_bind(e->vec, HASH_SET_BINDING_KEYED);
	/* a stored state given as INITCOND, or a partial state from a worker */
	if (unlikely((e->vec->flags & VEC8_DENSE) && !KEYED_IS_DIRECT(e->vec)))
	{
		Vec8State  *compact = e->vec;

		e->vec = keyed_direct_copy(e, compact, 0);
		pfree(compact);
	}
	return e;
}

/*
 * Transition of vqc.hash_set_agg(key, rest bigint): not strict, since a row
 * whose key is NULL must not go unseen (it overflows the state).  The
 * fingerprint is the top 16 bits of rest times the golden ratio (a
 * bijection of rest).
 */
Datum
vqc_hash_set_keyed_transfn(PG_FUNCTION_ARGS)
{
	Oid			keytype = keyed_key_type(fcinfo);
	Vec8Expanded *e;
	Datum		key;
	uint64		k;
	uint64		fp;
	bool		ok;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("vqc.hash_set_keyed_transfn needs an initial state"),
				 errhint("Give the aggregate the empty vqc.hash_set_state as its INITCOND.")));
	e = keyed_transition_arg(fcinfo);
	e->vec->count++;
	if (e->vec->flags & VEC8_OVERFLOW)
		PG_RETURN_DATUM(EOHPGetRWDatum(&e->hdr));
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
	{
		vec8_set_overflowed(e, e->vec->count);
		PG_RETURN_DATUM(EOHPGetRWDatum(&e->hdr));
	}
	key = PG_GETARG_DATUM(1);
	if (keytype == INT8OID)
		k = key_of((uint64) DatumGetInt64(key));
	else if (keytype == INT4OID)
		k = key_of((uint64) (int64) DatumGetInt32(key));
	else
		k = key_of((uint64) (int64) DatumGetInt16(key));
	/* rest may be an integer column itself: mixed, its top bits vary too */
	fp = ((uint64) PG_GETARG_INT64(2) * UINT64CONST(0x9e3779b97f4a7c15)) >> 48;
	if (e->vec->flags & VEC8_DENSE)
		ok = keyed_insert(e, k, fp);
	else
		ok = keyed_start(e, k) && keyed_insert(e, k, fp);
	if (!ok)
		vec8_set_overflowed(e, e->vec->count);
	PG_RETURN_DATUM(EOHPGetRWDatum(&e->hdr));
}

/*
 * ORs r's keys (either layout) into the direct state s, which covers them
 * and has room for the repeats, with the fingerprints of the keys new to
 * s; a key on both sides becomes a repeat of s.
 */
static void
keyed_or(Vec8State *s, const Vec8State *r)
{
	bool		direct = KEYED_IS_DIRECT(r);
	int64		rank = 0;
	int64		i;

	for (i = 0; i < KEYED_NBITS(r); i++)
	{
		uint64		rb = KEYED_BITS(r)[i];
		uint64		j = first_word(r) + (uint64) i;
		int64		si;
		uint64	   *lb;
		uint64	   *sf;
		const uint64 *rf = KEYED_FPS(r) + FP_WORDS * i;

		if (rb == 0)
			continue;
		si = (int64) (j - first_word(s));
		lb = KEYED_BITS(s) + si;
		sf = KEYED_FPS(s) + FP_WORDS * si;
		if (direct && *lb == 0)
		{
			/* absent keys have zero fingerprints on both sides */
			memcpy(sf, rf, FP_WORDS * sizeof(uint64));
			*lb = rb;
			continue;
		}
		while (rb != 0)
		{
			int			b = pg_rightmost_one_pos64(rb);
			uint64		fp = direct ? fp_get(rf, (uint64) b) : fp_get(KEYED_FPS(r), (uint64) rank++);

			if (*lb & (UINT64CONST(1) << b))
			{
				s->values[s->nvalues++] = word_of((j << 6) | (uint64) b);
				s->values[s->nvalues++] = fp;
			}
			else
				sf[b >> 2] |= fp << ((b & 3) * 16);
			rb &= rb - 1;
		}
		*lb |= KEYED_BITS(r)[i];
	}
}

/* Combine of keyed states: the union of the keys, overflowed when it does not fit. */
void
hash_set_keyed_combine(Vec8Expanded *l, const Vec8State *r)
{
	int64		count;
	uint64		lo;
	uint64		hi;
	int64		need;
	int64		nrep;
	const uint64 *rep;

	vec8_bind(l->vec, r->flags & VEC8_BINDING_MASK);
	if (pg_add_s64_overflow(l->vec->count, r->count, &count))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("state count out of range")));
	if ((l->vec->flags | r->flags) & VEC8_OVERFLOW)
	{
		vec8_set_overflowed(l, count);
		return;
	}
	if ((r->flags & VEC8_DENSE) && hash_set_bitmap_used_range(r, KEYED_NBITS(r), &lo, &hi))
	{
		Vec8State  *old = l->vec;

		if (!(old->flags & VEC8_DENSE))
		{
			l->vec = keyed_direct_copy(l, r, 0);
			pfree(old);
		}
		else
		{
			if (!KEYED_IS_DIRECT(old))
			{
				l->vec = keyed_direct_copy(l, old, 0);
				pfree(old);
			}
			rep = keyed_repeats(r, KEYED_IS_DIRECT(r) ? 0 : keyed_present(r), &nrep);
			need = 2 * (hash_set_bitmap_shared(l->vec, KEYED_NBITS(l->vec), r, lo, hi) + nrep);
			if (!keyed_cover(l, lo, hi, need) || !vec8_reserve(l, l->vec->nvalues + need))
			{
				vec8_set_overflowed(l, count);
				return;
			}
			keyed_or(l->vec, r);
			memcpy(l->vec->values + l->vec->nvalues, rep, 2 * nrep * sizeof(uint64));
			l->vec->nvalues += 2 * nrep;
		}
	}
	l->vec->count = count;
}

/* Words of the compact layout of the direct state s. */
int64
hash_set_keyed_compact_words(const Vec8State *s)
{
	int64		present = keyed_present(s);
	int64		nrep;

	(void) keyed_repeats(s, present, &nrep);
	return DENSE_HDR_WORDS + KEYED_NBITS(s) + (present + 3) / 4 + 2 * nrep;
}

/*
 * Writes the compact layout of the direct state s into out, which has room
 * for hash_set_keyed_compact_words(s) words: the header, then the words.
 */
void
hash_set_keyed_compact(const Vec8State *s, Vec8State *out)
{
	int64		nbits = KEYED_NBITS(s);
	int64		present = keyed_present(s);
	int64		nfp = (present + 3) / 4;
	int64		nrep;
	const uint64 *rep = keyed_repeats(s, present, &nrep);
	uint64	   *fps = out->values + DENSE_HDR_WORDS + nbits;
	int64		rank = 0;
	int64		i;

	out->version = s->version;
	out->flags = s->flags;
	out->count = s->count;
	out->nvalues = DENSE_HDR_WORDS + nbits + nfp + 2 * nrep;
	out->values[0] = s->values[0];
	out->values[1] = (uint64) nbits;
	memcpy(out->values + DENSE_HDR_WORDS, KEYED_BITS(s), nbits * sizeof(uint64));
	memset(fps, 0, nfp * sizeof(uint64));
	for (i = 0; i < nbits; i++)
	{
		uint64		bits = KEYED_BITS(s)[i];
		const uint64 *sf = KEYED_FPS(s) + FP_WORDS * i;

		while (bits != 0)
		{
			int			b = pg_rightmost_one_pos64(bits);

			fps[rank >> 2] |= fp_get(sf, (uint64) b) << ((rank & 3) * 16);
			rank++;
			bits &= bits - 1;
		}
	}
	memcpy(fps + nfp, rep, 2 * nrep * sizeof(uint64));
}

/* A key that repeats: its rows, and the distinct fingerprints among them. */
typedef struct KeyedRun
{
	uint64		key;			/* as a bigint word */
	int64		rows;
	int64		distinct;
} KeyedRun;

/*
 * The keys that repeat, ascending as bigint, in a palloc'd array of *nruns
 * (NULL when none): the repeats, packed as (offset << 16 | fingerprint) and
 * radix-sorted, give each key's fingerprints in order; the first row's
 * fingerprint is the key's slot (direct) or its rank among the keys present
 * (compact).
 */
static KeyedRun *
keyed_runs(const Vec8State *s, int64 *nruns)
{
	bool		direct;
	int64		present;
	int64		nrep = 0;
	const uint64 *rep;
	uint64		low;
	uint64	   *packed;
	uint64	   *sorted;
	KeyedRun   *runs;
	int64		n = 0;
	int64		i;
	int64		word = 0;		/* compact: bitmap words counted so far */
	int64		rank = 0;		/* compact: keys present in them */

	*nruns = 0;
	if (!(s->flags & VEC8_DENSE))
		return NULL;
	direct = KEYED_IS_DIRECT(s);
	present = direct ? 0 : keyed_present(s);
	rep = keyed_repeats(s, present, &nrep);
	if (nrep == 0)
		return NULL;
	low = first_word(s) << 6;
	packed = palloc(nrep * sizeof(uint64));
	/* offsets are below 2^33 (the bitmap fits in MaxAllocSize): 49 bits */
	for (i = 0; i < nrep; i++)
		packed[i] = ((key_of(rep[2 * i]) - low) << 16) | rep[2 * i + 1];
	sorted = vqc_sorted_words(packed, nrep);
	pfree(packed);
	runs = palloc(nrep * sizeof(KeyedRun));
	for (i = 0; i < nrep;)
	{
		uint64		off = sorted[i] >> 16;
		uint64		slotfp;
		int64		end;
		int64		distinct = 1;

		if (direct)
			slotfp = fp_get(KEYED_FPS(s), off);
		else
		{
			for (; word < (int64) (off >> 6); word++)
				rank += pg_popcount64(KEYED_BITS(s)[word]);
			slotfp = fp_get(KEYED_FPS(s), (uint64) (rank + pg_popcount64(KEYED_BITS(s)[word] &
																	   ((UINT64CONST(1) << (off & 63)) - 1))));
		}
		for (end = i; end < nrep && sorted[end] >> 16 == off; end++)
		{
			if ((sorted[end] & FP_MASK) != slotfp && (end == i || sorted[end] != sorted[end - 1]))
				distinct++;
		}
		runs[n].key = word_of(low + off);
		runs[n].rows = 1 + end - i;
		runs[n].distinct = distinct;
		n++;
		if ((i >> 20) != (end >> 20))
			CHECK_FOR_INTERRUPTS();
		i = end;
	}
	pfree(sorted);
	*nruns = n;
	return runs;
}

bool
hash_set_keyed_has_duplicates(const Vec8State *s)
{
	int64		n;
	KeyedRun   *runs = keyed_runs(s, &n);
	int64		i;

	for (i = 0; i < n; i++)
	{
		if (runs[i].distinct < runs[i].rows)
			return true;
	}
	return false;
}

/* distinct (key, fingerprint) pairs */
int64
hash_set_keyed_distinct(const Vec8State *s)
{
	int64		n;
	KeyedRun   *runs = keyed_runs(s, &n);
	int64		distinct = s->count;
	int64		i;

	for (i = 0; i < n; i++)
		distinct -= runs[i].rows - runs[i].distinct;
	return distinct;
}

/*
 * vqc.hash_set_duplicates of a keyed state: one {key, rows} row per key
 * whose rows share a fingerprint (the candidates), ascending; *isnull when
 * more than max_keys keys are candidates.  With every_key, one row per key
 * stored more than once whatever its fingerprints (vqc.hash_set_key_duplicates):
 * what the screen of the key column alone gives, since the bitmap holds each
 * key once and the repeats every further row.
 */
Datum
hash_set_keyed_duplicates(const Vec8State *s, int32 max_keys, bool every_key, bool *isnull)
{
	int64		n;
	KeyedRun   *runs = keyed_runs(s, &n);
	Datum	   *out = palloc(sizeof(Datum) * 2 * Max(1, Min(n, (int64) max_keys)));
	int64		nout = 0;
	int64		i;
	int			dims[2];
	int			lbs[2] = {1, 1};

	*isnull = false;
	for (i = 0; i < n; i++)
	{
		if (runs[i].distinct == runs[i].rows && !every_key)
			continue;
		if (nout == max_keys)
		{
			*isnull = true;
			return (Datum) 0;
		}
		out[2 * nout] = Int64GetDatum((int64) runs[i].key);
		out[2 * nout + 1] = Int64GetDatum(runs[i].rows);
		nout++;
	}
	if (nout == 0)
		return PointerGetDatum(construct_empty_array(INT8OID));
	dims[0] = (int) nout;
	dims[1] = 2;
	return PointerGetDatum(construct_md_array(out, NULL, 2, dims, lbs, INT8OID, 8,
											  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

/*
 * Checks a keyed state read from its text or binary form completely:
 * vec8_parse has checked the header, the count and the number of words.
 * Only the compact layout is ever written out; the direct one, or the
 * mark of it, is refused.
 */
void
hash_set_keyed_validate(const Vec8State *s, int errcode, const char *typname)
{
	VqcReader	r;
	uint64		nbits;
	int64		present;
	int64		nfp;
	int64		nrep;
	const uint64 *rep;
	int64		i;

	if (!hash_set_is_keyed(s))
		return;
	vqc_reader_init(&r, NULL, 0, errcode, typname);
	if (!(s->flags & VEC8_DENSE))
	{
		if (s->nvalues != 0)
			vqc_bad_state(&r, "A keyed state stores its values in the keyed form.");
		return;
	}
	present = hash_set_bitmap_validate(s, &r);
	nbits = s->values[1];
	nfp = (present + 3) / 4;
	if (nfp > s->nvalues - DENSE_HDR_WORDS - (int64) nbits ||
		(s->nvalues - DENSE_HDR_WORDS - (int64) nbits - nfp) % 2 != 0)
		vqc_bad_state(&r, "The fingerprints and repeats do not fit the state.");
	/* the unused lanes of the last word of fingerprints */
	if (present % 4 != 0 &&
		(KEYED_FPS(s)[nfp - 1] >> ((present % 4) * 16)) != 0)
		vqc_bad_state(&r, "An unused fingerprint lane is not zero.");
	rep = keyed_repeats(s, present, &nrep);
	if (present + nrep != s->count)
		vqc_bad_state(&r, "The number of stored values does not match the count.");
	for (i = 0; i < nrep; i++)
	{
		if (!hash_set_bitmap_has(s, (int64) nbits, rep[2 * i]))
			vqc_bad_state(&r, "A repeated key is not in the bitmap.");
		if (rep[2 * i + 1] > FP_MASK)
			vqc_bad_state(&r, "A fingerprint is wider than 16 bits.");
	}
}
