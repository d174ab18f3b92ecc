/*-------------------------------------------------------------------------
 *
 * classification.c
 *	  vqc.confusion_state: the confusion matrix of (y_true, y_pred) pairs of
 *	  any type, and the classification metrics scikit-learn computes from
 *	  it (classification_metrics.c).
 *
 * Classes are keyed by a canonical text form of the label, so that the
 * state travels between databases and merges across types of one kind:
 * integers and numeric by their value (trailing fraction zeros trimmed),
 * floats by float8's shortest text (-0 as 0), booleans as "false"/"true",
 * any other type by its output function.  The state's flags record the
 * kind; states of different kinds do not merge, and the two labels of a
 * pair must be of one kind (of one type, for floats and other types).
 * A row whose label or prediction is NULL is skipped and counted.
 *
 * During aggregation the state is an expanded object (a label hash table,
 * a hash table of (true, predicted) cells, and a small cache from a
 * by-value label to its class); its flat form is, after the varlena
 * header, exactly its binary form:
 *	  magic "VQCC", version (uint16), flags (uint16: kind, options present),
 *	  skipped (int8), nlabels (int4), per label: length (uint32) and bytes,
 *	  ncells (int4), per cell in (true, predicted) order: true class
 *	  (int4), predicted class (int4), count (int8), then when the options flag is set: average, zero
 *	  division, weights, has pos_label (uint8 each), beta (float8 bits),
 *	  and pos_label's length (uint32) and bytes when it has one.
 * The text form is the hex of the binary form.  Every input is validated.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "common/int.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/expandeddatum.h"
#include "utils/float.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

#include "arg_type.h"
#include "classification.h"
#include "classification_internal.h"
#include "metric_state.h"
#include "state_io.h"

/* ---------------------------------------------------------------------
 * Tables
 * ---------------------------------------------------------------------
 */

#define EMPTY_CELL			PG_UINT64_MAX

static void
conf_alloc_slots(ConfData *d, uint32 nslots)
{
	d->lslot = MemoryContextAllocZero(d->cxt, nslots * sizeof(int32));
	d->lmask = nslots - 1;
}

static void
conf_alloc_cells(ConfData *d, uint32 ncells)
{
	uint32		i;

	d->cells = MemoryContextAlloc(d->cxt, ncells * sizeof(ConfCell));
	for (i = 0; i < ncells; i++)
		d->cells[i].key = EMPTY_CELL;
	d->cmask = ncells - 1;
}

void
conf_init(ConfData *d, MemoryContext cxt)
{
	memset(d, 0, sizeof(*d));
	d->cxt = cxt;
	/* small to start: a state per group of a GROUP BY */
	d->labcap = 4;
	d->opts.beta = 1.0;
	d->labels = MemoryContextAlloc(cxt, d->labcap * sizeof(ConfLabel));
	conf_alloc_slots(d, 8);
	conf_alloc_cells(d, 8);
	conf_cache_reset(d);
}

void
conf_cache_reset(ConfData *d)
{
	int			i;

	for (i = 0; i < CONF_CACHE_SIZE; i++)
		d->cidx[i] = -1;
}

static void
conf_rehash_labels(ConfData *d)
{
	uint32		n = (d->lmask + 1) * 2;
	int32		i;

	pfree(d->lslot);
	conf_alloc_slots(d, n);
	for (i = 0; i < d->nlabels; i++)
	{
		uint32		h = d->labels[i].hash & d->lmask;

		while (d->lslot[h] != 0)
			h = (h + 1) & d->lmask;
		d->lslot[h] = i + 1;
	}
}

/*
 * The class of a label's key, adding it when add (else -1 when absent).
 * Raises when the key is too long or the classes too many.
 */
