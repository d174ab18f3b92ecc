/*-------------------------------------------------------------------------
 *
 * vqc.h
 *	  Settings shared by vqc's C files.
 *
 *-------------------------------------------------------------------------
 */
#ifndef VQC_H
#define VQC_H

/* vqc.max_unexpected_samples: most failing values a tally may keep */
extern int	vqc_max_unexpected_samples;

/* vqc.sample_value_max_bytes: longer failing values are clipped in samples */
extern int	vqc_sample_value_max_bytes;

/* vqc.regex_match_limit / vqc.regex_depth_limit: PCRE2 backtracking bounds */
extern int	vqc_regex_match_limit;
extern int	vqc_regex_depth_limit;

/*
 * vqc.exact_memory_limit (kB): most memory an exact collector (median,
 * uniqueness) may hold before it gives up and asks for more passes;
 * -1 means work_mem.
 */
extern int	vqc_exact_memory_limit;

extern Size vqc_exact_memory_limit_bytes(void);

#endif							/* VQC_H */
