/*-------------------------------------------------------------------------
 *
 * hash_set_dense.c
 *	  The dense form of a vqc.hash_set_state of integers.  A list of words
 *	  costs 8 bytes a value; a bitmap over the values' range costs one bit
 *	  per integer in the range, so ten million keys in a range of ten
 *	  million fit in 1.25 MB.  When the list would outgrow the exact memory
 *	  limit and the range fits, or sooner, when a list of DENSE_EARLY_WORDS
 *	  integers or more must grow and its bitmap would take a quarter of its
 *	  words or less, the state turns into (flag VEC8_DENSE):
 *
 *		values[0]	the lowest integer of the bitmap's range, a multiple of 64
 *		values[1]	nbits, the number of bitmap words
 *		values[2 .. 2 + nbits)	the bitmap: bit b of word j is the integer
 *					values[0] + 64 j + b
 *		values[2 + nbits .. nvalues)	the repeats: one word per occurrence
 *					of an integer after its first, in no order
 *
 *	  so that count = (bits set) + (repeats), and the accessors answer as
 *	  they would from the list.  A value outside the range widens it (with
 *	  room to spare, toward the side that grew) while it fits; the state
 *	  overflows when the range or the repeats no longer fit.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/int.h"
#include "port/pg_bitutils.h"

#include "hash_set_dense.h"
#include "hash_set_keyed.h"

/* word indexes of the 2^64 keys run up to this */
#define LAST_WORD_INDEX	DENSE_LAST_WORD_INDEX

/*
 * Makes the bitmap cover the word indexes [lo, hi], widening it with room
 * to spare toward the side that grew (as much again as it had, at most half
 * the memory left, so that repeats find room) when that fits with
 * more_words words to come; false when even [lo, hi] does not fit in the
 * memory limit.
 */
static bool
dense_cover(Vec8Expanded *e, uint64 lo, uint64 hi, int64 more_words)
{
	Vec8State  *s = e->vec;
	uint64		base = first_word(s);
	int64		nbits = DENSE_NBITWORDS(s);
	int64		nrep = DENSE_NREPEATS(s);
	uint64		first = Min(base, lo);
	uint64		last = Max(base + nbits - 1, hi);
	int64		room = vec8_max_words() - DENSE_HDR_WORDS - nrep - more_words;
	uint64		extra;
	int64		newbits;
	int64		shift;

	if (first == base && last == base + nbits - 1)
		return true;
	if (room <= 0 || last - first >= (uint64) room)
		return false;
	extra = Min((uint64) nbits, ((uint64) room - (last - first + 1)) / 2);
	if (first < base)
		first -= Min(extra, first);
	else
		last += Min(extra, LAST_WORD_INDEX - last);
	newbits = (int64) (last - first + 1);
	if (!vec8_reserve(e, DENSE_HDR_WORDS + newbits + nrep))
		return false;
	s = e->vec;
	shift = (int64) (base - first);
	/* repeats to their new place first: both moves go up */
	memmove(s->values + DENSE_HDR_WORDS + newbits, DENSE_REPEATS(s), nrep * sizeof(uint64));
	memmove(DENSE_BITS(s) + shift, DENSE_BITS(s), nbits * sizeof(uint64));
	memset(DENSE_BITS(s), 0, shift * sizeof(uint64));
	memset(DENSE_BITS(s) + shift + nbits, 0, (newbits - shift - nbits) * sizeof(uint64));
	s->values[0] = word_of(first << 6);
	s->values[1] = (uint64) newbits;
	s->nvalues = DENSE_HDR_WORDS + newbits + nrep;
	return true;
}

/*
 * The word indexes of the first and last non-zero words of r's bitmap of
 * nbits words (the keyed form's too, hash_set_keyed.c); false if none.
 */
bool
hash_set_bitmap_used_range(const Vec8State *r, int64 nbits, uint64 *lo, uint64 *hi)
{
	int64		a = 0;
	int64		b = nbits - 1;

	while (a < nbits && DENSE_BITS(r)[a] == 0)
		a++;
	if (a == nbits)
		return false;
	while (DENSE_BITS(r)[b] == 0)
		b--;
	*lo = first_word(r) + a;
	*hi = first_word(r) + b;
	return true;
}

