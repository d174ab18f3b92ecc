/*-------------------------------------------------------------------------
 *
 * state_io.c
 *	  Shared machinery for vqc's aggregate state types (see state_io.h).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/int.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "utils/expandeddatum.h"
#include "utils/memutils.h"

#include "hash_set_keyed.h"
#include "state_io.h"
#include "vqc.h"

void
vqc_reader_init(VqcReader *r, const char *data, Size len, int errcode,
				const char *typname)
{
	r->p = data;
	r->end = data + len;
	r->errcode = errcode;
	r->typname = typname;
}

/*
 * Rejects malformed input: 22P02 for the text form, 22P03 for the binary
 * form.  The detail says what is wrong, never what the bytes were; the hint,
 * when not NULL, what to do.
 */
static void
pg_attribute_noreturn()
vqc_bad_state_hint(VqcReader *r, const char *detail, const char *hint)
{
	if (r->errcode == ERRCODE_INVALID_TEXT_REPRESENTATION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type %s", r->typname),
				 errdetail_internal("%s", detail),
				 hint ? errhint("%s", hint) : 0));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid external binary representation of type %s",
					r->typname),
			 errdetail_internal("%s", detail),
			 hint ? errhint("%s", hint) : 0));
	pg_unreachable();
}

void
vqc_bad_state(VqcReader *r, const char *detail)
{
	vqc_bad_state_hint(r, detail, NULL);
}

Size
vqc_reader_remaining(VqcReader *r)
{
	return (Size) (r->end - r->p);
}

const char *
vqc_read_bytes(VqcReader *r, Size n)
{
	const char *p = r->p;

	if (vqc_reader_remaining(r) < n)
		vqc_bad_state(r, "The state is truncated.");
	r->p += n;
	return p;
}

uint8
vqc_read_u8(VqcReader *r)
{
	return (uint8) *vqc_read_bytes(r, 1);
}

static uint16
vqc_read_u16(VqcReader *r)
{
	const unsigned char *p = (const unsigned char *) vqc_read_bytes(r, 2);

	return (uint16) ((p[0] << 8) | p[1]);
}

uint32
vqc_read_u32(VqcReader *r)
{
	const unsigned char *p = (const unsigned char *) vqc_read_bytes(r, 4);

	return ((uint32) p[0] << 24) | ((uint32) p[1] << 16) |
		((uint32) p[2] << 8) | (uint32) p[3];
}

int32
vqc_read_i32(VqcReader *r)
{
	return (int32) vqc_read_u32(r);
}

uint64
vqc_read_u64(VqcReader *r)
{
	uint64		hi = vqc_read_u32(r);

	return (hi << 32) | vqc_read_u32(r);
}

int64
vqc_read_i64(VqcReader *r)
{
	return (int64) vqc_read_u64(r);
}

/* Checks magic word and version; returns the flags word. */
uint16
vqc_read_header(VqcReader *r, uint32 magic)
{
	uint16		version;

	if (vqc_read_u32(r) != magic)
		vqc_bad_state(r, "The state does not start with this type's magic word.");
	version = vqc_read_u16(r);
	if (version != VQC_STATE_VERSION)
		vqc_bad_state_hint(r, psprintf("The state has format version %u; this version of vqc reads format version %d.",
									   (unsigned int) version, VQC_STATE_VERSION),
						   magic == VQC_MAGIC_PROFILE ? VQC_OLD_STATE_HINT : NULL);
	return vqc_read_u16(r);
}

void
vqc_read_end(VqcReader *r)
{
	if (r->p != r->end)
		vqc_bad_state(r, "The state has trailing bytes.");
}

void
vqc_write_header(StringInfo buf, uint32 magic, uint16 flags)
{
	pq_sendint32(buf, magic);
	pq_sendint16(buf, VQC_STATE_VERSION);
	pq_sendint16(buf, flags);
}

static const char hexdigits[] = "0123456789abcdef";

