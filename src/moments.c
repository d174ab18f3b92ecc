/*-------------------------------------------------------------------------
 *
 * moments.c
 *	  Merging and reading streaming moments (see moments.h).
 *
 * Definitions (those of scipy.stats with its defaults):
 *	  variance  sample variance M2 / (n - 1)             (n >= 2)
 *	  skewness  biased Fisher-Pearson g1 = sqrt(n) M3 / M2^1.5
 *	  kurtosis  biased excess (Fisher) g2 = n M4 / M2^2 - 3
 * skewness and kurtosis are undefined (false) when M2 = 0.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "moments.h"

void
moments_combine(Moments *a, const Moments *b)
{
	double		na;
	double		nb;
	double		n;
	double		delta;
	double		delta2;
	double		delta3;
	double		delta4;
	double		m2;
	double		m3;
	double		m4;

	if (b->n == 0)
		return;
	if (a->n == 0)
	{
		*a = *b;
		return;
	}
	na = (double) a->n;
	nb = (double) b->n;
	n = na + nb;
	delta = b->mean - a->mean;
	delta2 = delta * delta;
	delta3 = delta2 * delta;
	delta4 = delta2 * delta2;

	m2 = a->m2 + b->m2 + delta2 * na * nb / n;
	m3 = a->m3 + b->m3 + delta3 * na * nb * (na - nb) / (n * n) +
		3.0 * delta * (na * b->m2 - nb * a->m2) / n;
	m4 = a->m4 + b->m4 +
		delta4 * na * nb * (na * na - na * nb + nb * nb) / (n * n * n) +
		6.0 * delta2 * (na * na * b->m2 + nb * nb * a->m2) / (n * n) +
		4.0 * delta * (na * b->m3 - nb * a->m3) / n;

	/* the weighted mean, written so that equal means stay exact */
	a->mean = a->mean + delta * (nb / n);
	a->m2 = m2;
	a->m3 = m3;
	a->m4 = m4;
	a->n += b->n;
	a->min = Min(a->min, b->min);
	a->max = Max(a->max, b->max);
}

/*
 * Adds n finite values at once: the batch's own mean and central sums, then
 * Chan's merge.  No division per value and four independent accumulators,
 * so it runs at the multiplier's throughput where moments_add() waits on
 * one division per value; the two-pass form over a short batch is at least
 * as accurate.  A batch whose sum overflows (values near DBL_MAX) goes
 * through moments_add(), which never sums the values themselves.
 */
void
moments_add_batch(Moments *m, const double *x, int n)
{
	Moments		b;
	double		s[4] = {0, 0, 0, 0};
	double		lo;
	double		hi;
	double		mean;
	double		c2[2] = {0, 0};
	double		c3[2] = {0, 0};
	double		c4[2] = {0, 0};
	int			i;

	if (n <= 0)
		return;
	lo = hi = x[0];
	for (i = 0; i + 4 <= n; i += 4)
	{
		s[0] += x[i];
		s[1] += x[i + 1];
		s[2] += x[i + 2];
		s[3] += x[i + 3];
	}
	for (; i < n; i++)
		s[0] += x[i];
	mean = ((s[0] + s[1]) + (s[2] + s[3])) / n;
	if (!isfinite(mean))
	{
		for (i = 0; i < n; i++)
			moments_add(m, x[i]);
		return;
	}
	for (i = 0; i + 2 <= n; i += 2)
	{
		double		d0 = x[i] - mean;
		double		d1 = x[i + 1] - mean;
		double		q0 = d0 * d0;
		double		q1 = d1 * d1;

		c2[0] += q0;
		c2[1] += q1;
		c3[0] += q0 * d0;
		c3[1] += q1 * d1;
		c4[0] += q0 * q0;
		c4[1] += q1 * q1;
		lo = Min(lo, Min(x[i], x[i + 1]));
		hi = Max(hi, Max(x[i], x[i + 1]));
	}
	for (; i < n; i++)
	{
		double		d = x[i] - mean;

		c2[0] += d * d;
		c3[0] += d * d * d;
		c4[0] += d * d * d * d;
		lo = Min(lo, x[i]);
		hi = Max(hi, x[i]);
	}
	b.n = n;
	b.mean = mean;
	b.m2 = c2[0] + c2[1];
	b.m3 = c3[0] + c3[1];
	b.m4 = c4[0] + c4[1];
	b.min = lo;
	b.max = hi;
	moments_combine(m, &b);
}

bool
moments_mean(const Moments *m, double *out)
{
	if (m->n < 1)
		return false;
	*out = m->mean;
	return true;
}

bool
moments_variance(const Moments *m, double *out)
{
	if (m->n < 2)
		return false;
	*out = m->m2 / (double) (m->n - 1);
	return true;
}

bool
moments_skewness(const Moments *m, double *out)
{
	if (m->n < 1 || !(m->m2 > 0))
		return false;
	*out = sqrt((double) m->n) * m->m3 / pow(m->m2, 1.5);
	return true;
}

bool
moments_kurtosis(const Moments *m, double *out)
{
	if (m->n < 1 || !(m->m2 > 0))
		return false;
	*out = (double) m->n * m->m4 / (m->m2 * m->m2) - 3.0;
	return true;
}
