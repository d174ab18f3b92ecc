/*-------------------------------------------------------------------------
 *
 * profile_format.c
 *	  vqc.profile's forms: the stored form (what the aggregate returns and
 *	  tables hold, checked whenever it is read) and the external forms,
 *	  binary (send/recv) and its lower-case hex (out/in), versioned and
 *	  validated completely on input.  The layout is in profile.h; what a
 *	  profile holds is described in profile.c.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"

#include "profile_internal.h"
#include "state_io.h"

#define TYPNAME "vqc.profile"

PG_FUNCTION_INFO_V1(vqc_profile_in);
PG_FUNCTION_INFO_V1(vqc_profile_out);
PG_FUNCTION_INFO_V1(vqc_profile_recv);
PG_FUNCTION_INFO_V1(vqc_profile_send);

/* ---------------------------------------------------------------------
 * The stored form
 * ---------------------------------------------------------------------
 */

/*
 * Zeroes every byte of a stored form that no field uses (the tails of the
 * text min/max, padding, the sketches' free space), so that logically
 * equal profiles are equal bytes, as profile_parse() builds them.
 */
static void
profile_clear_unused(ProfileState *s)
{
	memset(s->mintext + s->minlen, 0, PROFILE_CLIP - s->minlen);
	memset(s->maxtext + s->maxlen, 0, PROFILE_CLIP - s->maxlen);
	s->pad = s->pad2 = 0;
	if (s->flags & PF_SKETCH)
	{
		freq_clear_unused(&PROFILE_SKETCH(s)->freq);
		kll_clear_unused(&PROFILE_SKETCH(s)->kll);
		PROFILE_SKETCH(s)->pad = 0;
	}
}

/*
 * s itself when it is flushed already, else a flushed copy, which ends
 * before batch[]: what the aggregate returns and tables store.
 */
static ProfileState *
profile_flushed(ProfileState *s)
{
	ProfileState *c;

	if (!(s->flags & PF_SKETCH) || VARSIZE(s) == PROFILE_FLUSHED_SIZE)
		return s;
	c = palloc(PROFILE_SKETCH_SIZE);
	memcpy(c, s, PROFILE_SKETCH_SIZE);
	profile_flush_batch(c);
	SET_VARSIZE(c, PROFILE_FLUSHED_SIZE);
	profile_clear_unused(c);
	return c;
}

/*
 * The stored form of a state leaving an aggregate or vqc.merge, always a
 * copy: flushed (see above), exact data trimmed to what is used, unused
 * bytes zeroed (a merged state may be flushed and still hold stale bytes).
 */
ProfileState *
profile_stored(ProfileState *s)
{
	ProfileState *c;

	if (!(s->flags & PF_SKETCH))
		c = profile_alloc_exact(s, s->exact_used);
	else if (VARSIZE(s) != PROFILE_FLUSHED_SIZE)
		return profile_flushed(s);
	else
	{
		c = palloc(PROFILE_FLUSHED_SIZE);
		memcpy(c, s, PROFILE_FLUSHED_SIZE);
	}
	profile_clear_unused(c);
	return c;
}

/* A read-only, detoasted, checked profile, its batch not flushed. */
ProfileState *
profile_checked(Datum d)
{
	ProfileState *s = (ProfileState *) PG_DETOAST_DATUM(d);
	bool		ok;

	if (VARSIZE(s) >= PROFILE_HDRSZ && s->version != VQC_STATE_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("stored vqc profile has an unsupported format version"),
				 errdetail("The profile has format version %u; this version of vqc reads format version %d.",
						   (unsigned int) s->version, VQC_STATE_VERSION),
				 errhint(VQC_OLD_STATE_HINT)));
	ok = VARSIZE(s) >= PROFILE_HDRSZ && s->kind <= PK_TEXT;
	if (ok && (s->flags & PF_SKETCH))
		ok = (VARSIZE(s) == PROFILE_SKETCH_SIZE ||
			  VARSIZE(s) == PROFILE_FLUSHED_SIZE) &&
			PROFILE_SKETCH(s)->nbatch >= 0 &&
			(PROFILE_SKETCH(s)->nbatch == 0 || VARSIZE(s) == PROFILE_SKETCH_SIZE) &&
			PROFILE_SKETCH(s)->nbatch < PROFILE_BATCH &&
			(PROFILE_SKETCH(s)->nbatch == 0 || s->kind == PK_NUMERIC ||
			 s->kind == PK_TEMPORAL);
	else if (ok)
		ok = s->exact_cap >= 0 && s->exact_used >= 0 &&
			s->exact_used <= s->exact_cap &&
			VARSIZE(s) == PROFILE_HDRSZ + (Size) s->exact_cap;
	if (!ok)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("unsupported or corrupt vqc state"),
				 errdetail("The stored profile was not written by this version of vqc.")));
	return s;
}

