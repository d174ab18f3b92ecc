/*-------------------------------------------------------------------------
 *
 * drift.h
 *	  The scoring core of vqc's drift functions (drift.c), shared by
 *	  vqc.drift_exact (values from arrays) and vqc.drift (values or sketches
 *	  from two vqc.profile, drift_profile.c).  Each side is given in memory:
 *	  sorted float8 values, possibly weighted (a KLL view), and categories,
 *	  possibly as a value -> count table (frequent values) with a remainder.
 *
 *-------------------------------------------------------------------------
 */
#ifndef VQC_DRIFT_H
#define VQC_DRIFT_H

#include "fmgr.h"

/* one side of a comparison */
typedef struct DriftSide
{
	const char *name;			/* "baseline" or "current" */
	int64		n;				/* non-null values (total weight) */

	/* numbers: ascending values, count entries */
	int			count;
	double	   *x;
	int64	   *cum;			/* NULL: each x weighs 1 (count == n); else
								 * cumulative weights (KLL view) */
	double		min;			/* true min and max of the numbers */
	double		max;
	double		std;			/* NAN: population std computed from x */
	double		ndistinct;		/* NAN: counted from x */

	/* categorical input: count text forms, each weighing 1 */
	char	  **s;

	/*
	 * Categories as a table (cat_w != NULL): cat_count labels (cat_s) or
	 * numbers (cat_x) with counts cat_w, plus other values weighing other
	 * (one "__other__" category).  cat_w NULL: the categories are x or s.
	 */
	int			cat_count;
	char	  **cat_s;
	double	   *cat_x;
	double	   *cat_w;
	double		other;

	/* from a lossy sketch: the score may differ from the exact one */
	bool		approximate;
	/* sketch errors: 0 when exact */
	double		rank_error;		/* KLL normalized rank error of x */
	double		freq_error;		/* bound on a category proportion's error */
} DriftSide;

/* the options of a drift function */
typedef struct DriftOptions
{
	const char *method;
	double		threshold;		/* NAN: the method's default */
	int			bins;			/* 0: default */
	bool		equal_width;
	bool		report_exact;	/* add "exact" (vqc.drift) */
	const char *what;			/* "arrays" or "profiles", for messages */
} DriftOptions;

/* initializes a side with no data (std and ndistinct NAN) */
extern void drift_side_init(DriftSide *side, const char *name);

/* sorts x and sets min and max */
extern void drift_sort_values(DriftSide *side);

/* errors shared by the drift functions (22023) */
extern void drift_empty_error(const char *name) pg_attribute_noreturn();
extern void drift_nonfinite_error(const char *name, bool nan,
								  const char *what) pg_attribute_noreturn();

/* options from arguments 2-5 of the C functions; what: "arrays" or "profiles" */
extern void drift_options_from_args(FunctionCallInfo fcinfo, DriftOptions *opt,
									const char *what);

/* the score as jsonb */
extern Datum drift_compute(DriftSide *b, DriftSide *c, bool numeric,
						   const DriftOptions *opt);

#endif							/* VQC_DRIFT_H */
