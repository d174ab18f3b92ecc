# vqc: PGXS build.  `make && make install`, then `make installcheck` against a
# running server (scripts/test.sh does all of it on a throwaway cluster).

EXTENSION    = vqc
EXTVERSION   = 0.6.0
MODULE_big   = vqc

# C sources, one concern per file.
C_SOURCES    = $(wildcard src/*.c)
OBJS         = $(C_SOURCES:.c=.o)

# The install script is joined from the SQL beside each concern, in this order.
SQL_PARTS    = src/sql/schema.sql \
               src/regex.sql \
               src/like_match.sql \
               src/scope_counts.sql \
               src/formats.sql \
               src/input_syntax.sql \
               src/tally.sql \
               src/exact_quantile.sql \
               src/hash_set.sql \
               src/hash_set_keyed.sql \
               src/profile.sql \
               src/drift.sql \
               src/regression_metrics.sql \
               src/regression_numeric.sql \
               src/ranking.sql \
               src/ranking_all.sql \
               src/agreement.sql \
               src/sql/report.sql \
               src/sql/catalog.sql \
               src/sql/engine.sql \
               src/sql/operators.sql \
               src/sql/expect.sql \
               src/sql/scan.sql \
               src/sql/stats_brackets.sql \
               src/sql/statistics.sql \
               src/sql/suites.sql \
               src/sql/runner.sql \
               src/sql/compound_screen.sql \
               src/sql/ge_types.sql \
               src/sql/ge_unimpl.sql \
               src/sql/wrappers.sql \
               src/sql/suggest.sql \
               src/sql/baseline.sql \
               src/sql/schedule.sql \
               src/sql/ge_result.sql \
               src/sql/row_condition.sql \
               src/sql/suite_parameters.sql \
               src/sql/html.sql \
               src/sql/gate.sql \
               src/classification.sql \
               src/scores.sql \
               src/sql/model_expectations.sql \
               src/sql/freshness.sql \
               src/sql/history.sql \
               src/sql/incremental.sql \
               src/sql/typed_aggregates.sql \
               src/sql/citus.sql \
               src/sql/monotone_gather.sql \
               src/sql/search_path.sql

# While a version is made, its upgrade script may be joined from one file
# per change (as 0.5.0's and 0.6.0's were, from src/release/upgrade-<version>/:
# see their history; UPGRADE_PARTS and a rule joining them); at the release
# it is frozen into src/release as one file.
DATA_built   = $(EXTENSION)--$(EXTVERSION).sql
# Released install scripts stay frozen; each release adds one upgrade script
# from the one before (src/release), so ALTER EXTENSION vqc UPDATE works from any.
DATA         = src/release/vqc--0.1.0.sql \
               src/release/vqc--0.1.0--0.2.0.sql \
               src/release/vqc--0.2.0.sql \
               src/release/vqc--0.2.0--0.3.0.sql \
               src/release/vqc--0.3.0.sql \
               src/release/vqc--0.3.0--0.4.0.sql \
               src/release/vqc--0.4.0.sql \
               src/release/vqc--0.4.0--0.5.0.sql \
               src/release/vqc--0.5.0.sql \
               src/release/vqc--0.5.0--0.6.0.sql
EXTRA_CLEAN  = $(EXTENSION)--$(EXTVERSION).sql

REGRESS      = $(patsubst sql/%.sql,%,$(sort $(wildcard sql/*.sql)))
REGRESS_OPTS = --inputdir=. --load-extension=vqc
ISOLATION    = $(patsubst test/isolation/specs/%.spec,%,$(sort $(wildcard test/isolation/specs/*.spec)))
ISOLATION_OPTS = --inputdir=test/isolation --outputdir=output_iso --load-extension=vqc

PCRE2_CFLAGS := $(shell pkg-config --cflags libpcre2-8)
PCRE2_LIBS   := $(shell pkg-config --libs libpcre2-8)
PG_CPPFLAGS  = -Isrc $(PCRE2_CFLAGS)
PG_CFLAGS    = -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers -Wno-sign-compare -Wno-clobbered
SHLIB_LINK   = $(PCRE2_LIBS)

PG_CONFIG   ?= pg_config
PGXS        := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

$(EXTENSION)--$(EXTVERSION).sql: $(SQL_PARTS)
	cat $^ > $@

# PGXS tracks no header dependencies: a changed struct in a header must
# rebuild every object, or objects disagree on its size.
$(OBJS): $(wildcard src/*.h)
