/*-------------------------------------------------------------------------
 *
 * formats.c
 *	  Fast format validators: ISO 8601 dates and date-times, Python strptime
 *	  formats (expect_column_values_to_match_strftime_format) and e-mail
 *	  addresses.
 *
 * All of them parse bytes directly, without regular expressions and without
 * allocating per row; they are evaluated once per row by the runner's scan.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

PG_FUNCTION_INFO_V1(vqc_is_iso8601_date);
PG_FUNCTION_INFO_V1(vqc_is_iso8601_datetime);
PG_FUNCTION_INFO_V1(vqc_matches_strftime);
PG_FUNCTION_INFO_V1(vqc_strftime_validate);
PG_FUNCTION_INFO_V1(vqc_is_email);

#define IS_DIGIT(c)		((c) >= '0' && (c) <= '9')
#define DIGIT2(p)		(((p)[0] - '0') * 10 + ((p)[1] - '0'))

static inline bool
is_leap_year(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static inline int
days_in_month(int y, int m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return (m == 2 && is_leap_year(y)) ? 29 : days[m - 1];
}

static inline bool
all_digits(const char *p, int n)
{
	for (int i = 0; i < n; i++)
		if (!IS_DIGIT(p[i]))
			return false;
	return true;
}

/* "YYYY-MM-DD" in exactly 10 bytes, a real Gregorian calendar date */
static bool
parse_iso_date(const char *p)
{
	int			y,
				m,
				d;

	if (!all_digits(p, 4) || p[4] != '-' || !all_digits(p + 5, 2) ||
		p[7] != '-' || !all_digits(p + 8, 2))
		return false;
	y = DIGIT2(p) * 100 + DIGIT2(p + 2);
	m = DIGIT2(p + 5);
	d = DIGIT2(p + 8);
	return m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

/*
 * vqc.is_iso8601_date(value text) returns boolean
 *
 * ISO 8601 calendar date, extended format only: YYYY-MM-DD with a 4-digit
 * year 0000-9999 (proleptic Gregorian leap years), nothing before or after.
 */
Datum
vqc_is_iso8601_date(PG_FUNCTION_ARGS)
{
	text	   *value = PG_GETARG_TEXT_PP(0);

	PG_RETURN_BOOL(VARSIZE_ANY_EXHDR(value) == 10 &&
				   parse_iso_date(VARDATA_ANY(value)));
}

/*
 * vqc.is_iso8601_datetime(value text) returns boolean
 *
 * YYYY-MM-DD, then T (or t or a space, RFC 3339 practice), then hh:mm,
 * optionally :ss, optionally a fraction of 1-9 digits after '.' or ','
 * (only after seconds), then optionally Z (or z) or an offset +hh:mm,
 * +hhmm or +hh (or -).  hh is 00-23 (24:00 is rejected, as RFC 3339 and
 * ISO 8601-1:2019 do), mm 00-59, ss 00-60 (a leap second is accepted at
 * any minute); offset hours 00-23 and minutes 00-59.  A bare date is false.
 */
Datum
vqc_is_iso8601_datetime(PG_FUNCTION_ARGS)
{
	text	   *value = PG_GETARG_TEXT_PP(0);
	const char *p = VARDATA_ANY(value);
	int			len = VARSIZE_ANY_EXHDR(value);
	int			i;

	if (len < 16 || !parse_iso_date(p))
		PG_RETURN_BOOL(false);
	if (p[10] != 'T' && p[10] != 't' && p[10] != ' ')
		PG_RETURN_BOOL(false);
	if (!all_digits(p + 11, 2) || DIGIT2(p + 11) > 23 || p[13] != ':' ||
		!all_digits(p + 14, 2) || DIGIT2(p + 14) > 59)
		PG_RETURN_BOOL(false);
	i = 16;

	/* seconds and fraction */
	if (i < len && p[i] == ':')
	{
		if (i + 3 > len || !all_digits(p + i + 1, 2) || DIGIT2(p + i + 1) > 60)
			PG_RETURN_BOOL(false);
		i += 3;
		if (i < len && (p[i] == '.' || p[i] == ','))
		{
			int			start = ++i;

			while (i < len && IS_DIGIT(p[i]))
				i++;
			if (i == start || i - start > 9)
				PG_RETURN_BOOL(false);
		}
	}

	/* offset */
	if (i == len)
		PG_RETURN_BOOL(true);
	if (p[i] == 'Z' || p[i] == 'z')
		PG_RETURN_BOOL(i + 1 == len);
	if (p[i] != '+' && p[i] != '-')
		PG_RETURN_BOOL(false);
	i++;
	if (i + 2 > len || !all_digits(p + i, 2) || DIGIT2(p + i) > 23)
		PG_RETURN_BOOL(false);
	i += 2;
	if (i == len)
		PG_RETURN_BOOL(true);	/* +hh */
	if (p[i] == ':')
		i++;
	if (i + 2 != len || !all_digits(p + i, 2) || DIGIT2(p + i) > 59)
		PG_RETURN_BOOL(false);
	PG_RETURN_BOOL(true);
}

/* ---------------------------------------------------------------------
 * Python strptime
 *
 * vqc.matches_strftime(value, format) answers whether Python's
 * datetime.strptime(value, format) would succeed, which is what Great
 * Expectations' expect_column_values_to_match_strftime_format checks.
 * CPython's _strptime turns the format into a regular expression (each
 * directive an alternation, whitespace in the format becoming \s+, the
 * whole compiled with IGNORECASE), takes the FIRST match found from the
 * start of the value (leftmost-first backtracking, no end anchor) and fails
 * if it did not consume the whole value; then it converts the fields and
 * builds a datetime, which fails on an impossible date, second 60/61, year
 * 0 or an offset of 24 hours or more.  This file reproduces that: a
 * backtracking matcher trying each directive's alternatives in CPython's
 * order, then the same conversions and checks.
 *
 * Supported directives: %a %A %b %B %d %f %H %I %j %m %M %p %S %u %w %y %Y
 * %z %Z %%, with the C locale's English names.  Differences from CPython,
 * all on the safe side:
 *	- %c %x %X %U %W %G %V (locale or week-based) are refused as unsupported,
 *	  as is every other directive (CPython also refuses unknown ones);
 *	- a directive used twice is refused (CPython raises re.error);
 *	- %Z accepts UTC and GMT only (CPython adds the host's local zone names);
 *	- digits are ASCII only (CPython's \d also takes other Unicode digits);
 *	- case-insensitive matching folds ASCII letters only.
 * ---------------------------------------------------------------------
 */

typedef enum FmtNodeKind
{
	FMT_LITERAL,				/* bytes fmt[off .. off+len), ASCII case-folded */
	FMT_SPACE,					/* one or more whitespace characters */
	FMT_DIRECTIVE				/* %x */
} FmtNodeKind;

typedef struct FmtNode
{
	FmtNodeKind kind;
	char		directive;
	int			off;
	int			len;
} FmtNode;

typedef struct StrftimeFormat
{
	char	   *format;			/* format bytes this was parsed from */
	int			format_len;
	bool		utf8;			/* Unicode whitespace in UTF-8 databases */
	int			nnodes;
	FmtNode    *nodes;
	int		   *cap_start;		/* per node, set by the matcher */
	int		   *cap_end;
} StrftimeFormat;

static const char *const month_full[12] = {
	"january", "february", "march", "april", "may", "june", "july",
	"august", "september", "october", "november", "december"
};
static const char *const month_abbr[12] = {
	"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
	"nov", "dec"
};
static const char *const weekday_full[7] = {
	"monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
	"sunday"
};
static const char *const weekday_abbr[7] = {
	"mon", "tue", "wed", "thu", "fri", "sat", "sun"
};
static const char *const ampm[2] = {"am", "pm"};
static const char *const zone_names[2] = {"utc", "gmt"};

#define STRFTIME_SUPPORTED "aAbBdfHIjmMpSuwyYzZ%"

/*
 * Length in bytes of the whitespace character at p (Python's \s for str:
 * str.isspace()), or 0.
 */
static inline int
space_len(const unsigned char *p, int avail, bool utf8)
{
	unsigned char c = p[0];

	if (c == ' ' || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f))
		return 1;
	if (!utf8 || c < 0xc2)
		return 0;
	if (c == 0xc2 && avail >= 2 && (p[1] == 0x85 || p[1] == 0xa0))
		return 2;				/* U+0085, U+00A0 */
	if (avail >= 3)
	{
		if (c == 0xe1 && p[1] == 0x9a && p[2] == 0x80)
			return 3;			/* U+1680 */
		if (c == 0xe2 && p[1] == 0x80 &&
			(p[2] <= 0x8a || p[2] == 0xa8 || p[2] == 0xa9 || p[2] == 0xaf))
			return 3;			/* U+2000-U+200A, U+2028, U+2029, U+202F */
		if (c == 0xe2 && p[1] == 0x81 && p[2] == 0x9f)
			return 3;			/* U+205F */
		if (c == 0xe3 && p[1] == 0x80 && p[2] == 0x80)
			return 3;			/* U+3000 */
	}
	return 0;
}

