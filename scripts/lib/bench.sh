# scripts/lib/bench.sh — helpers shared by scripts/bench and bench/*/run (sourced after
# common.sh). They use the caller's LOAD_PID for the load generator running now.

# Stops a child: SIGTERM, then SIGKILL if it is still there after $2 seconds.
# shellcheck disable=SC2317 # reached through the callers' EXIT traps
stop_pid() {
    local pid=$1 grace=$2 i
    [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < grace * 10; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

# Runs a load generator in the background and waits for it, so that a signal to the script
# is handled at once (bash defers traps until a foreground child exits).
run_load() {
    local out=$1 status=0
    shift
    "$@" >"$out" 2>&1 </dev/null 9>&- &
    LOAD_PID=$!
    wait "$LOAD_PID" || status=$?
    LOAD_PID=
    return "$status"
}

# wrk prints latencies as 260.00us, 1.20ms, 2.00s, 1.00m: in milliseconds ("-" if unreadable).
to_ms() {
    awk -v v="$1" 'BEGIN {
        n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
        f = u == "us" ? 0.001 : u == "ms" ? 1 : u == "s" ? 1000 : u == "m" ? 60000 : u == "h" ? 3600000 : -1
        if (f < 0) { print "-"; exit }
        printf "%.3f", n * f
    }'
}

# wrk takes 10s/2m/1h; pgbench -T wants whole seconds.
seconds() {
    awk -v v="$1" 'BEGIN {
        n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
        f = u == "" || u == "s" ? 1 : u == "m" ? 60 : u == "h" ? 3600 : 0
        if (f == 0) exit 1
        s = int(n * f + 0.5); print (s < 1 ? 1 : s)
    }' || relais_die "cannot read duration $1"
}

# a / b with two decimals, "-" when either is unknown or b is not positive.
ratio() {
    [[ $1 != - && $2 != - ]] || { echo -; return; }
    awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "-" }'
}

# median V... of the values that are not "-"; prints "-" when there are none. With an even
# count, the mean of the two middle values. Keeps the precision of the input.
median() {
    printf '%s\n' "$@" | { grep -v '^-$' || true; } | sort -g | awk '
        { v[NR] = $1; d = index($1, ".") ? length($1) - index($1, ".") : 0; if (d > p) p = d }
        END {
            if (NR == 0) { print "-"; exit }
            m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
            printf "%.*f\n", p, m
        }'
}
