// admin.test.mjs — account administration and platform settings: only administrators get in;
// creating staff accounts (with a password, or with an e-mailed link to choose one); suspending
// ends sessions and API tokens; an administrator cannot lock themself out; allowed domains.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { startServer, psql, request } from '../lib/harness.mjs';
import { makeOrg, makePerson, makeSession, client, login, lit } from './people_helpers.mjs';

const ORIGIN = 'https://relais.ght-test.example';
let srv;
let db;
const ids = {};
const as = {};

before(async () => {
  srv = await startServer({ env: { RELAIS_PUBLIC_ORIGIN: ORIGIN } });
  db = srv.databaseUrl;
  ids.ght = await makeOrg(db, 'GHT Vaucluse', 'ght');
  ids.ars = await makeOrg(db, 'ARS PACA', 'ars');
  ids.admin = await makePerson(db, { email: 'admin@ght.test', name: 'Claire Admin', org: ids.ght, admin: true });
  ids.staff = await makePerson(db, { email: 'staff@ght.test', name: 'Julien Staff', org: ids.ght });
  ids.guest = await makePerson(db, { email: 'guest@partner.test', name: 'Gilles Partenaire', kind: 'guest' });
  for (const k of ['admin', 'staff', 'guest']) as[k] = client(srv, await makeSession(db, ids[k]), ORIGIN);
  as.anonymous = client(srv, null);
});

after(async () => {
  assert.equal(await srv.stop(), 0, srv.stderr());
});

const ADMIN_ROUTES = [
  ['GET', '/api/admin/users'],
  ['POST', '/api/admin/users', { email: 'x@ght.test', display_name: 'X', organisation_id: 1 }],
  ['PATCH', '/api/admin/users/1', { status: 'suspended' }],
  ['GET', '/api/admin/settings'],
  ['PUT', '/api/admin/settings', { 'invitations.allowed_domains': [] }],
  ['POST', '/api/organisations', { kind: 'ght', name: 'Y' }],
  ['PATCH', '/api/organisations/1', { name: 'Z' }],
  ['GET', '/api/audit'],
  ['GET', '/api/audit.csv'],
];

test('administration routes: 401 anonymous, 403 for staff and partners', async () => {
  for (const [method, path, body] of ADMIN_ROUTES) {
    const call = (who) => who[{ GET: 'get', POST: 'post', PUT: 'put', PATCH: 'patch' }[method]](path, body);
    assert.equal((await call(as.anonymous)).status, 401, `${method} ${path}`);
    for (const who of ['staff', 'guest']) {
      const res = await call(as[who]);
      assert.equal(res.status, 403, `${who} ${method} ${path}`);
      assert.equal(res.json().error.code, 'forbidden');
    }
  }
  const n = await psql(db, "SELECT count(*) FROM users WHERE email = 'x@ght.test'");
  assert.equal(n, '0');
});

test('an administrator creates a staff account with a password; it signs in', async () => {
  const res = await as.admin.post('/api/admin/users', {
    email: 'Anne.Martin@GHT.test', display_name: ' Anne Martin ', organisation_id: ids.ght,
    job_title: 'Cadre de santé', password: 'un mot de passe long et sûr 2026',
  });
  assert.equal(res.status, 201, res.text());
  const a = res.json();
  assert.equal(a.display_name, 'Anne Martin');
  assert.equal(a.kind, 'staff');
  assert.equal(a.platform_role, 'user');
  assert.equal(a.status, 'active');
  assert.equal(a.has_password, true);
  assert.equal(a.last_login_at, null);
  assert.deepEqual(a.organisation, { id: ids.ght, name: 'GHT Vaucluse', kind: 'ght' });
  const s = await login(srv, 'anne.martin@ght.test', 'un mot de passe long et sûr 2026');
  assert.equal(s.user.id, a.id);
  const listed = (await as.admin.get('/api/admin/users?q=anne.martin')).json();
  assert.equal(listed.total, 1);
  assert.match(listed.items[0].last_login_at, /^\d{4}-/);
  const outbox = await psql(db, `SELECT count(*) FROM email_outbox WHERE user_id = ${a.id}`);
  assert.equal(outbox, '0');
  const ev = await psql(db, `SELECT actor_id, detail->>'platform_role', detail->>'invitation_sent'
    FROM audit_events WHERE action = 'user.created' AND object_id = '${a.id}'`);
  assert.equal(ev, `${ids.admin}|user|false`);

  // The same address, whatever its case: 409.
  const dup = await as.admin.post('/api/admin/users', { email: 'ANNE.MARTIN@ght.test',
    display_name: 'Autre', organisation_id: ids.ght });
  assert.equal(dup.status, 409);
  assert.match(dup.json().error.message, /already exists/);
});

