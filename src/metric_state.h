/*-------------------------------------------------------------------------
 *
 * metric_state.h
 *	  What the model-metric state types (classification.c, scores.c) share:
 *	  their flat form is, after the varlena header, exactly their binary
 *	  form, so one set of I/O functions serves them all.
 *
 *-------------------------------------------------------------------------
 */
#ifndef VQC_METRIC_STATE_H
#define VQC_METRIC_STATE_H

#include "fmgr.h"
#include "lib/stringinfo.h"

typedef struct MetricStateType
{
	const char *typname;
	/* raises 22P02 / 22P03 (errcode) unless data is a valid binary form */
	void		(*validate) (const char *data, Size len, int errcode);
	/* writes the binary form of d when it is one of the type's expanded objects */
	bool		(*serialize_expanded) (Datum d, StringInfo buf);
} MetricStateType;

extern MemoryContext vqc_metric_states_context(MemoryContext aggcontext);
extern Datum metric_flat_datum(StringInfo buf);
extern Datum metric_state_in(FunctionCallInfo fcinfo, const MetricStateType *t);
extern Datum metric_state_out(FunctionCallInfo fcinfo, const MetricStateType *t);
extern Datum metric_state_recv(FunctionCallInfo fcinfo, const MetricStateType *t);
extern Datum metric_state_send(FunctionCallInfo fcinfo, const MetricStateType *t);

/* prefix_in, prefix_out, prefix_recv and prefix_send of the state type t */
#define METRIC_STATE_IO_FUNCTIONS(prefix, t) \
PG_FUNCTION_INFO_V1(prefix##_in); \
PG_FUNCTION_INFO_V1(prefix##_out); \
PG_FUNCTION_INFO_V1(prefix##_recv); \
PG_FUNCTION_INFO_V1(prefix##_send); \
Datum prefix##_in(PG_FUNCTION_ARGS) { return metric_state_in(fcinfo, &(t)); } \
Datum prefix##_out(PG_FUNCTION_ARGS) { return metric_state_out(fcinfo, &(t)); } \
Datum prefix##_recv(PG_FUNCTION_ARGS) { return metric_state_recv(fcinfo, &(t)); } \
Datum prefix##_send(PG_FUNCTION_ARGS) { return metric_state_send(fcinfo, &(t)); }

#endif							/* VQC_METRIC_STATE_H */
