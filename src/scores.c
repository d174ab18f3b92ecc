/*-------------------------------------------------------------------------
 *
 * scores.c
 *	  vqc.score_state: binary labels (y_true, boolean or integer, at most two
 *	  classes) with scores or probabilities (y_score, float8), for ROC AUC,
 *	  average precision, log loss, the Brier score, calibration curves and
 *	  expected calibration error, and the confusion state at a threshold.
 *
 * A state is in one of three modes, fixed by the aggregate that builds it:
 *	  values (vqc.score_agg, roc_auc_score, average_precision_score): every
 *		score, per class, as an order key (exact, up to the exact memory
 *		limit; past it the state overflows: it only counts, and the metrics
 *		that need the scores raise an error instead of guessing);
 *	  sums (log_loss, brier_score_loss): per class, the sums each metric
 *		needs whichever class is the positive one - bounded memory;
 *	  bins (calibration_curve, calibration_error): per bin and class, the
 *		count and the sum of the probabilities - bounded memory.
 * Rows with a NULL label or score are skipped and counted; a NaN score is
 * an error.
 *
 * Flat form (after the varlena header) = binary form: magic "VQCS",
 * version (uint16), flags (uint16), skipped (int8), nlabels (int4: 0 to 2),
 * the labels (int8 each), the rows per label (int8 each), then by mode:
 * sums: 4 float8 per label; bins: nbins (int4), per bin and label a count
 * (int8) and a sum (float8); values (not overflowed): per label its rows'
 * keys (int8 each, as vqc.value_key gives them: bigint order is the scores'
 * order), ascending when the sorted flag is set.  A state
 * is sorted when it is written (by a parallel worker, say), so that the
 * sorting is shared and merging sorted states is linear.  Text form: the
 * hex of the binary form.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <float.h>
#include <math.h>

#include "catalog/pg_type.h"
#include "common/int.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/expandeddatum.h"
#include "utils/float.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"

#include "arg_type.h"
#include "classification.h"
#include "metric_state.h"
#include "state_io.h"

#define TYPNAME "vqc.score_state"

/* flags */
#define SC_OVERFLOW			0x0001	/* values mode: the scores were dropped */
#define SC_BOOL				0x0002	/* boolean labels (0 and 1) */
#define SC_OUTSIDE			0x0004	/* values mode: a score outside [0, 1] */
#define SC_MODE_MASK		0x0018
#define SC_MODE_VALUES		0x0000
#define SC_MODE_SUMS		0x0008
#define SC_MODE_BINS		0x0010
#define SC_SORTED			0x0020	/* values mode: each label's scores ascending */
#define SC_ALL_FLAGS		0x003F

#define SC_MAX_BINS			100000
#define SC_DEFAULT_BINS		5

/* the sums of the sums mode, per label */
#define S_LOSS_POS			0	/* log loss of the rows if this label is positive */
#define S_LOSS_NEG			1	/* ... if it is negative */
#define S_SQ_POS			2	/* sum (1 - p)^2 */
#define S_SQ_NEG			3	/* sum p^2 */
#define S_NSUMS				4

typedef struct ScoreData
{
	MemoryContext cxt;
	uint16		flags;
	int64		skipped;
	int32		nlabels;
	int64		label[2];
	int64		n[2];			/* rows per label */
	double		sums[2][S_NSUMS];
	int32		nbins;
	int64	   *bin_n;			/* [bin * 2 + label] */
	double	   *bin_sum;
	int64		cap[2];
	int64	   *vals[2];		/* n[s] keys each (vqc.value_key), in values mode */
} ScoreData;

typedef struct ScoreExpanded
{
	ExpandedObjectHeader hdr;
	ScoreData	d;
} ScoreExpanded;

static inline int
score_mode(const ScoreData *d)
{
	return d->flags & SC_MODE_MASK;
}

/* values mode and not overflowed: the scores are there */
static inline bool
has_values(const ScoreData *d)
{
	return score_mode(d) == SC_MODE_VALUES && !(d->flags & SC_OVERFLOW);
}

/* ---------------------------------------------------------------------
 * Order keys
 * ---------------------------------------------------------------------
 */

#define SIGN_BIT			(UINT64CONST(1) << 63)

/*
 * A score's key, as vqc.value_key: bigint order is float8 order (-0 as +0;
 * no NaN comes here).
 */
static inline int64
score_key(float8 x)
{
	uint64		bits;

	if (x == 0)
		x = 0;
	memcpy(&bits, &x, sizeof(bits));
	return (int64) ((bits & SIGN_BIT) ? ~bits ^ SIGN_BIT : bits);
}

static inline float8
key_value(int64 key)
{
	uint64		k = (uint64) key;
	uint64		bits = (k & SIGN_BIT) ? ~(k ^ SIGN_BIT) : k;
	float8		x;

	memcpy(&x, &bits, sizeof(x));
	return x;
}

/* the keys of a number: from -Infinity's to Infinity's, not -0's (-1) */
static inline bool
key_is_number(int64 key)
{
	return key >= score_key(-get_float8_infinity()) &&
		key <= score_key(get_float8_infinity()) && key != -1;
}

/* ---------------------------------------------------------------------
 * The state
 * ---------------------------------------------------------------------
 */

static void
score_init(ScoreData *d, MemoryContext cxt, uint16 mode, int32 nbins)
{
	memset(d, 0, sizeof(*d));
	d->cxt = cxt;
	d->flags = mode;
	if (mode == SC_MODE_BINS)
	{
		d->nbins = nbins;
		d->bin_n = MemoryContextAllocZero(cxt, (Size) nbins * 2 * sizeof(int64));
		d->bin_sum = MemoryContextAllocZero(cxt, (Size) nbins * 2 * sizeof(double));
	}
}

/* The slot of label y, added when new; raises on a third label. */
static inline int
score_slot(ScoreData *d, int64 y)
{
	if (d->nlabels > 0 && d->label[0] == y)
		return 0;
	if (d->nlabels > 1 && d->label[1] == y)
		return 1;
	if (d->nlabels == 2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("y_true has more than two classes"),
				 errdetail("Score metrics take binary labels: a boolean, or an integer with two values.")));
	d->label[d->nlabels] = y;
	return d->nlabels++;
}

static void
score_bind_bool(ScoreData *d, bool isbool, bool has_labels)
{
	if (!has_labels)
		return;
	if (d->nlabels > 0 && ((d->flags & SC_BOOL) != 0) != isbool)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("cannot mix score states of boolean and integer labels")));
	if (isbool)
		d->flags |= SC_BOOL;
}

