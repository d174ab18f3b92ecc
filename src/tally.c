/*-------------------------------------------------------------------------
 *
 * tally.c
 *	  vqc.tally: per-expectation failing-row tally.  Used as
 *		vqc.tally(col::text, row_key, 20) FILTER (WHERE <row fails>)
 *	  it counts the failing rows and keeps the first few failing values
 *	  (clipped to vqc.sample_value_max_bytes) with their row keys, in
 *	  arrival order.  Memory is bounded by the sample cap whatever the
 *	  table size.
 *
 * In memory a tally is a header followed by the samples; each sample is a
 * TallySample header, the value bytes, then the key bytes, padded to a
 * 4-byte boundary.  VARSIZE is the allocated size; "used" bytes of it hold
 * samples and the rest is zeroed slack for growth.
 *
 * Binary form (network order): magic "VQCT", version (uint16), flags
 * (uint16, 0), count (int8), cap (int4), nsamples (int4), then per sample:
 * flags (uint8), value length (uint32), value bytes, key length (uint32),
 * key bytes.  Text form: hex of the binary form.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/int.h"
#include "fmgr.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/tuplestore.h"

#include "state_io.h"
#include "vqc.h"

#define TYPNAME "vqc.tally"

/* samples kept when max_samples is NULL */
#define TALLY_DEFAULT_SAMPLES	20
/* largest sample cap a tally may carry (the GUC's maximum) */
#define TALLY_MAX_CAP			1000000
/* longest stored value (the GUC's maximum) and row key */
#define TALLY_VALUE_MAX_BYTES	1048576
#define TALLY_KEY_MAX_BYTES		1024

/* sample flags */
#define TS_VALUE_NULL			0x01
#define TS_KEY_NULL				0x02
#define TS_CLIPPED				0x04	/* value was clipped */
#define TS_KEY_CLIPPED			0x08	/* row key was clipped */
#define TS_ALL_FLAGS			0x0F

typedef struct TallyState
{
	int32		vl_len_;		/* varlena header (do not touch directly) */
	uint16		version;		/* VQC_STATE_VERSION */
	uint16		flags;			/* reserved, 0 */
	int64		count;			/* rows seen */
	int32		cap;			/* most samples kept */
	int32		nsamples;		/* samples kept */
	int32		used;			/* bytes of data[] holding samples */
	int32		pad;
	char		data[FLEXIBLE_ARRAY_MEMBER];
} TallyState;

typedef struct TallySample
{
	uint32		flags;
	uint32		vlen;
	uint32		klen;
	/* value bytes, key bytes, padding to INTALIGN follow */
} TallySample;

#define TALLY_HDRSZ				offsetof(TallyState, data)
#define TALLY_DATA_CAPACITY(s)	((Size) (VARSIZE(s) - TALLY_HDRSZ))
#define TALLY_ENTRY_SIZE(vlen, klen) \
	INTALIGN(sizeof(TallySample) + (Size) (vlen) + (Size) (klen))

PG_FUNCTION_INFO_V1(vqc_tally_in);
PG_FUNCTION_INFO_V1(vqc_tally_out);
PG_FUNCTION_INFO_V1(vqc_tally_recv);
PG_FUNCTION_INFO_V1(vqc_tally_send);
PG_FUNCTION_INFO_V1(vqc_tally_transfn);
PG_FUNCTION_INFO_V1(vqc_tally_combinefn);
PG_FUNCTION_INFO_V1(vqc_tally_count);
PG_FUNCTION_INFO_V1(vqc_tally_sample_cap);
PG_FUNCTION_INFO_V1(vqc_tally_samples);
PG_FUNCTION_INFO_V1(vqc_sample_slot);

/* A new empty tally in CurrentMemoryContext. */
static TallyState *
tally_new(int32 cap, Size data_capacity)
{
	Size		sz = TALLY_HDRSZ + data_capacity;
	TallyState *s = (TallyState *) palloc0(sz);

	SET_VARSIZE(s, sz);
	s->version = VQC_STATE_VERSION;
	s->cap = cap;
	return s;
}

/*
 * Makes room for "need" more bytes of samples: returns s itself when they
 * fit, else a copy with at least double the room.
 */
