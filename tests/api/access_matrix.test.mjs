// access_matrix.test.mjs — every documented route, for every principal, against every kind of
// community: the status each one gets, 404 bodies identical to a missing id's, and no name,
// slug or e-mail address of anything the principal may not see anywhere in any body.
// Rows live in tests/api/matrix/*.mjs (see its README.md); a documented route without a row
// fails this test.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startServer, request } from '../lib/harness.mjs';
import {
  PRINCIPALS, COMMUNITIES, MISSING_ID, buildWorld, canSeeCommunity, canReadCommunity,
  canSeeUser, roleOf, forbiddenCanaries, jsonStrings,
} from './matrix/_world.mjs';

const MATRIX_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'matrix');
// Operational endpoints answer everyone the same and hold nothing of anyone's.
const NOT_IN_MATRIX = new Set(['GET /healthz', 'GET /metrics', 'GET /api/openapi.json']);

const ROWS = [];
for (const file of readdirSync(MATRIX_DIR).filter((f) => f.endsWith('.mjs') && !f.startsWith('_')).sort()) {
  const mod = await import(pathToFileURL(path.join(MATRIX_DIR, file)).href);
  if (!Array.isArray(mod.rows)) throw new Error(`tests/api/matrix/${file} exports no 'rows' array`);
  for (const row of mod.rows) ROWS.push({ ...row, file });
}

let srv;
let world;

before(async () => {
  // Long idle timeout: the sessions are made once and the run must not outlive them.
  srv = await startServer({ env: { RELAIS_SESSION_IDLE_MINUTES: '600' } });
  world = await buildWorld(srv);
  await world.restore();
});

after(async () => {
  if (world) await world.db.close();
  if (srv) assert.equal(await srv.stop(), 0, srv.stderr());
});

/** "/api/communities/{id}/members/{user_id}" and "/api/communities/{community}/members/{user}" alike. */
function shape(method, p) {
  return `${method.toUpperCase()} ${p.split('?')[0].replace(/\{[^}]+\}/g, '{}')}`;
}

test('every documented operation has a matrix row', async () => {
  const res = await request(`${srv.url}/api/openapi.json`);
  assert.equal(res.status, 200);
  const doc = res.json();
  const covered = new Set(ROWS.map((r) => shape(r.method, r.path)));
  const missing = [];
  for (const [p, item] of Object.entries(doc.paths)) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
      if (!item[method]) continue;
      const op = `${method.toUpperCase()} ${p}`;
      if (NOT_IN_MATRIX.has(op)) continue;
      if (!covered.has(shape(method, p))) missing.push(op);
    }
  }
  assert.deepEqual(missing, [], `documented routes without a row in tests/api/matrix/:\n  ${missing.join('\n  ')}`);
  const documented = new Set();
  for (const [p, item] of Object.entries(doc.paths)) {
    for (const m of Object.keys(item)) documented.add(shape(m, p));
  }
  const stale = ROWS.filter((r) => !documented.has(shape(r.method, r.path)))
    .map((r) => `${r.method} ${r.path} (${r.file})`);
  assert.deepEqual(stale, [], `rows for routes the API does not document:\n  ${stale.join('\n  ')}`);
});

/** The status row expects for principal p on community c ('missing', a key, or null). */
function expected(row, p, c, ctx) {
  if (typeof row.expect === 'function') return row.expect(p, c, ctx);
  const v = row.expect[p];
  if (v === undefined) throw new Error(`no expectation for principal '${p}'`);
  if (typeof v === 'number') {
    if (c === 'missing' && p !== 'anonymous') return row.expect.missing ?? 404;
    return v;
  }
  const key = c ?? 'all';
  if (v[key] !== undefined) return v[key];
  if (c === 'missing') return row.expect.missing ?? 404;
  throw new Error(`no expectation for principal '${p}' on community '${key}'`);
}