/* Drops the scores, keeps counting. */
static void
score_overflow(ScoreData *d)
{
	int			s;

	d->flags |= SC_OVERFLOW;
	for (s = 0; s < 2; s++)
	{
		if (d->vals[s])
			pfree(d->vals[s]);
		d->vals[s] = NULL;
		d->cap[s] = 0;
	}
}

/* Room for need scores of slot s, or overflow (false). */
static bool
score_reserve(ScoreData *d, int s, int64 need)
{
	int64		maxw = vec8_max_words();
	int64		other = d->n[1 - s];
	Size		cap;

	if (need <= d->cap[s])
		return true;
	if (need + other > maxw)
	{
		score_overflow(d);
		return false;
	}
	cap = vqc_grow_capacity(d->cap[s], need, maxw - other);
	if (d->vals[s] == NULL)
		d->vals[s] = MemoryContextAlloc(d->cxt, cap * sizeof(int64));
	else
		d->vals[s] = repalloc(d->vals[s], cap * sizeof(int64));
	d->cap[s] = cap;
	return true;
}

static void
check_unit(float8 p)
{
	if (p < 0 || p > 1)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("probability out of range"),
				 errdetail("Log loss, the Brier score and calibration take probabilities between 0 and 1.")));
}

/* log loss of a probability p of the positive class, as scikit-learn 1.2 */
static inline void
log_losses(float8 p, double *if_pos, double *if_neg)
{
	double		eps = DBL_EPSILON;
	double		c = Min(Max(p, eps), 1 - eps);
	double		q0 = 1 - c;
	double		sum = q0 + c;

	*if_pos = -log(c / sum);
	*if_neg = -log(q0 / sum);
}

/* the bin of probability p among n uniform bins, as calibration_curve */
static inline int32
bin_of(float8 p, int32 nbins)
{
	double		step = 1.0 / nbins;
	int32		b = (int32) (p * nbins);

	/* b = the number of inner edges j * step (0 < j < nbins) below p */
	if (b > nbins - 1)
		b = nbins - 1;
	if (b < 0)
		b = 0;
	while (b > 0 && !((double) b * step < p))
		b--;
	while (b < nbins - 1 && (double) (b + 1) * step < p)
		b++;
	return b;
}

/* Counts one row of label y and score p into d. */
static void
score_add(ScoreData *d, int64 y, float8 p)
{
	int			s;

	if (isnan(p))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("score is NaN"),
				 errdetail("Score metrics need every score to be a number; NULL scores are skipped.")));
	s = score_slot(d, y);
	switch (score_mode(d))
	{
		case SC_MODE_VALUES:
			if (p < 0 || p > 1)
				d->flags |= SC_OUTSIDE;
			if (!(d->flags & SC_OVERFLOW) && score_reserve(d, s, d->n[s] + 1))
				d->vals[s][d->n[s]] = score_key(p);
			d->flags &= ~SC_SORTED;
			break;
		case SC_MODE_SUMS:
			{
				double		lp;
				double		ln;

				check_unit(p);
				log_losses(p, &lp, &ln);
				d->sums[s][S_LOSS_POS] += lp;
				d->sums[s][S_LOSS_NEG] += ln;
				d->sums[s][S_SQ_POS] += (1 - p) * (1 - p);
				d->sums[s][S_SQ_NEG] += p * p;
				break;
			}
		case SC_MODE_BINS:
			{
				int32		b;

				check_unit(p);
				b = bin_of(p, d->nbins);
				d->bin_n[b * 2 + s]++;
				d->bin_sum[b * 2 + s] += p;
				break;
			}
	}
	d->n[s]++;
}

/* ---------------------------------------------------------------------
 * Binary form
 * ---------------------------------------------------------------------
 */

static void
send_float8(StringInfo buf, double x)
{
	uint64		bits;

	memcpy(&bits, &x, sizeof(bits));
	pq_sendint64(buf, bits);
}

static double
read_float8(VqcReader *r)
{
	uint64		bits = vqc_read_u64(r);
	double		x;

	memcpy(&x, &bits, sizeof(x));
	return x;
}

static void
score_serialize(StringInfo buf, const ScoreData *d)
{
	int			s;
	int64		i;
	int32		b;

	vqc_write_header(buf, VQC_MAGIC_SCORE, d->flags);
	pq_sendint64(buf, (uint64) d->skipped);
	pq_sendint32(buf, (uint32) d->nlabels);
	for (s = 0; s < d->nlabels; s++)
		pq_sendint64(buf, (uint64) d->label[s]);
	for (s = 0; s < d->nlabels; s++)
		pq_sendint64(buf, (uint64) d->n[s]);
	switch (score_mode(d))
	{
		case SC_MODE_SUMS:
			for (s = 0; s < d->nlabels; s++)
				for (i = 0; i < S_NSUMS; i++)
					send_float8(buf, d->sums[s][i]);
			break;
		case SC_MODE_BINS:
			pq_sendint32(buf, (uint32) d->nbins);
			for (b = 0; b < d->nbins; b++)
				for (s = 0; s < d->nlabels; s++)
				{
					pq_sendint64(buf, (uint64) d->bin_n[b * 2 + s]);
					send_float8(buf, d->bin_sum[b * 2 + s]);
				}
			break;
		default:
			if (d->flags & SC_OVERFLOW)
				break;
			for (s = 0; s < d->nlabels; s++)
			{
				uint64	   *out;

				enlargeStringInfo(buf, d->n[s] * sizeof(uint64));
				out = (uint64 *) (buf->data + buf->len);
				for (i = 0; i < d->n[s]; i++)
				{
					uint64		k = pg_hton64((uint64) d->vals[s][i]);

					memcpy(out + i, &k, sizeof(k));
				}
				buf->len += d->n[s] * sizeof(uint64);
				buf->data[buf->len] = '\0';
			}
			break;
	}
}

