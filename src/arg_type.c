/*-------------------------------------------------------------------------
 *
 * arg_type.c
 *	  The type of a function's argument: the call expression's, or, when
 *	  the caller passed none, the function's declared type.
 *
 *	  Citus runs a custom aggregate on its workers through
 *	  worker_partial_agg, which calls the transition function by its oid
 *	  with no call expression, so get_fn_expr_argtype() knows nothing
 *	  there.  vqc declares its anyelement aggregates also for concrete
 *	  types (src/sql/typed_aggregates.sql) with transition functions of
 *	  those types, whose declarations then say what the argument is.
 *
 *	  On one node the parser may reach such an overload through an
 *	  implicit binary-coercible cast (citext to text): the value's own
 *	  type is then the one the anyelement form saw, and the one reported,
 *	  so that hashing and the types a profile takes stay as they were.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "nodes/nodeFuncs.h"
#include "nodes/primnodes.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "arg_type.h"

/*
 * The call's expression for argument argno, or NULL.  A transition
 * function's own call expression holds only Params: the aggregate's
 * argument argno - 1 is the expression the parser built.
 */
static Node *
call_arg(FunctionCallInfo fcinfo, int argno)
{
	Node	   *expr = fcinfo->flinfo->fn_expr;
	Aggref	   *aggref;

	if (AggCheckCallContext(fcinfo, NULL) == AGG_CONTEXT_AGGREGATE)
	{
		aggref = AggGetAggref(fcinfo);
		if (aggref != NULL && argno >= 1 && argno - 1 < list_length(aggref->args))
			return (Node *) ((TargetEntry *) list_nth(aggref->args, argno - 1))->expr;
		return NULL;
	}
	if (expr != NULL && IsA(expr, FuncExpr))
	{
		List	   *args = ((FuncExpr *) expr)->args;

		return argno >= 0 && argno < list_length(args) ? (Node *) list_nth(args, argno) : NULL;
	}
	return NULL;
}

/* the declared type of argument argno when it is not a pseudo-type */
static Oid
declared_arg_type(Oid fn_oid, int argno)
{
	HeapTuple	tuple = SearchSysCache1(PROCOID, ObjectIdGetDatum(fn_oid));
	Form_pg_proc proc;
	Oid			typid = InvalidOid;

	if (!HeapTupleIsValid(tuple))
		return InvalidOid;
	proc = (Form_pg_proc) GETSTRUCT(tuple);
	if (argno >= 0 && argno < proc->pronargs)
		typid = proc->proargtypes.values[argno];
	ReleaseSysCache(tuple);
	if (OidIsValid(typid) && get_typtype(typid) == TYPTYPE_PSEUDO)
		return InvalidOid;
	return typid;
}

/*
 * The type of argument argno (from 0) of the call, or InvalidOid when
 * neither the call nor the declaration (polymorphic, "any") tells it.
 */
Oid
vqc_arg_type(FunctionCallInfo fcinfo, int argno)
{
	Oid			typid = get_fn_expr_argtype(fcinfo->flinfo, argno);
	Node	   *arg;

	if (!OidIsValid(typid))
		return fcinfo->flinfo->fn_expr == NULL ? declared_arg_type(fcinfo->flinfo->fn_oid, argno) : InvalidOid;
	arg = call_arg(fcinfo, argno);
	if (arg != NULL && IsA(arg, RelabelType) &&
		((RelabelType *) arg)->relabelformat == COERCE_IMPLICIT_CAST &&
		((RelabelType *) arg)->resulttype == typid)
		return exprType((Node *) ((RelabelType *) arg)->arg);
	return typid;
}
