#!/usr/bin/env bash
# Runs vqc's regression tests and a short fuzz round under valgrind, against a
# PostgreSQL 15 built from Debian's source package with assertions and
# USE_VALGRIND (so palloc'd memory is tracked, and the bytes of a tuple stored
# in a page or sent to a client are checked to be defined).  Not part of
# scripts/test.sh: the first run builds that PostgreSQL (3 to 4 min); later
# runs reuse it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"

usage() {
    cat <<USAGE
usage: $0 [--skip-build] [--build-only] [--fuzz-iterations N] [--regress "T ..."] [--root DIR]

Builds (once) a PostgreSQL 15 with --enable-cassert and -DUSE_VALGRIND into
DIR/pg15, builds and installs vqc into it, runs a throwaway cluster whose
postmaster runs under valgrind, runs pg_regress (sql/*.sql) and the fuzzers
(test/fuzz/*.sql, N iterations each), then counts valgrind errors.
Exits non-zero when any error's stack passes through vqc, or when a server
process crashed or failed an assertion.

  --skip-build          build nothing: reuse the PostgreSQL and vqc in DIR/pg15
  --build-only          build the valgrind PostgreSQL if missing, then stop
  --fuzz-iterations N   iterations per fuzzer (default 200; scripts/test.sh uses 5000)
  --regress "T ..."     only these pg_regress tests (names in sql/), for a quick look
  --root DIR            where the PostgreSQL source, build and runs live
                        (default /opt/vqc-valgrind, or \$VQC_VALGRIND_ROOT)
USAGE
}

VG_ROOT=${VQC_VALGRIND_ROOT:-/opt/vqc-valgrind}
skip_build=0
build_only=0
fuzz_iterations=200
regress_tests=
while (($#)); do
    case $1 in
        --skip-build) skip_build=1 ;;
        --build-only) build_only=1 ;;
        --fuzz-iterations) fuzz_iterations=${2:?--fuzz-iterations needs a number}; shift ;;
        --regress) regress_tests=${2:?--regress needs test names}; shift ;;
        --root) VG_ROOT=${2:?--root needs a directory}; shift ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; exit 2 ;;
    esac
    shift
done
if [[ $(id -u) -ne 0 ]]; then echo "run as root (the cluster runs as postgres)" >&2; exit 1; fi

PG_PREFIX=$VG_ROOT/pg15
PG_SRC_PARENT=$VG_ROOT/src
# What the Debian package we mirror is: the installed postgresql-15.
PG_DEB_VERSION=$(dpkg-query -W -f='${Version}' postgresql-15)

# apt-get source needs deb-src entries: when apt knows no source of
# postgresql-15, they are made from the machine's own deb entries (deb822
# files and sources.list), so they name the same archives.
ensure_deb_src() {
    local f out=/etc/apt/sources.list.d/vqc-deb-src.sources
    apt-cache showsrc postgresql-15 2>/dev/null | grep -q '^Version:' && return
    vqc_log "adding deb-src entries for the machine's deb archives ($out)"
    for f in /etc/apt/sources.list.d/*.sources; do
        [[ $f == "$out" ]] && continue
        grep -q '^Types:.*\bdeb\b' "$f" || continue
        sed 's/^Types:.*/Types: deb-src/' "$f"
        echo
    done > "$out.new"
    if [[ -f /etc/apt/sources.list ]]; then
        sed -n 's/^deb \(.*\)/deb-src \1/p' /etc/apt/sources.list > /etc/apt/sources.list.d/vqc-deb-src.list
    fi
    mv "$out.new" "$out"
    apt-get update -q >/dev/null
}

# The PostgreSQL source tree, fetched with apt-get source (needs deb-src
# lines).  The installed version first; a mirror may not carry its source
# (debian-security's often lacks it), so then the newest older one that is
# carried: the same major version, and vqc is built against its headers.
pg_source_dir() {
    local dir version
    dir=$(find "$PG_SRC_PARENT" -maxdepth 1 -type d -name 'postgresql-15-*' 2>/dev/null | head -n 1)
    if [[ -n $dir ]]; then echo "$dir"; return; fi
    mkdir -p "$PG_SRC_PARENT"
    ensure_deb_src
    for version in $( (echo "$PG_DEB_VERSION"; apt-cache showsrc postgresql-15 | awk '/^Version:/ {print $2}' | sort -rV) \
                      | awk '!seen[$0]++'); do
        vqc_log "fetching the source of postgresql-15 $version"
        if (cd "$PG_SRC_PARENT" && apt-get source -q "postgresql-15=$version" >/dev/null 2>&1); then
            [[ $version == "$PG_DEB_VERSION" ]] || vqc_log "note: built from $version, not the installed $PG_DEB_VERSION"
            find "$PG_SRC_PARENT" -maxdepth 1 -type d -name 'postgresql-15-*' | head -n 1
            return
        fi
    done
    echo "apt-get source postgresql-15 failed: check the deb-src entries for the suites in" \
         "'apt-cache policy postgresql-15' and run apt-get update" >&2
    exit 1
}

# Debian's patches install the libraries (plpgsql.so, libpgport, pgxs)
# into the system's /usr/lib/postgresql/15/lib whatever the prefix: undone
# here, or the build would overwrite the system PostgreSQL's files.
undo_debian_dirs() {
    local src=$1 p
    [[ ! -e $src/.vqc-dirs-undone ]] || return 0
    for p in libpgport-pkglibdir 50-per-version-dirs.patch; do
        patch -d "$src" -R -p1 -s <"$src/debian/patches/$p"
    done
    touch "$src/.vqc-dirs-undone"
}

# Builds PostgreSQL with assertions and valgrind client requests into
# PG_PREFIX, unless it is there already, built with these options.  It is
# installed into a staging directory first and copied only when every file
# lies under PG_PREFIX.
PG_CONFIGURE=(--prefix="$PG_PREFIX" --enable-cassert --enable-debug --with-icu --without-llvm
              CFLAGS='-Og -g -fno-omit-frame-pointer' CPPFLAGS='-DUSE_VALGRIND')

build_postgres() {
    local stamp=$PG_PREFIX/vqc-configure-options
    if [[ -x $PG_PREFIX/bin/postgres && -f $stamp && $(cat "$stamp") == "${PG_CONFIGURE[*]}" ]]; then
        return
    fi
    vqc_install_packages bison flex libreadline-dev zlib1g-dev libicu-dev valgrind dpkg-dev patch
    local src started stage=$VG_ROOT/stage elapsed
    src=$(pg_source_dir)
    undo_debian_dirs "$src"
    started=$SECONDS
    vqc_log "building PostgreSQL from $src into $PG_PREFIX (takes ~3 min with 2 cores, more when they are busy)"
    rm -rf "$VG_ROOT/build" "$stage"
    mkdir -p "$VG_ROOT/build"
    (
        cd "$VG_ROOT/build"
        "$src/configure" "${PG_CONFIGURE[@]}" >configure.log
        nice make -j2 -s >make.log 2>&1
        nice make -s install DESTDIR="$stage" >>make.log 2>&1
        # pg_isolation_regress, for the isolation specs of make installcheck
        nice make -C src/test/isolation -s install DESTDIR="$stage" >>make.log 2>&1
    ) || { echo "PostgreSQL build failed; see $VG_ROOT/build/*.log" >&2; exit 1; }
    if [[ -n $(find "$stage" -type f ! -path "$stage$PG_PREFIX/*" | head -n 1) ]]; then
        echo "the build installs outside $PG_PREFIX, not installing it:" >&2
        find "$stage" -type f ! -path "$stage$PG_PREFIX/*" | head >&2
        exit 1
    fi
    rm -rf "$PG_PREFIX"
    mkdir -p "$PG_PREFIX"
    cp -a "$stage$PG_PREFIX/." "$PG_PREFIX/"
    echo "${PG_CONFIGURE[*]}" >"$stamp"
    rm -rf "$stage"
    elapsed=$((SECONDS - started))
    vqc_log "PostgreSQL built in $((elapsed / 60)) min $((elapsed % 60)) s"
}

# The contrib modules the regression tests use (citext: search_path_attack;
# pageinspect: state_safety), built from the kept build tree into the prefix
# when missing, staged like the server.
build_contrib() {
    local m stage=$VG_ROOT/stage
    for m in citext pageinspect; do
        [[ -f $PG_PREFIX/share/extension/$m.control ]] && continue
        vqc_log "building contrib/$m into $PG_PREFIX"
        rm -rf "$stage"
        nice make -C "$VG_ROOT/build/contrib/$m" -s install DESTDIR="$stage" >>"$VG_ROOT/build/make.log" 2>&1 \
            || { echo "contrib/$m build failed; see $VG_ROOT/build/make.log" >&2; exit 1; }
        if [[ -n $(find "$stage" -type f ! -path "$stage$PG_PREFIX/*" | head -n 1) ]]; then
            echo "contrib/$m installs outside $PG_PREFIX, not installing it" >&2; exit 1
        fi
        cp -a "$stage$PG_PREFIX/." "$PG_PREFIX/"
        rm -rf "$stage"
    done
}

# A copy of this source tree, built against the valgrind PostgreSQL: building
# here would mix its objects with those for the system PostgreSQL.
copy_sources() {
    rm -rf "$VQC_COPY"
    mkdir -p "$VQC_COPY"
    tar -C "$VQC_ROOT" --exclude=.git --exclude='*.o' --exclude='*.so' --exclude='*.bc' \
        --exclude=./results --exclude=./output_iso --exclude='./regression.*' -cf - . \
        | tar -C "$VQC_COPY" -xf -
}

# The postmaster under valgrind, as the PostgreSQL wiki runs it; one log per
# process.  pg_ctl starts it through this wrapper (exec keeps the pid).
write_wrapper() {
    local src
    src=$(pg_source_dir)
    cat >"$RUN_DIR/postgres-valgrind" <<WRAPPER
#!/bin/sh
exec valgrind --trace-children=yes --leak-check=no --gen-suppressions=all \\
    --suppressions=$src/src/tools/valgrind.supp \\
    --error-markers=VALGRINDERROR-BEGIN,VALGRINDERROR-END \\
    --track-origins=yes --num-callers=30 --fullpath-after= \\
    --log-file=$RUN_DIR/valgrind/%p.log \\
    $PGBIN/postgres "\$@"
WRAPPER
    chmod 755 "$RUN_DIR/postgres-valgrind"
}

# pg_regress (make installcheck: sql/*.sql and the isolation specs); its
# diffs are kept in the run directory.
run_regress() {
    vqc_log "pg_regress and isolation tests under valgrind (make installcheck)"
    local rc=0
    make -C "$VQC_COPY" -s installcheck PG_CONFIG="$PGBIN/pg_config" ${regress_tests:+REGRESS="$regress_tests"} \
        2>&1 | tee "$RUN_DIR/installcheck.out" || rc=$?
    for f in regression.diffs output_iso/regression.diffs; do
        if [[ -f $VQC_COPY/$f ]]; then cp "$VQC_COPY/$f" "$RUN_DIR/${f//\//-}"; fi
    done
    return $rc
}

started=$SECONDS
# One run or build at a time in VG_ROOT (fd 9: the server does not inherit it).
mkdir -p "$VG_ROOT/runs"
exec 9>"$VG_ROOT/run.lock"
flock -n 9 || { echo "another run is using $VG_ROOT" >&2; exit 1; }

if ((skip_build)); then
    [[ -x $PG_PREFIX/bin/postgres ]] || { echo "--skip-build: no PostgreSQL in $PG_PREFIX yet" >&2; exit 1; }
else
    build_postgres
    build_contrib
fi
if ((build_only)); then exit 0; fi

PGBIN=$PG_PREFIX/bin
# valgrind makes starting and stopping the server slow
PGCTLTIMEOUT=900
export PGBIN PGCTLTIMEOUT
VQC_COPY=$VG_ROOT/vqc
RUN_DIR=$VG_ROOT/runs/$(date -u +%Y%m%dT%H%M%SZ)

copy_sources
if ((skip_build)); then
    [[ -f $("$PGBIN/pg_config" --pkglibdir)/vqc.so ]] || { echo "--skip-build: vqc is not installed in $PG_PREFIX" >&2; exit 1; }
else
    vqc_build_install "$VQC_COPY"
fi

mkdir -p "$RUN_DIR/valgrind"
chown -R postgres: "$RUN_DIR"
write_wrapper
# pg_cron is not built here: only the pgTAP tests need it
VQC_PRELOAD=''
VQC_KEEP_LOG=$RUN_DIR/server.log
trap vqc_stop_cluster EXIT
trap 'exit 130' INT TERM
vqc_start_cluster -p "$RUN_DIR/postgres-valgrind" -o '-c autovacuum=off'

regress=passed
run_regress || regress=FAILED
vqc_log "fuzzing under valgrind, $fuzz_iterations iterations of each fuzzer"
fuzz=passed
vqc_fuzz_round "$fuzz_iterations" "$VQC_COPY" | tee "$RUN_DIR/fuzz.out" || fuzz=FAILED
vqc_stop_cluster
trap - EXIT

vqc_log "valgrind's verdict"
verdict=0
python3 "$(dirname "${BASH_SOURCE[0]}")/summarize.py" "$RUN_DIR/valgrind" "$VQC_COPY" "$(pg_source_dir)" \
    | tee "$RUN_DIR/summary.txt" || verdict=1
# failed assertions (vqc's own too: it is built with the cassert headers) and crashes
crashes=$(grep -E 'TRAP: |terminated by signal' "$RUN_DIR/server.log" || true)
if [[ -n $crashes ]]; then verdict=1; fi
elapsed=$((SECONDS - started))
{
    echo "failed assertions and crashes in the server log: $(grep -c . <<<"$crashes" || true)"
    if [[ -n $crashes ]]; then echo "$crashes" | head -n 20; fi
    echo "pg_regress${regress_tests:+ ($regress_tests)} + isolation: $regress$([[ -f $RUN_DIR/regression.diffs ]] && echo " (diffs: $RUN_DIR/regression.diffs)")"
    echo "fuzz ($fuzz_iterations iterations each): $fuzz"
    echo "run took $((elapsed / 60)) min $((elapsed % 60)) s; logs in $RUN_DIR"
} | tee -a "$RUN_DIR/summary.txt"
exit $verdict
