-- session.lua: wrk sends the session cookie of the benchmark's viewer (scripts/bench sets
-- BENCH_COOKIE after loading bench/people.sql), so the request is authenticated.
wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE")
