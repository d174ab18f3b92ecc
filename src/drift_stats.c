/*-------------------------------------------------------------------------
 *
 * drift_stats.c
 *	  Special functions and null distributions for vqc's exact drift scores:
 *	  the regularized upper incomplete gamma function (chi-square tail),
 *	  the normal tail, and the two-sample Kolmogorov-Smirnov p-value as
 *	  scipy 1.10 computes it in scipy.stats.ks_2samp(method='auto').
 *
 *	  KS, exact branch (max(n1, n2) <= 10000): the lattice-path algorithms of
 *	  Hodges (1958), in scipy's form: a Horner-like alternating sum when
 *	  n1 == n2, Viehmann's (2021) "inside" recursion for 1 - p otherwise.
 *	  KS, asymptotic branch: the two-sided one-sample distribution
 *	  kstwo.sf(d, round(n1 n2 / (n1 + n2))), computed with Simard and
 *	  L'Ecuyer's (2011) choice of method: Ruben-Gambino closed forms at the
 *	  ends, twice the exact one-sided Smirnov tail (Birnbaum-Tingey sum) for
 *	  large n d^2, the Durbin matrix (Marsaglia-Tsang-Wang) for small d, and
 *	  the Pelz-Good expansion otherwise.  Where scipy uses Pomeranz'
 *	  recursion (n <= 140, 0.754693 < n d^2 <= 4) we use the Durbin matrix:
 *	  both are exact algorithms for the same probability.
 *
 *	  Plain C apart from memory allocation and interrupt checks in the long
 *	  loops.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "miscadmin.h"

#include "drift_stats.h"

#define MACHEP		1.11022302462515654042E-16
#define MAXLOG		7.09782712893383996843E2
#define BIG			4.503599627370496e15
#define BIGINV		2.22044604925031308085e-16

static double igam_series(double a, double x);

/*
 * Q(a, x) = Gamma(a, x) / Gamma(a): power series for P when x < a or x < 1,
 * Legendre's continued fraction for Q otherwise (Cephes' igamc).
 */
double
vqc_igamc(double a, double x)
{
	double		ans,
				ax,
				c,
				yc,
				r,
				t,
				y,
				z,
				pk,
				pkm1,
				pkm2,
				qk,
				qkm1,
				qkm2;

	if (isnan(a) || isnan(x) || x < 0 || a <= 0)
		return NAN;
	if (x == 0)
		return 1.0;
	if (isinf(x))
		return 0.0;
	if (x < 1.0 || x < a)
		return 1.0 - igam_series(a, x);

	ax = a * log(x) - x - lgamma(a);
	if (ax < -MAXLOG)
		return 0.0;
	ax = exp(ax);

	y = 1.0 - a;
	z = x + y + 1.0;
	c = 0.0;
	pkm2 = 1.0;
	qkm2 = x;
	pkm1 = x + 1.0;
	qkm1 = z * x;
	ans = pkm1 / qkm1;
	do
	{
		c += 1.0;
		y += 1.0;
		z += 2.0;
		yc = y * c;
		pk = pkm1 * z - pkm2 * yc;
		qk = qkm1 * z - qkm2 * yc;
		if (qk != 0)
		{
			r = pk / qk;
			t = fabs((ans - r) / r);
			ans = r;
		}
		else
			t = 1.0;
		pkm2 = pkm1;
		pkm1 = pk;
		qkm2 = qkm1;
		qkm1 = qk;
		if (fabs(pk) > BIG)
		{
			pkm2 *= BIGINV;
			pkm1 *= BIGINV;
			qkm2 *= BIGINV;
			qkm1 *= BIGINV;
		}
	} while (t > MACHEP);

	return ans * ax;
}

/* P(a, x) by its power series; used for x < max(a, 1) */
static double
igam_series(double a, double x)
{
	double		ans,
				ax,
				c,
				r;

	if (x <= 0)
		return 0.0;
	ax = a * log(x) - x - lgamma(a);
	if (ax < -MAXLOG)
		return 0.0;
	ax = exp(ax);

	r = a;
	c = 1.0;
	ans = 1.0;
	do
	{
		r += 1.0;
		c *= x / r;
		ans += c;
	} while (c / ans > MACHEP);

	return ans * ax / a;
}

