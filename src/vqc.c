/*-------------------------------------------------------------------------
 *
 * vqc.c
 *	  Module entry point: the library magic block and vqc.* settings.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <limits.h>

#include "fmgr.h"
#include "miscadmin.h"
#include "utils/guc.h"

#include "vqc.h"

PG_MODULE_MAGIC;

int			vqc_max_unexpected_samples = 1000;
int			vqc_sample_value_max_bytes = 200;
int			vqc_regex_match_limit = 10000000;
int			vqc_regex_depth_limit = 100000;
int			vqc_exact_memory_limit = -1;

void		_PG_init(void);

/* 0 kB would let no collector hold a single value: -1 or at least 1 kB */
static bool
check_exact_memory_limit(int *newval, void **extra, GucSource source)
{
	if (*newval == 0)
	{
		GUC_check_errdetail("vqc.exact_memory_limit must be -1 (use work_mem) or at least 1 kB.");
		return false;
	}
	return true;
}

Size
vqc_exact_memory_limit_bytes(void)
{
	int			kb = vqc_exact_memory_limit >= 0 ? vqc_exact_memory_limit : work_mem;

	return (Size) kb * 1024;
}

void
_PG_init(void)
{
	DefineCustomIntVariable("vqc.max_unexpected_samples",
							"Most failing values (with row keys) one expectation keeps.",
							"Caps partial_unexpected_count and the COMPLETE result lists.",
							&vqc_max_unexpected_samples,
							1000, 0, 1000000,
							PGC_USERSET, 0,
							NULL, NULL, NULL);

	DefineCustomIntVariable("vqc.sample_value_max_bytes",
							"Failing values longer than this are clipped in samples.",
							NULL,
							&vqc_sample_value_max_bytes,
							200, 16, 1048576,
							PGC_USERSET, GUC_UNIT_BYTE,
							NULL, NULL, NULL);

	DefineCustomIntVariable("vqc.regex_match_limit",
							"PCRE2 match limit: most backtracking steps one regex match may take.",
							"A match that needs more ends with an error instead of running away.",
							&vqc_regex_match_limit,
							10000000, 1000, INT_MAX,
							PGC_USERSET, 0,
							NULL, NULL, NULL);

	DefineCustomIntVariable("vqc.regex_depth_limit",
							"PCRE2 depth limit: most nested backtracking one regex match may use.",
							NULL,
							&vqc_regex_depth_limit,
							100000, 100, INT_MAX,
							PGC_USERSET, 0,
							NULL, NULL, NULL);

	DefineCustomIntVariable("vqc.exact_memory_limit",
							"Memory an exact median or uniqueness check may use in one scan.",
							"Beyond it the runner answers exactly with more passes. -1 uses work_mem.",
							&vqc_exact_memory_limit,
							-1, -1, INT_MAX,
							PGC_USERSET, GUC_UNIT_KB,
							check_exact_memory_limit, NULL, NULL);

	MarkGUCPrefixReserved("vqc");
}
