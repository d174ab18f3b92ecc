/*-------------------------------------------------------------------------
 *
 * state_box.h
 *	  A read-write expanded object boxing an aggregate state that lives in
 *	  memory as a C structure (ranking_all.c, regression_numeric.c), so that
 *	  its SQL type is a real varlena type (Citus pushes such aggregates
 *	  down) while the transition function keeps working in place.
 *
 * The box is the state during aggregation: the transition and combine
 * functions modify box->state and return the same read-write datum, which
 * the executor (and Citus's worker_partial_agg) keeps without copying
 * because the box's context is a child of the aggregate context.  The
 * flat form (a tuple, the parallel leader, ::text) is the varlena header
 * followed by the bytes the type's write function produces; it is made
 * only when the state leaves the aggregate.
 *
 *-------------------------------------------------------------------------
 */
#ifndef VQC_STATE_BOX_H
#define VQC_STATE_BOX_H

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/expandeddatum.h"

typedef struct StateBoxType
{
	const char *typname;
	/* appends the binary form of state (the flat form after its header) */
	void		(*write) (const void *state, StringInfo buf);
	/*
	 * Optional, for large states: the exact size of the binary form, and
	 * writing it at dst (len bytes), so that flattening writes it once, in
	 * place; without them the binary form is written into a buffer first.
	 */
	Size		(*size) (const void *state);
	void		(*write_at) (const void *state, char *dst, Size len);
} StateBoxType;

typedef struct StateBox
{
	ExpandedObjectHeader hdr;
	const StateBoxType *type;
	void	   *state;
	/* between get_flat_size and flatten_into: the binary form (or only its size) */
	char	   *flat;
	Size		flatlen;
	bool		sized;
} StateBox;

extern PGDLLIMPORT const ExpandedObjectMethods state_box_methods;

extern StateBox *state_box_new(const StateBoxType *type, MemoryContext cxt, void *state);
extern void state_box_drop_flat(StateBox *box);
extern bool state_box_write_expanded(Datum d, const StateBoxType *type, StringInfo buf);

/*
 * The helpers a transition function calls on every row are inline: calls
 * into another file cost a few percent of NDCG over 10 M rows.
 */

/* The box d holds (read-only or read-write), or NULL when d is a flat value. */
static inline StateBox *
state_box_of(Datum d, const StateBoxType *type)
{
	if (VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(d)))
	{
		StateBox   *box = (StateBox *) DatumGetEOHP(d);

		if (box->hdr.eoh_methods == &state_box_methods && box->type == type)
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
static inline StateBox *
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
static inline void
state_box_changed(StateBox *box)
{
	if (unlikely(box->sized))
		state_box_drop_flat(box);
}

static inline Datum
state_box_datum(StateBox *box)
{
	return EOHPGetRWDatum(&box->hdr);
}

#endif							/* VQC_STATE_BOX_H */
