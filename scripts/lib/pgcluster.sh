#!/usr/bin/env bash
# pgcluster.sh — a private PostgreSQL 15 cluster that only this project uses.
#
#   pgcluster.sh init    DIR [--ephemeral]  create the cluster, role "relais", database "relais"
#   pgcluster.sh start   DIR                start it (no-op when running)
#   pgcluster.sh stop    DIR                fast shutdown, waits (no-op when stopped)
#   pgcluster.sh status  DIR                prints running/stopped; exit 0 running, 3 stopped, 4 none
#   pgcluster.sh url     DIR DB [ROLE]      prints a libpq URL (ROLE defaults to relais)
#   pgcluster.sh psql    DIR [ARGS...]      psql as the cluster superuser "postgres"
#   pgcluster.sh destroy DIR                stop, then delete everything init made
#
# It listens on a Unix socket only, in a directory of mode 0700, so "trust" authentication is
# safe: only the cluster's own OS user (and root) can reach the socket. The port number only
# names the socket file; it is derived from DIR so two clusters never share a socket name.
#
# PostgreSQL refuses to run as root. As root, the server runs as the "postgres" system user,
# and when that user cannot reach DIR (a repository under /root, mode 0700) the data lives in
# /var/lib/relais-pg/<hash of DIR> instead, with symlinks DIR/data and DIR/log pointing there.
# Everything the other commands need is recorded by init in DIR/cluster.env.
#
# --ephemeral (for throwaway test clusters only) turns fsync off: the cluster is deleted after
# the run, so crash safety buys nothing and costs time on every CREATE DATABASE.
set -euo pipefail

readonly PG_BIN=${RELAIS_PG_BINDIR:-/usr/lib/postgresql/15/bin}
readonly FALLBACK_ROOT=/var/lib/relais-pg
readonly PG_SYSTEM_USER=postgres
readonly APP_ROLE=relais

say() { printf 'pgcluster: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

usage() {
    sed -n '2,10s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
    exit 2
}

# Physical absolute path of an existing directory.
abs_dir() { (cd "$1" && pwd -P); }

# Short stable identifier of a cluster directory, used for its port and fallback paths.
dir_hash() { printf '%s' "$1" | sha256sum | cut -c1-12; }

# --- the OS user that runs postgres -------------------------------------------------------

# As a normal user everything runs as that user. As root it runs as the owner of an existing
# data directory (so root can manage a cluster a developer made), else as "postgres".
pg_owner() {
    if [[ $EUID -ne 0 ]]; then
        id -un
    elif [[ -n ${PGDATA_DIR:-} && -d $PGDATA_DIR ]] && [[ $(stat -c %U "$PGDATA_DIR") != root ]]; then
        stat -c %U "$PGDATA_DIR"
    else
        printf '%s\n' "$PG_SYSTEM_USER"
    fi
}

# Runs a command as the cluster's OS user, from "/" so an unreadable working directory
# (e.g. under /root) does not upset initdb or pg_ctl.
as_owner() {
    if [[ $EUID -ne 0 ]]; then
        (cd / && "$@")
    else
        (cd / && runuser -u "$OWNER" -- "$@")
    fi
}

# The postgresql-15 package creates the "postgres" user; a system without it still works.
ensure_system_user() {
    [[ $EUID -eq 0 ]] || return 0
    getent passwd "$PG_SYSTEM_USER" >/dev/null && return 0
    say "creating system user $PG_SYSTEM_USER"
    useradd --system --user-group --home-dir /var/lib/postgresql --no-create-home \
        --shell /usr/sbin/nologin "$PG_SYSTEM_USER"
}

# Can the given user reach (search) directory $2 through all of its parents?
user_can_reach() {
    runuser -u "$1" -- test -x "$2" 2>/dev/null
}

# Makes a directory owned by the cluster's OS user with the given mode.
owned_dir() {
    mkdir -p "$1"
    chmod "$2" "$1"
    [[ $EUID -ne 0 ]] || chown "$OWNER:" "$1"
}

# --- cluster.env: what init decided, read by every other command --------------------------

load_cluster() {
    [[ -d $1 ]] || die "no cluster directory $1 (run: pgcluster.sh init $1)"
    DIR=$(abs_dir "$1")
    ENV_FILE=$DIR/cluster.env
    [[ -f $ENV_FILE ]] || die "no cluster in $DIR (run: pgcluster.sh init $DIR)"
    local key value
    while IFS='=' read -r key value; do
        case $key in
            PGDATA_DIR | PGLOG_FILE | PGSOCKET_DIR | PGPORT_NUM) printf -v "$key" '%s' "$value" ;;
        esac
    done <"$ENV_FILE"
    [[ -n ${PGDATA_DIR:-} && -n ${PGSOCKET_DIR:-} && -n ${PGPORT_NUM:-} && -n ${PGLOG_FILE:-} ]] ||
        die "$ENV_FILE is incomplete; delete $DIR and run init again"
    OWNER=$(pg_owner)
}

