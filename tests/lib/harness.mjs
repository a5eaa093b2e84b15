// harness.mjs — what every API and browser test uses: fresh databases, a running server,
// private PostgreSQL clusters and plain HTTP requests. Node >= 18, no npm dependencies.
//
// The environment comes from scripts/test (and ctest):
//   RELAIS_TEST_DATABASE_URL  libpq URL of database "relais" as role "relais" (CREATEDB, not
//                             superuser) in the throwaway cluster
//   RELAIS_TEST_PGCLUSTER     absolute path of scripts/lib/pgcluster.sh
//   RELAIS_TEST_PGDIR         the throwaway cluster's directory
//   RELAIS_BIN                absolute path of the relais binary under test
//
// Everything a test process creates (data directories, servers) is removed or killed when the
// process exits, whether the tests passed or not.

import { spawn, spawnSync, execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, chmodSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const PG_BINDIR = process.env.RELAIS_PG_BINDIR || '/usr/lib/postgresql/15/bin';
const LISTENING = /relais: listening on (http:\/\/127\.0\.0\.1:(\d+))/;
const START_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 15_000;

// --- process-wide cleanup ------------------------------------------------------------------

let scratchRoot = null;
const liveServers = new Set();

/** A fresh directory under this process's scratch root, deleted when the process exits. */
export function tempDir(prefix = 'tmp') {
  if (!scratchRoot) {
    scratchRoot = mkdtempSync(path.join(os.tmpdir(), 'relais-test-'));
    // The postgres system user must be able to reach clusters created in here (when root).
    chmodSync(scratchRoot, 0o755);
  }
  const dir = mkdtempSync(path.join(scratchRoot, `${prefix}-`));
  chmodSync(dir, 0o755);
  return dir;
}

const liveClusters = new Set();

// Synchronous on purpose: it runs from 'exit', where promises never settle.
function cleanupAtExit() {
  for (const proc of liveServers) {
    try { proc.kill('SIGKILL'); } catch { /* already gone */ }
  }
  liveServers.clear();
  for (const dir of liveClusters) {
    spawnSync(pgclusterPath(), ['destroy', dir], { stdio: 'ignore' });
  }
  liveClusters.clear();
  if (scratchRoot) rmSync(scratchRoot, { recursive: true, force: true });
  scratchRoot = null;
}
process.on('exit', cleanupAtExit);
// A test process stopped by a signal (a runner's timeout) skips 'exit': clean up, then die of
// the same signal so the runner still sees why it ended.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(signal, () => {
    cleanupAtExit();
    process.kill(process.pid, signal);
  });
}

// --- small helpers -------------------------------------------------------------------------

function requireEnv(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run the tests with scripts/test (e.g. scripts/test -R NAME)`);
  }
  return value;
}

function pgclusterPath() {
  return requireEnv('RELAIS_TEST_PGCLUSTER');
}

/** Runs a program to completion; resolves with stdout, rejects with its output on failure. */
function run(file, args, options = {}) {
  return new Promise((resolve, reject) => {
    execFile(file, args, { maxBuffer: 64 << 20, ...options }, (err, stdout, stderr) => {
      if (err) {
        err.message = `${file} ${args.join(' ')} failed: ${err.message}\n${stdout}${stderr}`;
        reject(err);
      } else {
        resolve(stdout);
      }
    });
  });
}

/** Splits a libpq URL of the form postgresql:///db?host=/sock&port=N&user=U. */
function parsePgUrl(url) {
  const u = new URL(url);
  return {
    host: u.searchParams.get('host') || '',
    port: u.searchParams.get('port') || '5432',
    user: u.searchParams.get('user') || u.username || '',
    database: decodeURIComponent(u.pathname.replace(/^\//, '')),
  };
}

/** The same URL with another database name. */
function withDatabase(url, name) {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(name)}`;
  return u.href;
}

function pgArgs(url) {
  const { host, port, user } = parsePgUrl(url);
  const args = [];
  if (host) args.push('-h', host);
  if (port) args.push('-p', port);
  if (user) args.push('-U', user);
  return args;
}