/* A read-only, detoasted, checked profile. */
ProfileState *
profile_from_datum(Datum d)
{
	return profile_flushed(profile_checked(d));
}

/* ---------------------------------------------------------------------
 * External forms
 * ---------------------------------------------------------------------
 */

/*
 * Binary form (network byte order): header ("VQCP", version, flags), kind
 * (uint8), type oid (uint32), rows, nulls, nan, +inf, -inf, true, false
 * (int64 each), moments n (int64), mean, M2, M3, M4, min, max (float8
 * each), text length min, max, total (int64 each), text min and max (uint8
 * length + bytes each), then
 *	  exact mode: value count (int32) and the values: float8 each, or
 *		(uint32 length + bytes) each for text;
 *	  sketch mode: the 16384 HyperLogLog registers (uint8 each), the
 *		frequent values (frequent.c), and for numbers and temporal values
 *		the KLL sketch (kll.c).
 * The writers and the readers below take the sections in this order.
 */

static inline void
send_f8(StringInfo buf, float8 x)
{
	uint64		bits;

	memcpy(&bits, &x, sizeof(bits));
	pq_sendint64(buf, bits);
}

static inline float8
read_f8(VqcReader *r)
{
	uint64		bits = vqc_read_u64(r);
	float8		x;

	memcpy(&x, &bits, sizeof(x));
	return x;
}


/* ---------------------------------------------------------------------
 * Writing
 * ---------------------------------------------------------------------
 */

/* from the kind to the text min and max */
static void
write_summary(StringInfo buf, const ProfileState *s)
{
	pq_sendbyte(buf, s->kind);
	pq_sendint32(buf, s->typid);
	pq_sendint64(buf, (uint64) s->rows);
	pq_sendint64(buf, (uint64) s->nulls);
	pq_sendint64(buf, (uint64) s->nan);
	pq_sendint64(buf, (uint64) s->posinf);
	pq_sendint64(buf, (uint64) s->neginf);
	pq_sendint64(buf, (uint64) s->ntrue);
	pq_sendint64(buf, (uint64) s->nfalse);
	pq_sendint64(buf, (uint64) s->mom.n);
	send_f8(buf, s->mom.mean);
	send_f8(buf, s->mom.m2);
	send_f8(buf, s->mom.m3);
	send_f8(buf, s->mom.m4);
	send_f8(buf, s->mom.min);
	send_f8(buf, s->mom.max);
	pq_sendint64(buf, (uint64) s->len_min);
	pq_sendint64(buf, (uint64) s->len_max);
	pq_sendint64(buf, (uint64) s->len_total);
	pq_sendbyte(buf, s->minlen);
	pq_sendbytes(buf, s->mintext, s->minlen);
	pq_sendbyte(buf, s->maxlen);
	pq_sendbytes(buf, s->maxtext, s->maxlen);
}

static void
write_exact(StringInfo buf, const ProfileState *s)
{
	const char *p = s->data;
	int32		i;

	pq_sendint32(buf, (uint32) s->nexact);
	for (i = 0; i < s->nexact; i++)
	{
		if (s->kind == PK_TEXT)
		{
			int32		len;
			const char *v = text_entry(p, &len);

			pq_sendint32(buf, (uint32) len);
			pq_sendbytes(buf, v, len);
			p = v + len;
		}
		else
		{
			float8		x;

			memcpy(&x, p, sizeof(x));
			send_f8(buf, x);
			p += sizeof(float8);
		}
	}
}