static void
score_parse(ScoreData *d, const char *data, Size len, int errcode, MemoryContext cxt)
{
	VqcReader	r;
	uint16		flags;
	int			s;
	int32		nbins = 0;
	int64		total = 0;

	vqc_reader_init(&r, data, len, errcode, TYPNAME);
	flags = vqc_read_header(&r, VQC_MAGIC_SCORE);
	if ((flags & ~SC_ALL_FLAGS) || (flags & SC_MODE_MASK) == SC_MODE_MASK)
		vqc_bad_state(&r, "The state has unknown flag bits set.");
	if ((flags & SC_MODE_MASK) != SC_MODE_VALUES && (flags & (SC_OVERFLOW | SC_OUTSIDE | SC_SORTED)))
		vqc_bad_state(&r, "Only a state of scores can overflow or hold scores outside [0, 1].");
	memset(d, 0, sizeof(*d));
	d->skipped = vqc_read_i64(&r);
	d->nlabels = vqc_read_i32(&r);
	if (d->skipped < 0)
		vqc_bad_state(&r, "The count of skipped rows is negative.");
	if (d->nlabels < 0 || d->nlabels > 2)
		vqc_bad_state(&r, "A state has at most two labels.");
	for (s = 0; s < d->nlabels; s++)
	{
		d->label[s] = vqc_read_i64(&r);
		if ((flags & SC_BOOL) && d->label[s] != 0 && d->label[s] != 1)
			vqc_bad_state(&r, "A boolean label must be 0 or 1.");
	}
	if (d->nlabels == 2 && d->label[0] == d->label[1])
		vqc_bad_state(&r, "A label appears twice.");
	for (s = 0; s < d->nlabels; s++)
	{
		d->n[s] = vqc_read_i64(&r);
		if (d->n[s] < 0 || pg_add_s64_overflow(total, d->n[s], &total))
			vqc_bad_state(&r, "A label's row count is out of range.");
	}
	if ((flags & SC_MODE_MASK) == SC_MODE_BINS)
	{
		nbins = vqc_read_i32(&r);
		if (nbins < 1 || nbins > SC_MAX_BINS)
			vqc_bad_state(&r, "The number of bins is out of range.");
	}
	{
		ScoreData	head = *d;

		score_init(d, cxt, flags & SC_MODE_MASK, nbins);
		d->flags = flags;
		d->skipped = head.skipped;
		d->nlabels = head.nlabels;
		memcpy(d->label, head.label, sizeof(d->label));
		memcpy(d->n, head.n, sizeof(d->n));
	}
	switch (flags & SC_MODE_MASK)
	{
		case SC_MODE_SUMS:
			for (s = 0; s < d->nlabels; s++)
				for (int i = 0; i < S_NSUMS; i++)
				{
					d->sums[s][i] = read_float8(&r);
					if (!(d->sums[s][i] >= 0))
						vqc_bad_state(&r, "A sum is negative or not a number.");
				}
			break;
		case SC_MODE_BINS:
			{
				int64		seen[2] = {0, 0};

				for (int32 b = 0; b < nbins; b++)
					for (s = 0; s < d->nlabels; s++)
					{
						int64		c = vqc_read_i64(&r);
						double		sum = read_float8(&r);

						if (c < 0 || !(sum >= 0) || sum > (double) c * 1.000001 + 1e-9)
							vqc_bad_state(&r, "A bin's count or sum is out of range.");
						d->bin_n[b * 2 + s] = c;
						d->bin_sum[b * 2 + s] = sum;
						if (pg_add_s64_overflow(seen[s], c, &seen[s]))
							vqc_bad_state(&r, "A bin's count is out of range.");
					}
				for (s = 0; s < d->nlabels; s++)
				{
					if (seen[s] != d->n[s])
						vqc_bad_state(&r, "The bins' counts do not add up to the label's rows.");
				}
				break;
			}
		default:
			if (flags & SC_OVERFLOW)
				break;
			if ((uint64) total > vqc_reader_remaining(&r) / sizeof(uint64))
				vqc_bad_state(&r, "The state is truncated: it claims more scores than it holds.");
			for (s = 0; s < d->nlabels; s++)
			{
				const char *in = vqc_read_bytes(&r, d->n[s] * sizeof(uint64));
				int64		prev = PG_INT64_MIN;

				d->vals[s] = MemoryContextAlloc(cxt, Max(d->n[s], 1) * sizeof(int64));
				d->cap[s] = Max(d->n[s], 1);
				for (int64 i = 0; i < d->n[s]; i++)
				{
					uint64		k;

					memcpy(&k, in + i * sizeof(uint64), sizeof(k));
					k = pg_ntoh64(k);
					if (!key_is_number((int64) k))
						vqc_bad_state(&r, "A stored score is not the key of a number.");
					if ((flags & SC_SORTED) && (int64) k < prev)
						vqc_bad_state(&r, "The scores of a sorted state are not in order.");
					prev = (int64) k;
					d->vals[s][i] = (int64) k;
				}
			}
			break;
	}
	vqc_read_end(&r);
}

/* ---------------------------------------------------------------------
 * Expanded form during aggregation
 * ---------------------------------------------------------------------
 */

/* the size of the binary form score_serialize writes */
static Size
score_serialized_size(const ScoreData *d)
{
	Size		sz = 8 + 8 + 4 + 16 * d->nlabels;

	switch (score_mode(d))
	{
		case SC_MODE_SUMS:
			return sz + S_NSUMS * 8 * d->nlabels;
		case SC_MODE_BINS:
			return sz + 4 + (Size) d->nbins * d->nlabels * 16;
		default:
			if (d->flags & SC_OVERFLOW)
				return sz;
			return sz + (Size) (d->n[0] + d->n[1]) * sizeof(uint64);
	}
}

static Size
score_eo_flat_size(ExpandedObjectHeader *eohptr)
{
	ScoreExpanded *e = (ScoreExpanded *) eohptr;

	return VARHDRSZ + score_serialized_size(&e->d);
}

static void score_sort(ScoreData *d);

/*
 * Flattening writes the scores sorted: a parallel worker's state is sorted
 * by that worker, and the leader merges sorted states in linear time.
 */
static void
score_eo_flatten(ExpandedObjectHeader *eohptr, void *result, Size allocated_size)
{
	ScoreExpanded *e = (ScoreExpanded *) eohptr;
	StringInfoData buf;

	if (has_values(&e->d))
		score_sort(&e->d);
	initStringInfo(&buf);
	score_serialize(&buf, &e->d);
	Assert(VARHDRSZ + buf.len == allocated_size);
	memcpy((char *) result + VARHDRSZ, buf.data, buf.len);
	SET_VARSIZE(result, allocated_size);
	pfree(buf.data);
}

