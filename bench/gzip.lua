-- gzip.lua: wrk asks for a gzipped reply, as browsers do. scripts/bench saves what Relais
-- answers to the same request as PATH.gz, which nginx serves with gzip_static.
wrk.headers["Accept-Encoding"] = "gzip"
