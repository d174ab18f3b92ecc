/*-------------------------------------------------------------------------
 *
 * scope_counts.c
 *	  vqc._scope_counts(nonnull boolean): {rows, rows where nonnull is
 *	  true} as a bigint[2], in one aggregate.  A map expectation under a
 *	  row_condition needs count(*) and count(column) of the rows the
 *	  condition holds for; as two aggregates each evaluates the condition on
 *	  every row, as one (FILTER (WHERE condition), argument column IS NOT
 *	  NULL) the condition is evaluated once and one transition runs.
 *	  The state is the result itself, a bigint[2] updated in place inside
 *	  the aggregate (as float8_accum does), so it travels as an ordinary
 *	  array between parallel workers and Citus nodes.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "common/int.h"
#include "fmgr.h"
#include "utils/array.h"

PG_FUNCTION_INFO_V1(vqc_scope_counts_transfn);
PG_FUNCTION_INFO_V1(vqc_scope_counts_combinefn);

/* The two counters of a state, after checking its shape (a state may come from a user). */
static int64 *
scope_counts_of(ArrayType *a)
{
	if (ARR_NDIM(a) != 1 || ARR_DIMS(a)[0] != 2 || ARR_HASNULL(a) || ARR_ELEMTYPE(a) != INT8OID)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a state of vqc._scope_counts must be a bigint array of two non-null elements")));
	if (((int64 *) ARR_DATA_PTR(a))[0] < 0 || ((int64 *) ARR_DATA_PTR(a))[1] < 0 ||
		((int64 *) ARR_DATA_PTR(a))[1] > ((int64 *) ARR_DATA_PTR(a))[0])
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a state of vqc._scope_counts must hold 0 <= non-null rows <= rows")));
	return (int64 *) ARR_DATA_PTR(a);
}

/* The state to update: in place inside an aggregate, else a copy. */
static ArrayType *
scope_counts_state(FunctionCallInfo fcinfo, int argno)
{
	if (AggCheckCallContext(fcinfo, NULL))
		return PG_GETARG_ARRAYTYPE_P(argno);
	return PG_GETARG_ARRAYTYPE_P_COPY(argno);
}

static void
scope_counts_add(int64 *into, int64 rows, int64 nonnull)
{
	if (pg_add_s64_overflow(into[0], rows, &into[0]) ||
		pg_add_s64_overflow(into[1], nonnull, &into[1]))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("bigint out of range")));
}

/* (state, nonnull): strict, so a NULL argument (never produced by IS NOT NULL) leaves the state alone */
Datum
vqc_scope_counts_transfn(PG_FUNCTION_ARGS)
{
	ArrayType  *state = scope_counts_state(fcinfo, 0);
	int64	   *c = scope_counts_of(state);

	scope_counts_add(c, 1, PG_GETARG_BOOL(1) ? 1 : 0);
	PG_RETURN_ARRAYTYPE_P(state);
}

Datum
vqc_scope_counts_combinefn(PG_FUNCTION_ARGS)
{
	ArrayType  *state = scope_counts_state(fcinfo, 0);
	int64	   *c = scope_counts_of(state);
	int64	   *other = scope_counts_of(PG_GETARG_ARRAYTYPE_P(1));

	scope_counts_add(c, other[0], other[1]);
	PG_RETURN_ARRAYTYPE_P(state);
}