static void
write_sketches(StringInfo buf, const ProfileState *s)
{
	const ProfileSketch *sk = PROFILE_SKETCH(s);

	pq_sendbytes(buf, (const char *) sk->hll, HLL_M);
	freq_write(buf, &sk->freq);
	if (s->kind != PK_TEXT)
		kll_write(buf, &sk->kll);
}

static void
profile_write(StringInfo buf, const ProfileState *s)
{
	enlargeStringInfo(buf, 256 + (s->flags & PF_SKETCH ? sizeof(ProfileSketch) : s->exact_used));
	vqc_write_header(buf, VQC_MAGIC_PROFILE, s->flags);
	write_summary(buf, s);
	if (!(s->flags & PF_SKETCH))
		write_exact(buf, s);
	else
		write_sketches(buf, s);
}

/* ---------------------------------------------------------------------
 * Reading: one function per section, in the form's order.  The fields
 * that a check relates are all read before it, so a truncated form
 * reports its truncation first.
 * ---------------------------------------------------------------------
 */

/* subtracts c from *rem, rejecting when c is negative or exceeds it */
static void
take_count(VqcReader *r, int64 *rem, int64 c, const char *detail)
{
	if (c < 0 || c > *rem)
		vqc_bad_state(r, detail);
	*rem -= c;
}

static bool
is_canonical(float8 x)
{
	float8		c = canonical(x);

	return memcmp(&c, &x, sizeof(x)) == 0;
}

/* text in a state must be valid in the server encoding, as text input is */
static void
check_encoding(VqcReader *r, const char *p, int len)
{
	if (!pg_verifymbstr(p, len, true))
		vqc_bad_state(r, "A stored string is not valid in the server encoding.");
}

/* magic, version and flags, kind and type */
static void
read_header(VqcReader *r, ProfileState *hdr)
{
	uint16		flags = vqc_read_header(r, VQC_MAGIC_PROFILE);

	if (flags & ~PF_ALL_FLAGS)
		vqc_bad_state(r, "The state has unknown flag bits set.");
	hdr->version = VQC_STATE_VERSION;
	hdr->flags = flags;
	hdr->kind = vqc_read_u8(r);
	hdr->typid = vqc_read_u32(r);
	if (hdr->kind > PK_TEXT)
		vqc_bad_state(r, "The profile kind is invalid.");
	if (hdr->kind == PK_EMPTY ? hdr->typid != InvalidOid :
		profile_kind_of_type(hdr->typid) != hdr->kind)
		vqc_bad_state(r, "The profile's type does not match its kind.");
}

/* the counts, the moments, the text lengths and the text min and max */
static void
read_summary(VqcReader *r, ProfileState *hdr)
{
	hdr->rows = vqc_read_i64(r);
	hdr->nulls = vqc_read_i64(r);
	hdr->nan = vqc_read_i64(r);
	hdr->posinf = vqc_read_i64(r);
	hdr->neginf = vqc_read_i64(r);
	hdr->ntrue = vqc_read_i64(r);
	hdr->nfalse = vqc_read_i64(r);
	hdr->mom.n = vqc_read_i64(r);
	hdr->mom.mean = read_f8(r);
	hdr->mom.m2 = read_f8(r);
	hdr->mom.m3 = read_f8(r);
	hdr->mom.m4 = read_f8(r);
	hdr->mom.min = read_f8(r);
	hdr->mom.max = read_f8(r);
	hdr->len_min = vqc_read_i64(r);
	hdr->len_max = vqc_read_i64(r);
	hdr->len_total = vqc_read_i64(r);
	hdr->minlen = vqc_read_u8(r);
	if (hdr->minlen > PROFILE_CLIP)
		vqc_bad_state(r, "The text minimum is too long.");
	memcpy(hdr->mintext, vqc_read_bytes(r, hdr->minlen), hdr->minlen);
	hdr->maxlen = vqc_read_u8(r);
	if (hdr->maxlen > PROFILE_CLIP)
		vqc_bad_state(r, "The text maximum is too long.");
	memcpy(hdr->maxtext, vqc_read_bytes(r, hdr->maxlen), hdr->maxlen);
	check_encoding(r, hdr->mintext, hdr->minlen);
	check_encoding(r, hdr->maxtext, hdr->maxlen);
}