static void
strftime_format_error(const char *p, int avail)
{
	int			clen = pg_mblen(p);

	if (clen > avail)
		clen = avail;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid strftime format: unsupported directive \"%%%.*s\"",
					clen, p),
			 errhint("Supported directives are %%a %%A %%b %%B %%d %%f %%H %%I %%j %%m %%M %%p %%S %%u %%w %%y %%Y %%z %%Z and %%%%.")));
}

/* Parse a format into nodes, allocating in cxt; errors on a bad format */
static StrftimeFormat *
strftime_parse(const char *fmt, int len, MemoryContext cxt)
{
	StrftimeFormat *f;
	bool		utf8 = (GetDatabaseEncoding() == PG_UTF8);
	bool		seen[128] = {false};
	int			i = 0;

	f = MemoryContextAllocZero(cxt, sizeof(StrftimeFormat));
	f->format = MemoryContextAlloc(cxt, len + 1);
	memcpy(f->format, fmt, len);
	f->format[len] = '\0';
	f->format_len = len;
	f->utf8 = utf8;
	/* at most one node per format byte */
	f->nodes = MemoryContextAlloc(cxt, sizeof(FmtNode) * (len + 1));
	f->cap_start = MemoryContextAlloc(cxt, sizeof(int) * (len + 1));
	f->cap_end = MemoryContextAlloc(cxt, sizeof(int) * (len + 1));

	while (i < len)
	{
		const unsigned char *u = (const unsigned char *) fmt;
		FmtNode    *n = &f->nodes[f->nnodes];
		int			sl = space_len(u + i, len - i, utf8);

		if (sl > 0)
		{
			while (i < len && (sl = space_len(u + i, len - i, utf8)) > 0)
				i += sl;
			n->kind = FMT_SPACE;
			f->nnodes++;
		}
		else if (fmt[i] == '%')
		{
			char		d;

			if (i + 1 >= len)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("invalid strftime format: stray \"%%\" at the end of the format"),
						 errhint("Write %%%% for a literal percent sign.")));
			d = fmt[i + 1];
			if (d == '\0' || strchr(STRFTIME_SUPPORTED, d) == NULL)
				strftime_format_error(fmt + i + 1, len - i - 1);
			if (d == '%')
			{
				n->kind = FMT_LITERAL;
				n->off = i + 1;
				n->len = 1;
			}
			else
			{
				if (seen[(int) d])
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("invalid strftime format: directive \"%%%c\" appears more than once", d),
							 errdetail("Python's strptime refuses a repeated directive.")));
				seen[(int) d] = true;
				n->kind = FMT_DIRECTIVE;
				n->directive = d;
			}
			f->nnodes++;
			i += 2;
		}
		else
		{
			/* a run of literal bytes, up to the next % or whitespace */
			n->kind = FMT_LITERAL;
			n->off = i;
			while (i < len && fmt[i] != '%' &&
				   space_len(u + i, len - i, utf8) == 0)
				i++;
			n->len = i - n->off;
			f->nnodes++;
		}
	}
	return f;
}