static TallyState *
tally_reserve(TallyState *s, Size need)
{
	Size		want = (Size) s->used + need;
	TallyState *n;

	if (want <= TALLY_DATA_CAPACITY(s))
		return s;
	if (want > MaxAllocSize - TALLY_HDRSZ)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("vqc.tally samples would exceed 1 GB"),
				 errhint("Lower vqc.max_unexpected_samples or vqc.sample_value_max_bytes.")));
	n = tally_new(s->cap,
				  vqc_grow_capacity(TALLY_DATA_CAPACITY(s), want,
									MaxAllocSize - TALLY_HDRSZ));
	n->count = s->count;
	n->nsamples = s->nsamples;
	n->used = s->used;
	memcpy(n->data, s->data, s->used);
	return n;
}

/* Appends one sample (lengths already clipped); returns the state. */
static TallyState *
tally_append(TallyState *s, uint32 flags, const char *v, uint32 vlen,
			 const char *k, uint32 klen)
{
	Size		size = TALLY_ENTRY_SIZE(vlen, klen);
	TallySample hdr;
	char	   *p;

	s = tally_reserve(s, size);
	p = s->data + s->used;
	hdr.flags = flags;
	hdr.vlen = vlen;
	hdr.klen = klen;
	memcpy(p, &hdr, sizeof(hdr));
	if (vlen > 0)
		memcpy(p + sizeof(hdr), v, vlen);
	if (klen > 0)
		memcpy(p + sizeof(hdr) + vlen, k, klen);
	s->used += size;
	s->nsamples++;
	return s;
}

/* Reads the sample at p; returns the next sample's position. */
static const char *
tally_sample_at(const char *p, TallySample *hdr, const char **v, const char **k)
{
	memcpy(hdr, p, sizeof(*hdr));
	*v = p + sizeof(*hdr);
	*k = *v + hdr->vlen;
	return p + TALLY_ENTRY_SIZE(hdr->vlen, hdr->klen);
}

/* A read-only, detoasted tally argument. */
static TallyState *
tally_get_arg(FunctionCallInfo fcinfo, int argno)
{
	TallyState *s = (TallyState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(argno));

	if (VARSIZE(s) < TALLY_HDRSZ || s->version != VQC_STATE_VERSION ||
		s->used < 0 || (Size) s->used > TALLY_DATA_CAPACITY(s))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("unsupported or corrupt vqc state"),
				 errdetail("The stored state was not written by this version of vqc.")));
	return s;
}

/* ---------------------------------------------------------------------
 * I/O
 * ---------------------------------------------------------------------
 */

static void
tally_serialize(StringInfo buf, const TallyState *s)
{
	const char *p = s->data;
	int32		i;

	vqc_write_header(buf, VQC_MAGIC_TALLY, 0);
	pq_sendint64(buf, (uint64) s->count);
	pq_sendint32(buf, (uint32) s->cap);
	pq_sendint32(buf, (uint32) s->nsamples);
	for (i = 0; i < s->nsamples; i++)
	{
		TallySample hdr;
		const char *v;
		const char *k;

		p = tally_sample_at(p, &hdr, &v, &k);
		pq_sendint8(buf, (uint8) hdr.flags);
		pq_sendint32(buf, hdr.vlen);
		pq_sendbytes(buf, v, hdr.vlen);
		pq_sendint32(buf, hdr.klen);
		pq_sendbytes(buf, k, hdr.klen);
	}
}