static const ExpandedObjectMethods score_eo_methods = {
	score_eo_flat_size,
	score_eo_flatten
};

static ScoreExpanded *
score_as_expanded(Datum d)
{
	if (VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(d)))
	{
		ExpandedObjectHeader *eoh = DatumGetEOHP(d);

		if (eoh->eoh_methods == &score_eo_methods)
			return (ScoreExpanded *) eoh;
	}
	return NULL;
}

static ScoreData *
score_as_expanded_data(Datum d)
{
	ScoreExpanded *e = score_as_expanded(d);

	return e ? &e->d : NULL;
}

/* A state argument, unpacked: the aggregate's own, or a private copy. */
static ScoreData *
score_get_arg(FunctionCallInfo fcinfo, int argno)
{
	ScoreExpanded *e = score_as_expanded(PG_GETARG_DATUM(argno));
	struct varlena *v;
	ScoreData  *d;

	if (e != NULL)
		return &e->d;
	v = PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(argno));
	d = palloc(sizeof(ScoreData));
	score_parse(d, VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v),
				ERRCODE_INVALID_BINARY_REPRESENTATION, CurrentMemoryContext);
	return d;
}

static ScoreExpanded *
score_expanded_new(FunctionCallInfo fcinfo, uint16 mode, int32 nbins)
{
	MemoryContext aggcontext;
	MemoryContext objcxt;
	ScoreExpanded *e;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("vqc's transition and combine functions must be called by an aggregate")));
	objcxt = vqc_metric_states_context(aggcontext);
	e = MemoryContextAllocZero(objcxt, sizeof(ScoreExpanded));
	EOH_init_header(&e->hdr, &score_eo_methods, objcxt);
	score_init(&e->d, objcxt, mode, nbins);
	return e;
}

/*
 * The transition state in argno as the aggregate's read-write expanded
 * object: itself, a new one (NULL), or a copy of a flat state.
 */
static ScoreExpanded *
score_transition_arg(FunctionCallInfo fcinfo, int argno, uint16 mode, int32 nbins)
{
	ScoreExpanded *e;

	if (!PG_ARGISNULL(argno))
	{
		Datum		v = PG_GETARG_DATUM(argno);
		ScoreData  *src;
		StringInfoData buf;

		if (VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(v)) &&
			(e = score_as_expanded(v)) != NULL)
			return e;
		e = score_expanded_new(fcinfo, SC_MODE_VALUES, 0);
		if ((src = score_as_expanded_data(v)) != NULL)
		{
			/* another aggregate's read-only object */
			initStringInfo(&buf);
			score_serialize(&buf, src);
			score_parse(&e->d, buf.data, buf.len, ERRCODE_INVALID_BINARY_REPRESENTATION,
						e->d.cxt);
		}
		else
		{
			struct varlena *flat = PG_DETOAST_DATUM_PACKED(v);

			score_parse(&e->d, VARDATA_ANY(flat), VARSIZE_ANY_EXHDR(flat),
						ERRCODE_INVALID_BINARY_REPRESENTATION, e->d.cxt);
		}
		return e;
	}
	return score_expanded_new(fcinfo, mode, nbins);
}

/* ---------------------------------------------------------------------
 * Aggregation
 * ---------------------------------------------------------------------
 */

/* is y_true (argument 1) boolean?  Cached in fn_extra. */
static bool
label_is_bool(FunctionCallInfo fcinfo)
{
	if (fcinfo->flinfo->fn_extra == NULL)
	{
		Oid			t = vqc_arg_type(fcinfo, 1);

		fcinfo->flinfo->fn_extra = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(bool));
		*(bool *) fcinfo->flinfo->fn_extra = (t == BOOLOID);
	}
	return *(bool *) fcinfo->flinfo->fn_extra;
}

static Datum
score_transition(FunctionCallInfo fcinfo, uint16 mode, int32 nbins)
{
	ScoreExpanded *e = score_transition_arg(fcinfo, 0, mode, nbins);
	bool		isbool = label_is_bool(fcinfo);

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		e->d.skipped++;
	else
	{
		score_bind_bool(&e->d, isbool, true);
		score_add(&e->d, isbool ? (int64) PG_GETARG_BOOL(1) : PG_GETARG_INT64(1),
				  PG_GETARG_FLOAT8(2));
	}
	PG_RETURN_DATUM(EOHPGetRWDatum(&e->hdr));
}

PG_FUNCTION_INFO_V1(vqc_score_transfn);
PG_FUNCTION_INFO_V1(vqc_score_sums_transfn);
PG_FUNCTION_INFO_V1(vqc_score_bins_transfn);
PG_FUNCTION_INFO_V1(vqc_score_combinefn);
PG_FUNCTION_INFO_V1(vqc_score_merge);

/* (state, y_true int8 or boolean, y_score float8): not strict */
Datum
vqc_score_transfn(PG_FUNCTION_ARGS)
{
	return score_transition(fcinfo, SC_MODE_VALUES, 0);
}

Datum
vqc_score_sums_transfn(PG_FUNCTION_ARGS)
{
	return score_transition(fcinfo, SC_MODE_SUMS, 0);
}

/* (state, y_true, y_prob [, n_bins int4]) */
Datum
vqc_score_bins_transfn(PG_FUNCTION_ARGS)
{
	int32		nbins = SC_DEFAULT_BINS;

	if (PG_NARGS() > 3)
	{
		if (PG_ARGISNULL(3))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("n_bins must not be NULL")));
		nbins = PG_GETARG_INT32(3);
		if (nbins < 1 || nbins > SC_MAX_BINS)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("n_bins must be between 1 and %d", SC_MAX_BINS)));
	}
	return score_transition(fcinfo, SC_MODE_BINS, nbins);
}

/* Adds r to l (same mode; a label's rows go to l's slot of that label). */
/*
 * a[0..na) and b[0..nb) ascending into a[0..na + nb) (a has the room), from
 * the back so that nothing is overwritten before it is read
 */
static void
merge_sorted(int64 *a, int64 na, const int64 *b, int64 nb)
{
	int64		i = na - 1;
	int64		j = nb - 1;
	int64		k = na + nb - 1;

	while (j >= 0)
	{
		if (i >= 0 && a[i] > b[j])
			a[k--] = a[i--];
		else
			a[k--] = b[j--];
	}
}