/* Drops the bitmap's spare words at both ends; false when it had none. */
static bool
dense_trim(Vec8State *s)
{
	int64		nbits = DENSE_NBITWORDS(s);
	int64		nrep = DENSE_NREPEATS(s);
	uint64		lo;
	uint64		hi;
	int64		newbits;

	if (!hash_set_bitmap_used_range(s, DENSE_NBITWORDS(s), &lo, &hi) || (int64) (hi - lo + 1) == nbits)
		return false;
	newbits = (int64) (hi - lo + 1);
	memmove(DENSE_BITS(s), DENSE_BITS(s) + (lo - first_word(s)), newbits * sizeof(uint64));
	memmove(DENSE_BITS(s) + newbits, DENSE_REPEATS(s), nrep * sizeof(uint64));
	s->values[0] = word_of(lo << 6);
	s->values[1] = (uint64) newbits;
	s->nvalues = DENSE_HDR_WORDS + newbits + nrep;
	return true;
}

/* Adds one repeat; false when it does not fit. */
static inline bool
dense_repeat(Vec8Expanded *e, uint64 word)
{
	if (e->vec->nvalues >= VEC8_CAPACITY(e->vec) &&
		!vec8_reserve(e, e->vec->nvalues + 1) &&
		!(dense_trim(e->vec) && vec8_reserve(e, e->vec->nvalues + 1)))
		return false;
	e->vec->values[e->vec->nvalues++] = word;
	return true;
}

/* Stores one integer (not counting it); false when it does not fit. */
static bool
dense_insert(Vec8Expanded *e, uint64 word)
{
	uint64		k = key_of(word);
	uint64		off = k - (first_word(e->vec) << 6);
	uint64	   *w;
	uint64		bit;

	if (k < (first_word(e->vec) << 6) || (off >> 6) >= (uint64) DENSE_NBITWORDS(e->vec))
	{
		if (!dense_cover(e, k >> 6, k >> 6, 0))
			return false;
		off = k - (first_word(e->vec) << 6);
	}
	w = DENSE_BITS(e->vec) + (off >> 6);
	bit = UINT64CONST(1) << (off & 63);
	if (*w & bit)
		return dense_repeat(e, word);
	*w |= bit;
	return true;
}

/* Transition of a dense state: count the value and store it, or overflow. */
void
hash_set_dense_add(Vec8Expanded *e, uint64 word)
{
	e->vec->count++;
	if (!dense_insert(e, word))
		vec8_set_overflowed(e, e->vec->count);
}

/* widens the word indexes [*lo, *hi] (empty when *lo > *hi) by a list's */
static void
list_range(const Vec8State *list, uint64 *lo, uint64 *hi)
{
	int64		i;

	for (i = 0; i < list->nvalues; i++)
	{
		uint64		k = key_of(list->values[i]) >> 6;

		if (*lo > *hi)
			*lo = *hi = k;
		*lo = Min(*lo, k);
		*hi = Max(*hi, k);
	}
}

/*
 * Turns e's list into the dense form, its range widened to cover the word
 * indexes [lo, hi] too (lo > hi: nothing more); false, e unchanged, when
 * it does not fit.  For a moment both forms are in memory.
 */
static bool
dense_from_list(Vec8Expanded *e, uint64 lo, uint64 hi)
{
	Vec8State  *list = e->vec;
	Vec8State  *s;
	int64		maxwords = vec8_max_words();
	int64		nbits;
	int64		cap;
	int64		i;

	list_range(list, &lo, &hi);
	if (lo > hi || hi - lo >= (uint64) (maxwords - DENSE_HDR_WORDS))
		return false;
	nbits = (int64) (hi - lo + 1);
	cap = Min(maxwords, DENSE_HDR_WORDS + nbits + 16);
	s = MemoryContextAllocZero(e->hdr.eoh_context, VEC8_HDRSZ + cap * sizeof(uint64));
	SET_VARSIZE(s, VEC8_HDRSZ + cap * sizeof(uint64));
	s->version = list->version;
	s->flags = list->flags | VEC8_DENSE;
	s->count = list->count;
	s->nvalues = DENSE_HDR_WORDS + nbits;
	s->values[0] = word_of(lo << 6);
	s->values[1] = (uint64) nbits;
	e->vec = s;
	for (i = 0; i < list->nvalues; i++)
	{
		if (!dense_insert(e, list->values[i]))
		{
			pfree(e->vec);
			e->vec = list;
			return false;
		}
	}
	pfree(list);
	return true;
}

/*
 * Whether a full list of many integers is narrow enough that its bitmap
 * would take at most a quarter of the list's words: then the list goes
 * dense before it grows, even with memory to spare (less memory to fill,
 * to ship from parallel workers and to sort for repeats).
 */
