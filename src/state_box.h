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
} StateBoxType;

typedef struct StateBox
{
	ExpandedObjectHeader hdr;
	const StateBoxType *type;
	void	   *state;
	char	   *flat;			/* the binary form, between get_flat_size and flatten_into */
	Size		flatlen;
} StateBox;

extern StateBox *state_box_new(const StateBoxType *type, MemoryContext cxt, void *state);
extern StateBox *state_box_of(Datum d, const StateBoxType *type);
extern StateBox *state_box_rw(FunctionCallInfo fcinfo, int argno, const StateBoxType *type);
extern void state_box_changed(StateBox *box);
extern Datum state_box_datum(StateBox *box);
extern bool state_box_write_expanded(Datum d, const StateBoxType *type, StringInfo buf);

#endif							/* VQC_STATE_BOX_H */