char *
vqc_hex_encode(const char *data, Size len, const char *typname)
{
	char	   *out;
	char	   *p;
	Size		i;

	if (len > (MaxAllocSize - 1) / 2)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s value is too large for its text form", typname),
				 errhint("Use the binary form (COPY BINARY or binary transfer) for a state this large.")));
	out = palloc(len * 2 + 1);
	p = out;
	for (i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) data[i];

		*p++ = hexdigits[c >> 4];
		*p++ = hexdigits[c & 0xf];
	}
	*p = '\0';
	return out;
}

static inline int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Decodes lower-case hex (the only spelling vqc writes); 22P02 otherwise. */
char *
vqc_hex_decode(const char *str, Size *len, const char *typname)
{
	Size		slen = strlen(str);
	char	   *out;
	Size		i;

	if (slen % 2 != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type %s", typname),
				 errdetail("The text form must have an even number of hexadecimal digits.")));
	out = palloc(slen / 2 + 1);
	for (i = 0; i < slen / 2; i++)
	{
		int			hi = hexval(str[2 * i]);
		int			lo = hexval(str[2 * i + 1]);

		if (hi < 0 || lo < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid input syntax for type %s", typname),
					 errdetail("The text form must consist of lower-case hexadecimal digits.")));
		out[i] = (char) ((hi << 4) | lo);
	}
	*len = slen / 2;
	return out;
}

/*
 * Returns the state as a plain 4-byte-header varlena we may modify: the
 * datum itself when it is one, else a palloc'd detoasted copy (a state that
 * was stored in a tuple may arrive short-headed or compressed).
 */
struct varlena *
vqc_state_writable(Datum d)
{
	struct varlena *v = (struct varlena *) DatumGetPointer(d);

	if (VARATT_IS_EXTENDED(v))
		return pg_detoast_datum_copy(v);
	return v;
}

Size
vqc_grow_capacity(Size cur, Size need, Size max)
{
	Size		n = Max(cur * 2, need);

	n = Max(n, 16);
	n = Min(n, max);
	Assert(n >= need);
	return n;
}

/* ---------------------------------------------------------------------
 * Vec8State
 * ---------------------------------------------------------------------
 */

/* words a new transition state has room for; it grows geometrically */
#define VEC8_START_WORDS		16

/* most words a state may hold: the exact memory limit, and what palloc takes */
int64
vec8_max_words(void)
{
	Size		bytes = vqc_exact_memory_limit_bytes();
	Size		cap = MaxAllocSize - VEC8_HDRSZ - 64;

	return (int64) (Min(bytes, cap) / sizeof(uint64));
}

/*
 * A new zeroed state in CurrentMemoryContext.  In a transition function
 * that is the per-tuple context; the executor copies a new state into the
 * aggregate context and frees the old one.
 */
Vec8State *
vec8_new(int64 capacity)
{
	Size		sz = VEC8_HDRSZ + (Size) capacity * sizeof(uint64);
	Vec8State  *s = (Vec8State *) palloc0(sz);

	SET_VARSIZE(s, sz);
	s->version = VQC_STATE_VERSION;
	return s;
}


/* ---------------------------------------------------------------------
 * Vec8 states as expanded objects during aggregation
 *
 * A transition function that returns a new pointer makes the executor copy
 * the whole state, and a flat varlena must be reallocated to grow: for
 * states of tens of megabytes that copying and page-faulting dominated the
 * scan.  So during aggregation the state lives as a read-write expanded
 * object in its own memory context under the aggregate context: the
 * executor keeps the same pointer (no copy), growth is a repalloc (for big
 * chunks a realloc, which the C library does without copying), and the
 * state is flattened only when it leaves the aggregate (into a tuple, to a
 * parallel leader, or to an accessor).
 * ---------------------------------------------------------------------
 */

/* A keyed hash set built in memory leaves it in its compact layout. */
static Size
vec8_eo_flat_size(ExpandedObjectHeader *eohptr)
{
	Vec8Expanded *e = (Vec8Expanded *) eohptr;

	if (hash_set_keyed_is_direct(e->vec))
		return VEC8_HDRSZ + (Size) hash_set_keyed_compact_words(e->vec) * sizeof(uint64);
	return VEC8_HDRSZ + (Size) e->vec->nvalues * sizeof(uint64);
}