test('account creation checks its input', async () => {
  const base = { email: 'bob@ght.test', display_name: 'Bob', organisation_id: ids.ght };
  for (const [body, why] of [
    [{ ...base, email: 'pas-une-adresse' }, /email/],
    [{ ...base, email: undefined }, /email/],
    [{ ...base, display_name: '' }, /display_name/],
    [{ ...base, organisation_id: undefined }, /organisation_id/],
    [{ ...base, organisation_id: 987654 }, /organisation/],
    [{ ...base, platform_role: 'root' }, /platform_role/],
    [{ ...base, password: 'court' }, /.+/],
    [{ ...base, password: 'azertyuiop123' }, /.+/],
    [{ ...base, kind: 'guest' }, /kind/],
  ]) {
    const res = await as.admin.post('/api/admin/users', body);
    assert.equal(res.status, 422, JSON.stringify(body));
    assert.match(res.json().error.message, why);
  }
  assert.equal(await psql(db, "SELECT count(*) FROM users WHERE email = 'bob@ght.test'"), '0');
});

test('without a password, the new account gets a link to choose one', async () => {
  const res = await as.admin.post('/api/admin/users', { email: 'nadia.benali@ght.test',
    display_name: 'Nadia Benali', organisation_id: ids.ars, platform_role: 'admin' });
  assert.equal(res.status, 201, res.text());
  const a = res.json();
  assert.equal(a.has_password, false);
  assert.equal(a.platform_role, 'admin');
  const mail = await psql(db, `SELECT kind || '|' || to_address || '|' || subject FROM email_outbox
    WHERE user_id = ${a.id}`);
  assert.equal(mail, 'account_created|nadia.benali@ght.test|Votre compte Relais / Your Relais account');
  const body = await psql(db, `SELECT body_text FROM email_outbox WHERE user_id = ${a.id}`);
  assert.match(body, /Bonjour Nadia Benali/);
  assert.match(body, /Claire Admin/);
  const m = /https:\/\/relais\.ght-test\.example\/mot-de-passe\/([A-Za-z0-9_-]+)/.exec(body);
  assert.ok(m, body);
  // Nobody can sign in yet; the link sets the password once.
  const before = await request(`${srv.url}/api/session`, { method: 'POST',
    body: { email: 'nadia.benali@ght.test', password: 'Le mot de passe de Nadia, enfin choisi' } });
  assert.equal(before.status, 401);
  const set = await request(`${srv.url}/api/password-reset/confirm`, { method: 'POST',
    body: { token: m[1], password: 'Le mot de passe de Nadia, enfin choisi' } });
  assert.equal(set.status, 204, set.text());
  const s = await login(srv, 'nadia.benali@ght.test', 'Le mot de passe de Nadia, enfin choisi');
  assert.equal(s.user.platform_role, 'admin');
  const again = await request(`${srv.url}/api/password-reset/confirm`, { method: 'POST',
    body: { token: m[1], password: 'Un autre mot de passe bien long' } });
  assert.equal(again.status, 404);
  // The secret link never reaches the logs.
  assert.ok(!srv.stderr().includes(m[1]));
});

