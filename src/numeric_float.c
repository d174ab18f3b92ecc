/*-------------------------------------------------------------------------
 *
 * numeric_float.c
 *	  numeric to float8 without the text round trip.
 *
 *	  PostgreSQL converts a numeric to float8 by printing it and reading the
 *	  text back with strtod: about 70 ns a value, most of the cost of
 *	  profiling a numeric column.  Most numerics in data (amounts, rates)
 *	  have at most 16 significant digits and a small scale; for those the
 *	  value is an integer m <= 2^53 times 10^e with |e| <= 22, both exactly
 *	  representable as doubles, so one IEEE multiplication or division
 *	  gives the correctly rounded result, the same double strtod returns
 *	  (Clinger's fast path).  Anything else takes PostgreSQL's own route.
 *
 *	  The numeric layout read here is the on-disk format (numeric.c's
 *	  NumericShort and NumericLong), which pg_upgrade keeps stable.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"

#include "numeric_float.h"

#define NUMERIC_SIGN_MASK		0xC000
#define NUMERIC_NEG				0x4000
#define NUMERIC_SHORT			0x8000
#define NUMERIC_SPECIAL			0xC000
#define NUMERIC_SHORT_SIGN_MASK	0x2000
#define NUMERIC_SHORT_WEIGHT_SIGN_MASK 0x0040
#define NUMERIC_SHORT_WEIGHT_MASK 0x003F
#define NBASE_DIGITS			4	/* decimal digits per base-10000 digit */
#define MAX_FAST_DIGITS			4	/* 10000^4 = 10^16 fits in uint64 */

static const double powers_of_ten[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};

float8
vqc_numeric_to_float8(Datum d)
{
	struct varlena *v = PG_DETOAST_DATUM_PACKED(d);
	const char *p = VARDATA_ANY(v);
	int			len = VARSIZE_ANY_EXHDR(v);
	const char *digits;
	uint16		header;
	int			weight;
	int			ndigits;
	int			exp10;
	bool		negative;
	uint64		m = 0;
	double		x;
	int			i;

	if (len < (int) sizeof(uint16))
		goto slow;
	memcpy(&header, p, sizeof(uint16));
	switch (header & NUMERIC_SIGN_MASK)
	{
		case NUMERIC_SPECIAL:	/* NaN, Infinity, -Infinity */
			goto slow;
		case NUMERIC_SHORT:
			negative = (header & NUMERIC_SHORT_SIGN_MASK) != 0;
			weight = (header & NUMERIC_SHORT_WEIGHT_SIGN_MASK) ? ~NUMERIC_SHORT_WEIGHT_MASK : 0;
			weight |= header & NUMERIC_SHORT_WEIGHT_MASK;
			digits = p + sizeof(uint16);
			break;
		default:
			{
				int16		w;

				if (len < (int) (2 * sizeof(uint16)))
					goto slow;
				negative = (header & NUMERIC_SIGN_MASK) == NUMERIC_NEG;
				memcpy(&w, p + sizeof(uint16), sizeof(int16));
				weight = w;
				digits = p + 2 * sizeof(uint16);
			}
			break;
	}
	ndigits = (len - (int) (digits - p)) / (int) sizeof(int16);
	if (ndigits == 0)
		return 0.0;
	if (ndigits > MAX_FAST_DIGITS)
		goto slow;

	/*
	 * First as if there were always four base-10000 digits, the missing
	 * ones zero: a missing digit is read from a zero constant, its address
	 * chosen by a mask rather than a branch, since a loop over 1 to 4
	 * digits mispredicts its exit on most values of a column of amounts.
	 */
	for (i = 0; i < MAX_FAST_DIGITS; i++)
	{
		static const int16 zero_digit = 0;
		uintptr_t	present = (uintptr_t) 0 - (uintptr_t) (i < ndigits);
		uintptr_t	addr = ((uintptr_t) (digits + i * sizeof(int16)) & present) |
			((uintptr_t) &zero_digit & ~present);
		int16		digit;

		memcpy(&digit, (const char *) addr, sizeof(int16));
		m = m * 10000 + (uint64) digit;
	}
	exp10 = NBASE_DIGITS * (weight - (MAX_FAST_DIGITS - 1));
	if (m <= (UINT64CONST(1) << 53) && exp10 >= -22 && exp10 <= 22)
	{
		x = exp10 < 0 ? (double) m / powers_of_ten[-exp10] : (double) m * powers_of_ten[exp10];
		return negative ? -x : x;
	}

	/* the padded form is out of the fast path's range: the digits alone */
	m = 0;
	for (i = 0; i < ndigits; i++)
	{
		int16		digit;

		memcpy(&digit, digits + i * sizeof(int16), sizeof(int16));
		m = m * 10000 + (uint64) digit;
	}
	exp10 = NBASE_DIGITS * (weight - (ndigits - 1));
	if (m > (UINT64CONST(1) << 53) || exp10 < -22 || exp10 > 22)
		goto slow;
	x = exp10 < 0 ? (double) m / powers_of_ten[-exp10] : (double) m * powers_of_ten[exp10];
	return negative ? -x : x;

slow:
	return DatumGetFloat8(DirectFunctionCall1(numeric_float8_no_overflow, d));
}