static void
vec8_eo_flatten(ExpandedObjectHeader *eohptr, void *result, Size allocated_size)
{
	Vec8Expanded *e = (Vec8Expanded *) eohptr;

	if (hash_set_keyed_is_direct(e->vec))
		hash_set_keyed_compact(e->vec, (Vec8State *) result);
	else
		memcpy(result, e->vec, allocated_size);
	SET_VARSIZE(result, allocated_size);
}

static const ExpandedObjectMethods vec8_eo_methods = {
	vec8_eo_flat_size,
	vec8_eo_flatten
};

/* Is this datum one of our expanded Vec8 states? */
static inline Vec8Expanded *
vec8_as_expanded(Datum d)
{
	struct varlena *v = (struct varlena *) DatumGetPointer(d);

	if (VARATT_IS_EXTERNAL_EXPANDED(v))
	{
		ExpandedObjectHeader *eoh = DatumGetEOHP(d);

		if (eoh->eoh_methods == &vec8_eo_methods)
			return (Vec8Expanded *) eoh;
	}
	return NULL;
}

static void
vec8_check(const Vec8State *s)
{
	if (VARSIZE(s) < VEC8_HDRSZ || s->version != VQC_STATE_VERSION ||
		s->nvalues < 0 || s->nvalues > VEC8_CAPACITY(s))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("unsupported or corrupt vqc state"),
				 errdetail("The stored state was not written by this version of vqc.")));
}

/* the name of the context holding an aggregate context's Vec8 states */
#define VEC8_STATES_NAME		"vqc aggregate states"

/*
 * The one child of aggcontext that holds all its Vec8 states.  The executor
 * keeps a new expanded transition value without copying it only when its
 * context is a child of the aggregate context; one child per group would
 * cost a block per group and make HashAggregate's memory accounting, which
 * walks every child at each new group, quadratic.  The child goes with the
 * aggregate context when it is reset or deleted; our transition and combine
 * functions return the object they were given, so the executor never
 * deletes one object's context on its own.
 */
static MemoryContext
vec8_states_context(MemoryContext aggcontext)
{
	MemoryContext c;

	for (c = aggcontext->firstchild; c != NULL; c = c->nextchild)
	{
		if (strcmp(c->name, VEC8_STATES_NAME) == 0)
			return c;
	}
	return AllocSetContextCreate(aggcontext, VEC8_STATES_NAME,
								 ALLOCSET_DEFAULT_SIZES);
}

/*
 * The transition state in argument argno as a read-write expanded object
 * owned by the aggregate: itself when it already is one, else an expanded
 * copy of the flat state (the INITCOND, or a partial state from a worker).
 */
Vec8Expanded *
vec8_transition_arg(FunctionCallInfo fcinfo, int argno)
{
	MemoryContext aggcontext;
	MemoryContext objcxt;
	Datum		d = PG_GETARG_DATUM(argno);
	Vec8Expanded *e;
	Vec8State  *flat;
	int64		capacity;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("vqc's transition and combine functions must be called by an aggregate")));

	if (VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(d)) &&
		(e = vec8_as_expanded(d)) != NULL)
		return e;

	flat = (Vec8State *) PG_DETOAST_DATUM(d);
	vec8_check(flat);
	objcxt = vec8_states_context(aggcontext);
	e = MemoryContextAlloc(objcxt, sizeof(Vec8Expanded));
	EOH_init_header(&e->hdr, &vec8_eo_methods, objcxt);
	/* start small (groups may be many), never past the memory limit */
	capacity = Max(flat->nvalues, Min(VEC8_START_WORDS, vec8_max_words()));
	e->vec = MemoryContextAlloc(objcxt, VEC8_HDRSZ + (Size) capacity * sizeof(uint64));
	memcpy(e->vec, flat, VEC8_HDRSZ + (Size) flat->nvalues * sizeof(uint64));
	SET_VARSIZE(e->vec, VEC8_HDRSZ + (Size) capacity * sizeof(uint64));
	return e;
}

