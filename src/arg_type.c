/*-------------------------------------------------------------------------
 *
 * arg_type.c
 *	  The type of a function's argument: the call expression's, or, when
 *	  the caller passed none, the function's declared type.
 *
 *	  Citus runs a custom aggregate on its workers through
 *	  worker_partial_agg, which calls the transition function by its oid
 *	  with no call expression, so get_fn_expr_argtype() knows nothing
 *	  there.  vqc declares its polymorphic aggregates also for concrete
 *	  types (src/sql/typed_aggregates.sql) with transition functions of
 *	  those types, whose declarations then say what the argument is.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "arg_type.h"

/*
 * The type of argument argno (from 0) of the call, or InvalidOid when
 * neither the call nor the declaration (polymorphic, "any") tells it.
 */
Oid
vqc_arg_type(FmgrInfo *flinfo, int argno)
{
	Oid			typid = get_fn_expr_argtype(flinfo, argno);
	HeapTuple	tuple;
	Form_pg_proc proc;

	if (OidIsValid(typid) || flinfo->fn_expr != NULL)
		return typid;
	tuple = SearchSysCache1(PROCOID, ObjectIdGetDatum(flinfo->fn_oid));
	if (!HeapTupleIsValid(tuple))
		return InvalidOid;
	proc = (Form_pg_proc) GETSTRUCT(tuple);
	typid = argno >= 0 && argno < proc->pronargs ? proc->proargtypes.values[argno] : InvalidOid;
	ReleaseSysCache(tuple);
	if (OidIsValid(typid) && get_typtype(typid) == TYPTYPE_PSEUDO)
		return InvalidOid;
	return typid;
}
