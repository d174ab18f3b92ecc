/*-------------------------------------------------------------------------
 *
 * profile_internal.h
 *	  What the three files of vqc.profile share, and nothing else includes:
 *	  profile.c (the aggregate), profile_format.c (the stored form and the
 *	  text and binary forms) and profile_accessors.c (the accessors and
 *	  the JSON).  Other modules read profiles through profile.h.
 *
 * The small helpers are static inline here, not extern: the transition
 * function calls them for every row, and a call into another file would
 * not be inlined.
 *
 *-------------------------------------------------------------------------
 */
#ifndef VQC_PROFILE_INTERNAL_H
#define VQC_PROFILE_INTERNAL_H

#include <math.h>

#include "datatype/timestamp.h"
#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "utils/float.h"

#include "profile.h"

/* days and microseconds between 1970-01-01 and PostgreSQL's 2000-01-01 */
#define EPOCH_DAYS		((double) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE))
#define EPOCH_USECS		((double) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * (double) USECS_PER_DAY)

/*
 * Functions of one profile file that the others call are hidden from the
 * module's dynamic symbols: calls stay direct (no PLT), and the defining
 * file may still inline them, as when they were static.
 */
#ifdef __GNUC__
#define PROFILE_PRIVATE __attribute__((visibility("hidden")))
#else
#define PROFILE_PRIVATE
#endif

/* profile.c: kinds, states, batching */
extern PROFILE_PRIVATE int profile_kind_of_type(Oid typid);	/* PK_EMPTY: unsupported */
extern PROFILE_PRIVATE ProfileState *profile_alloc_exact(const ProfileState *hdr, int32 cap);
extern PROFILE_PRIVATE ProfileState *profile_alloc_sketch(const ProfileState *hdr);
extern PROFILE_PRIVATE void profile_flush_batch(ProfileState *s);

/* profile_format.c: the stored form */
extern PROFILE_PRIVATE ProfileState *profile_checked(Datum d);
extern PROFILE_PRIVATE ProfileState *profile_stored(ProfileState *s);

/* A read-only, detoasted profile argument. */
static inline ProfileState *
profile_get_arg(FunctionCallInfo fcinfo, int argno)
{
	return profile_from_datum(PG_GETARG_DATUM(argno));
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

/* bytes of p kept as a clipped value: whole characters, at most 64 bytes */
static inline int
clip_len(const char *p, int len)
{
	if (len <= PROFILE_CLIP)
		return len;
	return pg_mbcliplen(p, len, PROFILE_CLIP);
}

/* byte order of clipped keys; a clipped key sorts after its unclipped twin */
static inline int
clipped_cmp(const char *a, int alen, bool aclip, const char *b, int blen, bool bclip)
{
	int			c = memcmp(a, b, Min(alen, blen));

	if (c != 0)
		return c;
	if (alen != blen)
		return alen < blen ? -1 : 1;
	return (int) aclip - (int) bclip;
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

#endif							/* VQC_PROFILE_INTERNAL_H */
