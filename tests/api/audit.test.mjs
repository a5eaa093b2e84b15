// audit.test.mjs — the audit trail: events written by sign-in, membership and account changes;
// reading it with filters and keyset pages; the CSV export (quoting, formulas, the 100 000-row
// cap); retention (the CLI purge and the server's background purge) and the database role that
// may append but never change or delete.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer, psql, request } from '../lib/harness.mjs';
import {
  makeOrg, makePerson, makeCommunity, makeSession, client, relais, parseCsv,
} from './people_helpers.mjs';

let srv;
let db;
const ids = {};
const as = {};

before(async () => {
  srv = await startServer();
  db = srv.databaseUrl;
  ids.ght = await makeOrg(db, 'GHT Vaucluse', 'ght');
  ids.admin = await makePerson(db, { email: 'Claire.Vidal@ght.test', name: 'Claire Vidal', org: ids.ght, admin: true });
  ids.staff = await makePerson(db, { email: 'julien@ght.test', name: 'Julien Roux', org: ids.ght });
  ids.other = await makePerson(db, { email: 'sandrine@ght.test', name: 'Sandrine Morel', org: ids.ght });
  ids.community = await makeCommunity(db, { slug: 'qualite', name: 'Qualité', visibility: 'public',
    members: { [ids.staff]: 'animator' } });
  as.admin = client(srv, await makeSession(db, ids.admin));
  as.staff = client(srv, await makeSession(db, ids.staff));
});

after(async () => {
  assert.equal(await srv.stop(), 0, srv.stderr());
});

async function events(query) {
  const res = await as.admin.get(`/api/audit?${query}`);
  assert.equal(res.status, 200, res.text());
  return res.json();
}

