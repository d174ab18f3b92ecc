/*-------------------------------------------------------------------------
 *
 * arg_type.h
 *	  The type of a function's argument, with or without a call expression.
 *
 *-------------------------------------------------------------------------
 */
#ifndef VQC_ARG_TYPE_H
#define VQC_ARG_TYPE_H

#include "fmgr.h"

extern Oid	vqc_arg_type(FunctionCallInfo fcinfo, int argno);

#endif							/* VQC_ARG_TYPE_H */