# --- commands -----------------------------------------------------------------------------

is_running() {
    as_owner "$PG_BIN/pg_ctl" status -D "$PGDATA_DIR" >/dev/null 2>&1
}

# The postmaster outlives this script: it must not keep the caller's descriptors open (a lock
# held by scripts/start, a test runner's pipe), so everything above stderr is closed first.
close_inherited_fds() {
    local fd n
    for fd in /proc/$BASHPID/fd/*; do
        n=${fd##*/}
        ((n > 2)) || continue
        exec {n}>&- 2>/dev/null || true
    done
}

# The socket directory lives under /tmp for long paths and /tmp may be wiped by a reboot, so
# every start recreates it.
start_server() {
    if is_running; then
        return 0
    fi
    owned_dir "$PGSOCKET_DIR" 0700
    if ! (close_inherited_fds && as_owner "$PG_BIN/pg_ctl" start -D "$PGDATA_DIR" -l "$PGLOG_FILE" \
        -w -t 60 -s) >/dev/null 2>&1; then
        say "PostgreSQL failed to start; last lines of $PGLOG_FILE:"
        tail -n 20 "$PGLOG_FILE" >&2 || true
        exit 1
    fi
    create_app_role_and_db
}

stop_server() {
    is_running || return 0
    if ! as_owner "$PG_BIN/pg_ctl" stop -D "$PGDATA_DIR" -m fast -w -t 60 -s >/dev/null 2>&1; then
        say "fast shutdown timed out; forcing an immediate one"
        as_owner "$PG_BIN/pg_ctl" stop -D "$PGDATA_DIR" -m immediate -w -t 30 -s >/dev/null 2>&1
    fi
}

superuser_psql() {
    as_owner "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PGSOCKET_DIR" -p "$PGPORT_NUM" \
        -U postgres "$@"
}

# Role and database for the application: not a superuser, so the tests see the same rights
# problems production would. CREATEDB lets the test harness make a database per test.
# relais_app is the role the server's queries run as (RELAIS_DB_ROLE): it may not change the
# audit trail. The migrations grant it its rights; $APP_ROLE, which owns the tables, is a
# member so that the server may take it on. Roles are cluster-wide and only a superuser may
# create them, hence here. Idempotent, and run at every start, so that a cluster made before
# a role was added here gets it too.
create_app_role_and_db() {
    superuser_psql -d postgres <<SQL
SELECT 'CREATE ROLE $APP_ROLE LOGIN CREATEDB'
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$APP_ROLE') \gexec
SELECT 'CREATE ROLE relais_app NOLOGIN'
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'relais_app') \gexec
SELECT 'GRANT relais_app TO $APP_ROLE'
 WHERE NOT pg_has_role('$APP_ROLE', 'relais_app', 'MEMBER') \gexec
SELECT 'CREATE DATABASE $APP_ROLE OWNER $APP_ROLE'
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$APP_ROLE') \gexec
SQL
}

write_config() {
    local fsync=on
    [[ $1 == ephemeral ]] && fsync=off
    # initdb in PostgreSQL 15 has no -c, so our settings go in an included file.
    cat >"$PGDATA_DIR/relais.conf" <<CONF
# Written by scripts/lib/pgcluster.sh init. Unix socket only, in a 0700 directory.
listen_addresses = ''
port = $PGPORT_NUM
unix_socket_directories = '$PGSOCKET_DIR'
unix_socket_permissions = 0700
max_connections = 200

# Durable but light for a developer machine: fsync keeps the files consistent across a crash,
# synchronous_commit=off may lose the last few hundred milliseconds of commits, never more.
fsync = $fsync
synchronous_commit = off
wal_level = minimal
max_wal_senders = 0
max_wal_size = 1GB
checkpoint_timeout = 15min
shared_buffers = 128MB

log_line_prefix = '%m [%p] %q%u@%d '
log_min_duration_statement = 250ms
CONF
    printf "\ninclude 'relais.conf'\n" >>"$PGDATA_DIR/postgresql.conf"
    # Trust is safe only because the socket directory is 0700 and TCP is off.
    printf '# Written by pgcluster.sh: Unix socket only, protected by its 0700 directory.\nlocal all all trust\n' \
        >"$PGDATA_DIR/pg_hba.conf"
    [[ $EUID -ne 0 ]] || chown "$OWNER:" "$PGDATA_DIR/relais.conf" "$PGDATA_DIR/pg_hba.conf"
}

cmd_init() {
    local mode=durable
    [[ ${2:-} == --ephemeral ]] && mode=ephemeral
    mkdir -p "$1"
    DIR=$(abs_dir "$1")
    if [[ -f $DIR/cluster.env ]]; then
        load_cluster "$DIR"
        # A cluster whose init was interrupted lacks the marker: finish the bootstrap.
        [[ -f $DIR/.initialized ]] && return 0
    else
        plan_layout "$mode"
    fi
    bootstrap_cluster "$mode"
}

