/*-------------------------------------------------------------------------
 *
 * state_box.c
 *	  The expanded-object box of an in-memory aggregate state (see
 *	  state_box.h).
 *
 * Flattening writes the binary form once into a buffer in the box's
 * context (heap_form_tuple asks for the size twice, then for the bytes);
 * the buffer is dropped when a transition or combine changes the state.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/memutils.h"

#include "state_box.h"

static Size box_flat_size(ExpandedObjectHeader *eohptr);
static void box_flatten(ExpandedObjectHeader *eohptr, void *result, Size allocated_size);

static const ExpandedObjectMethods box_methods = {
	box_flat_size,
	box_flatten
};

static Size
box_flat_size(ExpandedObjectHeader *eohptr)
{
	StateBox   *box = (StateBox *) eohptr;

	if (box->flat == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(box->hdr.eoh_context);
		StringInfoData buf;

		/* the buffer in the box's context, the writer's scraps in the caller's */
		initStringInfo(&buf);
		MemoryContextSwitchTo(old);
		box->type->write(box->state, &buf);
		if ((Size) buf.len > MaxAllocSize - VARHDRSZ)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("%s value is too large", box->type->typname)));
		box->flat = buf.data;
		box->flatlen = buf.len;
	}
	return VARHDRSZ + box->flatlen;
}

static void
box_flatten(ExpandedObjectHeader *eohptr, void *result, Size allocated_size)
{
	StateBox   *box = (StateBox *) eohptr;

	if (allocated_size != box_flat_size(eohptr))
		elog(ERROR, "wrong flat size for %s", box->type->typname);
	memcpy((char *) result + VARHDRSZ, box->flat, box->flatlen);
	SET_VARSIZE(result, allocated_size);
}

/* A box of state in cxt (the state's own context or a shared one, a child of the aggregate context). */
StateBox *
state_box_new(const StateBoxType *type, MemoryContext cxt, void *state)
{
	StateBox   *box = MemoryContextAllocZero(cxt, sizeof(StateBox));

	EOH_init_header(&box->hdr, &box_methods, cxt);
	box->type = type;
	box->state = state;
	return box;
}

/* The box d holds (read-only or read-write), or NULL when d is a flat value. */
StateBox *
state_box_of(Datum d, const StateBoxType *type)
{
	if (VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(d)))
	{
		StateBox   *box = (StateBox *) DatumGetEOHP(d);

		if (box->hdr.eoh_methods == &box_methods && box->type == type)
			return box;
	}
	return NULL;
}

/*
 * The aggregate's own box in argument argno: a read-write one, which only
 * the aggregate holding it passes to its transition or combine function;
 * NULL for anything else (NULL, flat, read-only), which the caller turns
 * into a new box.
 */
StateBox *
state_box_rw(FunctionCallInfo fcinfo, int argno, const StateBoxType *type)
{
	Datum		d;

	if (PG_ARGISNULL(argno))
		return NULL;
	d = PG_GETARG_DATUM(argno);
	if (!VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(d)))
		return NULL;
	return state_box_of(d, type);
}

/* The state changed: a flat form written before is stale. */
void
state_box_changed(StateBox *box)
{
	if (box->flat != NULL)
	{
		pfree(box->flat);
		box->flat = NULL;
	}
}

Datum
state_box_datum(StateBox *box)
{
	return EOHPGetRWDatum(&box->hdr);
}

/* The binary form of d into buf when d is a box of type (MetricStateType.serialize_expanded). */
bool
state_box_write_expanded(Datum d, const StateBoxType *type, StringInfo buf)
{
	StateBox   *box = state_box_of(d, type);

	if (box == NULL)
		return false;
	type->write(box->state, buf);
	return true;
}
