/*-------------------------------------------------------------------------
 *
 * hash_set_keyed.h
 *	  The keyed form of a vqc.hash_set_state: the screen of a combination
 *	  of columns one of which is a nearly unique integer key (see
 *	  hash_set_keyed.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef VQC_HASH_SET_KEYED_H
#define VQC_HASH_SET_KEYED_H

#include "state_io.h"

/*
 * The binding of a keyed state: tag 2 in the binding bits (hash_set.c), an
 * OID no function has (built-in functions start at 3).
 */
#define HASH_SET_BINDING_KEYED	0x0004

extern bool hash_set_is_keyed(const Vec8State *s);
extern bool hash_set_keyed_is_direct(const Vec8State *s);
extern int64 hash_set_keyed_compact_words(const Vec8State *s);
extern void hash_set_keyed_compact(const Vec8State *s, Vec8State *out);
extern void hash_set_keyed_combine(Vec8Expanded *l, const Vec8State *r);
extern void hash_set_keyed_validate(const Vec8State *s, int errcode, const char *typname);
extern bool hash_set_keyed_has_duplicates(const Vec8State *s);
extern int64 hash_set_keyed_distinct(const Vec8State *s);
extern Datum hash_set_keyed_duplicates(const Vec8State *s, int32 max_keys, bool every_key, bool *isnull);

#endif							/* VQC_HASH_SET_KEYED_H */
