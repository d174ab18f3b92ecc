/*-------------------------------------------------------------------------
 *
 * regex.c
 *	  PCRE2 regular expression matching for expect_column_values_to_match_regex
 *	  and friends.
 *
 * vqc.regex_match(value, pattern) is evaluated once per row by the runner's
 * scan, so the pattern is compiled once per query: the compiled code, the
 * match data, the match context and the JIT stack live in a memory context
 * hanging off fcinfo->flinfo->fn_mcxt and are rebuilt only when the pattern
 * bytes change (a pattern that differs per row still works, just slower).
 *
 * Every allocation PCRE2 makes goes through a general context whose
 * malloc/free allocate in that memory context, so an error thrown in the
 * middle of a query leaks nothing.  The two things PCRE2 maps itself (JIT
 * machine code and the JIT stack) are released by a reset callback on the
 * same context.
 *
 * Semantics, chosen to match what Great Expectations users write (Python's
 * re module) and PostgreSQL's ~ operator where they agree:
 *	- unanchored search: true when the pattern matches anywhere in the value;
 *	- Perl/Python syntax (PCRE2), with $ also matching before a final newline;
 *	- in a UTF-8 database the pattern and the subject are handled as
 *	  characters (PCRE2_UTF) and \w, \d, \s, \b and the POSIX classes follow
 *	  Unicode properties (PCRE2_UCP), as in Python 3; in any other server
 *	  encoding they work on bytes with ASCII classes;
 *	- \C (match one code unit) is refused, as it can split a character.
 *
 * Matches are bounded by vqc.regex_match_limit and vqc.regex_depth_limit so
 * a catastrophic pattern such as (a+)+$ ends with an error instead of
 * running away.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "vqc.h"

/* JIT stack: starts small, may grow to this much */
#define VQC_JIT_STACK_START		(32 * 1024)
#define VQC_JIT_STACK_MAX		(1024 * 1024)

/* Compiled pattern kept across calls in fn_extra */
typedef struct VqcRegexCache
{
	MemoryContext cxt;			/* holds everything below except this struct */
	bool		valid;			/* false while (re)building */
	char	   *pattern;		/* pattern bytes the code was compiled from */
	int			pattern_len;
	pcre2_general_context *gcxt;
	pcre2_code *code;
	pcre2_match_data *match_data;
	pcre2_match_context *mcxt;
	pcre2_jit_stack *jit_stack;
	bool		jit;			/* code was JIT compiled */
	uint32		match_options;
	MemoryContextCallback cleanup;
} VqcRegexCache;

PG_FUNCTION_INFO_V1(vqc_regex_match);
PG_FUNCTION_INFO_V1(vqc_regex_validate);

/*
 * PCRE2's allocator: memory from the memory context passed as memory_data.
 * It must never throw (PCRE2 would be left mid-operation), so failures
 * return NULL and PCRE2 reports "no memory", which we turn into an error
 * once PCRE2 has returned.
 */
static void *
vqc_pcre2_malloc(PCRE2_SIZE size, void *memory_data)
{
	if (!AllocHugeSizeIsValid(size))
		return NULL;
	return MemoryContextAllocExtended((MemoryContext) memory_data, size,
									  MCXT_ALLOC_HUGE | MCXT_ALLOC_NO_OOM);
}

static void
vqc_pcre2_free(void *ptr, void *memory_data)
{
	if (ptr != NULL)
		pfree(ptr);
}

static pcre2_general_context *
vqc_pcre2_general_context(MemoryContext cxt)
{
	pcre2_general_context *gcxt;

	gcxt = pcre2_general_context_create(vqc_pcre2_malloc, vqc_pcre2_free, cxt);
	if (gcxt == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory"),
				 errdetail("Could not create a PCRE2 context.")));
	return gcxt;
}

static void
vqc_pcre2_error_message(int rc, char *buf, size_t buflen)
{
	if (pcre2_get_error_message(rc, (PCRE2_UCHAR *) buf, buflen) < 0)
		snprintf(buf, buflen, "PCRE2 error %d", rc);
}

/*
 * Compile a pattern with vqc's options, allocating through gcxt.  Throws
 * 2201B for an invalid pattern.
 */