int32
conf_label_index(ConfData *d, const char *key, uint32 len, bool add)
{
	uint32		hash = hash_bytes((const unsigned char *) key, (int) len);
	uint32		h = hash & d->lmask;
	ConfLabel  *l;

	for (;;)
	{
		int32		s = d->lslot[h];

		if (s == 0)
			break;
		l = &d->labels[s - 1];
		if (l->hash == hash && l->len == len && memcmp(l->bytes, key, len) == 0)
			return s - 1;
		h = (h + 1) & d->lmask;
	}
	if (!add)
		return -1;
	if (len > CONF_MAX_LABEL_BYTES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("class label is too long for a confusion state"),
				 errdetail("A label's text form may have at most %d bytes.", CONF_MAX_LABEL_BYTES)));
	if (d->nlabels >= CONF_MAX_CLASSES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many classes for a confusion state"),
				 errdetail("A confusion state holds at most %d classes.", CONF_MAX_CLASSES),
				 errhint("Classification metrics take class labels, not continuous values.")));
	if (d->nlabels == d->labcap)
	{
		d->labcap *= 2;
		d->labels = repalloc(d->labels, d->labcap * sizeof(ConfLabel));
	}
	l = &d->labels[d->nlabels];
	l->len = len;
	l->hash = hash;
	l->bytes = MemoryContextAlloc(d->cxt, Max(len, 1));
	memcpy(l->bytes, key, len);
	d->lslot[h] = ++d->nlabels;
	if ((uint32) d->nlabels * 2 > d->lmask + 1)
		conf_rehash_labels(d);
	return d->nlabels - 1;
}

static inline uint32
cell_hash(uint64 key)
{
	return (uint32) ((key * UINT64CONST(0x9E3779B97F4A7C15)) >> 32);
}

static void
conf_rehash_cells(ConfData *d)
{
	ConfCell   *old = d->cells;
	uint32		oldn = d->cmask + 1;
	uint32		i;

	conf_alloc_cells(d, oldn * 2);
	for (i = 0; i < oldn; i++)
	{
		uint32		h;

		if (old[i].key == EMPTY_CELL)
			continue;
		h = cell_hash(old[i].key) & d->cmask;
		while (d->cells[h].key != EMPTY_CELL)
			h = (h + 1) & d->cmask;
		d->cells[h] = old[i];
	}
	pfree(old);
}

/* Adds count pairs (t, p); returns false when the cell is new and !add. */
bool
conf_cell_add(ConfData *d, int32 t, int32 p, int64 count, bool add)
{
	uint64		key = ((uint64) (uint32) t << 32) | (uint32) p;
	uint32		h = cell_hash(key) & d->cmask;

	for (;;)
	{
		ConfCell   *c = &d->cells[h];

		if (c->key == key)
		{
			if (pg_add_s64_overflow(c->count, count, &c->count))
				ereport(ERROR,
						(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
						 errmsg("state count out of range")));
			return true;
		}
		if (c->key == EMPTY_CELL)
		{
			if (!add)
				return false;
			c->key = key;
			c->count = count;
			d->ncells++;
			if ((uint32) d->ncells * 2 > d->cmask + 1)
				conf_rehash_cells(d);
			return true;
		}
		h = (h + 1) & d->cmask;
	}
}

/* Total pairs counted (overflow checked where cells are added). */
int64
conf_total(const ConfData *d)
{
	int64		n = 0;
	uint32		i;

	for (i = 0; i <= d->cmask; i++)
	{
		if (d->cells[i].key != EMPTY_CELL)
			n += d->cells[i].count;
	}
	return n;
}

void
conf_bind_kind(ConfData *d, int kind)
{
	int			cur = d->flags & CONF_KIND_MASK;

	if (kind == 0 || cur == kind)
		return;
	if (cur != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("cannot mix confusion states built from different kinds of labels"),
				 errdetail("Integer and numeric labels, float labels, boolean labels and labels of other types each make their own kind of state.")));
	d->flags |= kind;
}

/* ---------------------------------------------------------------------
 * Binary form
 * ---------------------------------------------------------------------
 */

static int
cmp_cell(const void *a, const void *b)
{
	uint64		x = ((const ConfCell *) a)->key;
	uint64		y = ((const ConfCell *) b)->key;

	return x < y ? -1 : (x > y ? 1 : 0);
}