static bool
list_is_narrow(const Vec8State *list)
{
	uint64		lo = 1;
	uint64		hi = 0;

	if (list->nvalues < DENSE_EARLY_WORDS)
		return false;
	list_range(list, &lo, &hi);
	return lo <= hi && (hi - lo + 1) <= (uint64) list->nvalues / 4;
}

/*
 * The list of integers is full: go dense if it is narrow, or may not grow
 * and its range fits; else grow, or overflow as a list does.
 */
void
hash_set_list_full(Vec8Expanded *e, uint64 word)
{
	bool		narrow = list_is_narrow(e->vec);

	if ((!narrow && vec8_reserve(e, e->vec->nvalues + 1)) ||
		!dense_from_list(e, key_of(word) >> 6, key_of(word) >> 6))
	{
		vec8_append(e, word);
		return;
	}
	hash_set_dense_add(e, word);
}

/*
 * The integers r's bitmap shares with the bitmap of enbits words of e over
 * the word indexes [lo, hi] (of r's range).
 */
int64
hash_set_bitmap_shared(const Vec8State *e, int64 enbits, const Vec8State *r, uint64 lo, uint64 hi)
{
	uint64		from = Max(lo, first_word(e));
	uint64		to = Min(hi, first_word(e) + enbits - 1);
	int64		n = 0;
	uint64		j;

	for (j = from; j <= to && from <= to; j++)
		n += pg_popcount64(DENSE_BITS(e)[j - first_word(e)] & DENSE_BITS(r)[j - first_word(r)]);
	return n;
}

/*
 * ORs r's bitmap over [lo, hi] into e's, which covers it and has room for
 * the repeats: bits set on both sides.
 */
static void
dense_or(Vec8State *s, const Vec8State *r, uint64 lo, uint64 hi)
{
	const uint64 *rb = DENSE_BITS(r) + (lo - first_word(r));
	uint64	   *lb = DENSE_BITS(s) + (lo - first_word(s));
	uint64		j;

	for (j = 0; j <= hi - lo; j++)
	{
		uint64		both = lb[j] & rb[j];

		lb[j] |= rb[j];
		while (both != 0)
		{
			s->values[s->nvalues++] = word_of(((lo + j) << 6) | (uint64) pg_rightmost_one_pos64(both));
			both &= both - 1;
		}
	}
}

/* Adds r's integers to the dense state e; false when they do not fit. */
static bool
dense_merge(Vec8Expanded *e, const Vec8State *r)
{
	uint64		lo;
	uint64		hi;
	int64		need;
	int64		i;

	if (!(r->flags & VEC8_DENSE))
	{
		for (i = 0; i < r->nvalues; i++)
		{
			if (!dense_insert(e, r->values[i]))
				return false;
		}
		return true;
	}
	if (!hash_set_bitmap_used_range(r, DENSE_NBITWORDS(r), &lo, &hi))
		return true;
	/* room for the repeats first: trimming e later could drop r's range */
	need = hash_set_bitmap_shared(e->vec, DENSE_NBITWORDS(e->vec), r, lo, hi) + DENSE_NREPEATS(r);
	if (!dense_cover(e, lo, hi, need) || !vec8_reserve(e, e->vec->nvalues + need))
	{
		dense_trim(e->vec);
		if (!dense_cover(e, lo, hi, need) || !vec8_reserve(e, e->vec->nvalues + need))
			return false;
	}
	dense_or(e->vec, r, lo, hi);
	memcpy(e->vec->values + e->vec->nvalues, DENSE_REPEATS(r), DENSE_NREPEATS(r) * sizeof(uint64));
	e->vec->nvalues += DENSE_NREPEATS(r);
	return true;
}

/* a copy of the dense state r in e's context */
static Vec8State *
dense_copy(Vec8Expanded *e, const Vec8State *r)
{
	Size		sz = VEC8_HDRSZ + (Size) r->nvalues * sizeof(uint64);
	Vec8State  *s = MemoryContextAlloc(e->hdr.eoh_context, sz);

	memcpy(s, r, sz);
	SET_VARSIZE(s, sz);
	return s;
}

/*
 * Combine: a list into a list while it fits (vec8_combine), else, for
 * integers, the union in the dense form; overflowed when that does not fit
 * either.  Keyed states merge in hash_set_keyed.c.
 */