static void
score_merge(ScoreData *l, const ScoreData *r)
{
	int			s;
	bool		both_sorted;

	if (score_mode(l) != score_mode(r) ||
		(score_mode(l) == SC_MODE_BINS && l->nbins != r->nbins))
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("cannot merge score states of different kinds"),
				 errdetail("States of scores, of loss sums and of calibration bins (and bins of different counts) do not merge.")));
	score_bind_bool(l, (r->flags & SC_BOOL) != 0, r->nlabels > 0);
	if (pg_add_s64_overflow(l->skipped, r->skipped, &l->skipped))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("state count out of range")));
	both_sorted = (l->flags & SC_SORTED) && (r->flags & SC_SORTED);
	l->flags |= r->flags & (SC_OUTSIDE | SC_OVERFLOW);
	if (!both_sorted)
		l->flags &= ~SC_SORTED;
	if (l->flags & SC_OVERFLOW)
		score_overflow(l);
	for (s = 0; s < r->nlabels; s++)
	{
		int			ls = score_slot(l, r->label[s]);
		int64		n;

		if (pg_add_s64_overflow(l->n[ls], r->n[s], &n))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("state count out of range")));
		switch (score_mode(l))
		{
			case SC_MODE_SUMS:
				for (int i = 0; i < S_NSUMS; i++)
					l->sums[ls][i] += r->sums[s][i];
				break;
			case SC_MODE_BINS:
				for (int32 b = 0; b < l->nbins; b++)
				{
					l->bin_n[b * 2 + ls] += r->bin_n[b * 2 + s];
					l->bin_sum[b * 2 + ls] += r->bin_sum[b * 2 + s];
				}
				break;
			default:
				if (!(l->flags & SC_OVERFLOW) && score_reserve(l, ls, n))
				{
					if (both_sorted)
						merge_sorted(l->vals[ls], l->n[ls], r->vals[s], r->n[s]);
					else
						memcpy(l->vals[ls] + l->n[ls], r->vals[s], r->n[s] * sizeof(int64));
				}
				break;
		}
		l->n[ls] = n;
	}
}

Datum
vqc_score_combinefn(PG_FUNCTION_ARGS)
{
	ScoreExpanded *l = score_transition_arg(fcinfo, 0, SC_MODE_VALUES, 0);

	score_merge(&l->d, score_get_arg(fcinfo, 1));
	PG_RETURN_DATUM(EOHPGetRWDatum(&l->hdr));
}

static Datum
score_flat_datum(const ScoreData *d)
{
	StringInfoData buf;

	initStringInfo(&buf);
	score_serialize(&buf, d);
	return metric_flat_datum(&buf);
}

/* vqc.merge(a, b) of score states; reads vqc.exact_memory_limit */
Datum
vqc_score_merge(PG_FUNCTION_ARGS)
{
	ScoreData  *a = score_get_arg(fcinfo, 0);

	if (score_as_expanded(PG_GETARG_DATUM(0)) != NULL)
	{
		StringInfoData buf;

		initStringInfo(&buf);
		score_serialize(&buf, a);
		a = palloc(sizeof(ScoreData));
		score_parse(a, buf.data, buf.len, ERRCODE_INVALID_BINARY_REPRESENTATION,
					CurrentMemoryContext);
	}
	score_merge(a, score_get_arg(fcinfo, 1));
	PG_RETURN_DATUM(score_flat_datum(a));
}

/* ---------------------------------------------------------------------
 * Type I/O
 * ---------------------------------------------------------------------
 */

PG_FUNCTION_INFO_V1(vqc_score_state_in);
PG_FUNCTION_INFO_V1(vqc_score_state_out);
PG_FUNCTION_INFO_V1(vqc_score_state_recv);
PG_FUNCTION_INFO_V1(vqc_score_state_send);

static void
score_validate(const char *data, Size len, int errcode)
{
	ScoreData	d;

	score_parse(&d, data, len, errcode, CurrentMemoryContext);
}

static bool
score_serialize_expanded(Datum d, StringInfo buf)
{
	ScoreData  *e = score_as_expanded_data(d);

	if (e == NULL)
		return false;
	score_serialize(buf, e);
	return true;
}

static const MetricStateType score_type = {
	TYPNAME, score_validate, score_serialize_expanded
};

Datum
vqc_score_state_in(PG_FUNCTION_ARGS)
{
	return metric_state_in(fcinfo, &score_type);
}

Datum
vqc_score_state_out(PG_FUNCTION_ARGS)
{
	return metric_state_out(fcinfo, &score_type);
}

Datum
vqc_score_state_recv(PG_FUNCTION_ARGS)
{
	return metric_state_recv(fcinfo, &score_type);
}

Datum
vqc_score_state_send(PG_FUNCTION_ARGS)
{
	return metric_state_send(fcinfo, &score_type);
}

/* ---------------------------------------------------------------------
 * Sorting the scores
 * ---------------------------------------------------------------------
 */

static void
score_sort(ScoreData *d)
{
	int			s;

	if (d->flags & SC_SORTED)
		return;
	for (s = 0; s < d->nlabels; s++)
	{
		MemoryContext old;
		uint64	   *sorted;

		if (d->n[s] < 2)
			continue;
		/* hash_set.c's radix sort, its result where the state lives */
		old = MemoryContextSwitchTo(d->cxt);
		sorted = vqc_sorted_words((const uint64 *) d->vals[s], d->n[s]);
		MemoryContextSwitchTo(old);
		pfree(d->vals[s]);
		d->vals[s] = (int64 *) sorted;
		d->cap[s] = d->n[s];
	}
	d->flags |= SC_SORTED;
}

/* ---------------------------------------------------------------------
 * Metrics
 * ---------------------------------------------------------------------
 */

/* the slot of the greater label (the positive class of ROC AUC, log loss) */
static int
greater_slot(const ScoreData *d)
{
	return d->nlabels == 2 && d->label[1] > d->label[0] ? 1 : 0;
}

/*
 * The slot of the positive class as brier_score_loss and calibration_curve
 * pick it: 1 when the labels are within {0, 1} or {-1, 1}, else the greater
 * label; -1 when no row has it.
 */
static int
pos_label_slot(const ScoreData *d)
{
	bool		unit = true;
	int			s;

	for (s = 0; s < d->nlabels; s++)
		unit &= d->label[s] == 0 || d->label[s] == 1;
	if (!unit)
	{
		unit = true;
		for (s = 0; s < d->nlabels; s++)
			unit &= d->label[s] == -1 || d->label[s] == 1;
	}
	if (!unit)
		return greater_slot(d);
	for (s = 0; s < d->nlabels; s++)
	{
		if (d->label[s] == 1)
			return s;
	}
	return -1;
}