/*
 * Everything non-null is accounted for exactly once, as the kind allows.
 * Returns the non-null count.
 */
static int64
check_counts(VqcReader *r, const ProfileState *hdr)
{
	int64		nn;
	int64		rem;

	if (hdr->rows < 0 || hdr->nulls < 0 || hdr->nulls > hdr->rows)
		vqc_bad_state(r, "The row and null counts are inconsistent.");
	nn = hdr->rows - hdr->nulls;
	if (hdr->kind == PK_EMPTY && hdr->rows != 0)
		vqc_bad_state(r, "An empty profile must have no rows.");
	rem = nn;
	take_count(r, &rem, hdr->nan, "The NaN count is inconsistent.");
	take_count(r, &rem, hdr->posinf, "The +Infinity count is inconsistent.");
	take_count(r, &rem, hdr->neginf, "The -Infinity count is inconsistent.");
	take_count(r, &rem, hdr->ntrue, "The true count is inconsistent.");
	take_count(r, &rem, hdr->nfalse, "The false count is inconsistent.");
	take_count(r, &rem, hdr->mom.n, "The moments count is inconsistent.");
	switch (hdr->kind)
	{
		case PK_NUMERIC:
		case PK_TEMPORAL:
			if (rem != 0 || hdr->ntrue != 0 || hdr->nfalse != 0 ||
				(hdr->kind == PK_TEMPORAL && hdr->nan != 0))
				vqc_bad_state(r, "The value counts do not add up to the non-null count.");
			break;
		case PK_BOOLEAN:
			if (rem != 0 || hdr->nan != 0 || hdr->posinf != 0 || hdr->neginf != 0 || hdr->mom.n != 0)
				vqc_bad_state(r, "The value counts do not add up to the non-null count.");
			break;
		default:
			if (rem != nn)
				vqc_bad_state(r, "The value counts do not fit the profile's kind.");
			break;
	}
	return nn;
}

static void
check_moments(VqcReader *r, const Moments *mom)
{
	if (mom->n == 0)
	{
		if (mom->mean != 0 || mom->m2 != 0 || mom->m3 != 0 ||
			mom->m4 != 0 || mom->min != 0 || mom->max != 0)
			vqc_bad_state(r, "The moments of no values must be zero.");
	}
	else if (!isfinite(mom->mean) || !isfinite(mom->m2) ||
			 !isfinite(mom->m3) || !isfinite(mom->m4) ||
			 !isfinite(mom->min) || !isfinite(mom->max) ||
			 mom->m2 < 0 || mom->m4 < 0 || mom->min > mom->max)
		vqc_bad_state(r, "The moments are invalid.");
}

/* text lengths and min/max: only for text with values, and consistent */
static void
check_text_summary(VqcReader *r, const ProfileState *hdr, int64 nn)
{
	if (hdr->kind == PK_TEXT && nn > 0)
	{
		if (hdr->len_min < 0 || hdr->len_min > hdr->len_max || hdr->len_total < hdr->len_max)
			vqc_bad_state(r, "The text lengths are inconsistent.");
		if (clipped_cmp(hdr->mintext, hdr->minlen, (hdr->flags & PF_MIN_CLIPPED) != 0,
						hdr->maxtext, hdr->maxlen, (hdr->flags & PF_MAX_CLIPPED) != 0) > 0)
			vqc_bad_state(r, "The text minimum is above the maximum.");
	}
	else if (hdr->len_min != 0 || hdr->len_max != 0 || hdr->len_total != 0 ||
			 hdr->minlen != 0 || hdr->maxlen != 0 ||
			 (hdr->flags & (PF_MIN_CLIPPED | PF_MAX_CLIPPED)))
		vqc_bad_state(r, "Text statistics are present where they do not belong.");
}