/** Runs one SQL command with psql against the given URL; resolves with its unaligned output. */
export async function psql(url, sql) {
  const out = await run(path.join(PG_BINDIR, 'psql'),
    ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', sql]);
  return out.trimEnd();
}

// --- databases -----------------------------------------------------------------------------

/**
 * Creates a database with a random name in the throwaway cluster, owned by role relais.
 * Returns { url, name, drop() }; drop() forces other sessions off and removes it.
 */
export async function createDatabase() {
  const base = requireEnv('RELAIS_TEST_DATABASE_URL');
  const name = `relais_t_${randomBytes(6).toString('hex')}`;
  await run(path.join(PG_BINDIR, 'createdb'), [...pgArgs(base), name]);
  return {
    url: withDatabase(base, name),
    name,
    drop: () => dropDatabase(base, name),
  };
}

/**
 * dropdb --force, again a few times when it meets an autovacuum worker on the database:
 * PostgreSQL 15 refuses to terminate one for a non-superuser ("must be a member of the role
 * whose process is being terminated"), and the worker is gone a moment later.
 */
async function dropDatabase(base, name) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run(path.join(PG_BINDIR, 'dropdb'), [...pgArgs(base), '--if-exists', '--force', name]);
    } catch (err) {
      if (attempt >= 20 || !/must be a member of the role whose process is being terminated/.test(err.message)) throw err;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

// --- the server ----------------------------------------------------------------------------

/** Runs `relais ARGS` to completion with the given environment; rejects with its output. */
export function runRelais(args, env = {}) {
  const bin = requireEnv('RELAIS_BIN');
  return run(bin, args, { env: { ...process.env, ...env } });
}

/**
 * Starts `relais serve` on an ephemeral port and waits until it listens.
 *
 * databaseUrl  database to use; a fresh one (createDatabase) when omitted
 * env          extra environment for the server (overrides the defaults below)
 * migrate      run `relais migrate` first (default true)
 * dataDir      RELAIS_DATA_DIR to reuse (e.g. to restart on the same files); fresh when omitted
 *
 * Returns { url, port, proc, databaseUrl, dataDir, database, stderr(), accessLog(), stop() }:
 *   stderr()     everything the server printed so far (stdout and stderr, in arrival order)
 *   accessLog()  the JSON lines of stderr, parsed
 *   stop(signal = 'SIGTERM')  resolves to the exit code; SIGKILL after 15 s. A server killed
 *                by a signal resolves to 128 + its number (so 134 for an ASan abort).
 *   database     { url, name, drop() } when the harness created the database, else null
 */
export async function startServer({ databaseUrl, env = {}, migrate = true, dataDir } = {}) {
  const bin = requireEnv('RELAIS_BIN');
  const database = databaseUrl ? null : await createDatabase();
  const dbUrl = databaseUrl || database.url;
  const dir = dataDir || tempDir('data');
  mkdirSync(dir, { recursive: true });
  const serverEnv = {
    ...process.env,
    RELAIS_PORT: '0',
    RELAIS_BIND: '127.0.0.1',
    RELAIS_DATABASE_URL: dbUrl,
    RELAIS_DATA_DIR: dir,
    RELAIS_TEST_HOOKS: '1',
    ...env,
  };

  if (migrate) await run(bin, ['migrate'], { env: serverEnv });

  const proc = spawn(bin, ['serve'], { env: serverEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  liveServers.add(proc);
  let output = '';
  const exited = new Promise((resolve) => {
    proc.on('exit', (code, signal) => {
      liveServers.delete(proc);
      resolve(code ?? 128 + (os.constants.signals[signal] || 0));
    });
  });

  const listening = new Promise((resolve, reject) => {
    const fail = (why) => {
      clearTimeout(timer);
      reject(new Error(`relais serve ${why}; its output:\n${output}`));
    };
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      fail(`did not print "relais: listening on ..." within ${START_TIMEOUT_MS / 1000} s`);
    }, START_TIMEOUT_MS);
    const onData = (chunk) => {
      output += chunk;
      const m = LISTENING.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1], port: Number(m[2]) });
      }
    };
    proc.stdout.setEncoding('utf8').on('data', onData);
    proc.stderr.setEncoding('utf8').on('data', onData);
    proc.on('error', (err) => fail(`could not be started (${err.message})`));
    exited.then((code) => fail(`exited with status ${code} before listening`));
  });

  const { url, port } = await listening;
  return {
    url,
    port,
    proc,
    databaseUrl: dbUrl,
    dataDir: dir,
    database,
    stderr: () => output,
    accessLog: () => output.split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line)),
    stop: async (signal = 'SIGTERM') => {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill(signal);
        const timer = setTimeout(() => proc.kill('SIGKILL'), STOP_GRACE_MS);
        const code = await exited;
        clearTimeout(timer);
        return code;
      }
      return exited;
    },
  };
}

