/*-------------------------------------------------------------------------
 *
 * input_syntax.c
 *	  Whether text is valid input of numeric or boolean, without raising.
 *
 * PostgreSQL 15 has no soft input errors: a cast that fails raises, and
 * catching that in PL/pgSQL opens a subtransaction per value (one
 * SAVEPOINT round trip per worker on Citus).  These functions accept
 * exactly what numeric_in and boolin of PostgreSQL 15 accept, so that a
 * caller may test first and cast only valid text.  sql/input_syntax.sql
 * compares them with the casts on many edge cases.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>

#include "fmgr.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(vqc_numeric_input_valid);
PG_FUNCTION_INFO_V1(vqc_boolean_input);

/* numeric.c's limits (not exported by its header in PostgreSQL 15) */
#define NUMERIC_DSCALE_MAX_15		0x3FFF
#define DEC_DIGITS_15				4

/* floor(a / b) for b > 0 */
static inline int64
floor_div(int64 a, int64 b)
{
	return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/*
 * set_var_from_str() and make_result() of numeric.c: the syntax of a finite
 * number from cp, and whether its base-10000 weight and display scale fit
 * the stored format.  Returns false where they would raise.
 */
static bool
finite_numeric_valid(const char *cp)
{
	bool		have_dp = false;
	int64		dweight = -1;	/* decimal weight of the first digit */
	int64		dscale = 0;
	int64		first_nonzero = -1; /* index of the first nonzero digit */
	int64		ndigits = 0;

	if (*cp == '+' || *cp == '-')
		cp++;
	if (*cp == '.')
	{
		have_dp = true;
		cp++;
	}
	if (!isdigit((unsigned char) *cp))
		return false;
	while (*cp)
	{
		if (isdigit((unsigned char) *cp))
		{
			if (*cp != '0' && first_nonzero < 0)
				first_nonzero = ndigits;
			ndigits++;
			if (!have_dp)
				dweight++;
			else
				dscale++;
			cp++;
		}
		else if (*cp == '.')
		{
			if (have_dp)
				return false;
			have_dp = true;
			cp++;
		}
		else
			break;
	}
	if (*cp == 'e' || *cp == 'E')
	{
		long		exponent;
		char	   *endptr;

		cp++;
		exponent = strtol(cp, &endptr, 10);
		if (endptr == cp)
			return false;
		cp = endptr;
		if (exponent >= INT_MAX / 2 || exponent <= -(INT_MAX / 2))
			return false;
		dweight += exponent;
		dscale -= exponent;
		if (dscale < 0)
			dscale = 0;
	}
	/* only spaces may follow */
	while (*cp)
	{
		if (!isspace((unsigned char) *cp))
			return false;
		cp++;
	}
	/* make_result(): the weight is an int16, the display scale 14 bits */
	if (dscale > NUMERIC_DSCALE_MAX_15)
		return false;
	if (first_nonzero >= 0)
	{
		int64		weight = floor_div(dweight - first_nonzero, DEC_DIGITS_15);

		if (weight > PG_INT16_MAX || weight < PG_INT16_MIN)
			return false;
	}
	return true;
}

/*
 * vqc._numeric_input_valid(text) -> boolean: would text::numeric succeed?
 * As numeric_in: spaces around, NaN and the infinities in any case, a sign,
 * digits with one decimal point, an exponent; a value whose base-10000
 * weight or display scale overflows the stored format is not valid.
 */
Datum
vqc_numeric_input_valid(PG_FUNCTION_ARGS)
{
	char	   *str = text_to_cstring(PG_GETARG_TEXT_PP(0));
	const char *cp = str;
	static const char *const specials[] = {
		"NaN", "Infinity", "+Infinity", "-Infinity", "inf", "+inf", "-inf"
	};
	int			i;

	while (*cp && isspace((unsigned char) *cp))
		cp++;
	/* numeric_in tries these prefixes in this order */
	for (i = 0; i < lengthof(specials); i++)
	{
		size_t		len = strlen(specials[i]);

		if (pg_strncasecmp(cp, specials[i], len) == 0)
		{
			cp += len;
			while (*cp)
			{
				if (!isspace((unsigned char) *cp))
					PG_RETURN_BOOL(false);
				cp++;
			}
			PG_RETURN_BOOL(true);
		}
	}
	PG_RETURN_BOOL(finite_numeric_valid(cp));
}

/*
 * vqc._boolean_input(text) -> boolean: text::boolean, or NULL where that
 * cast would raise.  As boolin: spaces around, then parse_bool_with_len.
 */
Datum
vqc_boolean_input(PG_FUNCTION_ARGS)
{
	char	   *str = text_to_cstring(PG_GETARG_TEXT_PP(0));
	size_t		len;
	bool		result;

	while (isspace((unsigned char) *str))
		str++;
	len = strlen(str);
	while (len > 0 && isspace((unsigned char) str[len - 1]))
		len--;
	if (parse_bool_with_len(str, len, &result))
		PG_RETURN_BOOL(result);
	PG_RETURN_NULL();
}
