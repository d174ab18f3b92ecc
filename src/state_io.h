/*-------------------------------------------------------------------------
 *
 * state_io.h
 *	  Shared machinery for vqc's aggregate state types: the versioned wire
 *	  header, bounds-checked readers, hex text encoding, input error
 *	  helpers, private writable copies and geometric growth, plus the
 *	  "vector of 8-byte words" state that exact_quantile and hash_set share.
 *
 * Every state type has two external forms:
 *	  binary (send/recv): magic (uint32), version (uint16), flags (uint16),
 *		then the type's fields, all in network byte order;
 *	  text (out/in): the binary form as lower-case hex digits.
 * Both are validated completely on input; text errors are 22P02, binary
 * errors 22P03.
 *
 *-------------------------------------------------------------------------
 */
#ifndef VQC_STATE_IO_H
#define VQC_STATE_IO_H

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/expandeddatum.h"

/*
 * Version word of every state format written by this build.  A reader refuses
 * any other version with a hint to take the state again (a stored profile) -
 * so bumping it alone breaks more than old profiles: the INITCONDs of the
 * aggregates (the empty states, version 1) in every released install script,
 * which must keep installing and running against this library.  A changed
 * format therefore keeps reading version 1: converted on read, or at least the
 * empty state, while older stored profiles may be refused.  test/upgrade
 * installs 0.1.0 and reads profiles its code stored; it fails when an old
 * state is misread or refused without the hint.  The word stays where it is:
 * right after the varlena header in the stored form, after the magic word in
 * the text and binary forms.
 */
#define VQC_STATE_VERSION		1

/* the hint when a profile of another format version is refused */
#define VQC_OLD_STATE_HINT \
	"Profiles are not converted between formats: take it again with this version of vqc " \
	"(vqc.set_baseline() for a baseline; a suite's next run stores new profiles)."

/* magic words, one per state type ("VQCT", "VQCQ", "VQCH", "VQCP") */
#define VQC_MAGIC_TALLY			0x56514354
#define VQC_MAGIC_QUANTILE		0x56514351
#define VQC_MAGIC_HASH_SET		0x56514348
#define VQC_MAGIC_PROFILE		0x56514350	/* "VQCP" */

/* Bounds-checked reader over a received or hex-decoded buffer. */
typedef struct VqcReader
{
	const char *p;				/* next unread byte */
	const char *end;			/* one past the last byte present */
	int			errcode;		/* 22P02 for text input, 22P03 for binary */
	const char *typname;		/* SQL type name for messages */
} VqcReader;

extern void vqc_reader_init(VqcReader *r, const char *data, Size len,
							int errcode, const char *typname);
extern pg_attribute_noreturn() void vqc_bad_state(VqcReader *r, const char *detail);
extern uint16 vqc_read_header(VqcReader *r, uint32 magic);
extern void vqc_old_state_version(uint16 version, const char *typname) pg_attribute_noreturn();
extern uint8 vqc_read_u8(VqcReader *r);
extern uint32 vqc_read_u32(VqcReader *r);
extern int32 vqc_read_i32(VqcReader *r);
extern uint64 vqc_read_u64(VqcReader *r);
extern int64 vqc_read_i64(VqcReader *r);
extern const char *vqc_read_bytes(VqcReader *r, Size n);
extern Size vqc_reader_remaining(VqcReader *r);
extern void vqc_read_end(VqcReader *r);

/* writing the header of the binary form */
extern void vqc_write_header(StringInfo buf, uint32 magic, uint16 flags);

/* text form: hex of the binary form */
extern char *vqc_hex_encode(const char *data, Size len, const char *typname);
extern char *vqc_hex_decode(const char *str, Size *len, const char *typname);

/* a 4-byte-header, uncompressed, palloc'd copy when the datum is not one */
extern struct varlena *vqc_state_writable(Datum d);