/* Case-insensitive (ASCII) match of a lower-case name at s[pos..] */
static inline int
match_name(const char *s, int pos, int len, const char *name)
{
	int			n = strlen(name);

	if (len - pos < n)
		return 0;
	for (int i = 0; i < n; i++)
		if (pg_ascii_tolower((unsigned char) s[pos + i]) != name[i])
			return 0;
	return n;
}

#define DG(k)		(pos + (k) < len && IS_DIGIT(s[pos + (k)]))
#define CH(k, lo, hi)	(pos + (k) < len && s[pos + (k)] >= (lo) && s[pos + (k)] <= (hi))
#define CAND(n)		(cand[ncand++] = pos + (n))

/*
 * Candidate end positions for directive d at s[pos], in the order CPython's
 * regular expression tries them.  Returns how many (at most 8).
 */
static int
directive_candidates(char d, const char *s, int pos, int len, int *cand)
{
	int			ncand = 0;

	switch (d)
	{
		case 'd':				/* 3[0-1]|[1-2]\d|0[1-9]|[1-9]| [1-9] */
			if (CH(0, '3', '3') && CH(1, '0', '1'))
				CAND(2);
			if (CH(0, '1', '2') && DG(1))
				CAND(2);
			if (CH(0, '0', '0') && CH(1, '1', '9'))
				CAND(2);
			if (CH(0, '1', '9'))
				CAND(1);
			if (CH(0, ' ', ' ') && CH(1, '1', '9'))
				CAND(2);
			break;
		case 'f':				/* [0-9]{1,6} */
			{
				int			k = 0;

				while (k < 6 && DG(k))
					k++;
				for (; k >= 1; k--)
					CAND(k);
			}
			break;
		case 'H':				/* 2[0-3]|[0-1]\d|\d */
			if (CH(0, '2', '2') && CH(1, '0', '3'))
				CAND(2);
			if (CH(0, '0', '1') && DG(1))
				CAND(2);
			if (DG(0))
				CAND(1);
			break;
		case 'I':				/* 1[0-2]|0[1-9]|[1-9] */
		case 'm':
			if (CH(0, '1', '1') && CH(1, '0', '2'))
				CAND(2);
			if (CH(0, '0', '0') && CH(1, '1', '9'))
				CAND(2);
			if (CH(0, '1', '9'))
				CAND(1);
			break;
		case 'j':
			/* 36[0-6]|3[0-5]\d|[1-2]\d\d|0[1-9]\d|00[1-9]|[1-9]\d|0[1-9]|[1-9] */
			if (CH(0, '3', '3') && CH(1, '6', '6') && CH(2, '0', '6'))
				CAND(3);
			if (CH(0, '3', '3') && CH(1, '0', '5') && DG(2))
				CAND(3);
			if (CH(0, '1', '2') && DG(1) && DG(2))
				CAND(3);
			if (CH(0, '0', '0') && CH(1, '1', '9') && DG(2))
				CAND(3);
			if (CH(0, '0', '0') && CH(1, '0', '0') && CH(2, '1', '9'))
				CAND(3);
			if (CH(0, '1', '9') && DG(1))
				CAND(2);
			if (CH(0, '0', '0') && CH(1, '1', '9'))
				CAND(2);
			if (CH(0, '1', '9'))
				CAND(1);
			break;
		case 'M':				/* [0-5]\d|\d */
			if (CH(0, '0', '5') && DG(1))
				CAND(2);
			if (DG(0))
				CAND(1);
			break;
		case 'S':				/* 6[0-1]|[0-5]\d|\d */
			if (CH(0, '6', '6') && CH(1, '0', '1'))
				CAND(2);
			if (CH(0, '0', '5') && DG(1))
				CAND(2);
			if (DG(0))
				CAND(1);
			break;
		case 'w':
			if (CH(0, '0', '6'))
				CAND(1);
			break;
		case 'u':
			if (CH(0, '1', '7'))
				CAND(1);
			break;
		case 'y':
			if (DG(0) && DG(1))
				CAND(2);
			break;
		case 'Y':
			if (DG(0) && DG(1) && DG(2) && DG(3))
				CAND(4);
			break;
		case 'z':
			/* [+-]\d\d:?[0-5]\d(:?[0-5]\d(\.\d{1,6})?)?|(?-i:Z) */
			if (CH(0, '+', '+') || CH(0, '-', '-'))
			{
				if (DG(1) && DG(2))
				{
					for (int c1 = 1; c1 >= 0; c1--)
					{
						int			q = 3 + c1;

						if (c1 && !CH(3, ':', ':'))
							continue;
						if (!(CH(q, '0', '5') && DG(q + 1)))
							continue;
						q += 2;
						for (int c2 = 1; c2 >= 0; c2--)
						{
							int			r = q + c2;

							if (c2 && !CH(q, ':', ':'))
								continue;
							if (!(CH(r, '0', '5') && DG(r + 1)))
								continue;
							r += 2;
							if (CH(r, '.', '.'))
							{
								int			k = 0;

								while (k < 6 && DG(r + 1 + k))
									k++;
								for (; k >= 1; k--)
									CAND(r + 1 + k);
							}
							CAND(r);
						}
						CAND(q);
					}
				}
			}
			else if (CH(0, 'Z', 'Z'))
				CAND(1);
			break;
		case 'a':
		case 'A':
		case 'b':
		case 'B':
		case 'p':
		case 'Z':
			{
				const char *const *names;
				int			nnames;
				int			k;

				switch (d)
				{
					case 'a':
						names = weekday_abbr, nnames = 7;
						break;
					case 'A':
						names = weekday_full, nnames = 7;
						break;
					case 'b':
						names = month_abbr, nnames = 12;
						break;
					case 'B':
						names = month_full, nnames = 12;
						break;
					case 'p':
						names = ampm, nnames = 2;
						break;
					default:
						names = zone_names, nnames = 2;
						break;
				}
				/* no name is a prefix of another: at most one matches */
				for (k = 0; k < nnames; k++)
				{
					int			n = match_name(s, pos, len, names[k]);

					if (n > 0)
					{
						CAND(n);
						break;
					}
				}
			}
			break;
		default:
			elog(ERROR, "unexpected strftime directive %c", d);
	}
	return ncand;
}