test('suspending ends the sessions and API tokens at once; reactivating lets the person back', async () => {
  const id = await makePerson(db, { email: 'karim@ght.test', name: 'Karim Haddad', org: ids.ght });
  const s1 = await login(srv, 'karim@ght.test');
  const s2 = await login(srv, 'karim@ght.test');
  const secret = `rls_${randomBytes(32).toString('base64url')}`;
  await psql(db, `INSERT INTO api_tokens (user_id, name, token_hash, prefix, scope)
    VALUES (${id}, 'intégration', '\\x${createHash('sha256').update(secret).digest('hex')}'::bytea,
            ${lit(secret.slice(0, 10))}, 'read')`);
  const bearer = { Authorization: `Bearer ${secret}` };
  assert.equal((await client(srv, s1, ORIGIN).get('/api/me')).status, 200);
  assert.equal((await request(`${srv.url}/api/users`, { headers: bearer })).status, 200);

  const res = await as.admin.patch(`/api/admin/users/${id}`, { status: 'suspended' });
  assert.equal(res.status, 200, res.text());
  assert.equal(res.json().status, 'suspended');
  assert.equal((await client(srv, s1, ORIGIN).get('/api/me')).status, 401);
  assert.equal((await client(srv, s2, ORIGIN).get('/api/users')).status, 401);
  assert.equal((await request(`${srv.url}/api/users`, { headers: bearer })).status, 401);
  const open = await psql(db, `SELECT count(*) FROM sessions WHERE user_id = ${id} AND revoked_at IS NULL`);
  assert.equal(open, '0');
  const tokens = await psql(db, `SELECT count(*) FROM api_tokens WHERE user_id = ${id} AND revoked_at IS NULL`);
  assert.equal(tokens, '0');
  const failed = await request(`${srv.url}/api/session`, { method: 'POST',
    body: { email: 'karim@ght.test', password: 'Alpha-Canari-Passe-4821' } });
  assert.equal(failed.status, 401);
  const ev = JSON.parse(await psql(db, `SELECT detail FROM audit_events WHERE action = 'user.updated'
    AND object_id = '${id}'`));
  assert.deepEqual(ev.changes, { status: { from: 'active', to: 'suspended' } });
  assert.equal(ev.sessions_revoked, 2);
  assert.equal(ev.tokens_revoked, 1);

  // Staff no longer find the suspended account in the directory.
  assert.equal((await as.staff.get('/api/users?q=karim')).json().total, 0);
  assert.equal((await as.staff.get(`/api/users/${id}`)).status, 404);

  const back = await as.admin.patch(`/api/admin/users/${id}`, { status: 'active' });
  assert.equal(back.status, 200);
  await login(srv, 'karim@ght.test');
  // The old token stays revoked.
  assert.equal((await request(`${srv.url}/api/users`, { headers: bearer })).status, 401);
});

test('role and organisation changes; an administrator cannot lock themself out', async () => {
  const self = await as.admin.patch(`/api/admin/users/${ids.admin}`, { status: 'suspended' });
  assert.equal(self.status, 409);
  assert.match(self.json().error.message, /your own account/);
  assert.equal((await as.admin.patch(`/api/admin/users/${ids.admin}`, { status: 'deactivated' })).status, 409);
  const demote = await as.admin.patch(`/api/admin/users/${ids.admin}`, { platform_role: 'user' });
  assert.equal(demote.status, 409);
  assert.match(demote.json().error.message, /administrator role/);
  assert.equal(await psql(db, `SELECT platform_role::text || status FROM users WHERE id = ${ids.admin}`), 'adminactive');

  const promote = await as.admin.patch(`/api/admin/users/${ids.staff}`, { platform_role: 'admin', organisation_id: ids.ars });
  assert.equal(promote.status, 200);
  assert.equal(promote.json().platform_role, 'admin');
  assert.equal(promote.json().organisation.id, ids.ars);
  // The promoted one may now use the admin routes with the session it already had.
  assert.equal((await as.staff.get('/api/admin/settings')).status, 200);
  const ev = JSON.parse(await psql(db, `SELECT detail FROM audit_events WHERE action = 'user.updated'
    AND object_id = '${ids.staff}' ORDER BY id DESC LIMIT 1`));
  assert.deepEqual(ev.changes, { platform_role: { from: 'user', to: 'admin' },
    organisation_id: { from: ids.ght, to: ids.ars } });
  const back = await as.admin.patch(`/api/admin/users/${ids.staff}`, { platform_role: 'user', organisation_id: ids.ght });
  assert.equal(back.status, 200);
  assert.equal((await as.staff.get('/api/admin/settings')).status, 403);

  // A partner has no organisation; unknown ids and bad values.
  assert.equal((await as.admin.patch(`/api/admin/users/${ids.guest}`, { organisation_id: ids.ght })).status, 422);
  assert.equal((await as.admin.patch(`/api/admin/users/${ids.guest}`, { organisation_id: null })).status, 200);
  assert.equal((await as.admin.patch('/api/admin/users/987654321', { status: 'active' })).status, 404);
  assert.equal((await as.admin.patch(`/api/admin/users/${ids.staff}`, { organisation_id: 987654 })).status, 422);
  assert.equal((await as.admin.patch(`/api/admin/users/${ids.staff}`, { status: 'banned' })).status, 422);
  assert.equal((await as.admin.patch(`/api/admin/users/${ids.staff}`, {})).status, 422);
  assert.equal((await as.admin.patch(`/api/admin/users/${ids.staff}`, { email: 'x@y.z' })).status, 422);
  // No change, no audit event.
  const count = async () => psql(db, `SELECT count(*) FROM audit_events WHERE action = 'user.updated'
    AND object_id = '${ids.staff}'`);
  const n = await count();
  assert.equal((await as.admin.patch(`/api/admin/users/${ids.staff}`, { status: 'active' })).status, 200);
  assert.equal(await count(), n);
});

