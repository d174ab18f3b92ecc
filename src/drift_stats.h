/*-------------------------------------------------------------------------
 *
 * drift_stats.h
 *	  Special functions and null distributions behind vqc's exact drift
 *	  scores (drift_stats.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef DRIFT_STATS_H
#define DRIFT_STATS_H

#include <stdbool.h>
#include <stdint.h>

/* regularized upper incomplete gamma function Q(a, x) */
extern double vqc_igamc(double a, double x);

/* survival function of the chi-square distribution with dof degrees */
extern double vqc_chi2_sf(double x, double dof);

/* two-sided normal tail 2 * (1 - Phi(|z|)), through erfc */
extern double vqc_norm_two_sided(double z);

/* survival function of the two-sided one-sample KS statistic D_n */
extern double vqc_kolmogn_sf(int64_t n, double x);

/*
 * Two-sided two-sample KS p-value as scipy.stats.ks_2samp(method='auto').
 * *d is the statistic on input; on output it is the statistic scipy
 * reports (h / lcm in the exact branch).  *exact says which branch ran.
 */
extern double vqc_ks_2samp_pvalue(int64_t n1, int64_t n2, double *d, bool *exact);

/* the asymptotic branch alone: kstwo.sf(d, round(n1 n2 / (n1 + n2))) */
extern double vqc_ks_asymptotic_pvalue(int64_t n1, int64_t n2, double d);

#endif							/* DRIFT_STATS_H */
