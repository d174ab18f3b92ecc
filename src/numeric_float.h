/*-------------------------------------------------------------------------
 *
 * numeric_float.h
 *	  numeric to float8 without numeric_float8's text round trip.
 *
 *-------------------------------------------------------------------------
 */
#ifndef VQC_NUMERIC_FLOAT_H
#define VQC_NUMERIC_FLOAT_H

#include "postgres.h"

/* The float8 nearest a numeric datum, as numeric_float8_no_overflow gives. */
extern float8 vqc_numeric_to_float8(Datum d);

#endif							/* VQC_NUMERIC_FLOAT_H */