/* new capacity >= need: at least double cur, at most max */
extern Size vqc_grow_capacity(Size cur, Size need, Size max);

/*
 * Vec8State: a count of non-null inputs plus, until the exact memory limit
 * is reached, every input as an 8-byte word (float8 bits or a 64-bit hash).
 * When the words would exceed the limit the state overflows: the words are
 * dropped and only the count goes on.  The allocated capacity is whatever
 * VARSIZE says; nvalues of it are in use (the rest is zeroed slack).
 */
#define VEC8_OVERFLOW			0x0001
/*
 * The other flag bits bind a state to how its words were made (hash_set:
 * integers as themselves, or a type's extended hash); 0 = not bound yet.
 * States of different bindings neither take each other's inputs nor merge.
 */
#define VEC8_BINDING_MASK		0x7FFE
/*
 * hash_set of integers only: the words are a bitmap over a range plus the
 * repeated words (hash_set_dense.c has the layout); nvalues counts them all.
 */
#define VEC8_DENSE				0x8000

typedef struct Vec8State
{
	int32		vl_len_;		/* varlena header (do not touch directly) */
	uint16		version;		/* VQC_STATE_VERSION */
	uint16		flags;			/* VEC8_OVERFLOW */
	int64		count;			/* non-null values seen */
	int64		nvalues;		/* words stored (0 when overflowed) */
	uint64		values[FLEXIBLE_ARRAY_MEMBER];
} Vec8State;

#define VEC8_HDRSZ				offsetof(Vec8State, values)
#define VEC8_CAPACITY(s)		((int64) ((VARSIZE(s) - VEC8_HDRSZ) / sizeof(uint64)))

/* During aggregation a Vec8 state is a read-write expanded object. */
typedef struct Vec8Expanded
{
	ExpandedObjectHeader hdr;
	Vec8State  *vec;			/* flat layout, capacity per VARSIZE */
} Vec8Expanded;

extern Vec8State *vec8_new(int64 capacity);
extern Vec8Expanded *vec8_transition_arg(FunctionCallInfo fcinfo, int argno);
extern void vec8_append_slow(Vec8Expanded *e, uint64 word);
extern int64 vec8_max_words(void);
extern bool vec8_reserve(Vec8Expanded *e, int64 need);
extern void vec8_set_overflowed(Vec8Expanded *e, int64 count);
extern void vec8_combine(Vec8Expanded *l, const Vec8State *r);
extern void vec8_bind(Vec8State *s, uint16 binding);
extern Vec8State *vec8_get_arg(FunctionCallInfo fcinfo, int argno);
extern void vec8_serialize(StringInfo buf, const Vec8State *s, uint32 magic);
extern Vec8State *vec8_parse(const char *data, Size len, uint32 magic,
							 int errcode, const char *typname);
extern uint64 *vec8_private_values(const Vec8State *s);
/* hash_set.c: a palloc'd copy of n > 0 words, ascending as bigint (radix sort) */
extern uint64 *vqc_sorted_words(const uint64 *src, int64 n);
extern Datum vec8_type_in(FunctionCallInfo fcinfo, uint32 magic, const char *typname);
extern Datum vec8_type_out(FunctionCallInfo fcinfo, uint32 magic, const char *typname);
extern Datum vec8_type_recv(FunctionCallInfo fcinfo, uint32 magic, const char *typname);
extern Datum vec8_type_send(FunctionCallInfo fcinfo, uint32 magic);

/* Adds one non-null input: count, and store the word while there is room. */
static inline void
vec8_append(Vec8Expanded *e, uint64 word)
{
	Vec8State  *s = e->vec;

	s->count++;
	if (s->flags & VEC8_OVERFLOW)
		return;
	if (unlikely(s->nvalues >= VEC8_CAPACITY(s)))
	{
		vec8_append_slow(e, word);
		return;
	}
	s->values[s->nvalues++] = word;
}

#endif							/* VQC_STATE_IO_H */
