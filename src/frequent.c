/*-------------------------------------------------------------------------
 *
 * frequent.c
 *	  Misra-Gries frequent values (see frequent.h).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "common/int.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"

#include "frequent.h"

void
freq_init(FreqSketch *f)
{
	memset(f, 0, sizeof(FreqSketch));
}

/*
 * Zeroes what the counters do not use (text past each value's length,
 * padding, items past nitems), so that equal sketches are equal bytes, as
 * freq_read() builds them.
 */
void
freq_clear_unused(FreqSketch *f)
{
	int			i;

	for (i = 0; i < f->nitems; i++)
	{
		FreqItem	it;

		memset(&it, 0, sizeof(it));
		it.hash = f->items[i].hash;
		it.num = f->items[i].num;
		it.len = f->items[i].len;
		it.clipped = f->items[i].clipped;
		memcpy(it.text, f->items[i].text, it.len);
		memcpy(&f->items[i], &it, sizeof(it));
	}
	memset(f->items + f->nitems, 0, (FREQ_K - f->nitems) * sizeof(FreqItem));
	memset(f->count + f->nitems, 0, (FREQ_K - f->nitems) * sizeof(int64));
}

static inline bool
freq_same(const FreqItem *it, uint64 hash, float8 num, bool is_text)
{
	if (it->hash != hash)
		return false;
	return is_text || memcmp(&it->num, &num, sizeof(float8)) == 0;
}

static void
freq_rebuild_index(FreqSketch *f)
{
	int			i;

	memset(f->slot, 0, sizeof(f->slot));
	for (i = 0; i < f->nitems; i++)
	{
		int			j = (int) (f->items[i].hash & (FREQ_SLOTS - 1));

		while (f->slot[j] != 0)
			j = (j + 1) & (FREQ_SLOTS - 1);
		f->slot[j] = (uint8) (i + 1);
	}
}

/* one occurrence of a value */
void
freq_update(FreqSketch *f, uint64 hash, float8 num, const char *text, int len,
			bool clipped, bool is_text)
{
	int			j = (int) (hash & (FREQ_SLOTS - 1));
	FreqItem   *it;
	int			n = f->nitems;
	int			i;
	int			kept;
	bool		emptied = false;

	while (f->slot[j] != 0)
	{
		i = f->slot[j] - 1;
		if (freq_same(&f->items[i], hash, num, is_text))
		{
			f->count[i]++;
			return;
		}
		j = (j + 1) & (FREQ_SLOTS - 1);
	}

	if (n < FREQ_K)
	{
		it = &f->items[n];
		it->hash = hash;
		it->num = num;
		it->len = (uint8) len;
		it->clipped = clipped ? 1 : 0;
		if (len > 0)
			memcpy(it->text, text, len);
		f->count[n] = 1;
		f->nitems = n + 1;
		f->slot[j] = (uint8) f->nitems;
		return;
	}

	/* full: decrement every counter (and the newcomer) by one */
	f->offset++;
	for (i = 0; i < FREQ_K; i++)
	{
		f->count[i]--;
		emptied |= f->count[i] == 0;
	}
	if (!emptied)
		return;
	kept = 0;
	for (i = 0; i < FREQ_K; i++)
	{
		if (f->count[i] > 0)
		{
			if (kept != i)
			{
				f->count[kept] = f->count[i];
				f->items[kept] = f->items[i];
			}
			kept++;
		}
	}
	memset(f->count + kept, 0, (FREQ_K - kept) * sizeof(int64));
	f->nitems = kept;
	freq_rebuild_index(f);
}

static int
cmp_count_desc(const void *a, const void *b)
{
	int64		x = *(const int64 *) a;
	int64		y = *(const int64 *) b;

	return (x < y) - (x > y);
}

