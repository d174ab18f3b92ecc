/*-------------------------------------------------------------------------
 *
 * classification_internal.h
 *	  The unpacked confusion state, shared by classification.c (the state,
 *	  its I/O and aggregation) and classification_metrics.c (the metrics).
 *
 *-------------------------------------------------------------------------
 */
#ifndef VQC_CLASSIFICATION_INTERNAL_H
#define VQC_CLASSIFICATION_INTERNAL_H

#include "fmgr.h"
#include "utils/expandeddatum.h"

#define CONF_TYPNAME			"vqc.confusion_state"

/* flags: the label kind (classification.h) in bits 0-2, and options */
#define CONF_KIND_MASK			0x0007
#define CONF_HAS_OPTS			0x0008

#define CONF_MAX_CLASSES		65536
#define CONF_MAX_LABEL_BYTES	8192

/* average */
#define AVG_BINARY				0
#define AVG_MICRO				1
#define AVG_MACRO				2
#define AVG_WEIGHTED			3
#define AVG_NONE				4	/* per class */
#define AVG_LAST				AVG_NONE

/* zero_division: 'warn' gives 0 as in scikit-learn 1.2 */
#define ZD_WARN					0
#define ZD_ZERO					1
#define ZD_ONE					2
#define ZD_LAST					ZD_ONE

/* Cohen's kappa weights */
#define KW_NONE					0
#define KW_LINEAR				1
#define KW_QUADRATIC			2
#define KW_LAST					KW_QUADRATIC

/* the options a metric aggregate takes from its first row */
typedef struct ConfOpts
{
	uint8		average;
	uint8		zero_division;
	uint8		weights;
	uint8		has_pos;
	float8		beta;
	uint32		poslen;
	char	   *pos;			/* NUL-terminated, as given */
} ConfOpts;

typedef struct ConfLabel
{
	uint32		len;
	uint32		hash;
	char	   *bytes;			/* the canonical key, not NUL-terminated */
} ConfLabel;

typedef struct ConfCell
{
	uint64		key;			/* true class << 32 | predicted class */
	int64		count;
} ConfCell;

#define CONF_CACHE_BITS			4
#define CONF_CACHE_SIZE			(1 << CONF_CACHE_BITS)

typedef struct ConfData
{
	MemoryContext cxt;			/* where the tables live */
	uint16		flags;
	int64		skipped;		/* rows with a NULL label or prediction */
	int32		nlabels;
	int32		labcap;
	ConfLabel  *labels;			/* in order of first appearance */
	int32	   *lslot;			/* open addressing: class + 1, 0 empty */
	uint32		lmask;
	int32		ncells;
	uint32		cmask;
	ConfCell   *cells;			/* open addressing by key */
	ConfOpts	opts;
	/* by-value label -> class, for one aggregation (not stored) */
	Datum		ckey[CONF_CACHE_SIZE];
	int32		cidx[CONF_CACHE_SIZE];
} ConfData;

typedef struct ConfExpanded
{
	ExpandedObjectHeader hdr;
	ConfData	d;
} ConfExpanded;

/* classification.c */
extern void conf_init(ConfData *d, MemoryContext cxt);
extern void conf_cache_reset(ConfData *d);
extern int32 conf_label_index(ConfData *d, const char *key, uint32 len, bool add);
extern bool conf_cell_add(ConfData *d, int32 t, int32 p, int64 count, bool add);
extern int64 conf_total(const ConfData *d);
extern void conf_bind_kind(ConfData *d, int kind);
extern void conf_parse(ConfData *d, const char *data, Size len, int errcode,
					   MemoryContext cxt);
extern ConfData *conf_get_arg(FunctionCallInfo fcinfo, int argno);
extern ConfExpanded *conf_transition_arg(FunctionCallInfo fcinfo, int argno);
extern void conf_merge(ConfData *l, const ConfData *r);
extern Datum conf_flat_datum(const ConfData *d);

/* classification_metrics.c */
extern bool conf_number_key_valid(const char *key, uint32 len);
extern bool conf_float_key_valid(const char *key, uint32 len);
extern uint8 conf_parse_average(const char *s);
extern uint8 conf_parse_zero_division(const char *s);
extern uint8 conf_parse_weights(const char *s);
extern float8 conf_check_beta(float8 beta);

#endif							/* VQC_CLASSIFICATION_INTERNAL_H */