double
vqc_chi2_sf(double x, double dof)
{
	if (x <= 0)
		return 1.0;
	return vqc_igamc(dof / 2.0, x / 2.0);
}

double
vqc_norm_two_sided(double z)
{
	return erfc(fabs(z) / M_SQRT2);
}

/* ---------------------------------------------------------------------
 * The two-sided one-sample Kolmogorov distribution (scipy's kolmogn)
 * ---------------------------------------------------------------------
 */

static double
clip01(double p)
{
	if (p < 0.0)
		return 0.0;
	if (p > 1.0)
		return 1.0;
	return p;
}

/*
 * Exact one-sided Smirnov tail Pr(D_n^+ >= x), Birnbaum-Tingey:
 * x * sum_{v=0}^{floor(n(1-x))} C(n,v) (x + v/n)^(v-1) (1 - x - v/n)^(n-v).
 * All terms are positive.  Small n: binomials by recurrence; large n: in
 * logarithms.
 */
static double
smirnov(int64_t n, double x)
{
	int64_t		nn,
				v;
	double		p = 0.0;

	if (!(n > 0 && x >= 0.0 && x <= 1.0))
		return NAN;
	if (x == 0.0)
		return 1.0;
	nn = (int64_t) floor((double) n * (1.0 - x));
	if (n < 1013)
	{
		double		c = 1.0;

		for (v = 0; v <= nn; v++)
		{
			double		evn = x + ((double) v) / n;

			p += c * pow(evn, (double) (v - 1)) * pow(1.0 - evn, (double) (n - v));
			c *= ((double) (n - v)) / (v + 1);
		}
	}
	else
	{
		double		lgn1 = lgamma((double) n + 1.0);

		for (v = 0; v <= nn; v++)
		{
			double		evn = x + ((double) v) / n;
			double		omevn = 1.0 - evn;
			double		t;

			if ((v & 0xFFFF) == 0)
				CHECK_FOR_INTERRUPTS();
			if (!(fabs(omevn) > 0.0))
				continue;
			t = lgn1 - lgamma((double) v + 1.0) - lgamma((double) (n - v) + 1.0)
				+ (v - 1) * log(evn) + (n - v) * log(omevn);
			if (t > -MAXLOG)
				p += exp(t);
		}
	}
	return p * x;
}

/* log(n! / n^n) by Stirling's series with n log n removed up front */
static double
log_nfact_div_npown(double n)
{
	static const double coef[] = {
		-2.955065359477124183e-2, 6.4102564102564102564e-3,
		-1.9175269175269175269e-3, 8.4175084175084175084e-4,
		-5.952380952380952381e-4, 7.9365079365079365079e-4,
		-2.7777777777777777778e-3, 8.3333333333333333333e-2
	};
	double		rn = 1.0 / n;
	double		y = rn / n;
	double		s = 0.0;
	int			i;

	for (i = 0; i < 8; i++)
		s = s * y + coef[i];
	return log(n) / 2 - n + log(2 * M_PI) / 2 + rn * s;
}

/* C = A B for m x m row-major matrices */
static void
matmul(const double *A, const double *B, double *C, int m)
{
	int			i,
				j,
				k;

	for (i = 0; i < m; i++)
	{
		double	   *c = C + (Size) i * m;

		for (j = 0; j < m; j++)
			c[j] = 0.0;
		for (k = 0; k < m; k++)
		{
			double		a = A[(Size) i * m + k];
			const double *b = B + (Size) k * m;

			if (a == 0.0)
				continue;
			for (j = 0; j < m; j++)
				c[j] += a * b[j];
		}
	}
}

/*
 * Pr(D_n <= d) by Durbin's matrix algorithm as Marsaglia, Tsang and Wang
 * evaluate it: the k-th diagonal entry of (n!/n^n) H^n, with scaling by
 * powers of two kept in a separate exponent.
 */