void
hash_set_combine(Vec8Expanded *l, const Vec8State *r)
{
	int64		count;
	Vec8State  *list;
	uint64		lo = 1;
	uint64		hi = 0;
	bool		ok;

	if (hash_set_is_keyed(l->vec) || hash_set_is_keyed(r))
	{
		hash_set_keyed_combine(l, r);
		return;
	}
	vec8_bind(l->vec, r->flags & VEC8_BINDING_MASK);
	if ((l->vec->flags & VEC8_BINDING_MASK) != HASH_SET_BINDING_INTEGERS ||
		((l->vec->flags | r->flags) & VEC8_OVERFLOW) ||
		(!((l->vec->flags | r->flags) & VEC8_DENSE) &&
		 l->vec->nvalues + r->nvalues <= vec8_max_words()))
	{
		vec8_combine(l, r);
		return;
	}
	if (pg_add_s64_overflow(l->vec->count, r->count, &count))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("state count out of range")));
	if (l->vec->flags & VEC8_DENSE)
		ok = dense_merge(l, r);
	else if (r->flags & VEC8_DENSE)
	{
		/* r's copy takes l's list */
		list = l->vec;
		l->vec = dense_copy(l, r);
		ok = dense_merge(l, list);
		pfree(list);
	}
	else
	{
		list_range(r, &lo, &hi);
		ok = dense_from_list(l, lo, hi) && dense_merge(l, r);
	}
	if (!ok)
	{
		vec8_set_overflowed(l, count);
		return;
	}
	l->vec->count = count;
}

/*
 * Checks the words a bitmap form starts with (the keyed form's too,
 * hash_set_keyed.c): not overflowed, a bitmap that fits the state, its
 * range aligned and within bigint; returns the bits set.
 */
int64
hash_set_bitmap_validate(const Vec8State *s, VqcReader *r)
{
	uint64		nbits;
	int64		set = 0;
	int64		i;

	if (s->flags & VEC8_OVERFLOW)
		vqc_bad_state(r, "An overflowed state must store no values.");
	if (s->nvalues <= DENSE_HDR_WORDS)
		vqc_bad_state(r, "A state in the bitmap form must have a bitmap.");
	nbits = s->values[1];
	if (nbits == 0 || nbits > (uint64) (s->nvalues - DENSE_HDR_WORDS))
		vqc_bad_state(r, "The length of the bitmap does not fit the state.");
	if (s->values[0] & 63)
		vqc_bad_state(r, "The range of the bitmap must start at a multiple of 64.");
	if (nbits - 1 > LAST_WORD_INDEX - first_word(s))
		vqc_bad_state(r, "The range of the bitmap goes past the largest bigint.");
	for (i = 0; i < (int64) nbits; i++)
		set += pg_popcount64(DENSE_BITS(s)[i]);
	return set;
}

/* Is the integer word in the bitmap of nbits words of s? */
bool
hash_set_bitmap_has(const Vec8State *s, int64 nbits, uint64 word)
{
	uint64		k = key_of(word);
	uint64		off = k - (first_word(s) << 6);

	return k >= (first_word(s) << 6) && (off >> 6) < (uint64) nbits &&
		(DENSE_BITS(s)[off >> 6] & (UINT64CONST(1) << (off & 63))) != 0;
}

/*
 * Checks a dense state read from its text or binary form completely:
 * vec8_parse has checked the header, the count and the number of words.
 */
void
hash_set_dense_validate(const Vec8State *s, int errcode, const char *typname)
{
	VqcReader	r;
	int64		set;
	int64		i;

	/* keyed states: hash_set_keyed_validate */
	if (!(s->flags & VEC8_DENSE) || hash_set_is_keyed(s))
		return;
	vqc_reader_init(&r, NULL, 0, errcode, typname);
	if ((s->flags & VEC8_BINDING_MASK) != HASH_SET_BINDING_INTEGERS)
		vqc_bad_state(&r, "A state in the bitmap form must hold integers.");
	set = hash_set_bitmap_validate(s, &r);
	if (set + DENSE_NREPEATS(s) != s->count)
		vqc_bad_state(&r, "The number of stored values does not match the count.");
	for (i = 0; i < DENSE_NREPEATS(s); i++)
	{
		if (!hash_set_bitmap_has(s, DENSE_NBITWORDS(s), DENSE_REPEATS(s)[i]))
			vqc_bad_state(&r, "A repeated value is not in the bitmap.");
	}
}