static pcre2_code *
vqc_regex_compile(const char *pattern, int pattern_len,
				  pcre2_general_context *gcxt)
{
	pcre2_compile_context *ccxt;
	pcre2_code *code;
	uint32		options = PCRE2_NEVER_BACKSLASH_C;
	int			errorcode;
	PCRE2_SIZE	erroffset;

	/* PostgreSQL has validated text as UTF-8; the pattern is checked anyway */
	if (GetDatabaseEncoding() == PG_UTF8)
		options |= PCRE2_UTF | PCRE2_UCP;

	ccxt = pcre2_compile_context_create(gcxt);
	if (ccxt == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory"),
				 errdetail("Could not create a PCRE2 compile context.")));

	code = pcre2_compile((PCRE2_SPTR) pattern, (PCRE2_SIZE) pattern_len,
						 options, &errorcode, &erroffset, ccxt);
	pcre2_compile_context_free(ccxt);

	if (code == NULL)
	{
		char		msg[256];

		if (errorcode == PCRE2_ERROR_HEAP_FAILED)
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("out of memory"),
					 errdetail("Could not allocate memory to compile a regular expression.")));

		vqc_pcre2_error_message(errorcode, msg, sizeof(msg));
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_REGULAR_EXPRESSION),
				 errmsg("invalid regular expression: %s", msg),
				 errdetail("Error at offset %d of the pattern.",
						   (int) erroffset)));
	}
	return code;
}

/* Reset callback: give back what PCRE2 mapped outside our context */
static void
vqc_regex_cache_cleanup(void *arg)
{
	VqcRegexCache *cache = (VqcRegexCache *) arg;

	cache->valid = false;
	if (cache->code != NULL)
		pcre2_code_free(cache->code);	/* also frees JIT code */
	if (cache->jit_stack != NULL)
		pcre2_jit_stack_free(cache->jit_stack);
	cache->code = NULL;
	cache->jit_stack = NULL;
	cache->match_data = NULL;
	cache->mcxt = NULL;
	cache->gcxt = NULL;
	cache->pattern = NULL;
}

/*
 * Return the cache for this call site holding the compiled pattern,
 * compiling it if it is not the one cached.
 */
static VqcRegexCache *
vqc_regex_get(FunctionCallInfo fcinfo, const char *pattern, int pattern_len)
{
	VqcRegexCache *cache = (VqcRegexCache *) fcinfo->flinfo->fn_extra;

	if (cache != NULL && cache->valid &&
		cache->pattern_len == pattern_len &&
		memcmp(cache->pattern, pattern, pattern_len) == 0)
		return cache;

	if (cache == NULL)
	{
		cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt,
									   sizeof(VqcRegexCache));
		cache->cxt = AllocSetContextCreate(fcinfo->flinfo->fn_mcxt,
										   "vqc regex cache",
										   ALLOCSET_SMALL_SIZES);
		fcinfo->flinfo->fn_extra = cache;
	}
	else
		MemoryContextReset(cache->cxt); /* runs the cleanup callback */

	/* everything below is rebuilt; valid stays false until it all worked */
	cache->valid = false;
	cache->cleanup.func = vqc_regex_cache_cleanup;
	cache->cleanup.arg = cache;
	MemoryContextRegisterResetCallback(cache->cxt, &cache->cleanup);

	cache->gcxt = vqc_pcre2_general_context(cache->cxt);
	cache->code = vqc_regex_compile(pattern, pattern_len, cache->gcxt);

	/*
	 * JIT when the library has it; the interpreter otherwise.  A pattern
	 * starting with (*NO_JIT) "succeeds" without producing JIT code, so ask
	 * whether there is any.
	 */
	cache->jit = false;
	if (pcre2_jit_compile(cache->code, PCRE2_JIT_COMPLETE) == 0)
	{
		size_t		jitsize = 0;

		if (pcre2_pattern_info(cache->code, PCRE2_INFO_JITSIZE, &jitsize) == 0 &&
			jitsize > 0)
			cache->jit = true;
	}

	/* one ovector pair is enough: we only ask whether it matched */
	cache->match_data = pcre2_match_data_create(1, cache->gcxt);
	cache->mcxt = pcre2_match_context_create(cache->gcxt);
	if (cache->match_data == NULL || cache->mcxt == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory"),
				 errdetail("Could not create PCRE2 match data.")));

	if (cache->jit)
	{
		cache->jit_stack = pcre2_jit_stack_create(VQC_JIT_STACK_START,
												  VQC_JIT_STACK_MAX,
												  cache->gcxt);
		/* without one PCRE2 uses a 32 kB stack on the machine stack */
		if (cache->jit_stack != NULL)
			pcre2_jit_stack_assign(cache->mcxt, NULL, cache->jit_stack);
	}

	cache->match_options = 0;
	if (GetDatabaseEncoding() == PG_UTF8)
		cache->match_options |= PCRE2_NO_UTF_CHECK; /* text is valid UTF-8 */

	cache->pattern = MemoryContextAlloc(cache->cxt, pattern_len + 1);
	memcpy(cache->pattern, pattern, pattern_len);
	cache->pattern[pattern_len] = '\0';
	cache->pattern_len = pattern_len;
	cache->valid = true;

	return cache;
}

