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

const ExpandedObjectMethods state_box_methods = {
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

	EOH_init_header(&box->hdr, &state_box_methods, cxt);
	box->type = type;
	box->state = state;
	return box;
}

/* Drops a flat form written before the state changed. */
void
state_box_drop_flat(StateBox *box)
{
	pfree(box->flat);
	box->flat = NULL;
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