/*
 * Leftmost-first backtracking match of nodes[i..] at s[pos]; on success
 * returns the end of the match (not necessarily len) and leaves the
 * captures of the successful path in f->cap_*; -1 when nothing matches.
 */
static int
strftime_match(StrftimeFormat *f, int i, const char *s, int pos, int len)
{
	FmtNode    *n;

	check_stack_depth();

	/* literals never backtrack: consume them in a loop */
	for (;;)
	{
		if (i == f->nnodes)
			return pos;
		n = &f->nodes[i];
		if (n->kind != FMT_LITERAL)
			break;
		if (len - pos < n->len)
			return -1;
		for (int k = 0; k < n->len; k++)
		{
			unsigned char a = (unsigned char) f->format[n->off + k];
			unsigned char b = (unsigned char) s[pos + k];

			if (a != b && pg_ascii_tolower(a) != pg_ascii_tolower(b))
				return -1;
		}
		pos += n->len;
		i++;
	}

	if (n->kind == FMT_SPACE)
	{
		const unsigned char *u = (const unsigned char *) s;
		int			first,
					end,
					sl;

		/* \s+ is greedy: take the whole run, then give back one at a time */
		sl = pos < len ? space_len(u + pos, len - pos, f->utf8) : 0;
		if (sl == 0)
			return -1;
		first = pos + sl;
		end = first;
		while (end < len && (sl = space_len(u + end, len - end, f->utf8)) > 0)
			end += sl;
		for (;;)
		{
			int			r = strftime_match(f, i + 1, s, end, len);

			if (r >= 0)
				return r;
			if (end == first)
				return -1;
			/* step back one character (whitespace is ASCII or UTF-8) */
			end--;
			while (end > first && (u[end] & 0xc0) == 0x80)
				end--;
		}
	}
	else
	{
		int			cand[32];
		int			ncand = directive_candidates(n->directive, s, pos, len, cand);

		for (int k = 0; k < ncand; k++)
		{
			int			r;

			f->cap_start[i] = pos;
			f->cap_end[i] = cand[k];
			r = strftime_match(f, i + 1, s, cand[k], len);
			if (r >= 0)
				return r;
		}
		return -1;
	}
}