function contextFor(p, c) {
  const community = c === null ? null
    : c === 'missing' ? { key: 'missing', id: MISSING_ID, slug: 'mx-no-such-community' }
      : world.communities[c];
  return {
    ...world,
    p,
    c,
    community,
    user: p === 'anonymous' ? null : world.users[p],
    vars: {},
    roleOf: (u, cc) => roleOf(world, u, cc),
    canSeeCommunity: (cc) => canSeeCommunity(world, p, cc),
    canReadCommunity: (cc) => canReadCommunity(world, p, cc),
    canSeeUser: (u) => canSeeUser(world, p, u),
    communityKeyById: (id) => Object.keys(world.communities).find((k) => world.communities[k].id === id),
    userKeyById: (id) => Object.keys(world.users).find((k) => world.users[k].id === id),
  };
}

function fillPath(row, ctx) {
  return row.path.replace(/\{([^}]+)\}/g, (_, name) => {
    if (name === 'community') {
      if (!ctx.community) throw new Error(`${row.path}: {community} in a row that is not per community`);
      return String(ctx.community.id);
    }
    const v = ctx.vars[name];
    if (v === undefined) throw new Error(`${row.path}: setup() gave no value for {${name}}`);
    return encodeURIComponent(String(v));
  });
}

function parseJson(res) {
  if (!/^application\/json/.test(res.headers['content-type'] || '') || res.body.length === 0) {
    return undefined;
  }
  try { return res.json(); } catch { return undefined; }
}

/** Runs one row for every principal and community; resolves with the list of failures. */
async function runRow(row) {
  const perCommunity = row.perCommunity ?? row.path.includes('{community}');
  const mutates = row.mutates ?? row.method !== 'GET';
  const failures = [];
  for (const p of PRINCIPALS) {
    let missingBody;
    // 'missing' first: its 404 is the reference every invisible community must match.
    for (const c of perCommunity ? ['missing', ...COMMUNITIES] : [null]) {
      const where = c ? `${p} on ${c}` : p;
      const ctx = contextFor(p, c);
      try {
        if (row.setup) ctx.vars = (await row.setup(ctx)) ?? {};
        const want = expected(row, p, c, ctx);
        const headers = { ...world.headersFor(p), ...(row.headers ? row.headers(ctx) : {}) };
        for (const k of Object.keys(headers)) if (headers[k] === null) delete headers[k];
        const res = await request(`${srv.url}${fillPath(row, ctx)}`, {
          method: row.method, headers, body: row.body ? row.body(ctx) : undefined,
        });
        const json = parseJson(res);
        if (res.status !== want) {
          failures.push(`${where}: expected ${want}, got ${res.status} ${res.text().slice(0, 200)}`);
        }
        if (c === 'missing') {
          missingBody = res.status === 404 ? res.text() : undefined;
        } else if (perCommunity && res.status === 404 && !canSeeCommunity(world, p, c) &&
                   missingBody !== undefined && res.text() !== missingBody) {
          failures.push(`${where}: 404 body differs from a missing id's: ${res.text()} vs ${missingBody}`);
        }
        if (json !== undefined && row.leakScan !== false) {
          const allowed = new Set(row.mayReveal ? row.mayReveal(ctx) : []);
          const strings = jsonStrings(json);
          for (const [canary, what] of forbiddenCanaries(world, p)) {
            if (allowed.has(canary)) continue;
            if (strings.some((s) => s.includes(canary))) {
              failures.push(`${where}: body reveals ${what} ("${canary}"): ${res.text().slice(0, 300)}`);
            }
          }
        }
        if (row.listCheck && res.status >= 200 && res.status < 300 && json !== undefined) {
          try {
            await row.listCheck(json, ctx);
          } catch (err) {
            failures.push(`${where}: listCheck: ${err.message}`);
          }
        }
        if (row.after) await row.after(ctx, res);
      } catch (err) {
        failures.push(`${where}: ${err.stack || err.message}`);
      } finally {
        if (mutates) await world.restore();
      }
    }
  }
  return failures;
}

// MATRIX_ONLY=regex runs only the rows whose title matches (while working on a route).
const only = process.env.MATRIX_ONLY ? new RegExp(process.env.MATRIX_ONLY) : null;
for (const row of ROWS) {
  const title = `${row.method} ${row.path}${row.name ? ` — ${row.name}` : ''} (${row.file})`;
  test(title, { skip: only && !only.test(title) ? 'MATRIX_ONLY' : false }, async () => {
    const failures = await runRow(row);
    if (failures.length > 0) assert.fail(`${failures.length} failed checks:\n  ${failures.join('\n  ')}`);
  });
}