static double
kolmogn_dmtw_cdf(int64_t n, double d)
{
	double		nd = n * d;
	int			k,
				m,
				i,
				j;
	double		h,
				fac,
				tt,
				p;
	double	   *H,
			   *Hp,
			   *T,
			   *v,
			   *w;
	int64_t		nn;
	int			expnt = 0,
				Hexpnt = 0;
	const double EP128 = ldexp(1.0, 128);
	const double EM128 = ldexp(1.0, -128);

	if (d >= 1.0)
		return 1.0;
	if (nd <= 0.5)
		return 0.0;
	k = (int) ceil(nd);
	h = k - nd;
	m = 2 * k - 1;

	H = palloc0(sizeof(double) * m * m);
	Hp = palloc0(sizeof(double) * m * m);
	T = palloc0(sizeof(double) * m * m);
	v = palloc(sizeof(double) * m);
	w = palloc(sizeof(double) * m);

	fac = 1.0;
	for (j = 1; j <= m; j++)
	{
		v[j - 1] = 1.0 - pow(h, j);
		w[j - 1] = fac;
		fac /= j;
		v[j - 1] *= fac;
	}
	tt = pow(fmax(2 * h - 1.0, 0.0), m) - 2 * pow(h, m);
	v[m - 1] = (1.0 + tt) * fac;
	for (i = 1; i < m; i++)
		for (j = i - 1; j < m; j++)
			H[(Size) j * m + i] = w[j - (i - 1)];
	for (j = 0; j < m; j++)
		H[(Size) j * m] = v[j];
	for (j = 0; j < m; j++)
		H[(Size) (m - 1) * m + j] = v[m - 1 - j];

	for (i = 0; i < m; i++)
		Hp[(Size) i * m + i] = 1.0;

	nn = n;
	while (nn > 0)
	{
		double	   *swap;

		if (nn % 2)
		{
			matmul(Hp, H, T, m);
			swap = Hp;
			Hp = T;
			T = swap;
			expnt += Hexpnt;
		}
		matmul(H, H, T, m);
		swap = H;
		H = T;
		T = swap;
		Hexpnt *= 2;
		if (fabs(H[(Size) (k - 1) * m + (k - 1)]) > EP128)
		{
			for (i = 0; i < m * m; i++)
				H[i] /= EP128;
			Hexpnt += 128;
		}
		nn /= 2;
	}
	p = Hp[(Size) (k - 1) * m + (k - 1)];
	for (i = 1; i <= n; i++)
	{
		p = i * p / n;
		if (fabs(p) < EM128)
		{
			p *= EP128;
			expnt -= 128;
		}
	}
	if (expnt != 0)
		p = ldexp(p, expnt);

	pfree(H);
	pfree(Hp);
	pfree(T);
	pfree(v);
	pfree(w);
	return clip01(p);
}

