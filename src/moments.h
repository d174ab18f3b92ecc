/*-------------------------------------------------------------------------
 *
 * moments.h
 *	  Streaming central moments (count, mean, M2, M3, M4) and the finite
 *	  minimum and maximum of a float8 stream.  Updates are Welford's /
 *	  Terriberry's one-pass recurrences; merging is the exact pairwise
 *	  combination of Chan, Golub and LeVeque (and Pebay, 2008, for M3 and
 *	  M4), so a merged state equals the state of the concatenated stream up
 *	  to rounding.
 *
 *-------------------------------------------------------------------------
 */
#ifndef VQC_MOMENTS_H
#define VQC_MOMENTS_H

typedef struct Moments
{
	int64		n;				/* finite values seen */
	double		mean;
	double		m2;				/* sum of (x - mean)^2 */
	double		m3;				/* sum of (x - mean)^3 */
	double		m4;				/* sum of (x - mean)^4 */
	double		min;			/* finite minimum (0 when n = 0) */
	double		max;			/* finite maximum (0 when n = 0) */
} Moments;

static inline void
moments_add(Moments *m, double x)
{
	int64		n1 = m->n;
	double		n = (double) (n1 + 1);
	double		delta = x - m->mean;
	double		delta_n = delta / n;
	double		delta_n2 = delta_n * delta_n;
	double		term1 = delta * delta_n * (double) n1;

	m->mean += delta_n;
	m->m4 += term1 * delta_n2 * (n * n - 3 * n + 3) + 6 * delta_n2 * m->m2 - 4 * delta_n * m->m3;
	m->m3 += term1 * delta_n * (n - 2) - 3 * delta_n * m->m2;
	m->m2 += term1;
	if (n1 == 0)
		m->min = m->max = x;
	else if (x < m->min)
		m->min = x;
	else if (x > m->max)
		m->max = x;
	m->n = n1 + 1;
}

extern void moments_combine(Moments *a, const Moments *b);
extern void moments_add_batch(Moments *m, const double *x, int n);
extern bool moments_mean(const Moments *m, double *out);
extern bool moments_variance(const Moments *m, double *out);
extern bool moments_skewness(const Moments *m, double *out);
extern bool moments_kurtosis(const Moments *m, double *out);

#endif							/* VQC_MOMENTS_H */
