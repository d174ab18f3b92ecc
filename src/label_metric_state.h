/*-------------------------------------------------------------------------
 *
 * label_metric_state.h
 *	  Small helpers shared by the model- and label-quality state types
 *	  (regression_metrics.c, ranking.c, agreement.c): their magic words,
 *	  the aggregate-context check, float8 fields of the binary form and the
 *	  errors for inputs the metrics refuse.
 *
 *-------------------------------------------------------------------------
 */
#ifndef VQC_LABEL_METRIC_STATE_H
#define VQC_LABEL_METRIC_STATE_H

#include "fmgr.h"
#include "lib/stringinfo.h"

#include "state_io.h"

/* magic words: "VQCE" (errors of a regressor), "VQCN" (ranking), "VQCA" */
#define VQC_MAGIC_REGRESSION	0x56514345
#define VQC_MAGIC_RANKING		0x5651434E
#define VQC_MAGIC_AGREEMENT		0x56514341

/*
 * Type I/O shared by the three state types: parse reads a binary form
 * (validating it, errcode 22P02 or 22P03) into a new state; serialize
 * writes a state's binary form.
 */
typedef void *(*metric_parse_fn) (const char *data, Size len, int errcode);
typedef void (*metric_serialize_fn) (StringInfo buf, const void *state);

extern Datum metric_type_in(FunctionCallInfo fcinfo, metric_parse_fn parse, const char *typname);
extern Datum metric_type_recv(FunctionCallInfo fcinfo, metric_parse_fn parse);
extern Datum metric_type_out(metric_serialize_fn serialize, const void *state, const char *typname);
extern Datum metric_type_send(metric_serialize_fn serialize, const void *state);

/* raises unless called as an aggregate's transition or combine function */
extern void metric_check_agg(FunctionCallInfo fcinfo);

/* float8 fields of the binary form (as their IEEE bits, network order) */
extern void metric_send_f8(StringInfo buf, double x);
extern double metric_read_f8(VqcReader *r);
/* a finite float8 field, else a malformed-state error */
extern double metric_read_finite(VqcReader *r);

/* 22023 unless x is finite: what names the argument ("y_true") */
extern void metric_require_finite(double x, const char *what);

/* a finite float8 as JSON: the shortest decimal that reads back exactly */
extern char *metric_json_number(double x);

/* 22003 for an accumulator that left the float8 range */
extern pg_attribute_noreturn() void metric_overflow(void);

#endif							/* VQC_LABEL_METRIC_STATE_H */
