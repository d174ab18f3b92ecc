/*-------------------------------------------------------------------------
 *
 * hash_row.c
 *	  vqc.hash_row(VARIADIC "any"): one 64-bit word for a combination of
 *	  values, for the hash screen of compound uniqueness
 *	  (expect_compound_columns_to_be_unique).  Each argument is hashed with
 *	  its type's extended hash support function (seed 0) under its own
 *	  collation, a NULL as a fixed word, and the words are chained with
 *	  hash_combine64: combinations equal under the types' equality (NULLs
 *	  equal, as GROUP BY groups them) give equal words, so distinct words
 *	  prove distinct combinations.  A PostgreSQL anonymous ROW(...) cannot
 *	  be hashed (the type cache does not promise its fields can be), and an
 *	  array of per-column hashes costs an array per row.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "fmgr.h"
#include "nodes/nodeFuncs.h"
#include "nodes/primnodes.h"
#include "utils/builtins.h"
#include "utils/typcache.h"

PG_FUNCTION_INFO_V1(vqc_hash_row);

/* the word of a NULL argument: any fixed value */
#define HASH_ROW_NULL UINT64CONST(0x9e3779b97f4a7c15)

typedef struct HashRowArg
{
	FmgrInfo	hashfn;
	Oid			collation;
} HashRowArg;

typedef struct HashRowCache
{
	int			nargs;
	HashRowArg	args[FLEXIBLE_ARRAY_MEMBER];
} HashRowCache;

/*
 * The hash function and collation of each argument, looked up once per
 * call site and kept in fn_extra.
 */
static HashRowCache *
hash_row_cache(FunctionCallInfo fcinfo)
{
	HashRowCache *cache = (HashRowCache *) fcinfo->flinfo->fn_extra;
	int			nargs = PG_NARGS();
	List	   *exprs = NIL;
	int			i;

	if (likely(cache != NULL && cache->nargs == nargs))
		return cache;

	if (fcinfo->flinfo->fn_expr && IsA(fcinfo->flinfo->fn_expr, FuncExpr))
		exprs = ((FuncExpr *) fcinfo->flinfo->fn_expr)->args;
	cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt,
								   offsetof(HashRowCache, args) + sizeof(HashRowArg) * Max(nargs, 1));
	cache->nargs = nargs;
	for (i = 0; i < nargs; i++)
	{
		Oid			typid = get_fn_expr_argtype(fcinfo->flinfo, i);
		TypeCacheEntry *tce;

		if (!OidIsValid(typid))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("could not determine the type of argument %d of vqc.hash_row", i + 1)));
		tce = lookup_type_cache(typid, TYPECACHE_HASH_EXTENDED_PROC_FINFO);
		if (!OidIsValid(tce->hash_extended_proc))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_FUNCTION),
					 errmsg("could not identify an extended hash function for type %s",
							format_type_be(typid))));
		fmgr_info_copy(&cache->args[i].hashfn, &tce->hash_extended_proc_finfo,
					   fcinfo->flinfo->fn_mcxt);
		/* each argument's own collation: columns may differ */
		cache->args[i].collation = list_length(exprs) == nargs
			? exprCollation((Node *) list_nth(exprs, i)) : PG_GET_COLLATION();
	}
	fcinfo->flinfo->fn_extra = cache;
	return cache;
}

Datum
vqc_hash_row(PG_FUNCTION_ARGS)
{
	HashRowCache *cache = hash_row_cache(fcinfo);
	uint64		word = (uint64) cache->nargs;
	int			i;

	for (i = 0; i < cache->nargs; i++)
	{
		uint64		h;

		if (PG_ARGISNULL(i))
			h = HASH_ROW_NULL;
		else
			h = DatumGetUInt64(FunctionCall2Coll(&cache->args[i].hashfn, cache->args[i].collation,
												 PG_GETARG_DATUM(i), Int64GetDatum(0)));
		word = hash_combine64(word, h);
	}
	PG_RETURN_INT64((int64) word);
}
