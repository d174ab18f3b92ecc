/*-------------------------------------------------------------------------
 *
 * metric_state.c
 *	  Memory context and type I/O shared by the model-metric state types
 *	  (see metric_state.h).  A valid binary form reads back as written, so
 *	  input validates the bytes and keeps them; output writes an expanded
 *	  object's binary form, or a flat state's bytes.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "libpq/pqformat.h"
#include "utils/memutils.h"

#include "metric_state.h"
#include "state_io.h"

/*
 * The one child of an aggregate context that holds the expanded metric
 * states of all its groups (as state_io.c does for Vec8 states).
 */
MemoryContext
vqc_metric_states_context(MemoryContext aggcontext)
{
	MemoryContext c;

	for (c = aggcontext->firstchild; c != NULL; c = c->nextchild)
	{
		if (strcmp(c->name, "vqc metric states") == 0)
			return c;
	}
	return AllocSetContextCreate(aggcontext, "vqc metric states",
								 ALLOCSET_DEFAULT_SIZES);
}

/* A flat state of the binary form in buf. */
Datum
metric_flat_datum(StringInfo buf)
{
	struct varlena *v = palloc(VARHDRSZ + buf->len);

	SET_VARSIZE(v, VARHDRSZ + buf->len);
	memcpy(VARDATA(v), buf->data, buf->len);
	return PointerGetDatum(v);
}

static Datum
validated_datum(const char *data, Size len, int code, const MetricStateType *t)
{
	struct varlena *v;

	t->validate(data, len, code);
	if (len > MaxAllocSize - VARHDRSZ)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s value is too large", t->typname)));
	v = palloc(VARHDRSZ + len);
	SET_VARSIZE(v, VARHDRSZ + len);
	memcpy(VARDATA(v), data, len);
	return PointerGetDatum(v);
}

/* The binary form of the state in argument 0, in buf. */
static void
binary_form(FunctionCallInfo fcinfo, const MetricStateType *t, StringInfo buf)
{
	struct varlena *v;

	if (t->serialize_expanded(PG_GETARG_DATUM(0), buf))
		return;
	v = PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(0));
	appendBinaryStringInfo(buf, VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v));
}

Datum
metric_state_in(FunctionCallInfo fcinfo, const MetricStateType *t)
{
	Size		len;
	char	   *bin = vqc_hex_decode(PG_GETARG_CSTRING(0), &len, t->typname);

	return validated_datum(bin, len, ERRCODE_INVALID_TEXT_REPRESENTATION, t);
}

Datum
metric_state_out(FunctionCallInfo fcinfo, const MetricStateType *t)
{
	StringInfoData buf;

	initStringInfo(&buf);
	binary_form(fcinfo, t, &buf);
	PG_RETURN_CSTRING(vqc_hex_encode(buf.data, buf.len, t->typname));
}

Datum
metric_state_recv(FunctionCallInfo fcinfo, const MetricStateType *t)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	Datum		d;

	d = validated_datum(buf->data + buf->cursor, buf->len - buf->cursor,
						ERRCODE_INVALID_BINARY_REPRESENTATION, t);
	buf->cursor = buf->len;
	return d;
}

Datum
metric_state_send(FunctionCallInfo fcinfo, const MetricStateType *t)
{
	StringInfoData buf;

	pq_begintypsend(&buf);
	binary_form(fcinfo, t, &buf);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}