/*
 * Exact text values: a first pass checks the lengths against the bytes
 * present and the budget, so that the state is allocated once.
 */
static ProfileState *
read_exact_texts(VqcReader *r, const ProfileState *hdr, int32 nexact)
{
	const char *start = r->p;
	int64		used = 0;
	ProfileState *s;
	char	   *p;
	int32		i;

	for (i = 0; i < nexact; i++)
	{
		int32		l = vqc_read_i32(r);

		if (l < 0)
			vqc_bad_state(r, "A stored string has a negative length.");
		used += sizeof(uint32) + (int64) l;
		if (used > PROFILE_EXACT_TEXT_BYTES)
			vqc_bad_state(r, "An exact profile holds too many bytes of text.");
		vqc_read_bytes(r, l);
	}
	s = profile_alloc_exact(hdr, (int32) used);
	p = s->data;
	r->p = start;
	for (i = 0; i < nexact; i++)
	{
		uint32		l = vqc_read_u32(r);

		memcpy(p, &l, sizeof(uint32));
		memcpy(p + sizeof(uint32), vqc_read_bytes(r, l), l);
		check_encoding(r, p + sizeof(uint32), l);
		p += sizeof(uint32) + l;
	}
	s->exact_used = (int32) used;
	return s;
}

/* exact numbers: canonical, within min and max, matching the NaN and infinity counts */
static ProfileState *
read_exact_numbers(VqcReader *r, const ProfileState *hdr, int32 nexact)
{
	ProfileState *s;
	float8	   *v;
	int64		cnan = 0;
	int64		cpos = 0;
	int64		cneg = 0;
	int32		i;

	if ((uint64) nexact > vqc_reader_remaining(r) / sizeof(float8))
		vqc_bad_state(r, "The state is truncated: it claims more values than it holds.");
	s = profile_alloc_exact(hdr, nexact * (int32) sizeof(float8));
	v = (float8 *) s->data;
	for (i = 0; i < nexact; i++)
	{
		v[i] = read_f8(r);
		if (!is_canonical(v[i]))
			vqc_bad_state(r, "A stored value is not in canonical form.");
		if (isnan(v[i]))
			cnan++;
		else if (isinf(v[i]))
		{
			if (v[i] > 0)
				cpos++;
			else
				cneg++;
		}
		else if (v[i] < hdr->mom.min || v[i] > hdr->mom.max)
			vqc_bad_state(r, "A stored value lies outside the minimum and maximum.");
	}
	if (cnan != hdr->nan || cpos != hdr->posinf || cneg != hdr->neginf)
		vqc_bad_state(r, "The stored values do not match the NaN and infinity counts.");
	s->exact_used = nexact * (int32) sizeof(float8);
	return s;
}

/* exact mode: the value count, then the values */
static ProfileState *
read_exact(VqcReader *r, const ProfileState *hdr, int64 nn)
{
	int32		nexact = vqc_read_i32(r);
	ProfileState *s;

	if (hdr->kind == PK_EMPTY || hdr->kind == PK_BOOLEAN ? nexact != 0 : nexact != nn)
		vqc_bad_state(r, "The number of stored values does not match the count.");
	if (nexact > PROFILE_EXACT_CAP)
		vqc_bad_state(r, "An exact profile holds too many values.");
	if (hdr->kind == PK_TEXT)
		s = read_exact_texts(r, hdr, nexact);
	else
		s = read_exact_numbers(r, hdr, nexact);
	s->nexact = nexact;
	return s;
}

static void
read_hll(VqcReader *r, uint8 *hll)
{
	const uint8 *regs = (const uint8 *) vqc_read_bytes(r, HLL_M);
	int			i;

	for (i = 0; i < HLL_M; i++)
	{
		if (regs[i] > HLL_MAX_REGISTER)
			vqc_bad_state(r, "A HyperLogLog register is out of range.");
	}
	memcpy(hll, regs, HLL_M);
}