static int
capture_int(const char *s, int start, int end)
{
	int			v = 0;

	for (int k = start; k < end; k++)
		if (IS_DIGIT(s[k]))		/* %d may start with a space */
			v = v * 10 + (s[k] - '0');
	return v;
}

/*
 * CPython's handling of a matched %z: colons must be used consistently,
 * and the offset must be less than 24 hours.
 */
static bool
utc_offset_valid(const char *z, int n)
{
	char		buf[32];
	int			len = n;
	int64		us;

	if (n == 1)
		return true;			/* "Z" */
	Assert(n < (int) sizeof(buf));
	memcpy(buf, z, n);
	if (buf[3] == ':')
	{
		memmove(buf + 3, buf + 4, len - 4);
		len--;
		if (len > 5)
		{
			if (buf[5] != ':')
				return false;	/* "Inconsistent use of :" */
			memmove(buf + 5, buf + 6, len - 6);
			len--;
		}
	}
	else if (len > 5 && buf[5] == ':')
		return false;			/* int(":d") fails */

	us = ((int64) DIGIT2(buf + 1) * 3600 + DIGIT2(buf + 3) * 60 +
		  (len >= 7 ? DIGIT2(buf + 5) : 0)) * 1000000;
	if (len > 8)
	{
		int			frac = 0;

		for (int k = 8; k < 14; k++)
			frac = frac * 10 + (k < len ? buf[k] - '0' : 0);
		us += frac;
	}
	return us < (int64) 86400 * 1000000;
}