static TallyState *
tally_parse(const char *data, Size len, int errcode)
{
	VqcReader	r;
	TallyState *s;
	int64		count;
	int32		cap;
	int32		nsamples;
	int32		i;

	vqc_reader_init(&r, data, len, errcode, TYPNAME);
	if (vqc_read_header(&r, VQC_MAGIC_TALLY) != 0)
		vqc_bad_state(&r, "The state has unknown flag bits set.");
	count = vqc_read_i64(&r);
	cap = vqc_read_i32(&r);
	nsamples = vqc_read_i32(&r);
	if (count < 0)
		vqc_bad_state(&r, "The count is negative.");
	if (cap < 0 || cap > TALLY_MAX_CAP)
		vqc_bad_state(&r, "The sample cap is out of range.");
	if (nsamples < 0 || nsamples > cap || nsamples > count)
		vqc_bad_state(&r, "The number of samples is negative or exceeds the cap or the count.");

	s = tally_new(cap, Min(vqc_reader_remaining(&r), MaxAllocSize - TALLY_HDRSZ));
	s->count = count;
	for (i = 0; i < nsamples; i++)
	{
		uint8		flags = vqc_read_u8(&r);
		uint32		vlen;
		uint32		klen;
		const char *v;
		const char *k;

		if (flags & ~TS_ALL_FLAGS)
			vqc_bad_state(&r, "A sample has unknown flag bits set.");
		vlen = vqc_read_u32(&r);
		if (vlen > TALLY_VALUE_MAX_BYTES)
			vqc_bad_state(&r, "A sample value is longer than the largest allowed.");
		v = vqc_read_bytes(&r, vlen);
		klen = vqc_read_u32(&r);
		if (klen > TALLY_KEY_MAX_BYTES)
			vqc_bad_state(&r, "A sample row key is longer than the largest allowed.");
		k = vqc_read_bytes(&r, klen);
		if ((flags & TS_VALUE_NULL) && (vlen != 0 || (flags & TS_CLIPPED)))
			vqc_bad_state(&r, "A null sample value has a length or a clipped flag.");
		if ((flags & TS_KEY_NULL) && (klen != 0 || (flags & TS_KEY_CLIPPED)))
			vqc_bad_state(&r, "A null sample row key has a length or a clipped flag.");
		if (!pg_verifymbstr(v, vlen, true) || !pg_verifymbstr(k, klen, true))
			vqc_bad_state(&r, "A sample is not valid text in the server encoding.");
		s = tally_append(s, flags, v, vlen, k, klen);
	}
	vqc_read_end(&r);
	return s;
}

Datum
vqc_tally_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	Size		len;
	char	   *bin = vqc_hex_decode(str, &len, TYPNAME);

	PG_RETURN_POINTER(tally_parse(bin, len, ERRCODE_INVALID_TEXT_REPRESENTATION));
}

Datum
vqc_tally_out(PG_FUNCTION_ARGS)
{
	TallyState *s = tally_get_arg(fcinfo, 0);
	StringInfoData buf;

	initStringInfo(&buf);
	tally_serialize(&buf, s);
	PG_RETURN_CSTRING(vqc_hex_encode(buf.data, buf.len, TYPNAME));
}

Datum
vqc_tally_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	TallyState *s;

	s = tally_parse(buf->data + buf->cursor, buf->len - buf->cursor,
					ERRCODE_INVALID_BINARY_REPRESENTATION);
	buf->cursor = buf->len;
	PG_RETURN_POINTER(s);
}

Datum
vqc_tally_send(PG_FUNCTION_ARGS)
{
	TallyState *s = tally_get_arg(fcinfo, 0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	tally_serialize(&buf, s);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* ---------------------------------------------------------------------
 * Aggregate
 * ---------------------------------------------------------------------
 */

/* text argument, clipped at a character boundary to at most max bytes */
static const char *
clipped_text_arg(FunctionCallInfo fcinfo, int argno, int max,
				 uint32 *len, bool *clipped)
{
	text	   *t = PG_GETARG_TEXT_PP(argno);
	const char *p = VARDATA_ANY(t);
	int			n = VARSIZE_ANY_EXHDR(t);

	*clipped = false;
	if (n > max)
	{
		n = pg_mbcliplen(p, n, max);
		*clipped = true;
	}
	*len = (uint32) n;
	return p;
}

/*
 * vqc.tally(value text, row_key text, max_samples int4): not strict; NULL
 * values and keys are samples too.  The state is modified in place; only
 * a new state or a grown one is a new pointer.
 */
Datum
vqc_tally_transfn(PG_FUNCTION_ARGS)
{
	TallyState *s;

	if (!AggCheckCallContext(fcinfo, NULL))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("vqc.tally_transfn must be called by an aggregate")));

	if (!PG_ARGISNULL(3) && PG_GETARG_INT32(3) < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_samples must not be negative")));

	if (PG_ARGISNULL(0))
	{
		int32		max = PG_ARGISNULL(3) ? TALLY_DEFAULT_SAMPLES : PG_GETARG_INT32(3);
		int32		cap = Min(max, vqc_max_unexpected_samples);

		s = tally_new(cap, cap > 0 ? 256 : 0);
	}
	else
		s = (TallyState *) vqc_state_writable(PG_GETARG_DATUM(0));

	s->count++;
	if (s->nsamples < s->cap)
	{
		uint32		flags = 0;
		const char *v = NULL;
		const char *k = NULL;
		uint32		vlen = 0;
		uint32		klen = 0;
		bool		clipped;

		if (PG_ARGISNULL(1))
			flags |= TS_VALUE_NULL;
		else
		{
			v = clipped_text_arg(fcinfo, 1, vqc_sample_value_max_bytes,
								 &vlen, &clipped);
			if (clipped)
				flags |= TS_CLIPPED;
		}
		if (PG_ARGISNULL(2))
			flags |= TS_KEY_NULL;
		else
		{
			k = clipped_text_arg(fcinfo, 2, TALLY_KEY_MAX_BYTES, &klen, &clipped);
			if (clipped)
				flags |= TS_KEY_CLIPPED;
		}
		s = tally_append(s, flags, v, vlen, k, klen);
	}
	PG_RETURN_POINTER(s);
}

/*
 * Combine (strict): counts add; left's samples, then right's, up to the
 * larger cap.  Left is made private before it is modified; right is read
 * only.
 */
Datum
vqc_tally_combinefn(PG_FUNCTION_ARGS)
{
	TallyState *l;
	TallyState *r;
	const char *p;
	int32		i;

	if (!AggCheckCallContext(fcinfo, NULL))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("vqc.tally_combinefn must be called by an aggregate")));

	l = (TallyState *) vqc_state_writable(PG_GETARG_DATUM(0));
	r = (TallyState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(1));

	if (pg_add_s64_overflow(l->count, r->count, &l->count))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("state count out of range")));
	l->cap = Max(l->cap, r->cap);

	p = r->data;
	for (i = 0; i < r->nsamples && l->nsamples < l->cap; i++)
	{
		TallySample hdr;
		const char *v;
		const char *k;

		p = tally_sample_at(p, &hdr, &v, &k);
		l = tally_append(l, hdr.flags, v, hdr.vlen, k, hdr.klen);
	}
	PG_RETURN_POINTER(l);
}