static void
need_values(const ScoreData *d, const char *metric)
{
	if (score_mode(d) != SC_MODE_VALUES)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s needs a state of scores", metric),
				 errdetail("This state holds only loss sums or calibration bins."),
				 errhint("Build the state with vqc.score_agg(y_true, y_score).")));
	if (d->flags & SC_OVERFLOW)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("the scores exceed vqc.exact_memory_limit, so %s cannot be exact", metric),
				 errdetail("The state counted " INT64_FORMAT " scores but had to drop them.",
						   d->n[0] + d->n[1]),
				 errhint("Raise vqc.exact_memory_limit (or work_mem, when it is -1) to at least %lld kB, "
						 "or use vqc.roc_auc_score_by_passes / vqc.average_precision_score_by_passes on the table.",
						 (long long) ((d->n[0] + d->n[1]) * sizeof(int64) / 1024 + 1))));
}

static void
need_unit(const ScoreData *d, const char *metric)
{
	if (d->flags & SC_OUTSIDE)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("probability out of range"),
				 errdetail("%s takes probabilities between 0 and 1; the state holds a score outside.", metric)));
}

/*
 * ROC AUC with ties as scikit-learn (the trapezoid over tied scores): the
 * Mann-Whitney U with ties counted a half, over n_pos * n_neg.
 */
static double
roc_auc(ScoreData *d)
{
	int			ps = greater_slot(d);
	const int64 *P;
	const int64 *N;
	int64		np = d->n[ps];
	int64		nn = d->n[1 - ps];
	int64		i = 0;
	int64		j = 0;
	uint64		twice_u = 0;

	score_sort(d);
	P = d->vals[ps];
	N = d->vals[1 - ps];
	while (i < np)
	{
		int64		k = P[i];
		int64		cp = 0;
		int64		eq = 0;

		while (i < np && P[i] == k)
		{
			i++;
			cp++;
		}
		while (j < nn && N[j] < k)
			j++;
		while (j + eq < nn && N[j + eq] == k)
			eq++;
		twice_u += (uint64) cp * (uint64) (2 * j + eq);
	}
	return (double) twice_u / (2.0 * (double) np * (double) nn);
}

/*
 * Average precision as scikit-learn: the sum over distinct thresholds,
 * from the highest score down, of the recall gained times the precision
 * there; 0 with no positive row.  pos: the slot of label 1, or -1.
 */
static double
average_precision(ScoreData *d, int pos)
{
	const int64 *P;
	const int64 *N;
	int64		np;
	int64		nn;
	int64		i;
	int64		j;
	int64		tp = 0;
	int64		fp = 0;
	double		prev = 0;
	double		ap = 0;

	if (pos < 0)
		return 0.0;
	score_sort(d);
	P = d->vals[pos];
	np = d->n[pos];
	N = d->nlabels == 2 ? d->vals[1 - pos] : NULL;
	nn = d->nlabels == 2 ? d->n[1 - pos] : 0;
	i = np - 1;
	j = nn - 1;
	while (i >= 0 || j >= 0)
	{
		int64		k = i < 0 ? N[j] : (j < 0 ? P[i] : Max(P[i], N[j]));
		double		recall;

		while (i >= 0 && P[i] == k)
		{
			tp++;
			i--;
		}
		while (j >= 0 && N[j] == k)
		{
			fp++;
			j--;
		}
		recall = (double) tp / np;
		ap += (recall - prev) * ((double) tp / (tp + fp));
		prev = recall;
	}
	return ap;
}

/* the slot of label 1 for average precision (pos_label=1), -1 if none */
static int
ap_pos_slot(const ScoreData *d)
{
	int			s;

	for (s = 0; s < d->nlabels; s++)
	{
		if (d->label[s] == 1)
			return s;
	}
	if (d->nlabels == 2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("pos_label 1 is not one of the two classes"),
				 errdetail("Average precision takes label 1 (or true) as the positive class, as scikit-learn does by default.")));
	return -1;
}

/* mean log loss; the positive class is the greater label */
static double
log_loss_of(ScoreData *d)
{
	int			ps = greater_slot(d);
	double		sum = 0;
	int			s;

	if (score_mode(d) == SC_MODE_SUMS)
		return (d->sums[ps][S_LOSS_POS] + d->sums[1 - ps][S_LOSS_NEG]) /
			(double) (d->n[0] + d->n[1]);
	need_values(d, "log_loss");
	need_unit(d, "log_loss");
	for (s = 0; s < 2; s++)
	{
		for (int64 i = 0; i < d->n[s]; i++)
		{
			double		lp;
			double		ln;

			log_losses(key_value(d->vals[s][i]), &lp, &ln);
			sum += s == ps ? lp : ln;
		}
	}
	return sum / (double) (d->n[0] + d->n[1]);
}

static double
brier_of(ScoreData *d)
{
	int			pos = pos_label_slot(d);
	double		sum = 0;
	int			s;

	if (score_mode(d) == SC_MODE_SUMS)
	{
		for (s = 0; s < d->nlabels; s++)
			sum += d->sums[s][s == pos ? S_SQ_POS : S_SQ_NEG];
		return sum / (double) (d->n[0] + d->n[1]);
	}
	need_values(d, "brier_score_loss");
	need_unit(d, "brier_score_loss");
	for (s = 0; s < d->nlabels; s++)
	{
		for (int64 i = 0; i < d->n[s]; i++)
		{
			double		p = key_value(d->vals[s][i]);
			double		e = (s == pos ? 1.0 : 0.0) - p;

			sum += e * e;
		}
	}
	return sum / (double) (d->n[0] + d->n[1]);
}

/* per bin: rows, positive rows, sum of probabilities */
typedef struct Bins
{
	int32		nbins;
	int64	   *n;
	int64	   *npos;
	double	   *sum;
	int64		total;
} Bins;

