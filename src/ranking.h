/*-------------------------------------------------------------------------
 *
 * ranking.h
 *	  The layout of vqc.ranking_state (ranking.c) and the helpers that the
 *	  all-queries aggregates (ranking_all.c) share with it.
 *
 *-------------------------------------------------------------------------
 */
#ifndef VQC_RANKING_H
#define VQC_RANKING_H

#include "fmgr.h"
#include "lib/stringinfo.h"

/* the largest k: a state holds at most 2k + 16 groups of 40 bytes */
#define RANK_MAX_K				1000000

typedef struct RankGroup
{
	double		score;
	int64		count;			/* items with this score */
	int64		nrel;			/* of them relevant (relevance > 0) */
	double		gain;			/* sum of their relevances */
} RankGroup;

/* a row not yet compacted: 16 bytes where a group takes 40 with its relevance */
typedef struct RankPair
{
	double		score;
	double		rel;
} RankPair;

typedef struct RankingState
{
	int32		vl_len_;		/* varlena header (do not touch directly) */
	uint16		version;		/* VQC_STATE_VERSION */
	uint16		flags;			/* reserved, 0 */
	int32		k;				/* the cut-off, 0 before the first row */
	int32		pcap;			/* room for pcap pairs */
	int32		npairs;			/* rows appended since the last compaction */
	int32		gcap;			/* room for gcap groups and gcap relevances */
	int32		ngroups;
	int32		nrels;
	int64		n;				/* items taken */
	int64		nulls;			/* rows skipped for a NULL */
	int64		nrelevant;		/* items with relevance > 0 */
	/* RankPair pairs[pcap], RankGroup groups[gcap], double rels[gcap] */
	char		data[FLEXIBLE_ARRAY_MEMBER];
} RankingState;

#define RANK_HDRSZ			offsetof(RankingState, data)
#define RANK_SIZE(pcap, gcap) \
	(RANK_HDRSZ + (Size) (pcap) * sizeof(RankPair) + (Size) (gcap) * (sizeof(RankGroup) + sizeof(double)))
#define RANK_PAIRS(s)		((RankPair *) (s)->data)
#define RANK_GROUPS(s)		((RankGroup *) ((s)->data + (Size) (s)->pcap * sizeof(RankPair)))
#define RANK_RELS(s)		((double *) ((char *) RANK_GROUPS(s) + (Size) (s)->gcap * sizeof(RankGroup)))

/* the six metrics of a compacted state, in vqc._ranking_metrics' order */
#define RANK_NMETRICS			6

extern RankingState *ranking_new(int32 pcap, int32 gcap);
extern int32 ranking_k_arg(FunctionCallInfo fcinfo, int argno);
extern void ranking_check_row(double rel, double score);
extern RankingState *ranking_add(RankingState *s, double rel, double score);
extern RankingState *ranking_merge(RankingState *l, RankingState *r);
extern RankingState *ranking_compact_view(const RankingState *s);
extern void ranking_compact_arrays(RankingState *s);
extern void ranking_pairs_to_groups(const RankPair *p, int32 n, RankGroup *g, double *r);
extern void ranking_bind_k_to(int32 *have, int32 k);
extern double ranking_ndcg(const RankingState *s);
extern double ranking_ndcg_pairs(RankPair *p, int32 n, int32 k, double *rels);
extern void ranking_all_metrics(const RankingState *s, double *m);
extern void ranking_serialize(StringInfo buf, const void *state);
extern void *ranking_parse(const char *data, Size len, int errcode);

#endif							/* VQC_RANKING_H */