static void
conf_serialize(StringInfo buf, const ConfData *d)
{
	int32		i;
	uint32		c;
	ConfCell   *cells;
	int32		n;

	vqc_write_header(buf, VQC_MAGIC_CONFUSION, d->flags);
	pq_sendint64(buf, (uint64) d->skipped);
	pq_sendint32(buf, (uint32) d->nlabels);
	for (i = 0; i < d->nlabels; i++)
	{
		pq_sendint32(buf, d->labels[i].len);
		pq_sendbytes(buf, d->labels[i].bytes, d->labels[i].len);
	}
	/* cells in (true, predicted) order: one binary form per state */
	cells = palloc(Max(d->ncells, 1) * sizeof(ConfCell));
	n = 0;
	for (c = 0; c <= d->cmask; c++)
	{
		if (d->cells[c].key != EMPTY_CELL)
			cells[n++] = d->cells[c];
	}
	qsort(cells, n, sizeof(ConfCell), cmp_cell);
	pq_sendint32(buf, (uint32) n);
	for (i = 0; i < n; i++)
	{
		pq_sendint32(buf, (uint32) (cells[i].key >> 32));
		pq_sendint32(buf, (uint32) cells[i].key);
		pq_sendint64(buf, (uint64) cells[i].count);
	}
	pfree(cells);
	if (d->flags & CONF_HAS_OPTS)
	{
		uint64		bits;

		pq_sendint8(buf, d->opts.average);
		pq_sendint8(buf, d->opts.zero_division);
		pq_sendint8(buf, d->opts.weights);
		pq_sendint8(buf, d->opts.has_pos ? 1 : 0);
		memcpy(&bits, &d->opts.beta, sizeof(bits));
		pq_sendint64(buf, bits);
		if (d->opts.has_pos)
		{
			pq_sendint32(buf, d->opts.poslen);
			pq_sendbytes(buf, d->opts.pos, d->opts.poslen);
		}
	}
}

/* Is key a canonical label of the kind (what the transition makes)? */
static bool
conf_key_valid(int kind, const char *key, uint32 len)
{
	switch (kind)
	{
		case CONF_KIND_BOOL:
			return (len == 4 && memcmp(key, "true", 4) == 0) ||
				(len == 5 && memcmp(key, "false", 5) == 0);
		case CONF_KIND_NUMBER:
			return conf_number_key_valid(key, len);
		case CONF_KIND_FLOAT:
			return conf_float_key_valid(key, len);
		default:
			return true;
	}
}

void
conf_parse(ConfData *d, const char *data, Size len, int errcode,
		   MemoryContext cxt)
{
	VqcReader	r;
	uint16		flags;
	int64		skipped;
	int32		nlabels;
	int32		ncells;
	int64		total = 0;
	int32		i;
	int			kind;
	uint64		key;
	uint64		prev = 0;

	vqc_reader_init(&r, data, len, errcode, CONF_TYPNAME);
	flags = vqc_read_header(&r, VQC_MAGIC_CONFUSION);
	kind = flags & CONF_KIND_MASK;
	if ((flags & ~(CONF_KIND_MASK | CONF_HAS_OPTS)) || kind > CONF_KIND_TEXT)
		vqc_bad_state(&r, "The state has unknown flag bits set.");
	skipped = vqc_read_i64(&r);
	nlabels = vqc_read_i32(&r);
	if (skipped < 0)
		vqc_bad_state(&r, "The count of skipped rows is negative.");
	if (nlabels < 0 || nlabels > CONF_MAX_CLASSES)
		vqc_bad_state(&r, "The number of classes is out of range.");
	if (nlabels > 0 && kind == 0)
		vqc_bad_state(&r, "A state with classes must have a label kind.");

	conf_init(d, cxt);
	d->flags = flags;
	d->skipped = skipped;
	for (i = 0; i < nlabels; i++)
	{
		uint32		llen = vqc_read_u32(&r);
		const char *key;

		if (llen > CONF_MAX_LABEL_BYTES)
			vqc_bad_state(&r, "A label is longer than the largest allowed.");
		key = vqc_read_bytes(&r, llen);
		if (!pg_verifymbstr(key, llen, true) || memchr(key, '\0', llen) != NULL)
			vqc_bad_state(&r, "A label is not valid text in the server encoding.");
		if (!conf_key_valid(kind, key, llen))
			vqc_bad_state(&r, "A label is not in the canonical form of the state's label kind.");
		if (conf_label_index(d, key, llen, false) >= 0)
			vqc_bad_state(&r, "A label appears twice.");
		(void) conf_label_index(d, key, llen, true);
	}
	ncells = vqc_read_i32(&r);
	if (ncells < 0 || (int64) ncells > (int64) nlabels * nlabels ||
		(uint64) ncells > vqc_reader_remaining(&r) / 16)
		vqc_bad_state(&r, "The number of cells is out of range.");
	for (i = 0; i < ncells; i++)
	{
		int32		t = vqc_read_i32(&r);
		int32		p = vqc_read_i32(&r);
		int64		count = vqc_read_i64(&r);

		if (t < 0 || t >= nlabels || p < 0 || p >= nlabels)
			vqc_bad_state(&r, "A cell refers to a class the state does not have.");
		if (count <= 0)
			vqc_bad_state(&r, "A cell's count is not positive.");
		if (pg_add_s64_overflow(total, count, &total))
			vqc_bad_state(&r, "The cells' counts add up past the largest count.");
		key = ((uint64) (uint32) t << 32) | (uint32) p;
		if (i > 0 && key <= prev)
			vqc_bad_state(&r, "The cells are not in (true, predicted) order, or a cell appears twice.");
		prev = key;
		(void) conf_cell_add(d, t, p, count, true);
	}
	if (flags & CONF_HAS_OPTS)
	{
		uint64		bits;

		d->opts.average = vqc_read_u8(&r);
		d->opts.zero_division = vqc_read_u8(&r);
		d->opts.weights = vqc_read_u8(&r);
		d->opts.has_pos = vqc_read_u8(&r);
		bits = vqc_read_u64(&r);
		memcpy(&d->opts.beta, &bits, sizeof(bits));
		if (d->opts.average > AVG_LAST || d->opts.zero_division > ZD_LAST ||
			d->opts.weights > KW_LAST || d->opts.has_pos > 1 ||
			isnan(d->opts.beta) || d->opts.beta < 0)
			vqc_bad_state(&r, "The state's metric options are out of range.");
		if (d->opts.has_pos)
		{
			const char *pos;

			d->opts.poslen = vqc_read_u32(&r);
			if (d->opts.poslen > CONF_MAX_LABEL_BYTES)
				vqc_bad_state(&r, "The positive label is longer than the largest allowed.");
			pos = vqc_read_bytes(&r, d->opts.poslen);
			if (!pg_verifymbstr(pos, d->opts.poslen, true) ||
				memchr(pos, '\0', d->opts.poslen) != NULL)
				vqc_bad_state(&r, "The positive label is not valid text in the server encoding.");
			d->opts.pos = MemoryContextAlloc(cxt, d->opts.poslen + 1);
			memcpy(d->opts.pos, pos, d->opts.poslen);
			d->opts.pos[d->opts.poslen] = '\0';
		}
	}
	vqc_read_end(&r);
}

