/*-------------------------------------------------------------------------
 *
 * classification.h
 *	  The confusion state (classification.c) and what the score state
 *	  (scores.c) shares with it.
 *
 *-------------------------------------------------------------------------
 */
#ifndef VQC_CLASSIFICATION_H
#define VQC_CLASSIFICATION_H

#include "fmgr.h"

/* magic words: "VQCC" (confusion state), "VQCS" (score state) */
#define VQC_MAGIC_CONFUSION		0x56514343
#define VQC_MAGIC_SCORE			0x56514353

/* label kinds of a confusion state (flag bits 0-2); 0: no label yet */
#define CONF_KIND_NUMBER		1	/* int2, int4, int8, numeric: keyed by canonical text */
#define CONF_KIND_FLOAT			2	/* float4, float8 */
#define CONF_KIND_BOOL			3	/* "false" / "true" */
#define CONF_KIND_TEXT			4	/* any other type: its text form */

/*
 * A binary confusion state: labels neg < pos (canonical text keys of the
 * given kind), counts of (true, predicted) pairs, and rows skipped.
 */
extern Datum vqc_confusion_binary(int kind, const char *neg, const char *pos,
								  int64 tn, int64 fp, int64 fn, int64 tp,
								  int64 skipped);

#endif							/* VQC_CLASSIFICATION_H */