/* Pelz-Good approximation to Pr(D_n <= x) */
static double
kolmogn_pelzgood_cdf(int64_t n, double x)
{
	double		z,
				z2,
				z3,
				z4,
				z6,
				qlog,
				q,
				K[4] = {0, 0, 0, 0};
	double		k1a,
				k1b,
				k2a,
				k2b,
				k2c,
				k3a,
				k3b,
				k3c,
				k3d;
	const double pi2 = M_PI * M_PI,
				pi4 = pi2 * pi2,
				pi6 = pi4 * pi2;
	const double sqrt2pi = sqrt(2 * M_PI);
	int			maxk,
				k,
				i;
	double		k2extra = 0.0,
				k3extra = 0.0,
				sqrt3z,
				sum;

	if (x <= 0.0)
		return 0.0;
	if (x >= 1.0)
		return 1.0;
	z = sqrt((double) n) * x;
	z2 = z * z;
	z3 = z2 * z;
	z4 = z2 * z2;
	z6 = z4 * z2;
	qlog = -pi2 / 8 / z2;
	if (qlog < -708)
		return 0.0;
	q = exp(qlog);

	k1a = -z2;
	k1b = pi2 / 4;
	k2a = 6 * z6 + 2 * z4;
	k2b = (2 * z4 - 5 * z2) * pi2 / 4;
	k2c = pi4 * (1 - 2 * z2) / 16;
	k3d = pi6 * (5 - 30 * z2) / 64;
	k3c = pi4 * (-60 * z2 + 212 * z4) / 16;
	k3b = pi2 * (135 * z4 - 96 * z6) / 4;
	k3a = -30 * z6 - 90 * pow(z, 8);

	maxk = (int) ceil(16 * z / M_PI);
	for (k = maxk; k > 0; k--)
	{
		double		mm = 2 * k - 1;
		double		m2 = mm * mm,
					m4 = m2 * m2,
					m6 = m4 * m2;
		double		qp = pow(q, 8 * k);
		double		coeffs[4];

		coeffs[0] = 1.0;
		coeffs[1] = k1a + k1b * m2;
		coeffs[2] = k2a + k2b * m2 + k2c * m4;
		coeffs[3] = k3a + k3b * m2 + k3c * m4 + k3d * m6;
		for (i = 0; i < 4; i++)
			K[i] = K[i] * qp + coeffs[i];
	}
	for (i = 0; i < 4; i++)
		K[i] = K[i] * q * sqrt2pi;
	K[0] /= z;
	K[1] /= 6 * z4;
	K[2] /= 72 * pow(z, 7);
	K[3] /= 6480 * pow(z, 10);

	q = exp(-pi2 / 2 / z2);
	sqrt3z = sqrt(3.0) * z;
	for (k = maxk; k > 0; k--)
	{
		double		ks2 = (double) k * k;
		double		qp = pow(q, ks2);
		double		kspi = M_PI * k;

		k2extra += ks2 * qp;
		k3extra += (sqrt3z + kspi) * (sqrt3z - kspi) * ks2 * qp;
	}
	K[2] += k2extra * pi2 * sqrt2pi / (-36 * z3);
	K[3] += k3extra * pi2 * sqrt2pi / (216 * z6);

	sum = 0.0;
	for (i = 0; i < 4; i++)
		sum += K[i] / pow((double) n, i / 2.0);
	return sum;
}

/* Pr(D_n > x) for the two-sided one-sample KS statistic (scipy's kolmogn) */
double
vqc_kolmogn_sf(int64_t n, double x)
{
	double		t,
				nxsq,
				cdf;

	if (n <= 0 || isnan(x))
		return NAN;
	if (x >= 1.0)
		return 0.0;
	if (x <= 0.0)
		return 1.0;
	t = n * x;
	if (t <= 1.0)
	{
		double		prob;

		if (t <= 0.5)
			return 1.0;
		if (n <= 140)
		{
			int64_t		i;

			prob = 1.0;
			for (i = 1; i <= n; i++)
				prob *= i * (1.0 / n) * (2 * t - 1);
		}
		else
			prob = exp(log_nfact_div_npown((double) n) + n * log(2 * t - 1));
		return clip01(1.0 - prob);
	}
	if (t >= n - 1)
		return clip01(2 * pow(1.0 - x, (double) n));
	if (x >= 0.5)
		return clip01(2 * smirnov(n, x));
	nxsq = t * x;
	if (n <= 140)
	{
		if (nxsq <= 4)
			return clip01(1.0 - kolmogn_dmtw_cdf(n, x));
		return clip01(2 * smirnov(n, x));
	}
	if (nxsq >= 370.0)
		return 0.0;
	if (nxsq >= 2.2)
		return clip01(2 * smirnov(n, x));
	if (n <= 100000 && n * pow(x, 1.5) <= 1.4)
		cdf = kolmogn_dmtw_cdf(n, x);
	else
		cdf = kolmogn_pelzgood_cdf(n, x);
	return clip01(1.0 - cdf);
}

/* ---------------------------------------------------------------------
 * Two-sample KS, exact branch
 * ---------------------------------------------------------------------
 */