/* ---------------------------------------------------------------------
 * Expanded form during aggregation
 * ---------------------------------------------------------------------
 */

static Size
conf_eo_flat_size(ExpandedObjectHeader *eohptr)
{
	ConfExpanded *e = (ConfExpanded *) eohptr;
	StringInfoData buf;
	Size		sz;

	initStringInfo(&buf);
	conf_serialize(&buf, &e->d);
	sz = VARHDRSZ + buf.len;
	pfree(buf.data);
	return sz;
}

static void
conf_eo_flatten(ExpandedObjectHeader *eohptr, void *result, Size allocated_size)
{
	ConfExpanded *e = (ConfExpanded *) eohptr;
	StringInfoData buf;

	initStringInfo(&buf);
	conf_serialize(&buf, &e->d);
	Assert(VARHDRSZ + buf.len == allocated_size);
	memcpy((char *) result + VARHDRSZ, buf.data, buf.len);
	SET_VARSIZE(result, allocated_size);
	pfree(buf.data);
}

static const ExpandedObjectMethods conf_eo_methods = {
	conf_eo_flat_size,
	conf_eo_flatten
};

static ConfExpanded *
conf_as_expanded(Datum d)
{
	if (VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(d)))
	{
		ExpandedObjectHeader *eoh = DatumGetEOHP(d);

		if (eoh->eoh_methods == &conf_eo_methods)
			return (ConfExpanded *) eoh;
	}
	return NULL;
}

/* A read-only state argument, unpacked. */
ConfData *
conf_get_arg(FunctionCallInfo fcinfo, int argno)
{
	ConfExpanded *e = conf_as_expanded(PG_GETARG_DATUM(argno));
	struct varlena *v;
	ConfData   *d;

	if (e != NULL)
		return &e->d;
	v = PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(argno));
	d = palloc(sizeof(ConfData));
	conf_parse(d, VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v),
			   ERRCODE_INVALID_BINARY_REPRESENTATION, CurrentMemoryContext);
	return d;
}

/*
 * The transition state in argno as the aggregate's own read-write expanded
 * object: itself, a new empty one (NULL), or an expanded copy of a flat one.
 */
