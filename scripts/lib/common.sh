# common.sh — shared by scripts/start, scripts/relais and scripts/test (source it, don't run it).
#
# Packages, builds, the environment the server runs with, and running a child process that
# Ctrl-C stops cleanly. Functions print "relais: ..." lines on stderr and stop the script on
# failure; callers use `set -euo pipefail`.

relais_say() { printf 'relais: %s\n' "$*" >&2; }
relais_die() { relais_say "$*"; exit 1; }

# Repository root, physical path, whatever the caller's working directory.
relais_root() {
    (cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
}

RELAIS_PGCLUSTER=$(relais_root)/scripts/lib/pgcluster.sh

# Runs the private-cluster command (scripts/lib/pgcluster.sh) with the given arguments.
relais_pgcluster() {
    bash "$RELAIS_PGCLUSTER" "$@"
}

# --- Debian packages ----------------------------------------------------------------------

# True when a Node.js >= 18 is already on PATH: then Debian's nodejs/npm (18) must not be
# installed over it.
_relais_have_node18() {
    local major
    command -v node >/dev/null 2>&1 || return 1
    major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null) || return 1
    [[ $major =~ ^[0-9]+$ ]] && ((major >= 18))
}

# Installs the packages of scripts/packages.txt that are missing, and only those. apt's
# chatter goes to a log that is shown only if the install fails.
ensure_packages() {
    local line pkg log skip_node=no sudo=()
    local -a wanted=() missing=()
    local -A installed=()
    _relais_have_node18 && skip_node=yes
    while IFS= read -r line || [[ -n $line ]]; do
        pkg=${line%%#*}
        pkg=${pkg//[[:space:]]/}
        [[ -n $pkg ]] || continue
        [[ $skip_node == yes && ($pkg == nodejs || $pkg == npm) ]] || wanted+=("$pkg")
    done <"$(relais_root)/scripts/packages.txt"
    # One dpkg-query for the whole list; it names only the packages it knows.
    while read -r pkg line; do
        [[ $line != installed ]] || installed[$pkg]=1
    done < <(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${wanted[@]}" 2>/dev/null || true)
    for pkg in "${wanted[@]}"; do
        [[ -n ${installed[$pkg]:-} ]] || missing+=("$pkg")
    done
    ((${#missing[@]} > 0)) || return 0

    if [[ $EUID -ne 0 ]]; then
        command -v sudo >/dev/null 2>&1 ||
            relais_die "missing packages (${missing[*]}) and no sudo; install them as root"
        sudo=(sudo)
    fi
    relais_say "installing Debian packages: ${missing[*]}"
    log=$(mktemp "${TMPDIR:-/tmp}/relais-apt.XXXXXX")
    if ! { "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q &&
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"; } \
        >"$log" 2>&1; then
        cat "$log" >&2
        rm -f "$log"
        relais_die "apt-get failed (output above)"
    fi
    rm -f "$log"
}

# --- builds -------------------------------------------------------------------------------

# Configures and builds one build directory; its output is shown only when a step fails.
# CC/CXX from the environment pick the compiler at first configure, as cmake does.
_relais_build() {
    local dir=$1 root log
    shift
    root=$(relais_root)
    [[ -f $root/CMakeLists.txt ]] || relais_die "no CMakeLists.txt in $root yet: nothing to build"
    log=$root/$dir/build.log
    mkdir -p "$root/$dir"
    relais_say "building $dir/ ($*)"
    if ! { cmake -S "$root" -B "$root/$dir" "$@" &&
        cmake --build "$root/$dir" -j "$(nproc)"; } >"$log" 2>&1; then
        cat "$log" >&2
        relais_die "build of $dir/ failed (output above, also in $dir/build.log)"
    fi
    [[ -x $root/$dir/relais ]] || relais_die "build of $dir/ succeeded but $dir/relais is missing"
}

build_release() {
    _relais_build build -DCMAKE_BUILD_TYPE=Release
}

# The test build uses clang: its sanitizers, plus libFuzzer for the fuzz smoke tests, and a
# second compiler's warnings next to gcc's in the release build. RELAIS_TEST_BUILD (a folder
# name under the repository) lets several people test one work tree at once.
build_asan() {
    _relais_build "${RELAIS_TEST_BUILD:-build-asan}" -DCMAKE_BUILD_TYPE=Debug \
        -DRELAIS_SANITIZE=ON -DRELAIS_FUZZ=ON -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++
}

# --- the environment of scripts/start and scripts/relais ------------------------------------

# Exports what the server reads, keeping any value the user already set:
#   RELAIS_PORT (8080), RELAIS_BIND (127.0.0.1), RELAIS_DATA_DIR (var/data).
# Sets, unexported: RELAIS_VAR (var/), RELAIS_PGDIR (var/pg, the embedded cluster) and
# RELAIS_EMBEDDED_DB (yes unless RELAIS_DATABASE_URL was given).
relais_env() {
    local root
    root=$(relais_root)
    RELAIS_VAR=$root/var
    RELAIS_PGDIR=$RELAIS_VAR/pg
    export RELAIS_PORT=${RELAIS_PORT:-8080}
    export RELAIS_BIND=${RELAIS_BIND:-127.0.0.1}
    export RELAIS_DATA_DIR=${RELAIS_DATA_DIR:-$RELAIS_VAR/data}
    mkdir -p "$RELAIS_DATA_DIR"
    # The embedded cluster is used unless the user points the server at a database.
    RELAIS_EMBEDDED_DB=yes
    [[ -z ${RELAIS_DATABASE_URL:-} ]] || RELAIS_EMBEDDED_DB=no
}

# Makes the database reachable and exports RELAIS_DATABASE_URL. Without a user-given URL this
# initialises (first time) and starts the embedded cluster under var/pg. Sets
# RELAIS_PG_STARTED=yes when this call started it, so the caller can stop it again.
relais_db_up() {
    RELAIS_PG_STARTED=no
    [[ $RELAIS_EMBEDDED_DB == yes ]] || return 0
    relais_pgcluster init "$RELAIS_PGDIR"
    if ! relais_pgcluster status "$RELAIS_PGDIR" >/dev/null; then
        relais_pgcluster start "$RELAIS_PGDIR"
        RELAIS_PG_STARTED=yes
    fi
    RELAIS_DATABASE_URL=$(relais_pgcluster url "$RELAIS_PGDIR" relais)
    export RELAIS_DATABASE_URL
}

# Closes every descriptor above stderr, for helpers that may outlive the script: they must
# not keep its lock or a caller's pipe open.
relais_close_fds() {
    local fd n
    for fd in /proc/$BASHPID/fd/*; do
        n=${fd##*/}
        ((n > 2)) || continue
        exec {n}>&- 2>/dev/null || true
    done
}

# --- a child that Ctrl-C stops ------------------------------------------------------------

# relais_child_start CMD...  starts CMD as a child (its pid in RELAIS_CHILD_PID); from then
# on SIGINT, SIGTERM and SIGHUP sent to this script become a SIGTERM to the child (the server
# then shuts down and exits 0). If it is still there 15 s later, or on a second Ctrl-C, it
# gets SIGKILL. The child keeps this script's stdin.
# relais_child_wait  waits for it, restores the traps and returns its exit status.
# relais_run_child CMD...  both in one.
#
# Why not simply run it in the foreground: bash defers traps until a foreground child exits,
# so a SIGTERM sent to this script alone would never reach the server. Needs bash >= 5.1
# (wait -p); Debian 12 has 5.2.
relais_child_start() {
    _relais_child_stops=0
    _relais_watchdog=
    "$@" <&0 &
    RELAIS_CHILD_PID=$!
    trap _relais_forward_stop INT TERM HUP
}

relais_child_wait() {
    local status done_pid
    while :; do
        # wait also returns (with 128+signal) when a trapped signal arrives; -p tells the two
        # apart, since it names the child only when the child's own status is returned. The
        # child may end while the trap runs: bash keeps its status for the next wait.
        unset done_pid
        wait -n -p done_pid "$RELAIS_CHILD_PID" && status=0 || status=$?
        [[ -z ${done_pid:-} ]] || break
    done
    trap - INT TERM HUP
    if [[ -n $_relais_watchdog ]]; then
        kill "$_relais_watchdog" 2>/dev/null || true
        wait "$_relais_watchdog" 2>/dev/null || true
    fi
    return "$status"
}

relais_run_child() {
    relais_child_start "$@"
    relais_child_wait
}

_relais_forward_stop() {
    _relais_child_stops=$((_relais_child_stops + 1))
    if ((_relais_child_stops == 1)); then
        kill -TERM "$RELAIS_CHILD_PID" 2>/dev/null || return 0
        local child=$RELAIS_CHILD_PID
        # Cancelled by killing this subshell while it sleeps, so the kill below never runs
        # late on a recycled pid; the orphaned sleep holds no descriptor (scripts/start's lock).
        (
            relais_close_fds
            sleep 15
            kill -KILL "$child" 2>/dev/null
        ) </dev/null >/dev/null 2>&1 &
        _relais_watchdog=$!
    else
        relais_say "stopping now (SIGKILL)"
        kill -KILL "$RELAIS_CHILD_PID" 2>/dev/null || true
    fi
}
