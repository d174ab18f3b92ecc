/*-------------------------------------------------------------------------
 *
 * privilege.c
 *	  Who may see a stored row value, and how vqc writes its own tables on
 *	  behalf of a caller who may not write them.
 *
 * vqc_report.may_read_values(table, schema, name) is the one test that
 * guards every stored row value (failing samples, observed values,
 * profiles, baselines, drift details): the current role may SELECT the
 * table now, the table is still the one the value came from (same OID and
 * same name: after a drop and a re-create, a dump and restore or an OID
 * wrap-around the values stay hidden), and row-level security does not
 * apply to the role on it (a tenant-restricted reader must not see rows
 * that another tenant's run stored; owners and BYPASSRLS roles may).
 *
 * vqc_with_caller is the C body of the vqc functions that change vqc's
 * tables (suites, baselines, runs).  Nobody may write those tables
 * directly, so such a function works in two halves: for vqc.F(args),
 *	  1. vqc._F_check(args) (optional), as the caller: everything that may
 *		 run code the caller or a table's owner chose (reading the table,
 *		 casting kwargs to a column's type, whose input function or domain
 *		 check could be anybody's), returning what it found as jsonb;
 *	  2. vqc._F_write(caller, found, args) (or vqc._F_write(caller, args)
 *		 without a check), as the extension's owner with a pinned
 *		 search_path: the writes, after checking the caller's rights with
 *		 the caller's OID (has_table_privilege(caller, ...), pg_has_role).
 * The writers' EXECUTE is revoked from PUBLIC, so no role can call them
 * with arguments of its choosing; only this function does, with the
 * caller it saw and what the check half returned in the same call.  A role
 * cannot point a vqc function at this C symbol: only a superuser may
 * create C functions.  This is SECURITY DEFINER that also tells the
 * definer who called, which SQL cannot do.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_proc.h"
#include "commands/extension.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "parser/parse_func.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/rls.h"
#include "utils/syscache.h"

PG_FUNCTION_INFO_V1(vqc_may_read_values);
PG_FUNCTION_INFO_V1(vqc_with_caller);

/* the most arguments a public function relayed by vqc_with_caller takes */
#define RELAY_MAX_ARGS	8

/*
 * may_read_values(table regclass, table_schema name, table_name name):
 * strict; false for a table that is gone or renamed.
 */
Datum
vqc_may_read_values(PG_FUNCTION_ARGS)
{
	Oid			relid = PG_GETARG_OID(0);
	Name		schema = PG_GETARG_NAME(1);
	Name		relname = PG_GETARG_NAME(2);
	HeapTuple	tuple;
	Form_pg_class form;
	bool		same;

	tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	if (!HeapTupleIsValid(tuple))
		PG_RETURN_BOOL(false);
	form = (Form_pg_class) GETSTRUCT(tuple);
	same = strcmp(NameStr(form->relname), NameStr(*relname)) == 0;
	if (same)
	{
		char	   *nsp = get_namespace_name(form->relnamespace);

		same = nsp != NULL && strcmp(nsp, NameStr(*schema)) == 0;
	}
	ReleaseSysCache(tuple);
	if (!same)
		PG_RETURN_BOOL(false);
	if (pg_class_aclcheck(relid, GetUserId(), ACL_SELECT) != ACLCHECK_OK)
		PG_RETURN_BOOL(false);
	PG_RETURN_BOOL(check_enable_rls(relid, InvalidOid, true) != RLS_ENABLED);
}

/* What vqc_with_caller resolved for one public function, in fn_extra. */
typedef struct Relay
{
	Oid			owner;			/* the extension's owner: the writer runs as it */
	bool		has_check;
	FmgrInfo	check;
	FmgrInfo	write;
} Relay;

/* the check or write half of function name, in the relaying function's schema */
static Oid
relay_target(Oid nspid, const char *name, const char *suffix,
			 int nargs, const Oid *argtypes, bool missing_ok)
{
	/* vqc.F -> vqc._F_check; vqc._F -> vqc._F_check too */
	char	   *target = psprintf(name[0] == '_' ? "%s_%s" : "_%s_%s", name, suffix);
	List	   *qualified = list_make2(makeString(get_namespace_name(nspid)),
									   makeString(target));

	return LookupFuncName(qualified, nargs, argtypes, missing_ok);
}

static Oid
extension_owner(void)
{
	Oid			extoid = get_extension_oid("vqc", false);
	HeapTuple	tuple = SearchSysCache1(EXTENSIONOID, ObjectIdGetDatum(extoid));
	Oid			owner;

	if (!HeapTupleIsValid(tuple))
		elog(ERROR, "cache lookup failed for extension %u", extoid);
	owner = ((Form_pg_extension) GETSTRUCT(tuple))->extowner;
	ReleaseSysCache(tuple);
	return owner;
}