/* frequent values: counts within nn, numbers canonical and hashed right */
static void
read_frequent(VqcReader *r, FreqSketch *freq, int kind, int64 nn)
{
	int64		fr = nn;
	int			i;

	freq_read(r, freq, kind == PK_TEXT);
	for (i = 0; i < freq->nitems; i++)
	{
		const FreqItem *it = &freq->items[i];

		take_count(r, &fr, freq->count[i], "The frequent-value counts exceed the non-null count.");
		if (kind != PK_TEXT)
		{
			if (!is_canonical(it->num) || (kind == PK_TEMPORAL && isnan(it->num)))
				vqc_bad_state(r, "A frequent value is not a valid number.");
			if (it->hash != hash_number(it->num))
				vqc_bad_state(r, "A frequent value does not match its hash.");
		}
	}
	if (freq->offset > fr / (FREQ_K + 1))
		vqc_bad_state(r, "The frequent-value error bound exceeds n / (k + 1).");
}

/* sketch mode: HyperLogLog, frequent values, KLL (numbers and temporal) */
static ProfileState *
read_sketches(VqcReader *r, const ProfileState *hdr, int64 nn)
{
	ProfileState *s;
	ProfileSketch *sk;

	if (hdr->kind == PK_EMPTY || hdr->kind == PK_BOOLEAN || nn == 0)
		vqc_bad_state(r, "This profile cannot be in sketch mode.");
	s = profile_alloc_sketch(hdr);
	SET_VARSIZE(s, PROFILE_FLUSHED_SIZE);	/* the stored form */
	sk = PROFILE_SKETCH(s);
	read_hll(r, sk->hll);
	read_frequent(r, &sk->freq, hdr->kind, nn);
	if (hdr->kind != PK_TEXT)
	{
		kll_read(r, &sk->kll);
		if (sk->kll.n != nn - hdr->nan)
			vqc_bad_state(r, "The quantile sketch count does not match the non-NaN count.");
	}
	return s;
}

/* a binary form read and checked whole: the stored form it stands for */
static ProfileState *
profile_parse(const char *data, Size len, int errcode)
{
	VqcReader	r;
	ProfileState hdr;
	ProfileState *s;
	int64		nn;

	memset(&hdr, 0, sizeof(hdr));
	vqc_reader_init(&r, data, len, errcode, TYPNAME);
	read_header(&r, &hdr);
	read_summary(&r, &hdr);
	nn = check_counts(&r, &hdr);
	check_moments(&r, &hdr.mom);
	check_text_summary(&r, &hdr, nn);
	if (!(hdr.flags & PF_SKETCH))
		s = read_exact(&r, &hdr, nn);
	else
		s = read_sketches(&r, &hdr, nn);
	vqc_read_end(&r);
	return s;
}

Datum
vqc_profile_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	Size		len;
	char	   *bin = vqc_hex_decode(str, &len, TYPNAME);

	PG_RETURN_POINTER(profile_parse(bin, len, ERRCODE_INVALID_TEXT_REPRESENTATION));
}

Datum
vqc_profile_out(PG_FUNCTION_ARGS)
{
	ProfileState *s = profile_get_arg(fcinfo, 0);
	StringInfoData buf;

	initStringInfo(&buf);
	profile_write(&buf, s);
	PG_RETURN_CSTRING(vqc_hex_encode(buf.data, buf.len, TYPNAME));
}

Datum
vqc_profile_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	ProfileState *s;

	s = profile_parse(buf->data + buf->cursor, buf->len - buf->cursor,
					  ERRCODE_INVALID_BINARY_REPRESENTATION);
	buf->cursor = buf->len;
	PG_RETURN_POINTER(s);
}

Datum
vqc_profile_send(PG_FUNCTION_ARGS)
{
	ProfileState *s = profile_get_arg(fcinfo, 0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	profile_write(&buf, s);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}