ConfExpanded *
conf_transition_arg(FunctionCallInfo fcinfo, int argno)
{
	MemoryContext aggcontext;
	MemoryContext objcxt;
	ConfExpanded *e;

	/* the aggregate's own object: only an aggregate ever holds it read-write */
	if (likely(!PG_ARGISNULL(argno)) &&
		VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(PG_GETARG_DATUM(argno))) &&
		(e = conf_as_expanded(PG_GETARG_DATUM(argno))) != NULL)
		return e;
	if (!AggCheckCallContext(fcinfo, &aggcontext))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("vqc's transition and combine functions must be called by an aggregate")));

	objcxt = vqc_metric_states_context(aggcontext);
	e = MemoryContextAllocZero(objcxt, sizeof(ConfExpanded));
	EOH_init_header(&e->hdr, &conf_eo_methods, objcxt);
	if (PG_ARGISNULL(argno))
		conf_init(&e->d, objcxt);
	else
	{
		ConfData   *src = conf_get_arg(fcinfo, argno);
		StringInfoData buf;

		initStringInfo(&buf);
		conf_serialize(&buf, src);
		conf_parse(&e->d, buf.data, buf.len,
				   ERRCODE_INVALID_BINARY_REPRESENTATION, objcxt);
	}
	return e;
}

/* Returns a confusion state built here as a flat datum. */
Datum
conf_flat_datum(const ConfData *d)
{
	StringInfoData buf;

	initStringInfo(&buf);
	conf_serialize(&buf, d);
	return metric_flat_datum(&buf);
}

/* ---------------------------------------------------------------------
 * Type I/O
 * ---------------------------------------------------------------------
 */

PG_FUNCTION_INFO_V1(vqc_confusion_state_in);
PG_FUNCTION_INFO_V1(vqc_confusion_state_out);
PG_FUNCTION_INFO_V1(vqc_confusion_state_recv);
PG_FUNCTION_INFO_V1(vqc_confusion_state_send);

static void
conf_validate(const char *data, Size len, int errcode)
{
	ConfData	d;

	conf_parse(&d, data, len, errcode, CurrentMemoryContext);
}

static bool
conf_serialize_expanded(Datum d, StringInfo buf)
{
	ConfExpanded *e = conf_as_expanded(d);

	if (e == NULL)
		return false;
	conf_serialize(buf, &e->d);
	return true;
}

static const MetricStateType conf_type = {
	CONF_TYPNAME, conf_validate, conf_serialize_expanded
};

Datum
vqc_confusion_state_in(PG_FUNCTION_ARGS)
{
	return metric_state_in(fcinfo, &conf_type);
}

Datum
vqc_confusion_state_out(PG_FUNCTION_ARGS)
{
	return metric_state_out(fcinfo, &conf_type);
}

Datum
vqc_confusion_state_recv(PG_FUNCTION_ARGS)
{
	return metric_state_recv(fcinfo, &conf_type);
}

Datum
vqc_confusion_state_send(PG_FUNCTION_ARGS)
{
	return metric_state_send(fcinfo, &conf_type);
}

/* ---------------------------------------------------------------------
 * Labels to keys
 * ---------------------------------------------------------------------
 */

/* what the transition needs to know of its two label types (fn_extra) */
typedef struct ConfTypes
{
	Oid			typ[2];
	int			kind;
	bool		cacheable;		/* by-value labels: cache datum -> class */
	FmgrInfo	out[2];
} ConfTypes;

static int
type_kind(Oid typ)
{
	switch (typ)
	{
		case INT2OID:
		case INT4OID:
		case INT8OID:
		case NUMERICOID:
			return CONF_KIND_NUMBER;
		case FLOAT4OID:
		case FLOAT8OID:
			return CONF_KIND_FLOAT;
		case BOOLOID:
			return CONF_KIND_BOOL;
		default:
			return CONF_KIND_TEXT;
	}
}

static bool
is_string_type(Oid typ)
{
	return typ == TEXTOID || typ == VARCHAROID || typ == UNKNOWNOID;
}