# Decides where the data, log and socket live, and records it in cluster.env.
plan_layout() {
    local hash home
    hash=$(dir_hash "$DIR")
    ensure_system_user
    PGDATA_DIR= OWNER=$(pg_owner)
    home=$DIR
    if [[ $EUID -eq 0 ]] && ! user_can_reach "$OWNER" "$DIR"; then
        home=$FALLBACK_ROOT/$hash
        mkdir -p "$FALLBACK_ROOT"
        chmod 0755 "$FALLBACK_ROOT"
        owned_dir "$home" 0700
        say "$OWNER cannot reach $DIR; keeping the data in $home"
    fi
    PGDATA_DIR=$home/data
    PGLOG_FILE=$home/log
    PGSOCKET_DIR=$home/run
    # sun_path holds 107 bytes; the socket file adds "/.s.PGSQL.NNNNN".
    if ((${#PGSOCKET_DIR} > 80)); then
        PGSOCKET_DIR=/tmp/relais-pg-$hash
    fi
    PGPORT_NUM=$((15000 + 16#${hash:0:6} % 40000))
    if [[ $home != "$DIR" ]]; then
        ln -sfn "$PGDATA_DIR" "$DIR/data"
        ln -sfn "$PGLOG_FILE" "$DIR/log"
    fi
    cat >"$DIR/cluster.env" <<ENV
PGDATA_DIR=$PGDATA_DIR
PGLOG_FILE=$PGLOG_FILE
PGSOCKET_DIR=$PGSOCKET_DIR
PGPORT_NUM=$PGPORT_NUM
ENV
}

bootstrap_cluster() {
    local mode=$1 was_running=no
    if [[ ! -f $PGDATA_DIR/PG_VERSION ]]; then
        owned_dir "$PGDATA_DIR" 0700
        touch "$PGLOG_FILE"
        [[ $EUID -ne 0 ]] || chown "$OWNER:" "$PGLOG_FILE"
        # -U postgres: the superuser has the same name whoever runs the cluster.
        if ! as_owner "$PG_BIN/initdb" -D "$PGDATA_DIR" -U postgres -A trust -E UTF8 \
            --locale=C.UTF-8 >"$PGDATA_DIR.initdb.log" 2>&1; then
            cat "$PGDATA_DIR.initdb.log" >&2
            die "initdb failed"
        fi
        rm -f "$PGDATA_DIR.initdb.log"
        write_config "$mode"
    fi
    if is_running; then
        was_running=yes
        create_app_role_and_db
    else
        start_server
    fi
    [[ $was_running == yes ]] || stop_server
    touch "$DIR/.initialized"
    say "initialised cluster in $DIR"
}

cmd_status() {
    if [[ ! -f $1/cluster.env ]]; then
        echo "none"
        exit 4
    fi
    load_cluster "$1"
    if is_running; then
        echo "running"
    else
        echo "stopped"
        exit 3
    fi
}

# Percent-encodes all but the characters a path or name needs, for use inside a URL.
urlencode() {
    local LC_ALL=C s=$1 out= c i # byte by byte, so UTF-8 is encoded as bytes
    for ((i = 0; i < ${#s}; i++)); do
        c=${s:i:1}
        case $c in
            [A-Za-z0-9/._~-]) out+=$c ;;
            *) printf -v c '%%%02X' "'$c" && out+=$c ;;
        esac
    done
    printf '%s' "$out"
}

cmd_url() {
    local db=$2 role=${3:-$APP_ROLE}
    load_cluster "$1"
    printf 'postgresql:///%s?host=%s&port=%s&user=%s\n' "$(urlencode "$db")" \
        "$(urlencode "$PGSOCKET_DIR")" "$PGPORT_NUM" "$(urlencode "$role")"
}

cmd_destroy() {
    [[ -d $1 ]] || return 0
    if [[ -f $1/cluster.env ]]; then
        load_cluster "$1"
        stop_server
        # Only ever delete what plan_layout chose: the fallback home and the /tmp socket dir.
        case $PGDATA_DIR in
            "$FALLBACK_ROOT"/*/data) rm -rf "${PGDATA_DIR%/data}" ;;
        esac
        case $PGSOCKET_DIR in
            /tmp/relais-pg-*) rm -rf "$PGSOCKET_DIR" ;;
        esac
    fi
    rm -rf "$1"
}

main() {
    [[ $# -ge 2 ]] || usage
    local cmd=$1
    shift
    case $cmd in
        init) cmd_init "$@" ;;
        start) load_cluster "$1" && start_server ;;
        stop) load_cluster "$1" && stop_server ;;
        status) cmd_status "$1" ;;
        url) [[ $# -ge 2 ]] || usage; cmd_url "$@" ;;
        psql) load_cluster "$1"; shift; superuser_psql "$@" ;;
        destroy) cmd_destroy "$1" ;;
        *) usage ;;
    esac
}

main "$@"