/* Drops the stored words and keeps counting. */
void
vec8_set_overflowed(Vec8Expanded *e, int64 count)
{
	e->vec->flags = (e->vec->flags | VEC8_OVERFLOW) & ~VEC8_DENSE;
	e->vec->count = count;
	e->vec->nvalues = 0;
	e->vec = repalloc(e->vec, VEC8_HDRSZ);
	SET_VARSIZE(e->vec, VEC8_HDRSZ);
}

/* Room for need words, or false when that is past the memory limit. */
bool
vec8_reserve(Vec8Expanded *e, int64 need)
{
	int64		maxwords = vec8_max_words();
	Size		cap;

	if (need <= VEC8_CAPACITY(e->vec))
		return true;
	if (need > maxwords)
		return false;
	cap = vqc_grow_capacity(VEC8_CAPACITY(e->vec), need, maxwords);
	e->vec = repalloc(e->vec, VEC8_HDRSZ + cap * sizeof(uint64));
	SET_VARSIZE(e->vec, VEC8_HDRSZ + cap * sizeof(uint64));
	return true;
}

/* The state is full (count already taken): grow it, or overflow. */
void
vec8_append_slow(Vec8Expanded *e, uint64 word)
{
	if (!vec8_reserve(e, e->vec->nvalues + 1))
	{
		vec8_set_overflowed(e, e->vec->count);
		return;
	}
	e->vec->values[e->vec->nvalues++] = word;
}

/*
 * Binds s to the way its words are made, or raises when it is bound to
 * another (an INITCOND or a merged state built from another input type).
 */
void
vec8_bind(Vec8State *s, uint16 binding)
{
	uint16		cur = s->flags & VEC8_BINDING_MASK;

	Assert((binding & ~VEC8_BINDING_MASK) == 0);
	if (cur == binding || binding == 0)
		return;
	if (cur != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("cannot mix states built from different input types"),
				 errdetail("A state takes values of the input type it was built from, and merges only with states built from that type.")));
	s->flags |= binding;
}

/* Appends r (read only) to the expanded state l. */
void
vec8_combine(Vec8Expanded *l, const Vec8State *r)
{
	int64		count;

	vec8_bind(l->vec, r->flags & VEC8_BINDING_MASK);

	if (pg_add_s64_overflow(l->vec->count, r->count, &count))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("state count out of range")));

	if ((l->vec->flags | r->flags) & VEC8_OVERFLOW ||
		!vec8_reserve(l, l->vec->nvalues + r->nvalues))
	{
		vec8_set_overflowed(l, count);
		return;
	}
	memcpy(l->vec->values + l->vec->nvalues, r->values, r->nvalues * sizeof(uint64));
	l->vec->nvalues += r->nvalues;
	l->vec->count = count;
}

/* A read-only, detoasted state argument of an accessor. */
Vec8State *
vec8_get_arg(FunctionCallInfo fcinfo, int argno)
{
	Vec8Expanded *e = vec8_as_expanded(PG_GETARG_DATUM(argno));
	Vec8State  *s;

	/* an aggregate's own result: read it in place, without flattening */
	if (e != NULL)
		return e->vec;
	s = (Vec8State *) PG_DETOAST_DATUM(PG_GETARG_DATUM(argno));
	vec8_check(s);
	return s;
}

/*
 * Binary form: header, count (int8), nvalues (int8), words (uint64 each);
 * a keyed hash set in its compact layout.
 */
void
vec8_serialize(StringInfo buf, const Vec8State *s, uint32 magic)
{
	int64		i;

	if (hash_set_keyed_is_direct(s))
	{
		Vec8State  *compact = palloc(VEC8_HDRSZ + hash_set_keyed_compact_words(s) * sizeof(uint64));

		hash_set_keyed_compact(s, compact);
		s = compact;
	}

	enlargeStringInfo(buf, 24 + s->nvalues * sizeof(uint64));
	vqc_write_header(buf, magic, s->flags);
	pq_sendint64(buf, (uint64) s->count);
	pq_sendint64(buf, (uint64) s->nvalues);
	for (i = 0; i < s->nvalues; i++)
		pq_sendint64(buf, s->values[i]);
}