static void
bins_of(ScoreData *d, int32 nbins, Bins *b)
{
	int			pos = pos_label_slot(d);
	int			s;

	b->nbins = nbins;
	b->n = palloc0(nbins * sizeof(int64));
	b->npos = palloc0(nbins * sizeof(int64));
	b->sum = palloc0(nbins * sizeof(double));
	b->total = d->n[0] + d->n[1];
	if (score_mode(d) == SC_MODE_BINS)
	{
		if (nbins != d->nbins)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the state has %d bins, not %d", d->nbins, nbins)));
		for (int32 i = 0; i < nbins; i++)
			for (s = 0; s < d->nlabels; s++)
			{
				b->n[i] += d->bin_n[i * 2 + s];
				b->sum[i] += d->bin_sum[i * 2 + s];
				if (s == pos)
					b->npos[i] += d->bin_n[i * 2 + s];
			}
		return;
	}
	need_values(d, "calibration");
	need_unit(d, "calibration");
	for (s = 0; s < d->nlabels; s++)
	{
		for (int64 i = 0; i < d->n[s]; i++)
		{
			double		p = key_value(d->vals[s][i]);
			int32		k = bin_of(p, nbins);

			b->n[k]++;
			b->sum[k] += p;
			if (s == pos)
				b->npos[k]++;
		}
	}
}

static double
ece_of(Bins *b)
{
	double		ece = 0;

	for (int32 i = 0; i < b->nbins; i++)
	{
		if (b->n[i] == 0)
			continue;
		ece += (double) b->n[i] / b->total *
			fabs((double) b->npos[i] / b->n[i] - b->sum[i] / b->n[i]);
	}
	return ece;
}

/* ---------------------------------------------------------------------
 * SQL functions
 * ---------------------------------------------------------------------
 */

PG_FUNCTION_INFO_V1(vqc_score_roc_auc);
PG_FUNCTION_INFO_V1(vqc_score_average_precision);
PG_FUNCTION_INFO_V1(vqc_score_log_loss);
PG_FUNCTION_INFO_V1(vqc_score_brier);
PG_FUNCTION_INFO_V1(vqc_score_calibration_curve);
PG_FUNCTION_INFO_V1(vqc_score_calibration_error);
PG_FUNCTION_INFO_V1(vqc_score_confusion_at);
PG_FUNCTION_INFO_V1(vqc_score_count);
PG_FUNCTION_INFO_V1(vqc_score_pairs);
PG_FUNCTION_INFO_V1(vqc_score_ap_part);
PG_FUNCTION_INFO_V1(vqc_score_skipped);
PG_FUNCTION_INFO_V1(vqc_score_overflowed);

/* vqc.roc_auc_score(state): NULL unless both classes occur */
Datum
vqc_score_roc_auc(PG_FUNCTION_ARGS)
{
	ScoreData  *d = score_get_arg(fcinfo, 0);

	need_values(d, "roc_auc_score");
	if (d->nlabels < 2)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(roc_auc(d));
}

/* vqc.average_precision_score(state): NULL without rows */
Datum
vqc_score_average_precision(PG_FUNCTION_ARGS)
{
	ScoreData  *d = score_get_arg(fcinfo, 0);
	int			pos;

	need_values(d, "average_precision_score");
	if (d->nlabels == 0)
		PG_RETURN_NULL();
	pos = ap_pos_slot(d);
	PG_RETURN_FLOAT8(average_precision(d, pos));
}

/* vqc.log_loss(state): NULL unless both classes occur */
Datum
vqc_score_log_loss(PG_FUNCTION_ARGS)
{
	ScoreData  *d = score_get_arg(fcinfo, 0);

	if (d->nlabels < 2)
	{
		if (score_mode(d) == SC_MODE_VALUES)
			need_values(d, "log_loss");
		PG_RETURN_NULL();
	}
	PG_RETURN_FLOAT8(log_loss_of(d));
}

Datum
vqc_score_brier(PG_FUNCTION_ARGS)
{
	ScoreData  *d = score_get_arg(fcinfo, 0);

	if (d->nlabels == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(brier_of(d));
}

static int32
nbins_arg(FunctionCallInfo fcinfo, ScoreData *d)
{
	int32		nbins;

	if (PG_NARGS() < 2 || PG_ARGISNULL(1))
		return score_mode(d) == SC_MODE_BINS ? d->nbins : SC_DEFAULT_BINS;
	nbins = PG_GETARG_INT32(1);
	if (nbins < 1 || nbins > SC_MAX_BINS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("n_bins must be between 1 and %d", SC_MAX_BINS)));
	return nbins;
}

/*
 * vqc.calibration_curve(state, n_bins): the non-empty uniform bins as
 * scikit-learn's calibration_curve, {"n_bins", "bin" (0-based), "count",
 * "prob_true", "prob_pred"}, and the expected calibration error "ece".
 */
Datum
vqc_score_calibration_curve(PG_FUNCTION_ARGS)
{
	ScoreData  *d;
	int32		nbins;
	Bins		b;
	StringInfoData buf;
	const char *parts[] = {"bin", "count", "prob_true", "prob_pred"};

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	d = score_get_arg(fcinfo, 0);
	nbins = nbins_arg(fcinfo, d);

	if (d->nlabels == 0)
		PG_RETURN_NULL();
	bins_of(d, nbins, &b);
	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"n_bins\": %d", nbins);
	for (int part = 0; part < 4; part++)
	{
		bool		first = true;

		appendStringInfo(&buf, ", \"%s\": [", parts[part]);
		for (int32 i = 0; i < nbins; i++)
		{
			if (b.n[i] == 0)
				continue;
			if (!first)
				appendStringInfoString(&buf, ", ");
			first = false;
			if (part == 0)
				appendStringInfo(&buf, "%d", i);
			else if (part == 1)
				appendStringInfo(&buf, INT64_FORMAT, b.n[i]);
			else
				appendStringInfoString(&buf,
									   float8out_internal(part == 2 ? (double) b.npos[i] / b.n[i]
														  : b.sum[i] / b.n[i]));
		}
		appendStringInfoChar(&buf, ']');
	}
	appendStringInfo(&buf, ", \"ece\": %s}", float8out_internal(ece_of(&b)));
	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data)));
}

/* vqc.calibration_error(state, n_bins): the expected calibration error */
Datum
vqc_score_calibration_error(PG_FUNCTION_ARGS)
{
	ScoreData  *d;
	int32		nbins;
	Bins		b;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	d = score_get_arg(fcinfo, 0);
	nbins = nbins_arg(fcinfo, d);

	if (d->nlabels == 0)
		PG_RETURN_NULL();
	bins_of(d, nbins, &b);
	PG_RETURN_FLOAT8(ece_of(&b));
}

