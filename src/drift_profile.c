/*-------------------------------------------------------------------------
 *
 * drift_profile.c
 *	  vqc.drift: drift scores between two stored vqc.profile values, so a
 *	  baseline is never re-read.  This file only turns each profile into a
 *	  DriftSide (drift.h); the scores are drift.c's, shared with
 *	  vqc.drift_exact.
 *
 *	  Exact-mode profiles give their raw values, so the result equals
 *	  vqc.drift_exact over the same values ("exact": true).  Sketch-mode
 *	  profiles give the KLL sketch as a weighted sorted sample (numbers),
 *	  the Misra-Gries table plus a remainder "__other__" (categories), the
 *	  HyperLogLog distinct count (auto) and the population standard
 *	  deviation from the moments (wasserstein_normed); the result says
 *	  "exact": false and details.error bounds the error where it can.
 *	  (A sketch-mode profile whose frequent-value table never dropped or
 *	  clipped a value holds the exact counts: a text column's categorical
 *	  scores, and all the scores of a numeric column of at most 64 distinct
 *	  values, are then exact, and say so.)
 *
 *	  Numbers and temporal values (as float8: days or microseconds since
 *	  1970) are numeric; booleans ("f", "t", as drift_exact names them) and
 *	  text are categorical.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/builtins.h"

#include "drift.h"
#include "profile.h"

PG_FUNCTION_INFO_V1(vqc_drift_profile);

/* orders item indexes of the frequent-value table arg by value */
static int
cmp_frequent_value(const void *a, const void *b, void *arg)
{
	const FreqSketch *f = (const FreqSketch *) arg;
	double		x = f->items[*(const int *) a].num;
	double		y = f->items[*(const int *) b].num;

	return (x > y) - (x < y);
}

/* the distinct values of a lossless frequent-value table, with their counts */
static void
exact_from_frequent(const FreqSketch *f, DriftSide *side)
{
	int		   *order = palloc(sizeof(int) * f->nitems);
	int64		cum = 0;
	int			i;

	for (i = 0; i < f->nitems; i++)
		order[i] = i;
	qsort_arg(order, f->nitems, sizeof(int), cmp_frequent_value, (void *) f);
	side->x = palloc(sizeof(double) * f->nitems);
	side->cum = palloc(sizeof(int64) * f->nitems);
	for (i = 0; i < f->nitems; i++)
	{
		cum += f->count[order[i]];
		side->x[i] = f->items[order[i]].num;
		side->cum[i] = cum;
	}
	side->count = f->nitems;
	pfree(order);
}

/*
 * The numbers of a profile: the raw values, the frequent-value table when it
 * holds every value exactly, or else the KLL view.
 */
static void
numeric_side(const ProfileState *s, DriftSide *side)
{
	ProfileSketch *sk;
	KllView		kv;
	const FreqSketch *f;
	double		var;
	double		listed = 0;
	int			i;

	if (s->nan > 0)
		drift_nonfinite_error(side->name, true, "values");
	if (s->posinf > 0 || s->neginf > 0)
		drift_nonfinite_error(side->name, false, "values");

	if (profile_is_exact(s))
	{
		side->x = profile_exact_numbers(s, &side->count);
		drift_sort_values(side);
		return;
	}

	sk = PROFILE_SKETCH(s);
	f = &sk->freq;
	side->min = s->mom.min;
	side->max = s->mom.max;
	/* population standard deviation: the sample variance times (n - 1) / n */
	side->std = moments_variance(&s->mom, &var) ?
		sqrt(var * (double) (s->mom.n - 1) / (double) s->mom.n) : 0.0;

	/* categories (chi_square, z_test, auto): the frequent values */
	side->cat_count = f->nitems;
	side->cat_x = palloc(sizeof(double) * Max(f->nitems, 1));
	side->cat_w = palloc(sizeof(double) * Max(f->nitems, 1));
	for (i = 0; i < f->nitems; i++)
	{
		side->cat_x[i] = f->items[i].num;
		side->cat_w[i] = (double) f->count[i];
		listed += side->cat_w[i];
	}
	side->other = (double) side->n - listed;
	side->freq_error = (double) f->offset / (double) side->n;
	/* distinct values (auto): exact when the table never dropped one */
	side->ndistinct = f->offset == 0 ? (double) f->nitems : rint(profile_ndistinct(s));

	if (f->offset == 0 && side->other == 0)
	{
		/*
		 * The frequent-value table never dropped a value and holds them all
		 * (at most 64 distinct numbers): that is the exact distribution.
		 */
		exact_from_frequent(f, side);
		return;
	}
	kll_view(&sk->kll, &kv);
	if (kv.n != side->n || kv.count == 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("unsupported or corrupt vqc state"),
				 errdetail("The quantile sketch of the %s profile does not hold its values.", side->name)));
	side->x = kv.values;
	side->cum = kv.cumweight;
	side->count = kv.count;
	side->rank_error = kll_rank_error(&sk->kll);
	side->approximate = true;
}