Vec8State *
vec8_parse(const char *data, Size len, uint32 magic, int errcode,
		   const char *typname)
{
	VqcReader	r;
	uint16		flags;
	int64		count;
	int64		nvalues;
	int64		i;
	Vec8State  *s;

	vqc_reader_init(&r, data, len, errcode, typname);
	flags = vqc_read_header(&r, magic);
	if (flags & ~(VEC8_OVERFLOW | (magic == VQC_MAGIC_HASH_SET ? VEC8_BINDING_MASK | VEC8_DENSE : 0)))
		vqc_bad_state(&r, "The state has unknown flag bits set.");
	count = vqc_read_i64(&r);
	nvalues = vqc_read_i64(&r);
	if (count < 0)
		vqc_bad_state(&r, "The count is negative.");
	if (flags & VEC8_OVERFLOW)
	{
		if (nvalues != 0)
			vqc_bad_state(&r, "An overflowed state must store no values.");
	}
	else if (nvalues != count && !(flags & VEC8_DENSE))
		vqc_bad_state(&r, "The number of stored values does not match the count.");
	if ((uint64) nvalues > vqc_reader_remaining(&r) / sizeof(uint64))
		vqc_bad_state(&r, "The state is truncated: it claims more values than it holds.");
	if (VEC8_HDRSZ + (Size) nvalues * sizeof(uint64) > MaxAllocSize)
		vqc_bad_state(&r, "The state is too large.");

	s = vec8_new(nvalues);
	s->flags = flags;
	s->count = count;
	s->nvalues = nvalues;
	for (i = 0; i < nvalues; i++)
		s->values[i] = vqc_read_u64(&r);
	vqc_read_end(&r);
	return s;
}

/* A private copy of the stored words, for sorting or selection. */
uint64 *
vec8_private_values(const Vec8State *s)
{
	uint64	   *v = palloc(Max(s->nvalues, 1) * sizeof(uint64));

	memcpy(v, s->values, s->nvalues * sizeof(uint64));
	return v;
}

/* ---------------------------------------------------------------------
 * Type I/O shared by the Vec8 state types (they differ by magic word)
 * ---------------------------------------------------------------------
 */

Datum
vec8_type_in(FunctionCallInfo fcinfo, uint32 magic, const char *typname)
{
	Size		len;
	char	   *bin = vqc_hex_decode(PG_GETARG_CSTRING(0), &len, typname);

	PG_RETURN_POINTER(vec8_parse(bin, len, magic, ERRCODE_INVALID_TEXT_REPRESENTATION, typname));
}

Datum
vec8_type_out(FunctionCallInfo fcinfo, uint32 magic, const char *typname)
{
	StringInfoData buf;

	initStringInfo(&buf);
	vec8_serialize(&buf, vec8_get_arg(fcinfo, 0), magic);
	PG_RETURN_CSTRING(vqc_hex_encode(buf.data, buf.len, typname));
}

Datum
vec8_type_recv(FunctionCallInfo fcinfo, uint32 magic, const char *typname)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	Vec8State  *s;

	s = vec8_parse(buf->data + buf->cursor, buf->len - buf->cursor, magic,
				   ERRCODE_INVALID_BINARY_REPRESENTATION, typname);
	buf->cursor = buf->len;
	PG_RETURN_POINTER(s);
}

Datum
vec8_type_send(FunctionCallInfo fcinfo, uint32 magic)
{
	StringInfoData buf;

	pq_begintypsend(&buf);
	vec8_serialize(&buf, vec8_get_arg(fcinfo, 0), magic);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/*
 * The accessors every Vec8 state type shares (vqc.exact_quantile_count and
 * vqc.hash_set_count, vqc.exact_quantile_overflowed and
 * vqc.hash_set_overflowed): non-null values seen, and whether the words
 * outgrew the exact memory limit.
 */
PG_FUNCTION_INFO_V1(vqc_vec8_count);
PG_FUNCTION_INFO_V1(vqc_vec8_overflowed);

Datum
vqc_vec8_count(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(vec8_get_arg(fcinfo, 0)->count);
}

Datum
vqc_vec8_overflowed(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL((vec8_get_arg(fcinfo, 0)->flags & VEC8_OVERFLOW) != 0);
}