/* a := merge(a, b) */
void
freq_merge(FreqSketch *a, const FreqSketch *b, bool is_text)
{
	FreqItem   *all = palloc((FREQ_K * 2) * sizeof(FreqItem));
	int64		allcount[FREQ_K * 2];
	int			nall = a->nitems;
	int			i;
	int64		cut = 0;

	memcpy(all, a->items, a->nitems * sizeof(FreqItem));
	memcpy(allcount, a->count, a->nitems * sizeof(int64));
	for (i = 0; i < b->nitems; i++)
	{
		const FreqItem *bi = &b->items[i];
		int			j;

		for (j = 0; j < a->nitems; j++)
		{
			if (freq_same(&all[j], bi->hash, bi->num, is_text))
				break;
		}
		if (j < a->nitems)
			allcount[j] += b->count[i];
		else
		{
			all[nall] = *bi;
			allcount[nall++] = b->count[i];
		}
	}

	if (nall > FREQ_K)
	{
		int64		sorted[FREQ_K * 2];
		int			kept = 0;

		memcpy(sorted, allcount, nall * sizeof(int64));
		qsort(sorted, nall, sizeof(int64), cmp_count_desc);
		cut = sorted[FREQ_K];	/* the (k+1)-th largest */
		for (i = 0; i < nall; i++)
		{
			if (allcount[i] > cut)
			{
				all[kept] = all[i];
				allcount[kept] = allcount[i] - cut;
				kept++;
			}
		}
		nall = kept;
	}
	Assert(nall <= FREQ_K);
	memcpy(a->items, all, nall * sizeof(FreqItem));
	memset(a->count, 0, sizeof(a->count));
	memcpy(a->count, allcount, nall * sizeof(int64));
	a->nitems = nall;
	a->offset += b->offset + cut;
	freq_rebuild_index(a);
	pfree(all);
}

void
freq_write(StringInfo buf, const FreqSketch *f)
{
	int			i;

	pq_sendint64(buf, (uint64) f->offset);
	pq_sendint32(buf, (uint32) f->nitems);
	for (i = 0; i < f->nitems; i++)
	{
		const FreqItem *it = &f->items[i];
		uint64		bits;

		memcpy(&bits, &it->num, sizeof(bits));
		pq_sendint64(buf, it->hash);
		pq_sendint64(buf, (uint64) f->count[i]);
		pq_sendint64(buf, bits);
		pq_sendbyte(buf, it->len);
		pq_sendbyte(buf, it->clipped);
		pq_sendbytes(buf, it->text, it->len);
	}
}

/*
 * Reads and checks the counters; the caller checks them against the
 * profile (counts against n, hashes against values).
 */
void
freq_read(VqcReader *r, FreqSketch *f, bool is_text)
{
	int			i;
	int			j;

	freq_init(f);
	f->offset = vqc_read_i64(r);
	f->nitems = vqc_read_i32(r);
	if (f->offset < 0)
		vqc_bad_state(r, "The frequent-value offset is negative.");
	if (f->nitems < 0 || f->nitems > FREQ_K)
		vqc_bad_state(r, "The number of frequent-value counters is invalid.");
	for (i = 0; i < f->nitems; i++)
	{
		FreqItem   *it = &f->items[i];
		uint64		bits;

		it->hash = vqc_read_u64(r);
		f->count[i] = vqc_read_i64(r);
		bits = vqc_read_u64(r);
		memcpy(&it->num, &bits, sizeof(bits));
		it->len = vqc_read_u8(r);
		it->clipped = vqc_read_u8(r);
		if (f->count[i] < 1)
			vqc_bad_state(r, "A frequent-value count is not positive.");
		if (it->len > FREQ_TEXT_MAX || it->clipped > 1)
			vqc_bad_state(r, "A frequent value has an invalid length.");
		if (!is_text && (it->len != 0 || it->clipped != 0))
			vqc_bad_state(r, "A numeric frequent value carries text.");
		if (is_text && bits != 0)
			vqc_bad_state(r, "A text frequent value carries a number.");
		memcpy(it->text, vqc_read_bytes(r, it->len), it->len);
		if (!pg_verifymbstr(it->text, it->len, true))
			vqc_bad_state(r, "A stored string is not valid in the server encoding.");
		for (j = 0; j < i; j++)
		{
			if (freq_same(&f->items[j], it->hash, it->num, is_text))
				vqc_bad_state(r, "A frequent value appears twice.");
		}
	}
	freq_rebuild_index(f);
}