/* Does the whole value parse, and make a valid datetime, as CPython's? */
static bool
strftime_check(StrftimeFormat *f, const char *s, int len)
{
	int			year = -1,
				month = 1,
				day = 1,
				second = 0,
				julian = -1;
	bool		leap_fix = false;

	if (strftime_match(f, 0, s, 0, len) != len)
		return false;

	/* fields in format order; a later one overrides an earlier one */
	for (int i = 0; i < f->nnodes; i++)
	{
		FmtNode    *n = &f->nodes[i];
		int			a = f->cap_start[i],
					b = f->cap_end[i];

		if (n->kind != FMT_DIRECTIVE)
			continue;
		switch (n->directive)
		{
			case 'y':
				year = capture_int(s, a, b);
				year += (year <= 68) ? 2000 : 1900;
				break;
			case 'Y':
				year = capture_int(s, a, b);
				break;
			case 'm':
				month = capture_int(s, a, b);
				break;
			case 'b':
			case 'B':
				{
					const char *const *names = n->directive == 'b' ? month_abbr : month_full;

					for (int k = 0; k < 12; k++)
						if (match_name(s, a, b, names[k]) == b - a)
							month = k + 1;
				}
				break;
			case 'd':
				day = capture_int(s, a, b);
				break;
			case 'S':
				second = capture_int(s, a, b);
				break;
			case 'j':
				julian = capture_int(s, a, b);
				break;
			case 'z':
				if (!utc_offset_valid(s + a, b - a))
					return false;
				break;
			default:
				/* %H %I %M %p %f %a %A %w %u %Z cannot make it invalid */
				break;
		}
	}

	if (year < 0 && month == 2 && day == 29)
	{
		year = 1904;
		leap_fix = true;
	}
	else if (year < 0)
		year = 1900;

	if (year < 1)				/* datetime.date(0, ...) fails */
		return false;
	if (julian > 0)
	{
		int			diy = is_leap_year(year) ? 366 : 365;

		/* the day of the year wins over month and day */
		if (julian > diy)
		{
			year++;
			julian -= diy;
			if (year > 9999)
				return false;
		}
		for (month = 1; julian > days_in_month(year, month); month++)
			julian -= days_in_month(year, month);
		day = julian;
	}
	else if (day > days_in_month(year, month))
		return false;

	/* CPython puts the year back to 1900, so Feb 29 without a year fails */
	if (leap_fix)
		year = 1900;
	if (day > days_in_month(year, month))
		return false;

	return second <= 59;		/* %S accepts 60 and 61; datetime does not */
}

static StrftimeFormat *
strftime_get(FunctionCallInfo fcinfo, text *format)
{
	StrftimeFormat *f = (StrftimeFormat *) fcinfo->flinfo->fn_extra;
	const char *fmt = VARDATA_ANY(format);
	int			len = VARSIZE_ANY_EXHDR(format);
	MemoryContext cxt;

	if (f != NULL && f->format_len == len && memcmp(f->format, fmt, len) == 0)
		return f;

	/* a new format: parse it in its own context, replacing the old one */
	cxt = AllocSetContextCreate(fcinfo->flinfo->fn_mcxt, "vqc strftime format",
								ALLOCSET_SMALL_SIZES);
	fcinfo->flinfo->fn_extra = NULL;
	if (f != NULL)
		MemoryContextDelete(GetMemoryChunkContext(f));
	f = strftime_parse(fmt, len, cxt);
	fcinfo->flinfo->fn_extra = f;
	return f;
}

