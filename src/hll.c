/*-------------------------------------------------------------------------
 *
 * hll.c
 *	  HyperLogLog estimation and merging (see hll.h).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "hll.h"

void
hll_merge(uint8 *dst, const uint8 *src)
{
	int			i;

	for (i = 0; i < HLL_M; i++)
	{
		if (src[i] > dst[i])
			dst[i] = src[i];
	}
}

/* Ertl's sigma(x) = x + sum_{k>=1} x^(2^k) 2^(k-1) */
static double
hll_sigma(double x)
{
	double		y = 1.0;
	double		z = x;
	double		zprev;

	if (x == 1.0)
		return INFINITY;
	do
	{
		x *= x;
		zprev = z;
		z += x * y;
		y += y;
	} while (z != zprev);
	return z;
}

/* Ertl's tau(x) = (1 - x - sum_{k>=1} (1 - x^(2^-k))^2 2^-k) / 3 */
static double
hll_tau(double x)
{
	double		y = 1.0;
	double		z;
	double		zprev;

	if (x == 0.0 || x == 1.0)
		return 0.0;
	z = 1.0 - x;
	do
	{
		x = sqrt(x);
		zprev = z;
		y *= 0.5;
		z -= (1.0 - x) * (1.0 - x) * y;
	} while (z != zprev);
	return z / 3.0;
}

/* Ertl's improved raw estimator (his Algorithm 6) */
double
hll_estimate(const uint8 *regs)
{
	int			c[HLL_MAX_REGISTER + 1] = {0};
	double		m = HLL_M;
	double		z;
	int			i;
	int			k;

	for (i = 0; i < HLL_M; i++)
		c[regs[i]]++;
	if (c[0] == HLL_M)
		return 0.0;
	z = m * hll_tau(1.0 - c[HLL_Q + 1] / m);
	for (k = HLL_Q; k >= 1; k--)
		z = 0.5 * (z + c[k]);
	z += m * hll_sigma(c[0] / m);
	return (m * m / (2.0 * log(2.0))) / z;
}
