/*-------------------------------------------------------------------------
 *
 * like_match.c
 *	  vqc.like_match(value text, pattern text): value LIKE pattern, exactly
 *	  as PostgreSQL's text ~~ text (the same answers and the same errors),
 *	  for the LIKE expectations of a suite's scan.  PostgreSQL checks the
 *	  collation and walks the pattern on every row; here a pattern made of
 *	  literal characters (escaped or not) and % is compiled once per call
 *	  site into its literal segments, and a value matches when the first
 *	  segment is its prefix (unless the pattern starts with %), the last its
 *	  suffix (unless it ends with %), and the others occur in order in
 *	  between, each at its leftmost place: the greedy match is the classic
 *	  answer for patterns without single-character wildcards.  Segments are
 *	  compared as bytes, which is LIKE's comparison (case-sensitive, by
 *	  character) in a single-byte encoding and in UTF-8, where a character's
 *	  bytes match only at a character boundary.  Anything else (a pattern
 *	  with _, a pattern ending in its escape character, another multibyte
 *	  encoding) goes to PostgreSQL's textlike itself; the collation goes
 *	  through textlike once, so that a nondeterministic one raises its error.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(vqc_like_match);

/* A compiled pattern, kept in fn_extra and rebuilt when the pattern changes. */
typedef struct LikeCache
{
	Oid			collation;		/* checked through textlike */
	bool		collation_checked;
	bool		stable;			/* the pattern is a constant or parameter */
	char	   *pattern;		/* the pattern's bytes */
	int			patlen;
	bool		fast;			/* literals and % only, in a byte-comparable encoding */
	bool		has_percent;
	bool		anchored_start; /* does not start with % */
	bool		anchored_end;	/* does not end with an unescaped % */
	int			nseg;			/* non-empty literal segments, in order */
	int		   *seg_off;		/* into lit */
	int		   *seg_len;
	char	   *lit;			/* the segments' bytes, unescaped */
} LikeCache;

/* Compiles p into c (allocated in cxt); c->fast false when it cannot. */
static void
like_compile(LikeCache *c, const char *p, int plen, MemoryContext cxt)
{
	int			i = 0;
	int			cur = 0;		/* bytes in the current segment */
	int			nlit = 0;

	c->pattern = MemoryContextAlloc(cxt, Max(plen, 1));
	memcpy(c->pattern, p, plen);
	c->patlen = plen;
	c->lit = MemoryContextAlloc(cxt, Max(plen, 1));
	/* at most plen / 2 + 1 segments */
	c->seg_off = MemoryContextAlloc(cxt, sizeof(int) * (plen / 2 + 1));
	c->seg_len = MemoryContextAlloc(cxt, sizeof(int) * (plen / 2 + 1));
	c->nseg = 0;
	c->has_percent = false;
	c->anchored_start = !(plen > 0 && p[0] == '%');
	c->anchored_end = true;
	c->fast = pg_database_encoding_max_length() == 1 || GetDatabaseEncoding() == PG_UTF8;

	while (i < plen && c->fast)
	{
		char		ch = p[i];

		if (ch == '_')
			c->fast = false;
		else if (ch == '%')
		{
			c->has_percent = true;
			if (cur > 0)
			{
				c->seg_off[c->nseg] = nlit - cur;
				c->seg_len[c->nseg++] = cur;
				cur = 0;
			}
			c->anchored_end = false;
			i++;
			continue;
		}
		else if (ch == '\\')
		{
			/* the next byte is literal; a final escape is textlike's to judge */
			if (i + 1 >= plen)
				c->fast = false;
			else
			{
				c->lit[nlit++] = p[i + 1];
				cur++;
				c->anchored_end = true;
				i += 2;
				continue;
			}
		}
		else
		{
			c->lit[nlit++] = ch;
			cur++;
			c->anchored_end = true;
		}
		i++;
	}
	if (cur > 0)
	{
		c->seg_off[c->nseg] = nlit - cur;
		c->seg_len[c->nseg++] = cur;
	}
}

/* leftmost occurrence of n bytes at needle in s[0..len), or NULL */
static const char *
find_bytes(const char *s, int len, const char *needle, int n)
{
	const char *end = s + len - n;

	while (s <= end)
	{
		const char *hit = memchr(s, needle[0], end - s + 1);

		if (hit == NULL)
			return NULL;
		/* memchr matched the first byte */
		if (n == 1 || memcmp(hit + 1, needle + 1, n - 1) == 0)
			return hit;
		s = hit + 1;
	}
	return NULL;
}

/* s LIKE the compiled pattern c (c->fast) */
static bool
like_fast(const LikeCache *c, const char *s, int slen)
{
	int			pos = 0;
	int			end = slen;
	int			first = 0;
	int			last = c->nseg - 1;
	int			k;

	if (!c->has_percent)
		return c->nseg == 0 ? slen == 0
			: slen == c->seg_len[0] && memcmp(s, c->lit + c->seg_off[0], slen) == 0;
	if (c->anchored_start && c->nseg > 0)
	{
		if (slen < c->seg_len[0] || memcmp(s, c->lit + c->seg_off[0], c->seg_len[0]) != 0)
			return false;
		pos = c->seg_len[0];
		first = 1;
	}
	if (c->anchored_end && last >= first)
	{
		if (end - pos < c->seg_len[last] ||
			memcmp(s + end - c->seg_len[last], c->lit + c->seg_off[last], c->seg_len[last]) != 0)
			return false;
		end -= c->seg_len[last];
		last--;
	}
	for (k = first; k <= last; k++)
	{
		const char *hit = find_bytes(s + pos, end - pos, c->lit + c->seg_off[k], c->seg_len[k]);

		if (hit == NULL)
			return false;
		pos = (int) (hit - s) + c->seg_len[k];
	}
	return true;
}

Datum
vqc_like_match(PG_FUNCTION_ARGS)
{
	text	   *value = PG_GETARG_TEXT_PP(0);
	text	   *pat = PG_GETARG_TEXT_PP(1);
	Oid			collation = PG_GET_COLLATION();
	LikeCache  *c = (LikeCache *) fcinfo->flinfo->fn_extra;
	const char *p = VARDATA_ANY(pat);
	int			plen = VARSIZE_ANY_EXHDR(pat);

	if (c == NULL)
	{
		c = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(LikeCache));
		c->stable = get_fn_expr_arg_stable(fcinfo->flinfo, 1);
		fcinfo->flinfo->fn_extra = c;
	}
	if (!c->collation_checked || c->collation != collation)
	{
		/* the collation's checks and errors are textlike's */
		(void) DirectFunctionCall2Coll(textlike, collation,
									   PointerGetDatum(cstring_to_text("")),
									   PointerGetDatum(cstring_to_text("")));
		c->collation = collation;
		c->collation_checked = true;
	}
	/* a pattern that may change from row to row is compared each time */
	if (c->pattern == NULL ||
		(!c->stable && (c->patlen != plen || memcmp(c->pattern, p, plen) != 0)))
	{
		if (c->pattern != NULL)
		{
			pfree(c->pattern);
			pfree(c->lit);
			pfree(c->seg_off);
			pfree(c->seg_len);
		}
		like_compile(c, p, plen, fcinfo->flinfo->fn_mcxt);
	}
	if (!c->fast)
		return DirectFunctionCall2Coll(textlike, collation, PointerGetDatum(value), PointerGetDatum(pat));
	PG_RETURN_BOOL(like_fast(c, VARDATA_ANY(value), VARSIZE_ANY_EXHDR(value)));
}