test('sign-ins, sign-outs, refusals and membership changes are in the trail', async () => {
  const ua = { 'User-Agent': 'Firefox/133.0 (test audit)' };
  const ok = await request(`${srv.url}/api/session`, { method: 'POST', headers: ua,
    body: { email: 'julien@ght.test', password: 'Alpha-Canari-Passe-4821' } });
  assert.equal(ok.status, 200);
  const bad = await request(`${srv.url}/api/session`, { method: 'POST', headers: ua,
    body: { email: 'julien@ght.test', password: 'pas le bon mot de passe' } });
  assert.equal(bad.status, 401);
  const cookie = ok.headers['set-cookie'][0].split(';')[0];
  const out = await request(`${srv.url}/api/session`, { method: 'DELETE', headers: {
    ...ua, Cookie: cookie, 'X-CSRF-Token': ok.json().csrf_token, Origin: srv.url } });
  assert.ok(out.status === 204 || out.status === 200, out.text());
  const add = await as.staff.post(`/api/communities/${ids.community}/members`,
    { user_id: ids.other, role: 'member' });
  assert.equal(add.status, 201, add.text());
  const org = await as.admin.post('/api/organisations', { kind: 'esms', name: 'EHPAD Les Oliviers' });
  assert.equal(org.status, 201);
  ids.org = org.json().id;

  const page = await events('limit=100');
  const actions = page.items.map((e) => e.action);
  for (const a of ['login.ok', 'login.failed', 'logout', 'membership.added']) {
    assert.ok(actions.includes(a), `${a} in ${actions}`);
  }
  const login = page.items.find((e) => e.action === 'login.ok');
  assert.equal(login.actor_id, ids.staff);
  assert.equal(login.ip, '127.0.0.1');
  assert.equal(login.user_agent, 'Firefox/133.0 (test audit)');
  assert.match(login.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  const member = page.items.find((e) => e.action === 'membership.added');
  assert.equal(member.community_id, ids.community);
  assert.equal(member.actor_id, ids.staff);
  // Newest first; no password anywhere.
  const order = page.items.map((e) => [e.at, e.id]);
  const sorted = [...order].sort((x, y) => (x[0] < y[0] || (x[0] === y[0] && x[1] < y[1]) ? 1 : -1));
  assert.deepEqual(order, sorted);
  const text = JSON.stringify(page);
  assert.ok(!text.includes('Alpha-Canari') && !text.includes('pas le bon'));
});

test('filters: actor, action prefix, object, community, dates', async () => {
  const byId = await events(`actor=${ids.staff}&limit=100`);
  assert.ok(byId.items.length > 0);
  assert.ok(byId.items.every((e) => e.actor_id === ids.staff));
  const byMail = await events('actor=claire.vidal@GHT.TEST');
  assert.deepEqual(byMail.items.map((e) => [e.action, e.object_id]),
    [['organisation.created', String(ids.org)]]);

  const logins = await events('action=login&limit=100');
  assert.deepEqual([...new Set(logins.items.map((e) => e.action))].sort(), ['login.failed', 'login.ok']);
  const okOnly = await events('action=login.ok');
  assert.ok(okOnly.items.length > 0 && okOnly.items.every((e) => e.action === 'login.ok'));
  assert.deepEqual((await events('action=log')).items, []);   // a prefix ends at a dot

  const obj = await events(`object_type=user&object_id=${ids.staff}`);
  assert.ok(obj.items.length > 0);
  assert.ok(obj.items.every((e) => e.object_type === 'user' && e.object_id === String(ids.staff)));
  const com = await events(`community=${ids.community}`);
  assert.ok(com.items.length > 0 && com.items.every((e) => e.community_id === ids.community));

  const now = new Date();
  const day = (d) => new Date(now.getTime() + d * 86400e3).toISOString().slice(0, 10);
  assert.deepEqual((await events(`to=${day(-1)}`)).items, []);
  assert.deepEqual((await events(`from=${day(1)}`)).items, []);
  const today = await events(`from=${day(0)}&to=${day(0)}&limit=500`);
  const all = await events('limit=500');
  assert.equal(today.items.length, all.items.length);
  const hourAgo = new Date(now.getTime() - 3600e3).toISOString();
  assert.equal((await events(`from=${encodeURIComponent(hourAgo)}&limit=500`)).items.length, all.items.length);
  assert.deepEqual((await events(`to=${encodeURIComponent(hourAgo)}`)).items, []);
  assert.equal((await events('from=2026-01-01T00:00%2B01:00&limit=500')).items.length, all.items.length);

  for (const bad of ['actor=julien', 'action=Login', 'action=login;drop', 'community=x',
    'from=2026-02-30', 'from=yesterday', 'to=2026-01-01T25:00', 'before_id=-3', 'limit=0',
    'limit=501', `object_id=${'x'.repeat(201)}`]) {
    const res = await as.admin.get(`/api/audit?${bad}`);
    assert.equal(res.status, 422, bad);
    assert.equal(res.json().error.code, 'unprocessable');
  }
});

test('keyset pages: no event twice, none missed, newest first', async () => {
  await psql(db, `INSERT INTO audit_events (at, action, object_type, object_id)
    SELECT now() - make_interval(secs => g), 'test.synthetic', 'thing', g::text
      FROM generate_series(1, 7) g`);
  // Two events in the same instant still page in a stable order.
  await psql(db, `INSERT INTO audit_events (at, action, object_type, object_id)
    SELECT now() - interval '3 seconds', 'test.synthetic', 'thing', 'same' || g
      FROM generate_series(1, 2) g`);
  const seen = [];
  let before = '';
  for (let i = 0; i < 10; i++) {
    const page = await events(`action=test.synthetic&limit=3${before}`);
    seen.push(...page.items.map((e) => e.object_id));
    if (page.next_before_id === null) break;
    assert.equal(page.items.length, 3);
    before = `&before_id=${page.next_before_id}`;
  }
  assert.equal(seen.length, 9);
  assert.equal(new Set(seen).size, 9);
  assert.deepEqual(seen.slice(0, 2), ['1', '2']);
  assert.equal(seen[8], '7');
});

test('CSV export: quoting, formulas neutralised, headers, and the export is audited', async () => {
  await psql(db, `INSERT INTO audit_events (action, actor_email, object_type, object_id, ip,
      user_agent, detail)
    VALUES ('test.csv', '=HYPERLINK("http://evil.example")', 'document', 'a,b',
            '2001:db8::1', 'Mozilla/5.0 (X11, "Linux")' || chr(10) || 'second line',
            '{"note": "guillemets « » et virgule, apostrophe ’"}')`);
  const res = await as.admin.get('/api/audit.csv?action=test.csv');
  assert.equal(res.status, 200, res.text());
  assert.equal(res.headers['content-type'], 'text/csv; charset=utf-8');
  assert.match(res.headers['content-disposition'], /^attachment; filename="relais-audit-\d{8}-\d{6}\.csv"$/);
  assert.equal(res.headers['x-export-rows'], '1');
  assert.equal(res.headers['x-export-truncated'], 'false');
  assert.equal(res.headers['cache-control'], 'no-store');
  const text = res.body.toString('utf8');
  assert.ok(text.startsWith('\ufeff'), 'byte-order mark');
  const rows = parseCsv(text.slice(1));
  assert.deepEqual(rows[0], ['id', 'at', 'actor_id', 'actor_email', 'action', 'object_type',
    'object_id', 'community_id', 'ip', 'user_agent', 'detail']);
  assert.equal(rows.length, 2);
  const r = rows[1];
  assert.equal(r[3], '\'=HYPERLINK("http://evil.example")');
  assert.equal(r[4], 'test.csv');
  assert.equal(r[6], 'a,b');
  assert.equal(r[7], '');
  assert.equal(r[8], '2001:db8::1');
  assert.equal(r[9], 'Mozilla/5.0 (X11, "Linux")\nsecond line');
  assert.deepEqual(JSON.parse(r[10]), { note: 'guillemets « » et virgule, apostrophe ’' });
  assert.match(text, /\r\n$/);

  const ev = await events('action=audit.exported');
  assert.equal(ev.items.length, 1);
  assert.equal(ev.items[0].actor_id, ids.admin);
  assert.deepEqual(ev.items[0].detail, { filters: { action: 'test.csv' }, rows: 1, truncated: false });

  assert.equal((await as.admin.get('/api/audit.csv?from=nope')).status, 422);
  assert.equal((await as.staff.get('/api/audit.csv')).status, 403);
});

test('CSV export stops at 100 000 rows and says so', async () => {
  await psql(db, `INSERT INTO audit_events (action, object_id)
    SELECT 'test.bulk', g::text FROM generate_series(1, 100005) g`);
  const res = await as.admin.get('/api/audit.csv?action=test.bulk');
  assert.equal(res.status, 200);
  assert.equal(res.headers['x-export-rows'], '100000');
  assert.equal(res.headers['x-export-truncated'], 'true');
  const lines = res.body.toString('utf8').split('\r\n');
  assert.equal(lines.length, 100002);   // header, rows, and the empty string after the last CRLF
  assert.equal(lines[100001], '');
});

test('relais_app may read and append, never change or delete; the purge may', async () => {
  const asApp = (sql) => psql(db, `SET ROLE relais_app; ${sql}`);
  await asApp(`INSERT INTO audit_events (action) VALUES ('test.app_insert')`);
  assert.equal(await asApp(`SELECT count(*) FROM audit_events WHERE action = 'test.app_insert'`), '1');
  for (const sql of [`UPDATE audit_events SET action = 'test.changed'`,
    'DELETE FROM audit_events', 'TRUNCATE audit_events']) {
    await assert.rejects(asApp(sql), /permission denied/, sql);
  }
  await psql(db, `INSERT INTO audit_events (at, action) VALUES (now() - interval '400 days', 'test.ancient')`);
  assert.equal(await asApp("SELECT audit_purge('365 days')"), '1');
  assert.equal(await psql(db, "SELECT count(*) FROM audit_events WHERE action = 'test.ancient'"), '0');
});

test('relais admin purge-audit deletes what is older than the retention period', async () => {
  await psql(db, `INSERT INTO audit_events (at, action)
    VALUES (now() - interval '500 days', 'test.old'), (now() - interval '400 days', 'test.old'),
           (now() - interval '100 days', 'test.recent')`);
  const env = { RELAIS_DATABASE_URL: db };
  const r = await relais(['admin', 'purge-audit', '--days', '365'], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'deleted 2 audit events older than 365 days\n');
  assert.equal(await psql(db, "SELECT count(*) FROM audit_events WHERE action LIKE 'test.old%'"), '0');
  const dflt = await relais(['admin', 'purge-audit'], { env: { ...env, RELAIS_AUDIT_RETENTION_DAYS: '90' } });
  assert.equal(dflt.code, 0, dflt.stderr);
  assert.equal(dflt.stdout, 'deleted 1 audit events older than 90 days\n');
  for (const days of ['0', 'x', '-5']) {
    const bad = await relais(['admin', 'purge-audit', `--days=${days}`], { env });
    assert.equal(bad.code, 2, days);
  }
  const help = await relais(['admin', 'purge-audit', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: relais admin purge-audit/);
});

test('the server purges at start, with the configured retention', async () => {
  await psql(db, `INSERT INTO audit_events (at, action)
    VALUES (now() - interval '40 days', 'test.purged_at_start'), (now() - interval '20 days', 'test.kept')`);
  const second = await startServer({ databaseUrl: db, migrate: false,
    env: { RELAIS_AUDIT_RETENTION_DAYS: '30' } });
  try {
    let left = '1';
    for (let i = 0; i < 100 && left !== '0'; i++) {
      left = await psql(db, "SELECT count(*) FROM audit_events WHERE action = 'test.purged_at_start'");
      if (left !== '0') await sleep(100);
    }
    assert.equal(left, '0');
    assert.equal(await psql(db, "SELECT count(*) FROM audit_events WHERE action = 'test.kept'"), '1');
  } finally {
    assert.equal(await second.stop(), 0, second.stderr());
  }
  assert.match(second.stderr(), /deleted \d+ events older than 30 days/);
});