/* the key of a label for the confusion state */
static char *
label_key(const ScoreData *d, int64 y)
{
	if (d->flags & SC_BOOL)
		return pstrdup(y ? "true" : "false");
	return psprintf(INT64_FORMAT, y);
}

/*
 * vqc.confusion_at_threshold(state, threshold): the confusion state of the
 * predictions score >= threshold -> the greater label (the lesser below).
 * A state of one label 0 or 1 (or -1) takes the other of 0 and 1 (of -1
 * and 1) as the second class.
 */
Datum
vqc_score_confusion_at(PG_FUNCTION_ARGS)
{
	ScoreData  *d = score_get_arg(fcinfo, 0);
	float8		thr = PG_GETARG_FLOAT8(1);
	int64		neg;
	int64		pos;
	int64		above[2] = {0, 0};
	int			ps;
	int64		tk;

	if (isnan(thr))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("threshold must not be NaN")));
	need_values(d, "confusion_at_threshold");
	if (d->nlabels == 0)
		PG_RETURN_NULL();
	if (d->nlabels == 2)
	{
		ps = greater_slot(d);
		pos = d->label[ps];
		neg = d->label[1 - ps];
	}
	else if (d->label[0] == 0 || d->label[0] == 1)
	{
		pos = 1;
		neg = 0;
		ps = d->label[0] == 1 ? 0 : 1;
	}
	else if (d->label[0] == -1)
	{
		pos = 1;
		neg = -1;
		ps = 1;
	}
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot tell the second class of a single-class y_true"),
				 errdetail("With one label, it must be 0, 1 or -1 (or a boolean).")));
	tk = score_key(thr);
	for (int s = 0; s < d->nlabels; s++)
		for (int64 i = 0; i < d->n[s]; i++)
			above[s] += d->vals[s][i] >= tk;
	/* slot ps holds the positive rows (absent when nlabels is 1 and ps is 1) */
	{
		int64		np = ps < d->nlabels ? d->n[ps] : 0;
		int64		tp = ps < d->nlabels ? above[ps] : 0;
		int			ns = 1 - ps;
		int64		nn = ns < d->nlabels ? d->n[ns] : 0;
		int64		fp = ns < d->nlabels ? above[ns] : 0;

		PG_RETURN_DATUM(vqc_confusion_binary((d->flags & SC_BOOL) ? CONF_KIND_BOOL : CONF_KIND_NUMBER,
											 label_key(d, neg), label_key(d, pos),
											 nn - fp, fp, np - tp, tp, d->skipped));
	}
}

/* the slot of label y, or -1 */
static int
slot_of(const ScoreData *d, int64 y)
{
	for (int s = 0; s < d->nlabels; s++)
	{
		if (d->label[s] == y)
			return s;
	}
	return -1;
}

/*
 * vqc._score_pairs(state, pos bigint) returns bigint: twice the number of
 * (positive, negative) pairs of the state's rows in which the positive
 * scores higher, plus the tied pairs: the part of 2 U (Mann-Whitney) within
 * one key range of vqc.roc_auc_score_by_passes.
 */
Datum
vqc_score_pairs(PG_FUNCTION_ARGS)
{
	ScoreData  *d = score_get_arg(fcinfo, 0);
	int			ps = slot_of(d, PG_GETARG_INT64(1));
	int64		i = 0;
	int64		j = 0;
	uint64		twice_u = 0;
	const int64 *P;
	const int64 *N;
	int64		np;
	int64		nn;

	need_values(d, "roc_auc_score_by_passes");
	if (ps < 0 || d->nlabels < 2)
		PG_RETURN_INT64(0);
	score_sort(d);
	P = d->vals[ps];
	N = d->vals[1 - ps];
	np = d->n[ps];
	nn = d->n[1 - ps];
	while (i < np)
	{
		int64		k = P[i];
		int64		cp = 0;
		int64		eq = 0;

		while (i < np && P[i] == k)
		{
			i++;
			cp++;
		}
		while (j < nn && N[j] < k)
			j++;
		while (j + eq < nn && N[j + eq] == k)
			eq++;
		twice_u += (uint64) cp * (uint64) (2 * j + eq);
	}
	if (twice_u > (uint64) PG_INT64_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("pair count out of range")));
	PG_RETURN_INT64((int64) twice_u);
}

/*
 * vqc._score_ap_part(state, pos, tp_above, fp_above, npos) returns float8:
 * the state's part of average precision when tp_above positive and
 * fp_above negative rows score above all of its rows and npos rows are
 * positive in all (vqc.average_precision_score_by_passes).
 */
Datum
vqc_score_ap_part(PG_FUNCTION_ARGS)
{
	ScoreData  *d = score_get_arg(fcinfo, 0);
	int			ps = slot_of(d, PG_GETARG_INT64(1));
	int64		tp = PG_GETARG_INT64(2);
	int64		fp = PG_GETARG_INT64(3);
	int64		npos = PG_GETARG_INT64(4);
	int			ns;
	const int64 *P;
	const int64 *N;
	int64		i;
	int64		j;
	double		ap = 0;

	need_values(d, "average_precision_score_by_passes");
	if (npos <= 0 || ps < 0)
		PG_RETURN_FLOAT8(0);
	score_sort(d);
	ns = d->nlabels == 2 ? 1 - ps : -1;
	P = d->vals[ps];
	N = ns >= 0 ? d->vals[ns] : NULL;
	i = d->n[ps] - 1;
	j = ns >= 0 ? d->n[ns] - 1 : -1;
	while (i >= 0 || j >= 0)
	{
		int64		k = i < 0 ? N[j] : (j < 0 ? P[i] : Max(P[i], N[j]));
		int64		gained = 0;

		while (i >= 0 && P[i] == k)
		{
			gained++;
			i--;
		}
		while (j >= 0 && N[j] == k)
		{
			fp++;
			j--;
		}
		tp += gained;
		ap += ((double) gained / npos) * ((double) tp / (tp + fp));
	}
	PG_RETURN_FLOAT8(ap);
}

Datum
vqc_score_count(PG_FUNCTION_ARGS)
{
	ScoreData  *d = score_get_arg(fcinfo, 0);

	PG_RETURN_INT64(d->n[0] + d->n[1]);
}

Datum
vqc_score_skipped(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(score_get_arg(fcinfo, 0)->skipped);
}

Datum
vqc_score_overflowed(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL((score_get_arg(fcinfo, 0)->flags & SC_OVERFLOW) != 0);
}