/* Pr(D_{n,n} >= h/n): 2 (A0 (1 - A1 (1 - A2 (...)))) by Horner */
static double
prob_outside_square(int64_t n, int64_t h)
{
	double		P = 0.0;
	int64_t		k = (int64_t) floor((double) n / h);

	while (k >= 0)
	{
		double		p1 = 1.0;
		int64_t		j;

		for (j = 0; j < h; j++)
			p1 = (double) (n - k * h - j) * p1 / (double) (n + k * h + j + 1);
		P = p1 * (1.0 - P);
		k--;
	}
	return 2 * P;
}

/*
 * Proportion of lattice paths from (0,0) to (m,n) that leave the band
 * |x/m - y/n| < h/lcm(m,n), by Viehmann's recursion for 1 - p over a
 * sliding window of one column.
 */
static double
outer_prob_inside(int64_t m, int64_t n, int64_t g, int64_t h)
{
	int64_t		mg,
				ng,
				minj,
				maxj,
				curlen,
				lenA,
				i,
				jj;
	double	   *A;
	double		result;

	if (m < n)
	{
		int64_t		t = m;

		m = n;
		n = t;
	}
	mg = m / g;
	ng = n / g;

	minj = 0;
	maxj = Min((int64_t) ceil((double) h / mg), n + 1);
	curlen = maxj - minj;
	lenA = Min(2 * maxj + 2, n + 1);
	/* padded with ones beyond lenA, which the recursion treats as "carried over" */
	A = palloc(sizeof(double) * (lenA + 2));
	for (jj = 0; jj < lenA + 2; jj++)
		A[jj] = 1.0;
	for (jj = minj; jj < maxj && jj < lenA; jj++)
		A[jj] = 0.0;

	for (i = 1; i <= m; i++)
	{
		int64_t		lastminj = minj,
					lastlen = curlen;
		double		val;

		if ((i & 0xFF) == 0)
			CHECK_FOR_INTERRUPTS();
		minj = Max((int64_t) floor((double) (ng * i - h) / mg) + 1, 0);
		minj = Min(minj, n);
		maxj = Min((int64_t) ceil((double) (ng * i + h) / mg), n + 1);
		if (maxj <= minj)
		{
			pfree(A);
			return 1.0;
		}
		val = (minj == 0) ? 0.0 : 1.0;
		for (jj = 0; jj < maxj - minj; jj++)
		{
			int64_t		j = jj + minj;

			val = (A[jj + minj - lastminj] * i + val * j) / (i + j);
			A[jj] = val;
		}
		curlen = maxj - minj;
		if (lastlen > curlen)
		{
			for (jj = maxj - minj; jj < maxj - minj + (lastlen - curlen) && jj < lenA + 2; jj++)
				A[jj] = 1.0;
		}
	}
	result = A[maxj - minj - 1];
	pfree(A);
	return result;
}

static int64_t
gcd64(int64_t a, int64_t b)
{
	while (b != 0)
	{
		int64_t		t = a % b;

		a = b;
		b = t;
	}
	return a;
}

double
vqc_ks_2samp_pvalue(int64_t n1, int64_t n2, double *d, bool *exact)
{
	double		prob = NAN;

	*exact = false;
	if (Max(n1, n2) <= 10000)
	{
		int64_t		g = gcd64(n1, n2);
		int64_t		lcm = (n1 / g) * n2;
		int64_t		h = (int64_t) rint(*d * lcm);
		double		dd = (double) h / lcm;

		if (h == 0)
		{
			*d = dd;
			*exact = true;
			return 1.0;
		}
		if (n1 == n2)
			prob = prob_outside_square(n1, h);
		else
			prob = outer_prob_inside(n1, n2, g, h);
		if (prob >= 0.0 && prob <= 1.0)
		{
			*d = dd;
			*exact = true;
			return prob;
		}
		/* scipy keeps the rounded statistic when it falls back */
		*d = dd;
	}

	return vqc_ks_asymptotic_pvalue(n1, n2, *d);
}

double
vqc_ks_asymptotic_pvalue(int64_t n1, int64_t n2, double d)
{
	double		m = (double) Max(n1, n2);
	double		n = (double) Min(n1, n2);
	double		en = m * n / (m + n);

	return clip01(vqc_kolmogn_sf((int64_t) rint(en), d));
}