/*
 * vqc.matches_strftime(value text, format text) returns boolean
 */
Datum
vqc_matches_strftime(PG_FUNCTION_ARGS)
{
	text	   *value = PG_GETARG_TEXT_PP(0);
	StrftimeFormat *f = strftime_get(fcinfo, PG_GETARG_TEXT_PP(1));

	PG_RETURN_BOOL(strftime_check(f, VARDATA_ANY(value),
								  VARSIZE_ANY_EXHDR(value)));
}

/*
 * vqc.strftime_validate(format text) returns boolean
 *		true for a format vqc.matches_strftime accepts; error otherwise
 */
Datum
vqc_strftime_validate(PG_FUNCTION_ARGS)
{
	text	   *format = PG_GETARG_TEXT_PP(0);

	(void) strftime_parse(VARDATA_ANY(format), VARSIZE_ANY_EXHDR(format),
						  CurrentMemoryContext);
	PG_RETURN_BOOL(true);
}

/* ---------------------------------------------------------------------
 * E-mail
 * ---------------------------------------------------------------------
 */

/* RFC 5322 atext, except the dot */
static inline bool
is_atext(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || IS_DIGIT(c))
		return true;
	return c != '\0' && strchr("!#$%&'*+/=?^_`{|}~-", c) != NULL;
}

/*
 * vqc.is_email(value text) returns boolean
 *
 * A practical check of an addr-spec (RFC 5321/5322 without the rarely used
 * parts), on bytes:
 *	- ASCII only: internationalized addresses (RFC 6531) are rejected;
 *	- at most 254 bytes in total;
 *	- exactly one '@';
 *	- local part: 1-64 characters of atext (letters, digits and
 *	  !#$%&'*+/=?^_`{|}~-) and dots, no leading, trailing or consecutive
 *	  dot; quoted local parts ("john doe"@x.org) are rejected;
 *	- domain: at most 253 characters, at least two labels separated by
 *	  dots (no trailing dot), each label 1-63 letters, digits or hyphens,
 *	  not starting or ending with a hyphen; the last label is not all
 *	  digits; address literals (user@[192.0.2.1]) are rejected.
 */
Datum
vqc_is_email(PG_FUNCTION_ARGS)
{
	text	   *value = PG_GETARG_TEXT_PP(0);
	const unsigned char *p = (const unsigned char *) VARDATA_ANY(value);
	int			len = VARSIZE_ANY_EXHDR(value);
	int			at = -1;
	int			i;
	int			labels = 0;
	int			label_start;
	bool		label_all_digits = true;

	if (len < 3 || len > 254)
		PG_RETURN_BOOL(false);

	/* local part */
	for (i = 0; i < len && p[i] != '@'; i++)
	{
		if (p[i] == '.')
		{
			if (i == 0 || p[i - 1] == '.')
				PG_RETURN_BOOL(false);
		}
		else if (!is_atext(p[i]))
			PG_RETURN_BOOL(false);
	}
	at = i;
	if (at == len || at == 0 || at > 64 || p[at - 1] == '.')
		PG_RETURN_BOOL(false);

	/* domain */
	if (len - at - 1 > 253)
		PG_RETURN_BOOL(false);
	label_start = at + 1;
	for (i = at + 1; i <= len; i++)
	{
		if (i == len || p[i] == '.')
		{
			int			llen = i - label_start;

			if (llen < 1 || llen > 63 || p[label_start] == '-' || p[i - 1] == '-')
				PG_RETURN_BOOL(false);
			labels++;
			if (i == len)
				break;
			label_start = i + 1;
			label_all_digits = true;
		}
		else if (IS_DIGIT(p[i]))
			continue;
		else if ((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z') ||
				 p[i] == '-')
			label_all_digits = false;
		else
			PG_RETURN_BOOL(false);	/* a second '@', non-ASCII, ... */
	}
	PG_RETURN_BOOL(labels >= 2 && !label_all_digits);
}