static ConfTypes *
conf_types(FunctionCallInfo fcinfo)
{
	ConfTypes  *ct = (ConfTypes *) fcinfo->flinfo->fn_extra;
	int			i;

	if (ct != NULL)
		return ct;
	ct = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(ConfTypes));
	for (i = 0; i < 2; i++)
	{
		Oid			outfn;
		bool		isvarlena;

		ct->typ[i] = vqc_arg_type(fcinfo, i + 1);
		if (!OidIsValid(ct->typ[i]))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("could not determine the label types")));
		if (ct->typ[i] != UNKNOWNOID)
		{
			getTypeOutputInfo(ct->typ[i], &outfn, &isvarlena);
			fmgr_info_cxt(outfn, &ct->out[i], fcinfo->flinfo->fn_mcxt);
		}
	}
	ct->kind = type_kind(ct->typ[0]);
	if (type_kind(ct->typ[1]) != ct->kind ||
		(ct->typ[0] != ct->typ[1] && ct->kind != CONF_KIND_NUMBER &&
		 ct->kind != CONF_KIND_FLOAT &&
		 !(is_string_type(ct->typ[0]) && is_string_type(ct->typ[1]))))
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("y_true and y_pred must be labels of the same type"),
				 errdetail("The arguments are of types %s and %s.",
						   format_type_be(ct->typ[0]), format_type_be(ct->typ[1])),
				 errhint("Cast one of them to the other's type.")));
	ct->cacheable = ct->typ[0] == ct->typ[1] &&
		(ct->typ[0] == INT2OID || ct->typ[0] == INT4OID ||
		 ct->typ[0] == INT8OID || ct->typ[0] == BOOLOID);
	fcinfo->flinfo->fn_extra = ct;
	return ct;
}

static char *
float4_key(float4 x)
{
	return DatumGetCString(DirectFunctionCall1(float4out, Float4GetDatum(x)));
}

/* float8's text for a float label, -0 as 0 */
static char *
float_key(float8 x)
{
	if (x == 0)
		x = 0;
	return float8out_internal(x);
}

static inline uint32
cache_slot(Datum v)
{
	return (uint32) (((uint64) v * UINT64CONST(0x9E3779B97F4A7C15)) >> (64 - CONF_CACHE_BITS));
}

/* The class of label v of type typ by its key, added when new; cached. */
static pg_noinline int32
conf_value_class_slow(ConfData *d, ConfTypes *ct, Datum v, Oid typ, int argno)
{
	char		buf[MAXINT8LEN + 1];
	const char *key;
	uint32		len;
	int32		cls;

	switch (typ)
	{
		case INT2OID:
			len = pg_ltoa(DatumGetInt16(v), buf);
			key = buf;
			break;
		case INT4OID:
			len = pg_ltoa(DatumGetInt32(v), buf);
			key = buf;
			break;
		case INT8OID:
			len = pg_lltoa(DatumGetInt64(v), buf);
			key = buf;
			break;
		case BOOLOID:
			key = DatumGetBool(v) ? "true" : "false";
			len = strlen(key);
			break;
		case TEXTOID:
		case VARCHAROID:
			{
				text	   *t = DatumGetTextPP(v);

				key = VARDATA_ANY(t);
				len = VARSIZE_ANY_EXHDR(t);
				break;
			}
		case UNKNOWNOID:
			key = DatumGetCString(v);
			len = strlen(key);
			break;
		case NUMERICOID:
			key = DatumGetCString(DirectFunctionCall1(numeric_out,
													  DirectFunctionCall1(numeric_trim_scale, v)));
			len = strlen(key);
			break;
		case FLOAT4OID:
			{
				float4		x = DatumGetFloat4(v);

				/* float4's shortest text is also float8's for that decimal */
				key = float4_key(x == 0 ? 0 : x);
				len = strlen(key);
			}
			break;
		case FLOAT8OID:
			key = float_key(DatumGetFloat8(v));
			len = strlen(key);
			break;
		default:
			key = OutputFunctionCall(&ct->out[argno - 1], v);
			len = strlen(key);
			break;
	}
	cls = conf_label_index(d, key, len, true);
	if (ct->cacheable)
	{
		d->ckey[cache_slot(v)] = v;
		d->cidx[cache_slot(v)] = cls;
	}
	return cls;
}

/* The class of the label in argument argno (1 or 2), added when new. */
static inline int32
conf_value_class(ConfData *d, ConfTypes *ct, FunctionCallInfo fcinfo, int argno)
{
	Datum		v = PG_GETARG_DATUM(argno);

	if (likely(ct->cacheable))
	{
		uint32		slot = cache_slot(v);

		if (d->cidx[slot] >= 0 && d->ckey[slot] == v)
			return d->cidx[slot];
	}
	return conf_value_class_slow(d, ct, v, ct->typ[argno - 1], argno);
}

/* ---------------------------------------------------------------------
 * Aggregation
 * ---------------------------------------------------------------------
 */