static Relay *
relay_resolve(FunctionCallInfo fcinfo)
{
	Oid			fnoid = fcinfo->flinfo->fn_oid;
	HeapTuple	tuple = SearchSysCache1(PROCOID, ObjectIdGetDatum(fnoid));
	Form_pg_proc proc;
	Oid			argtypes[RELAY_MAX_ARGS + 2];
	Oid			check_oid;
	Oid			write_oid;
	int			nargs;
	Relay	   *relay;

	if (!HeapTupleIsValid(tuple))
		elog(ERROR, "cache lookup failed for function %u", fnoid);
	proc = (Form_pg_proc) GETSTRUCT(tuple);
	nargs = proc->pronargs;
	if (nargs > RELAY_MAX_ARGS || fcinfo->nargs != nargs)
		elog(ERROR, "vqc_with_caller relays at most %d arguments", RELAY_MAX_ARGS);

	/* check: the same arguments; write: (caller regrole[, found jsonb], ...) */
	memcpy(argtypes + 2, proc->proargtypes.values, nargs * sizeof(Oid));
	check_oid = relay_target(proc->pronamespace, NameStr(proc->proname), "check",
							 nargs, argtypes + 2, true);
	argtypes[0] = REGROLEOID;
	argtypes[1] = JSONBOID;
	if (OidIsValid(check_oid))
		write_oid = relay_target(proc->pronamespace, NameStr(proc->proname), "write",
								 nargs + 2, argtypes, false);
	else
	{
		argtypes[1] = REGROLEOID;
		write_oid = relay_target(proc->pronamespace, NameStr(proc->proname), "write",
								 nargs + 1, argtypes + 1, false);
	}
	if (get_func_rettype(write_oid) != proc->prorettype)
		elog(ERROR, "writer of %s returns another type", NameStr(proc->proname));
	ReleaseSysCache(tuple);

	relay = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(Relay));
	relay->owner = extension_owner();
	relay->has_check = OidIsValid(check_oid);
	if (relay->has_check)
		fmgr_info_cxt(check_oid, &relay->check, fcinfo->flinfo->fn_mcxt);
	fmgr_info_cxt(write_oid, &relay->write, fcinfo->flinfo->fn_mcxt);
	return relay;
}

/* Calls the check half as the caller; its jsonb result (NULL stays NULL). */
static Datum
relay_check(FunctionCallInfo fcinfo, Relay *relay, bool *isnull)
{
	LOCAL_FCINFO(call, RELAY_MAX_ARGS);
	Datum		result;

	InitFunctionCallInfoData(*call, &relay->check, fcinfo->nargs,
							 fcinfo->fncollation, NULL, NULL);
	for (int i = 0; i < fcinfo->nargs; i++)
		call->args[i] = fcinfo->args[i];
	result = FunctionCallInvoke(call);
	*isnull = call->isnull;
	return result;
}

/* Calls the write half as the extension's owner, telling it the caller. */
static Datum
relay_write(FunctionCallInfo fcinfo, Relay *relay, Oid caller,
			Datum found, bool found_isnull)
{
	LOCAL_FCINFO(call, RELAY_MAX_ARGS + 2);
	int			first = relay->has_check ? 2 : 1;
	Oid			save_userid;
	int			save_sec_context;
	Datum		result;

	InitFunctionCallInfoData(*call, &relay->write, fcinfo->nargs + first,
							 fcinfo->fncollation, NULL, NULL);
	call->args[0].value = ObjectIdGetDatum(caller);
	call->args[0].isnull = false;
	if (relay->has_check)
	{
		call->args[1].value = found;
		call->args[1].isnull = found_isnull;
	}
	for (int i = 0; i < fcinfo->nargs; i++)
		call->args[first + i] = fcinfo->args[i];

	/*
	 * As in a SECURITY DEFINER call: the user ID is restored on error by
	 * transaction (or subtransaction) abort, and SET ROLE is refused while
	 * it is changed.
	 */
	GetUserIdAndSecContext(&save_userid, &save_sec_context);
	SetUserIdAndSecContext(relay->owner, save_sec_context | SECURITY_LOCAL_USERID_CHANGE);
	result = FunctionCallInvoke(call);
	SetUserIdAndSecContext(save_userid, save_sec_context);

	if (call->isnull)
		fcinfo->isnull = true;
	return result;
}

/*
 * The body of the vqc functions that write vqc's tables: see the file
 * header.  Not strict: NULL arguments reach the halves, which check them.
 */
Datum
vqc_with_caller(PG_FUNCTION_ARGS)
{
	Relay	   *relay = (Relay *) fcinfo->flinfo->fn_extra;
	Oid			caller = GetUserId();
	Datum		found = (Datum) 0;
	bool		found_isnull = true;

	if (relay == NULL)
	{
		relay = relay_resolve(fcinfo);
		fcinfo->flinfo->fn_extra = relay;
	}
	if (relay->has_check)
		found = relay_check(fcinfo, relay, &found_isnull);
	return relay_write(fcinfo, relay, caller, found, found_isnull);
}