test('the account list: every kind and status, filters', async () => {
  await makePerson(db, { email: 'ancien@ght.test', name: 'Ancien Agent', org: ids.ght, status: 'deactivated' });
  const all = (await as.admin.get('/api/admin/users?limit=100')).json();
  assert.equal(all.total, all.items.length);
  assert.ok(all.items.some((u) => u.kind === 'guest'));
  const deact = (await as.admin.get('/api/admin/users?status=deactivated')).json();
  assert.deepEqual(deact.items.map((u) => u.email), ['ancien@ght.test']);
  const byMail = (await as.admin.get('/api/admin/users?q=partner.test')).json();
  assert.deepEqual(byMail.items.map((u) => u.display_name), ['Gilles Partenaire']);
  const byOrg = (await as.admin.get('/api/admin/users?q=ars%20paca')).json();
  assert.deepEqual(byOrg.items.map((u) => u.email), ['nadia.benali@ght.test']);
  assert.equal((await as.admin.get('/api/admin/users?status=gone')).status, 400);
  assert.equal((await as.admin.get('/api/admin/users?limit=500')).status, 400);
});

test('settings: allowed invitation domains, normalised and audited', async () => {
  const empty = await as.admin.get('/api/admin/settings');
  assert.equal(empty.status, 200);
  assert.deepEqual(empty.json(), { 'invitations.allowed_domains': [] });
  const put = await as.admin.put('/api/admin/settings', {
    'invitations.allowed_domains': [' ARS-Paca.fr ', '@ght-vaucluse.fr', 'ars-paca.fr', 'xn--chteau-bua.fr'],
  });
  assert.equal(put.status, 200, put.text());
  assert.deepEqual(put.json(), { 'invitations.allowed_domains': ['ars-paca.fr', 'ght-vaucluse.fr', 'xn--chteau-bua.fr'] });
  assert.deepEqual((await as.admin.get('/api/admin/settings')).json(), put.json());
  const stored = await psql(db, "SELECT value FROM platform_settings WHERE key = 'invitations.allowed_domains'");
  assert.deepEqual(JSON.parse(stored), ['ars-paca.fr', 'ght-vaucluse.fr', 'xn--chteau-bua.fr']);
  const ev = await psql(db, "SELECT count(*) FROM audit_events WHERE action = 'settings.updated'");
  assert.equal(ev, '1');
  for (const bad of [
    { 'invitations.allowed_domains': 'ars-paca.fr' },
    { 'invitations.allowed_domains': ['localhost'] },
    { 'invitations.allowed_domains': ['ars paca.fr'] },
    { 'invitations.allowed_domains': ['-ars.fr'] },
    { 'invitations.allowed_domains': ['château.fr'] },
    { 'invitations.allowed_domains': [42] },
    { 'invitations.allowed_domains': Array.from({ length: 201 }, (_, i) => `d${i}.fr`) },
    { 'retention.days': 30 },
  ]) {
    const res = await as.admin.put('/api/admin/settings', bad);
    assert.equal(res.status, 422, JSON.stringify(bad).slice(0, 80));
  }
  // An empty list lifts the restriction.
  const lift = await as.admin.put('/api/admin/settings', { 'invitations.allowed_domains': [] });
  assert.deepEqual(lift.json(), { 'invitations.allowed_domains': [] });
});