/* Counts one row (arguments 1 and 2 of fcinfo) into e. */
static inline void
conf_add_row(ConfExpanded *e, FunctionCallInfo fcinfo)
{
	ConfData   *d = &e->d;
	ConfTypes  *ct;
	int32		t;
	int32		p;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
	{
		d->skipped++;
		return;
	}
	ct = conf_types(fcinfo);
	if ((d->flags & CONF_KIND_MASK) != ct->kind)
		conf_bind_kind(d, ct->kind);
	t = conf_value_class(d, ct, fcinfo, 1);
	p = conf_value_class(d, ct, fcinfo, 2);
	/* an existing cell at its home slot (the usual case), else the full path */
	{
		uint64		key = ((uint64) (uint32) t << 32) | (uint32) p;
		ConfCell   *c = &d->cells[cell_hash(key) & d->cmask];

		if (likely(c->key == key && c->count < PG_INT64_MAX))
			c->count++;
		else
			conf_cell_add(d, t, p, 1, true);
	}
}

PG_FUNCTION_INFO_V1(vqc_confusion_transfn);
PG_FUNCTION_INFO_V1(vqc_confusion_prf_transfn);
PG_FUNCTION_INFO_V1(vqc_confusion_fbeta_transfn);
PG_FUNCTION_INFO_V1(vqc_confusion_kappa_transfn);
PG_FUNCTION_INFO_V1(vqc_confusion_combinefn);

/* (state, y_true "any", y_pred "any"): not strict, NULL labels are counted */
Datum
vqc_confusion_transfn(PG_FUNCTION_ARGS)
{
	ConfExpanded *e = conf_transition_arg(fcinfo, 0);

	conf_add_row(e, fcinfo);
	PG_RETURN_DATUM(EOHPGetRWDatum(&e->hdr));
}

/* The text argument argno, or NULL when absent or NULL. */
static const char *
opt_text(FunctionCallInfo fcinfo, int argno)
{
	if (PG_NARGS() <= argno || PG_ARGISNULL(argno))
		return NULL;
	return text_to_cstring(PG_GETARG_TEXT_PP(argno));
}

/*
 * Takes the options of a metric aggregate from its first row: they are
 * constants of the query (a state keeps those of its first row).
 */
static void
conf_take_opts(ConfData *d, FunctionCallInfo fcinfo, int first_opt, bool beta_first,
			   bool kappa)
{
	int			a = first_opt;
	ConfOpts	o;

	memset(&o, 0, sizeof(o));
	o.beta = 1.0;
	if (kappa)
		o.weights = conf_parse_weights(opt_text(fcinfo, a));
	else
	{
		if (beta_first)
		{
			if (PG_ARGISNULL(a))
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("beta must not be NULL")));
			o.beta = conf_check_beta(PG_GETARG_FLOAT8(a));
			a++;
		}
		if (PG_NARGS() > a)
		{
			const char *avg = opt_text(fcinfo, a);

			if (avg == NULL)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("average NULL gives one value per class, which an aggregate of one value cannot return"),
						 errhint("Use vqc.precision_recall_fscore_support(vqc.confusion_agg(y_true, y_pred), beta, NULL) for the per-class values.")));
			o.average = conf_parse_average(avg);
		}
		else
			o.average = AVG_BINARY;
		if (PG_NARGS() > a + 1 && !PG_ARGISNULL(a + 1))
		{
			o.pos = MemoryContextStrdup(d->cxt, opt_text(fcinfo, a + 1));
			o.poslen = strlen(o.pos);
			if (o.poslen > CONF_MAX_LABEL_BYTES)
				ereport(ERROR,
						(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						 errmsg("pos_label is too long")));
			o.has_pos = true;
		}
		o.zero_division = conf_parse_zero_division(opt_text(fcinfo, a + 2));
	}
	d->opts = o;
	d->flags |= CONF_HAS_OPTS;
}

/* (state, y_true, y_pred, average [, pos_label [, zero_division]]) */
Datum
vqc_confusion_prf_transfn(PG_FUNCTION_ARGS)
{
	ConfExpanded *e = conf_transition_arg(fcinfo, 0);

	if (!(e->d.flags & CONF_HAS_OPTS))
		conf_take_opts(&e->d, fcinfo, 3, false, false);
	conf_add_row(e, fcinfo);
	PG_RETURN_DATUM(EOHPGetRWDatum(&e->hdr));
}