/* Error for a match that hit one of the limits; never shows the subject */
static void
vqc_regex_limit_error(int rc)
{
	const char *limit;
	char		detail[160];
	const char *setting = NULL;

	switch (rc)
	{
		case PCRE2_ERROR_MATCHLIMIT:
			limit = "match limit";
			setting = "vqc.regex_match_limit";
			snprintf(detail, sizeof(detail),
					 "The match needed more than vqc.regex_match_limit = %d backtracking steps.",
					 vqc_regex_match_limit);
			break;
		case PCRE2_ERROR_DEPTHLIMIT:
			limit = "depth limit";
			setting = "vqc.regex_depth_limit";
			snprintf(detail, sizeof(detail),
					 "The match needed more than vqc.regex_depth_limit = %d nested backtracking levels.",
					 vqc_regex_depth_limit);
			break;
		case PCRE2_ERROR_JIT_STACKLIMIT:
			limit = "JIT stack limit";
			snprintf(detail, sizeof(detail),
					 "The match needed more than the %d kB JIT stack.", VQC_JIT_STACK_MAX / 1024);
			break;
		default:				/* PCRE2_ERROR_HEAPLIMIT */
			limit = "heap limit";
			snprintf(detail, sizeof(detail),
					 "The match needed more backtracking memory than the PCRE2 heap limit allows.");
			break;
	}
	ereport(ERROR,
			(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
			 errmsg("regular expression match exceeded the %s", limit),
			 errdetail_internal("%s", detail),
			 setting ?
			 errhint("Simplify the pattern (avoid nested quantifiers such as (a+)+) or raise %s.", setting) :
			 errhint("Simplify the pattern (avoid nested quantifiers such as (a+)+).")));
}

/*
 * vqc.regex_match(value text, pattern text) returns boolean
 *		true when the pattern matches anywhere in the value
 */
Datum
vqc_regex_match(PG_FUNCTION_ARGS)
{
	text	   *value = PG_GETARG_TEXT_PP(0);
	text	   *pattern = PG_GETARG_TEXT_PP(1);
	VqcRegexCache *cache;
	int			rc;

	cache = vqc_regex_get(fcinfo, VARDATA_ANY(pattern),
						  VARSIZE_ANY_EXHDR(pattern));

	/* the settings may change between calls; setting them is cheap */
	pcre2_set_match_limit(cache->mcxt, (uint32_t) vqc_regex_match_limit);
	pcre2_set_depth_limit(cache->mcxt, (uint32_t) vqc_regex_depth_limit);

	CHECK_FOR_INTERRUPTS();

	if (cache->jit)
		rc = pcre2_jit_match(cache->code,
							 (PCRE2_SPTR) VARDATA_ANY(value),
							 VARSIZE_ANY_EXHDR(value), 0,
							 cache->match_options,
							 cache->match_data, cache->mcxt);
	else
		rc = pcre2_match(cache->code,
						 (PCRE2_SPTR) VARDATA_ANY(value),
						 VARSIZE_ANY_EXHDR(value), 0,
						 cache->match_options,
						 cache->match_data, cache->mcxt);

	if (rc >= 0)
		PG_RETURN_BOOL(true);
	if (rc == PCRE2_ERROR_NOMATCH)
		PG_RETURN_BOOL(false);

	switch (rc)
	{
		case PCRE2_ERROR_MATCHLIMIT:
		case PCRE2_ERROR_DEPTHLIMIT:
		case PCRE2_ERROR_JIT_STACKLIMIT:
		case PCRE2_ERROR_HEAPLIMIT:
			vqc_regex_limit_error(rc);
			break;
		case PCRE2_ERROR_NOMEMORY:
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("out of memory"),
					 errdetail("Could not allocate memory for a regular expression match.")));
			break;
		default:
			{
				char		msg[256];

				vqc_pcre2_error_message(rc, msg, sizeof(msg));
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_REGULAR_EXPRESSION),
						 errmsg("regular expression match failed: %s", msg)));
			}
			break;
	}
	PG_RETURN_BOOL(false);		/* keep the compiler quiet */
}

/*
 * vqc.regex_validate(pattern text) returns boolean
 *		true for a pattern vqc.regex_match accepts; error 2201B otherwise
 */
Datum
vqc_regex_validate(PG_FUNCTION_ARGS)
{
	text	   *pattern = PG_GETARG_TEXT_PP(0);
	MemoryContext cxt;
	pcre2_general_context *gcxt;
	pcre2_code *code;

	/* a throwaway context: freed with the caller's on error */
	cxt = AllocSetContextCreate(CurrentMemoryContext, "vqc regex validate",
								ALLOCSET_SMALL_SIZES);
	gcxt = vqc_pcre2_general_context(cxt);
	code = vqc_regex_compile(VARDATA_ANY(pattern), VARSIZE_ANY_EXHDR(pattern),
							 gcxt);
	pcre2_code_free(code);		/* not JIT compiled: nothing outside cxt */
	MemoryContextDelete(cxt);

	PG_RETURN_BOOL(true);
}