/* the categories of a text profile: raw values or the frequent values */
static void
text_side(const ProfileState *s, DriftSide *side)
{
	const FreqSketch *f;
	double		listed = 0;
	int			i;

	if (profile_is_exact(s))
	{
		side->s = profile_exact_texts(s, &side->count);
		return;
	}
	f = &PROFILE_SKETCH(s)->freq;
	side->cat_count = f->nitems;
	side->cat_s = palloc(sizeof(char *) * Max(f->nitems, 1));
	side->cat_w = palloc(sizeof(double) * Max(f->nitems, 1));
	for (i = 0; i < f->nitems; i++)
	{
		side->cat_s[i] = pnstrdup(f->items[i].text, f->items[i].len);
		side->cat_w[i] = (double) f->count[i];
		listed += side->cat_w[i];
		if (f->items[i].clipped)
			side->approximate = true;
	}
	side->other = (double) side->n - listed;
	side->freq_error = (double) f->offset / (double) side->n;
	/* no decrement and nothing clipped: the counts are the exact ones */
	if (f->offset > 0 || side->other > 0)
		side->approximate = true;
}

/* booleans: two exact counts, named as drift_exact names them ("f", "t") */
static void
boolean_side(const ProfileState *s, DriftSide *side)
{
	side->cat_s = palloc(sizeof(char *) * 2);
	side->cat_w = palloc(sizeof(double) * 2);
	if (s->nfalse > 0)
	{
		side->cat_s[side->cat_count] = "f";
		side->cat_w[side->cat_count++] = (double) s->nfalse;
	}
	if (s->ntrue > 0)
	{
		side->cat_s[side->cat_count] = "t";
		side->cat_w[side->cat_count++] = (double) s->ntrue;
	}
}

/* true for numeric sides */
static bool
load_profile(const ProfileState *s, DriftSide *side)
{
	side->n = profile_nonnull(s);
	switch (s->kind)
	{
		case PK_NUMERIC:
		case PK_TEMPORAL:
			numeric_side(s, side);
			return true;
		case PK_BOOLEAN:
			boolean_side(s, side);
			return false;
		case PK_TEXT:
			text_side(s, side);
			return false;
	}
	elog(ERROR, "unexpected profile kind %d", (int) s->kind);
	return false;				/* keep compiler quiet */
}

/*
 * vqc._drift_profile(baseline vqc.profile, current vqc.profile,
 *                    method text, threshold float8, bins int4, binning text)
 * threshold, bins and binning may be NULL (defaults).
 */
Datum
vqc_drift_profile(PG_FUNCTION_ARGS)
{
	ProfileState *pb,
			   *pc;
	DriftSide	b,
				c;
	DriftOptions opt;
	bool		numeric;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
		elog(ERROR, "vqc._drift_profile called with NULL profiles or method");
	pb = profile_from_datum(PG_GETARG_DATUM(0));
	pc = profile_from_datum(PG_GETARG_DATUM(1));
	drift_options_from_args(fcinfo, &opt, "profiles");

	if (pb->kind == PK_EMPTY || profile_nonnull(pb) == 0)
		drift_empty_error("baseline");
	if (pc->kind == PK_EMPTY || profile_nonnull(pc) == 0)
		drift_empty_error("current");
	if (pb->kind != pc->kind ||
		(pb->kind == PK_TEMPORAL && (pb->typid == DATEOID) != (pc->typid == DATEOID)))
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("baseline and current profiles have incompatible types %s and %s",
						format_type_be(pb->typid), format_type_be(pc->typid)),
				 errdetail("Both must be numeric, both text, both boolean, both date, or both timestamp.")));

	drift_side_init(&b, "baseline");
	drift_side_init(&c, "current");
	numeric = load_profile(pb, &b);
	load_profile(pc, &c);

	PG_RETURN_DATUM(drift_compute(&b, &c, numeric, &opt));
}
