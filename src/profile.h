/*-------------------------------------------------------------------------
 *
 * profile.h
 *	  vqc.profile: the in-memory (and on-disk) layout of a column profile.
 *	  See profile.c for what it holds and docs/DESIGN.md for the rules all
 *	  state types follow.  Three files implement it: profile.c (the
 *	  aggregate), profile_format.c (stored, text and binary forms) and
 *	  profile_accessors.c (the accessors); profile_internal.h is what they
 *	  share.
 *
 *-------------------------------------------------------------------------
 */
#ifndef VQC_PROFILE_H
#define VQC_PROFILE_H

#include "frequent.h"
#include "hll.h"
#include "kll.h"
#include "moments.h"

/* exact mode holds at most this many non-null values ... */
#define PROFILE_EXACT_CAP		2048
/* ... and, for text, at most this many bytes of (4-byte length + string) */
#define PROFILE_EXACT_TEXT_BYTES 32768
/* kept bytes of text min/max and frequent values */
#define PROFILE_CLIP			64

/* kinds */
#define PK_EMPTY				0	/* no row seen yet (the INITCOND) */
#define PK_NUMERIC				1
#define PK_TEMPORAL				2
#define PK_BOOLEAN				3
#define PK_TEXT					4

/* flags */
#define PF_SKETCH				0x0001	/* sketches, not raw values */
#define PF_MIN_CLIPPED			0x0002	/* text min longer than kept */
#define PF_MAX_CLIPPED			0x0004	/* text max longer than kept */
#define PF_ALL_FLAGS			0x0007

typedef struct ProfileState
{
	int32		vl_len_;		/* varlena header (do not touch directly) */
	uint16		version;		/* VQC_STATE_VERSION */
	uint16		flags;
	uint8		kind;
	uint8		minlen;			/* bytes of mintext (text) */
	uint8		maxlen;			/* bytes of maxtext (text) */
	uint8		pad;
	Oid			typid;			/* input type (0 for PK_EMPTY) */
	int64		rows;
	int64		nulls;
	int64		nan;
	int64		posinf;
	int64		neginf;
	int64		ntrue;
	int64		nfalse;
	Moments		mom;			/* finite numbers / temporal values */
	int64		len_min;		/* text length in characters */
	int64		len_max;
	int64		len_total;
	char		mintext[PROFILE_CLIP];
	char		maxtext[PROFILE_CLIP];
	int32		nexact;			/* exact mode: values stored */
	int32		exact_used;		/* exact mode: bytes of data in use */
	int32		exact_cap;		/* exact mode: bytes of data allocated */
	int32		pad2;
	char		data[FLEXIBLE_ARRAY_MEMBER];	/* float8[] or (len, bytes)...,
												 * or a ProfileSketch */
} ProfileState;

/* finite numbers a sketch-mode state batches before updating (see profile.c) */
#define PROFILE_BATCH			128

typedef struct ProfileSketch
{
	uint8		hll[HLL_M];
	FreqSketch	freq;
	KllSketch	kll;			/* numbers and temporal only */
	int32		nbatch;			/* values in batch[], not yet in mom or above */
	int32		pad;
	float8		batch[PROFILE_BATCH];
} ProfileSketch;

#define PROFILE_HDRSZ			offsetof(ProfileState, data)
#define PROFILE_SKETCH(s)		((ProfileSketch *) (s)->data)
#define PROFILE_SKETCH_SIZE		(PROFILE_HDRSZ + sizeof(ProfileSketch))
/* a flushed sketch-mode profile (the aggregate's result) ends before batch[] */
#define PROFILE_FLUSHED_SIZE	(PROFILE_HDRSZ + offsetof(ProfileSketch, batch))

/*
 * Read access for other modules (drift_profile.c).  The sketches are read
 * through PROFILE_SKETCH(s)->kll / ->freq / ->hll when profile_is_exact()
 * is false.
 */
/* profile_format.c */
extern ProfileState *profile_from_datum(Datum d);	/* detoasted, checked */
/* profile.c */
extern const char *profile_kind_name(int kind);
/* profile_accessors.c */
extern float8 profile_ndistinct(const ProfileState *s);	/* exact or HLL */
extern float8 *profile_exact_numbers(const ProfileState *s, int *n);
extern char **profile_exact_texts(const ProfileState *s, int *n);

static inline bool
profile_is_exact(const ProfileState *s)
{
	return (s->flags & PF_SKETCH) == 0;
}

/* non-null values */
static inline int64
profile_nonnull(const ProfileState *s)
{
	return s->rows - s->nulls;
}

#endif							/* VQC_PROFILE_H */