/* ---------------------------------------------------------------------
 * Accessors
 * ---------------------------------------------------------------------
 */

Datum
vqc_tally_count(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(tally_get_arg(fcinfo, 0)->count);
}

Datum
vqc_tally_sample_cap(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(tally_get_arg(fcinfo, 0)->cap);
}

/* vqc.tally_samples(t): (ordinality, value, row_key, clipped) in stored order */
Datum
vqc_tally_samples(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	TallyState *s = tally_get_arg(fcinfo, 0);
	const char *p = s->data;
	int32		i;

	InitMaterializedSRF(fcinfo, 0);

	for (i = 0; i < s->nsamples; i++)
	{
		TallySample hdr;
		const char *v;
		const char *k;
		Datum		values[4];
		bool		nulls[4] = {false, false, false, false};

		p = tally_sample_at(p, &hdr, &v, &k);
		values[0] = Int32GetDatum(i + 1);
		if (hdr.flags & TS_VALUE_NULL)
		{
			values[1] = (Datum) 0;
			nulls[1] = true;
		}
		else
			values[1] = PointerGetDatum(cstring_to_text_with_len(v, hdr.vlen));
		if (hdr.flags & TS_KEY_NULL)
		{
			values[2] = (Datum) 0;
			nulls[2] = true;
		}
		else
			values[2] = PointerGetDatum(cstring_to_text_with_len(k, hdr.klen));
		values[3] = BoolGetDatum((hdr.flags & TS_CLIPPED) != 0);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/*
 * vqc._sample_slot(cap): true for the first cap calls of this call site in
 * this process, then false.  A tally keeps only its first few failing rows
 * but its arguments are computed for every one (a row key is a jsonb
 * object, some microseconds a row): the scan writes
 *   vqc.tally(CASE WHEN vqc._sample_slot(cap) THEN value END,
 *             CASE WHEN vqc._sample_slot(cap) THEN key END, cap) FILTER (...)
 * Both guards are evaluated once for each row the FILTER lets through, in
 * the order the tally sees the rows, so they open for exactly the rows the
 * tally keeps (its cap is at most cap), and the rest are only counted.  The
 * count lives in fn_extra: one per call site and executor, which is one
 * aggregation for the scan's statements (never rescanned).
 */
Datum
vqc_sample_slot(PG_FUNCTION_ARGS)
{
	int64	   *calls = (int64 *) fcinfo->flinfo->fn_extra;

	if (calls == NULL)
	{
		calls = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(int64));
		fcinfo->flinfo->fn_extra = calls;
	}
	if (*calls >= PG_GETARG_INT32(0))
		PG_RETURN_BOOL(false);
	(*calls)++;
	PG_RETURN_BOOL(true);
}
