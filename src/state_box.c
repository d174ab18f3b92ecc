/*-------------------------------------------------------------------------
 *
 * state_box.c
 *	  The expanded-object box of an in-memory aggregate state (see
 *	  state_box.h).
 *
 * Flattening writes the binary form once: in place at its exact size when
 * the type can count it first (a large state: nodeAgg's partial aggregate
 * copies it with datumCopy before the tuple queue copies it again), else
 * into a buffer in the box's context (heap_form_tuple asks for the size
 * twice, then for the bytes).  What was sized or written is dropped when a
 * transition or combine changes the state.
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

	if (!box->sized && box->type->size != NULL)
		box->flatlen = box->type->size(box->state);
	else if (!box->sized)
	{
		MemoryContext old = MemoryContextSwitchTo(box->hdr.eoh_context);
		StringInfoData buf;

		/* the buffer in the box's context, the writer's scraps in the caller's */
		initStringInfo(&buf);
		MemoryContextSwitchTo(old);
		box->type->write(box->state, &buf);
		box->flat = buf.data;
		box->flatlen = buf.len;
	}
	box->sized = true;
	if (box->flatlen > MaxAllocSize - VARHDRSZ)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s value is too large", box->type->typname)));
	return VARHDRSZ + box->flatlen;
}

static void
box_flatten(ExpandedObjectHeader *eohptr, void *result, Size allocated_size)
{
	StateBox   *box = (StateBox *) eohptr;

	if (allocated_size != box_flat_size(eohptr))
		elog(ERROR, "wrong flat size for %s", box->type->typname);
	if (box->flat != NULL)
		memcpy((char *) result + VARHDRSZ, box->flat, box->flatlen);
	else
		box->type->write_at(box->state, (char *) result + VARHDRSZ, box->flatlen);
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
	if (box->flat != NULL)
		pfree(box->flat);
	box->flat = NULL;
	box->sized = false;
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