/* (state, y_true, y_pred, beta [, average [, pos_label [, zero_division]]]) */
Datum
vqc_confusion_fbeta_transfn(PG_FUNCTION_ARGS)
{
	ConfExpanded *e = conf_transition_arg(fcinfo, 0);

	if (!(e->d.flags & CONF_HAS_OPTS))
		conf_take_opts(&e->d, fcinfo, 3, true, false);
	conf_add_row(e, fcinfo);
	PG_RETURN_DATUM(EOHPGetRWDatum(&e->hdr));
}

/* (state, y1, y2, weights) */
Datum
vqc_confusion_kappa_transfn(PG_FUNCTION_ARGS)
{
	ConfExpanded *e = conf_transition_arg(fcinfo, 0);

	if (!(e->d.flags & CONF_HAS_OPTS))
		conf_take_opts(&e->d, fcinfo, 3, false, true);
	conf_add_row(e, fcinfo);
	PG_RETURN_DATUM(EOHPGetRWDatum(&e->hdr));
}

/* Adds r's classes, cells and skipped rows to l. */
void
conf_merge(ConfData *l, const ConfData *r)
{
	int32	   *map = palloc(Max(r->nlabels, 1) * sizeof(int32));
	int32		i;
	uint32		c;

	conf_bind_kind(l, r->flags & CONF_KIND_MASK);
	if (pg_add_s64_overflow(l->skipped, r->skipped, &l->skipped))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("state count out of range")));
	for (i = 0; i < r->nlabels; i++)
		map[i] = conf_label_index(l, r->labels[i].bytes, r->labels[i].len, true);
	for (c = 0; c <= r->cmask; c++)
	{
		const ConfCell *cell = &r->cells[c];

		if (cell->key != EMPTY_CELL)
			conf_cell_add(l, map[cell->key >> 32], map[(uint32) cell->key],
						  cell->count, true);
	}
	if (!(l->flags & CONF_HAS_OPTS) && (r->flags & CONF_HAS_OPTS))
	{
		l->opts = r->opts;
		if (r->opts.has_pos)
		{
			l->opts.pos = MemoryContextAlloc(l->cxt, r->opts.poslen + 1);
			memcpy(l->opts.pos, r->opts.pos, r->opts.poslen + 1);
		}
		l->flags |= CONF_HAS_OPTS;
	}
	pfree(map);
}

Datum
vqc_confusion_combinefn(PG_FUNCTION_ARGS)
{
	ConfExpanded *l = conf_transition_arg(fcinfo, 0);

	conf_merge(&l->d, conf_get_arg(fcinfo, 1));
	PG_RETURN_DATUM(EOHPGetRWDatum(&l->hdr));
}

/* ---------------------------------------------------------------------
 * Merging stored states, and building one from counts (scores.c)
 * ---------------------------------------------------------------------
 */

PG_FUNCTION_INFO_V1(vqc_confusion_merge);

/* vqc.merge(a, b): strict, so a NULL side gives NULL as for the profile */
Datum
vqc_confusion_merge(PG_FUNCTION_ARGS)
{
	ConfData   *a = conf_get_arg(fcinfo, 0);
	ConfData   *b = conf_get_arg(fcinfo, 1);
	ConfData	m;
	StringInfoData buf;

	initStringInfo(&buf);
	conf_serialize(&buf, a);
	conf_parse(&m, buf.data, buf.len, ERRCODE_INVALID_BINARY_REPRESENTATION,
			   CurrentMemoryContext);
	conf_merge(&m, b);
	PG_RETURN_DATUM(conf_flat_datum(&m));
}

Datum
vqc_confusion_binary(int kind, const char *neg, const char *pos,
					 int64 tn, int64 fp, int64 fn, int64 tp, int64 skipped)
{
	ConfData	d;
	int32		n;
	int32		p;

	conf_init(&d, CurrentMemoryContext);
	d.skipped = skipped;
	conf_bind_kind(&d, kind);
	n = conf_label_index(&d, neg, strlen(neg), true);
	p = conf_label_index(&d, pos, strlen(pos), true);
	if (tn > 0)
		conf_cell_add(&d, n, n, tn, true);
	if (fp > 0)
		conf_cell_add(&d, n, p, fp, true);
	if (fn > 0)
		conf_cell_add(&d, p, n, fn, true);
	if (tp > 0)
		conf_cell_add(&d, p, p, tp, true);
	return conf_flat_datum(&d);
}