// --- a cluster of one's own ----------------------------------------------------------------

/**
 * Initialises and starts a private PostgreSQL cluster, for tests that stop and restart
 * PostgreSQL under a running server. Returns { dir, url(db = 'relais'), stop(), start(),
 * destroy() }; url() gives a libpq URL as role relais. destroy() stops it and deletes it
 * (also done when the process exits).
 */
export async function startCluster() {
  const tool = pgclusterPath();
  const dir = tempDir('pg');
  liveClusters.add(dir);
  await run(tool, ['init', dir, '--ephemeral']);
  await run(tool, ['start', dir]);
  const base = (await run(tool, ['url', dir, 'relais'])).trim();
  return {
    dir,
    url: (db = 'relais') => withDatabase(base, db),
    start: () => run(tool, ['start', dir]),
    stop: () => run(tool, ['stop', dir]),
    destroy: async () => {
      await run(tool, ['destroy', dir]);
      liveClusters.delete(dir);
    },
  };
}

// --- HTTP ----------------------------------------------------------------------------------

/**
 * One HTTP request with node:http (no connection reuse, nothing added behind the test's
 * back). body: a string, a Buffer, or any other value, which is sent as JSON with
 * Content-Type application/json unless headers say otherwise.
 * Resolves to { status, headers, body: Buffer, text(), json() }.
 */
export function request(url, { method = 'GET', headers = {}, body } = {}) {
  let payload = null;
  const hdrs = { ...headers };
  const hasHeader = (name) => Object.keys(hdrs).some((k) => k.toLowerCase() === name);
  if (body !== undefined && body !== null) {
    if (typeof body === 'string' || Buffer.isBuffer(body) || body instanceof Uint8Array) {
      payload = Buffer.from(body);
    } else {
      payload = Buffer.from(JSON.stringify(body));
      if (!hasHeader('content-type')) hdrs['Content-Type'] = 'application/json';
    }
    if (!hasHeader('content-length') && !hasHeader('transfer-encoding')) {
      hdrs['Content-Length'] = String(payload.length);
    }
  }
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: hdrs, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const buf = Buffer.concat(chunks);
        resolve({
          status: res.statusCode,
          headers: res.headers,
          body: buf,
          text: () => buf.toString('utf8'),
          json: () => JSON.parse(buf.toString('utf8')),
        });
      });
    });
    req.on('error', reject);
    req.end(payload ?? undefined);
  });
}

/**
 * Sends raw bytes to 127.0.0.1:port and resolves with everything the server sent back, as
 * text (latin1, so every byte maps to one character), when the server closes the connection
 * or after `timeout` ms of silence. Include "Connection: close" to get an answer promptly.
 * With end: true the client half-closes after sending.
 */
export function rawRequest(port, data, { timeout = 5000, end = false } = {}) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      if (end) socket.end(data); else socket.write(data);
    });
    socket.setTimeout(timeout, () => socket.destroy());
    socket.on('data', (c) => chunks.push(c));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.on('error', (err) => {
      // A reset is an answer too (a server may close hard on bad input): 'close' follows
      // and resolves with whatever arrived.
      if (err.code !== 'ECONNRESET' && err.code !== 'EPIPE') reject(err);
    });
  });
}
