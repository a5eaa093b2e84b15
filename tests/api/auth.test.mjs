// auth.test.mjs — signing in and out, cookies, CSRF and Origin, throttling, session fixation,
// idle and absolute expiry, my sessions, password change, reset and e-mail verification links,
// personal API tokens, and a canary check that no secret reaches the server's output.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startServer, request, psql } from '../lib/harness.mjs';

// argon2id hashes (t=3, m=64 MiB, as server/auth/password.c makes them) of these passwords,
// made once with libsodium's crypto_pwhash_str_alg. The passwords double as canaries.
const PASSWORDS = {
  alpha: 'Alpha-Canari-Passe-4821',
  bravo: 'Bravo-Canari-Passe-5932',
};
const HASHES = {
  alpha: '$argon2id$v=19$m=65536,t=3,p=1$vqSJoVCKRQ42RBbcdZFDLA$RN7s4X9Klz18VjUgvluRZAUQ75VkWdfnSfNDHLYn92M',
  bravo: '$argon2id$v=19$m=65536,t=3,p=1$gcQce9JkGBqvReksyt+UHA$Z9rpSZ5SyDInv1bEeZVcczzM8b8tRPBtwUyuOPcXptg',
};

// Every secret the tests see, checked against the server's output at the end.
const secrets = new Set(Object.values(PASSWORDS));
const remember = (s) => { if (s) secrets.add(s); return s; };

let srv;
const sql = (q) => psql(srv.databaseUrl, q);
const lit = (v) => (v === null || v === undefined ? 'NULL' : `'${String(v).replace(/'/g, "''")}'`);

before(async () => {
  // Debug logging: whatever the server logs at any level must be free of secrets.
  srv = await startServer({ env: { RELAIS_LOG_LEVEL: 'debug' } });
});
after(async () => {
  assert.equal(await srv.stop(), 0, srv.stderr());
});
// Every test starts with no throttling: all requests come from 127.0.0.1.
beforeEach(async () => {
  if (srv) await sql('DELETE FROM auth_throttle');
});

let seq = 0;
/** A user made in SQL; password: a key of PASSWORDS, or null for none. */
async function createUser({ password = 'alpha', status = 'active', kind = 'staff', admin = false,
  name, org = null, verified = true, server = srv } = {}) {
  seq += 1;
  const email = `agent${seq}.${randomBytes(3).toString('hex')}@chu-exemple.fr`;
  const displayName = name || `Agent Numéro${seq}`;
  const id = Number(await psql(server.databaseUrl, `INSERT INTO users
      (email, display_name, kind, platform_role, status, password_hash, organisation_id,
       job_title, email_verified_at)
    VALUES (${lit(email)}, ${lit(displayName)}, ${lit(kind)}, ${lit(admin ? 'admin' : 'user')},
            ${lit(status)}, ${lit(password ? HASHES[password] : null)}, ${org ?? 'NULL'},
            'Cadre de santé', ${verified ? 'now()' : 'NULL'})
    RETURNING id`));
  return { id, email, name: displayName, password: password ? PASSWORDS[password] : null };
}

function assertError(res, status, code) {
  assert.equal(res.status, status, res.text());
  const body = res.json();
  assert.deepEqual(Object.keys(body), ['error']);
  assert.equal(body.error.code, code);
  assert.ok(body.error.message.length > 0);
  return body;
}

function setCookies(res) {
  const h = res.headers['set-cookie'];
  return h ? (Array.isArray(h) ? h : [h]) : [];
}

/** name=value of the session cookie a response sets, or null. */
function sessionCookie(res, name = 'relais_session') {
  const c = setCookies(res).find((x) => x.startsWith(`${name}=`));
  return c ? c.split(';')[0] : null;
}

function login(email, password, { headers = {}, server = srv } = {}) {
  remember(password);
  return request(`${server.url}/api/session`, { method: 'POST', body: { email, password }, headers });
}

/** Signs user in; returns { cookie, csrf, user, res }. */
async function signIn(user, { headers = {}, server = srv, cookieName } = {}) {
  const res = await login(user.email, user.password, { headers, server });
  assert.equal(res.status, 200, res.text());
  const cookie = sessionCookie(res, cookieName);
  assert.ok(cookie, 'a session cookie is set');
  remember(cookie.split('=')[1]);
  const body = res.json();
  remember(body.csrf_token);
  return { cookie, csrf: body.csrf_token, user: body.user, res };
}

/** Headers of a state-changing request with session s, same origin. */
function withSession(s, extra = {}) {
  return { Cookie: s.cookie, 'X-CSRF-Token': s.csrf, Origin: srv.url, ...extra };
}

function api(method, p, { session, headers = {}, body, server = srv } = {}) {
  const h = session ? withSession(session, headers) : headers;
  return request(`${server.url}${p}`, { method, headers: h, body });
}

const me = (session, server = srv) => request(`${server.url}/api/me`, { headers: { Cookie: session.cookie } });

async function sessionId(s) {
  const token = s.cookie.split('=')[1];
  const hash = createHash('sha256').update(token).digest('hex');
  return Number(await sql(`SELECT id FROM sessions WHERE token_hash = '\\x${hash}'::bytea`));
}

async function auditActions(userId) {
  const out = await sql(`SELECT action FROM audit_events WHERE actor_id = ${userId}
    OR (object_type = 'user' AND object_id = '${userId}') ORDER BY id`);
  return out ? out.split('\n') : [];
}

/** The token in the last e-mail of this kind to this address. */
async function mailedToken(email, kind, route) {
  const body = await sql(`SELECT body_text FROM email_outbox WHERE to_address = ${lit(email)}
    AND kind = ${lit(kind)} ORDER BY id DESC LIMIT 1`);
  const m = new RegExp(`(\\S+)/${route}/([A-Za-z0-9_-]+)`).exec(body);
  assert.ok(m, `a /${route}/ link in: ${body}`);
  remember(m[2]);
  return { origin: m[1], token: m[2], body };
}

/** A link token signed with the server's key (server/auth/signed.c's layout), for cases the
 *  API cannot produce on demand: expired links, foreign purposes. */
function craftToken(purpose, subject, expiresUnix, server = srv) {
  const key = readFileSync(path.join(server.dataDir, 'secret.key'));
  const payload = Buffer.alloc(16 + 8 + 8 + 16);
  payload.write(purpose, 0, 'utf8');
  payload.writeBigUInt64BE(BigInt(subject), 16);
  payload.writeBigUInt64BE(BigInt(expiresUnix), 24);
  randomBytes(16).copy(payload, 32);
  const mac = createHmac('sha512', key).update(payload).digest().subarray(0, 32);
  return remember(Buffer.concat([payload, mac]).toString('base64url'));
}

// --- signing in -----------------------------------------------------------------------------

test('login sets a fresh HttpOnly, SameSite=Lax cookie and returns the user and a CSRF token', async () => {
  const org = Number(await sql(`INSERT INTO organisations (kind, name)
    VALUES ('ght', 'GHT Cœur de Provence') RETURNING id`));
  const u = await createUser({ org, name: 'Hélène Martin-Durand' });
  const s = await signIn(u, { headers: { 'User-Agent': 'Navigateur de test/1.0' } });

  const attrs = setCookies(s.res)[0].split(';').map((x) => x.trim());
  assert.match(attrs[0], /^relais_session=[A-Za-z0-9_-]{43}$/);
  assert.ok(attrs.includes('HttpOnly'), attrs.join('; '));
  assert.ok(attrs.includes('SameSite=Lax'));
  assert.ok(attrs.includes('Path=/'));
  assert.ok(attrs.includes('Max-Age=43200'), 'absolute lifetime 12 h by default');
  assert.ok(!attrs.some((a) => /^secure$/i.test(a)), 'no Secure without RELAIS_COOKIE_SECURE');
  assert.ok(!attrs.some((a) => /^domain=/i.test(a)));

  assert.equal(typeof s.csrf, 'string');
  assert.ok(s.csrf.length >= 43);
  assert.deepEqual(s.user, {
    id: u.id, email: u.email, display_name: 'Hélène Martin-Durand', kind: 'staff',
    platform_role: 'user', status: 'active',
    organisation: { id: org, name: 'GHT Cœur de Provence', kind: 'ght' },
    job_title: 'Cadre de santé', phone: '', place: '', bio: '', has_photo: false,
    email_verified: true, created_at: s.user.created_at,
  });
  assert.match(s.user.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(s.res.headers['cache-control'], 'no-store');

  // The cookie is what identifies the session from now on.
  const res = await me(s);
  assert.equal(res.status, 200);
  assert.deepEqual(res.json(), { user: s.user, csrf_token: s.csrf });

  // Only the token's SHA-256 is stored, with the client's address and user agent.
  const id = await sessionId(s);
  assert.ok(id > 0);
  assert.equal(await sql(`SELECT host(ip) || ' ' || user_agent FROM sessions WHERE id = ${id}`),
    '127.0.0.1 Navigateur de test/1.0');
  assert.deepEqual(await auditActions(u.id), ['login.ok']);

  // E-mail addresses compare case-insensitively.
  const upper = await login(u.email.toUpperCase(), u.password);
  assert.equal(upper.status, 200);
});

test('wrong password, unknown address and inactive accounts get one identical answer', async () => {
  const u = await createUser();
  const suspended = await createUser({ status: 'suspended' });
  const deactivated = await createUser({ status: 'deactivated' });
  const noPassword = await createUser({ password: null });

  const answers = [
    await login(u.email, 'Pas-Le-Bon-Mot-De-Passe-77'),
    await login('personne.inconnue@chu-exemple.fr', u.password),
    await login(suspended.email, suspended.password),
    await login(deactivated.email, deactivated.password),
    await login(noPassword.email, PASSWORDS.alpha),
  ];
  const first = assertError(answers[0], 401, 'unauthenticated');
  assert.match(first.error.message, /e-mail address or the password/);
  for (const res of answers) {
    assert.equal(res.status, 401);
    assert.deepEqual(res.json(), first, 'the same body for every failure');
    assert.equal(res.headers['content-length'], answers[0].headers['content-length']);
    assert.deepEqual(setCookies(res), [], 'no cookie');
  }

  // The trail names the attempted address and why, never the password.
  const rows = await sql(`SELECT detail->>'email' || ' ' || (detail->>'reason') FROM audit_events
    WHERE action = 'login.failed' ORDER BY id`);
  const lines = rows.split('\n');
  assert.deepEqual(lines.slice(-5), [
    `${u.email} wrong_password`, 'personne.inconnue@chu-exemple.fr unknown_email',
    `${suspended.email} account_inactive`, `${deactivated.email} account_inactive`,
    `${noPassword.email} wrong_password`,
  ]);
  const details = await sql(`SELECT string_agg(detail::text || coalesce(actor_email, ''), ' ') FROM audit_events`);
  assert.ok(!details.includes('Pas-Le-Bon-Mot-De-Passe-77'));
  assert.ok(!details.includes(PASSWORDS.alpha));
});

test('login input is validated and size-limited', async () => {
  assertError(await request(`${srv.url}/api/session`, { method: 'POST', body: {} }), 422, 'unprocessable');
  assertError(await request(`${srv.url}/api/session`, { method: 'POST', body: { email: 'a@b.fr' } }),
    422, 'unprocessable');
  assertError(await request(`${srv.url}/api/session`, { method: 'POST', body: { email: 7, password: 'x' } }),
    422, 'unprocessable');
  assertError(await request(`${srv.url}/api/session`, {
    method: 'POST', body: '{"email":"a@b.fr","password":"x"}', headers: { 'Content-Type': 'text/plain' },
  }), 415, 'unsupported_media_type');
  assertError(await request(`${srv.url}/api/session`, {
    method: 'POST', body: { email: 'a@b.fr', password: 'x'.repeat(9000) },
  }), 413, 'payload_too_large');
  assertError(await request(`${srv.url}/api/session`, {
    method: 'POST', body: { email: 'a@b.fr', password: 'x'.repeat(1100) },
  }), 422, 'unprocessable');
});

test('logout revokes the session and clears the cookie; it needs the CSRF token', async () => {
  const u = await createUser();
  const s = await signIn(u);
  assertError(await api('DELETE', '/api/session', { headers: { Cookie: s.cookie } }), 403, 'forbidden');
  assert.equal((await me(s)).status, 200, 'a refused logout changes nothing');

  const res = await api('DELETE', '/api/session', { session: s });
  assert.equal(res.status, 204);
  const cleared = setCookies(res)[0];
  assert.match(cleared, /^relais_session=;/);
  assert.match(cleared, /Max-Age=0/);
  assertError(await me(s), 401, 'unauthenticated');
  assert.deepEqual(await auditActions(u.id), ['login.ok', 'logout']);

  // Without a session it only clears the cookie.
  const anon = await api('DELETE', '/api/session');
  assert.equal(anon.status, 204);
  assert.match(setCookies(anon)[0], /Max-Age=0/);
  assertError(await request(`${srv.url}/api/me`), 401, 'unauthenticated');
});

// --- CSRF and Origin ------------------------------------------------------------------------

test('CSRF: cookie requests that change state need the session token and a same-origin Origin', async () => {
  const u = await createUser();
  const s = await signIn(u);
  const other = await signIn(await createUser({ password: 'bravo' }));
  const post = (headers) => request(`${srv.url}/api/me/tokens`, {
    method: 'POST', headers: { Cookie: s.cookie, ...headers }, body: { name: 'CSRF', scope: 'read' },
  });
  const count = async () => Number(await sql(`SELECT count(*) FROM api_tokens WHERE user_id = ${u.id}`));

  assertError(await post({ Origin: srv.url }), 403, 'forbidden');                         // no token
  assertError(await post({ Origin: srv.url, 'X-CSRF-Token': 'x'.repeat(43) }), 403, 'forbidden');
  assertError(await post({ Origin: srv.url, 'X-CSRF-Token': other.csrf }), 403, 'forbidden'); // another session's
  assertError(await post({ 'X-CSRF-Token': s.csrf, Origin: 'http://evil.example' }), 403, 'forbidden');
  assertError(await post({ 'X-CSRF-Token': s.csrf, Origin: `${srv.url}.evil.example` }), 403, 'forbidden');
  assertError(await post({ 'X-CSRF-Token': s.csrf, Origin: srv.url.replace('http:', 'https:') }), 403, 'forbidden');
  assertError(await post({ 'X-CSRF-Token': s.csrf }), 403, 'forbidden');                  // no Origin
  assertError(await post({ 'X-CSRF-Token': s.csrf, Referer: 'http://evil.example/page' }), 403, 'forbidden');
  assert.equal(await count(), 0, 'nothing was created by refused requests');

  const ok = await post({ 'X-CSRF-Token': s.csrf, Origin: srv.url });
  assert.equal(ok.status, 201, ok.text());
  remember(ok.json().secret);
  const viaReferer = await post({ 'X-CSRF-Token': s.csrf, Referer: `${srv.url}/moi/jetons` });
  assert.equal(viaReferer.status, 201, 'Referer stands in for a missing Origin');
  remember(viaReferer.json().secret);
  assert.equal(await count(), 2);

  // GET needs neither.
  assert.equal((await request(`${srv.url}/api/me/tokens`, { headers: { Cookie: s.cookie } })).status, 200);
});

test('GET never changes state: links only show a page, actions need POST or DELETE', async () => {
  const u = await createUser();
  const s = await signIn(u);
  for (const p of ['/api/session', '/api/me/password', '/api/password-reset',
    '/api/password-reset/confirm', '/api/email-verification/confirm', '/api/me/email-verification',
    `/api/me/sessions/${await sessionId(s)}`]) {
    const res = await request(`${srv.url}${p}`, { headers: { Cookie: s.cookie } });
    assertError(res, 405, 'method_not_allowed');
  }
  assert.equal((await me(s)).status, 200, 'the session is still open');

  // Opening an e-mailed link fetches the web app; the token is used only by the page's POST.
  await request(`${srv.url}/api/password-reset`, { method: 'POST', body: { email: u.email } });
  const { token } = await mailedToken(u.email, 'password_reset', 'mot-de-passe');
  for (const p of [`/mot-de-passe/${token}`, `/verification/${token}`]) {
    const page = await request(`${srv.url}${p}`);
    assert.equal(page.status, 200);
    assert.match(page.headers['content-type'], /^text\/html/);
  }
  assert.equal(await sql('SELECT count(*) FROM used_tokens'), '0');
  assert.equal((await me(s)).status, 200);
  const used = await request(`${srv.url}/api/password-reset/confirm`, {
    method: 'POST', body: { token, password: remember('Apres-Le-Lien-Ouvert-1') },
  });
  assert.equal(used.status, 204, used.text());
});

// --- throttling -----------------------------------------------------------------------------

test('throttling: failures per account and per address answer 429 with Retry-After, never forever', async () => {
  const u = await createUser();
  const bystander = await createUser({ password: 'bravo' });
  // Five free failures, then each failure blocks for a doubling delay.
  for (let i = 0; i < 6; i++) {
    assertError(await login(u.email, `Mauvais-Essai-Numero-${i}`), 401, 'unauthenticated');
  }
  const blocked = await login(u.email, u.password);
  assertError(blocked, 429, 'too_many_requests');
  const wait = Number(blocked.headers['retry-after']);
  assert.ok(Number.isInteger(wait) && wait >= 1 && wait <= 2, `Retry-After: ${blocked.headers['retry-after']}`);
  assert.match(blocked.json().error.message, /seconds/);
  // The first block lasts 2 s; stretch it so that a slow machine cannot outrun what follows.
  await sql(`UPDATE auth_throttle SET blocked_until = now() + interval '5 minutes' WHERE key LIKE 'acct:%'`);
  // One person's typos do not block the address: colleagues behind the same NAT or
  // proxy still sign in (an address has a budget of 50 failures, see throttle.c).
  const colleague = await login(bystander.email, bystander.password);
  assert.equal(colleague.status, 200, colleague.text());
  remember(sessionCookie(colleague));

  // Per account: the account alone stays blocked ...
  await sql(`DELETE FROM auth_throttle WHERE key LIKE 'ip:%'`);
  assertError(await login(u.email, u.password), 429, 'too_many_requests');
  const keys = await sql(`SELECT key FROM auth_throttle ORDER BY key`);
  assert.equal(keys, `acct:${u.email}`);

  // ... until the delay has passed (simulated): then the real owner gets in, and the
  // account's count starts over.
  await sql(`UPDATE auth_throttle SET blocked_until = now() - interval '1 second'`);
  const owner = await login(u.email, u.password);
  assert.equal(owner.status, 200, owner.text());
  remember(sessionCookie(owner));
  assert.equal(await sql(`SELECT count(*) FROM auth_throttle WHERE key = 'acct:${u.email}'`), '0');

  // Spellings of one address share its key, accented capitals included.
  await sql('DELETE FROM auth_throttle');
  const accented = await createUser();
  const email = `élodie.${accented.id}@chu-exemple.fr`;
  await sql(`UPDATE users SET email = ${lit(email)} WHERE id = ${accented.id}`);
  for (let i = 0; i < 6; i++) {
    const spelling = i % 2 ? email.toUpperCase() : email;
    assertError(await login(spelling, `Mauvais-Essai-Accent-${i}`), 401, 'unauthenticated');
  }
  await sql(`DELETE FROM auth_throttle WHERE key LIKE 'ip:%'`);
  assertError(await login(email.toUpperCase(), accented.password), 429, 'too_many_requests');

  // Per address: many accounts, one guess each, from one address. The first 48 of the
  // 50 free failures are recorded directly; the last two go through the API.
  await sql('DELETE FROM auth_throttle');
  await sql(`INSERT INTO auth_throttle (key, failures) VALUES ('ip:127.0.0.1', 48)`);
  for (let i = 0; i < 3; i++) {
    assertError(await login(`essai${i}@chu-exemple.fr`, 'Un-Mot-De-Passe-Devine'), 401, 'unauthenticated');
  }
  const sprayed = await login(u.email, u.password);
  assertError(sprayed, 429, 'too_many_requests');
  assert.ok(!(await sql(`SELECT key FROM auth_throttle WHERE blocked_until > now()`)).includes('acct:'),
    'only the address is blocked');
  assert.ok(Number(sprayed.headers['retry-after']) >= 1);
  // A success does not reset the address's count (else one account of one's own would
  // unlock unlimited guessing at everybody else's).
  await sql(`UPDATE auth_throttle SET blocked_until = now() - interval '1 second'`);
  assert.equal((await login(u.email, u.password)).status, 200);
  assert.equal(await sql(`SELECT failures FROM auth_throttle WHERE key = 'ip:127.0.0.1'`), '51');
  assert.ok(!(await sql('SELECT key FROM auth_throttle')).includes('Un-Mot-De-Passe'));
});

// --- sessions -------------------------------------------------------------------------------

test('session fixation: a cookie the client brings is never adopted, and every login mints a new one', async () => {
  const u = await createUser();
  // A cookie chosen by an attacker is ignored and replaced.
  const planted = 'relais_session=' + 'A'.repeat(43);
  const a = await signIn(u, { headers: { Cookie: planted } });
  assert.notEqual(a.cookie, planted);
  assertError(await me({ cookie: planted }), 401, 'unauthenticated');

  // Two logins: two different sessions, both valid, with different CSRF tokens.
  const b = await signIn(u);
  assert.notEqual(a.cookie, b.cookie);
  assert.notEqual(a.csrf, b.csrf);
  assert.equal((await me(a)).status, 200);
  assert.equal((await me(b)).status, 200);

  // A valid session of someone else in the browser (the attacker's own): logging in ends it
  // and starts a new one. With that cookie the request must carry its CSRF token.
  const attacker = await signIn(await createUser({ password: 'bravo' }));
  assertError(await login(u.email, u.password, { headers: { Cookie: attacker.cookie } }), 403, 'forbidden');
  const c = await signIn(u, { headers: withSession(attacker) });
  assert.notEqual(c.cookie, attacker.cookie);
  assert.equal(c.user.id, u.id);
  assertError(await me(attacker), 401, 'unauthenticated');
  assert.equal((await me(c)).status, 200);
  const revoked = await sql(`SELECT revoked_at IS NOT NULL FROM sessions WHERE id = ${await sessionId(attacker)}`);
  assert.equal(revoked, 't');
});

test('sessions end after the idle timeout and after their absolute lifetime', async () => {
  const u = await createUser();
  const idle = await signIn(u);
  const old = await signIn(u);
  const fresh = await signIn(u);
  await sql(`UPDATE sessions SET last_seen_at = now() - interval '29 minutes' WHERE id = ${await sessionId(fresh)}`);
  await sql(`UPDATE sessions SET last_seen_at = now() - interval '31 minutes' WHERE id = ${await sessionId(idle)}`);
  await sql(`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE id = ${await sessionId(old)}`);
  assertError(await me(idle), 401, 'unauthenticated');
  assertError(await me(old), 401, 'unauthenticated');
  // 29 minutes idle is within the 30-minute default, and using it counts as activity.
  assert.equal((await me(fresh)).status, 200);
  const seen = await sql(`SELECT last_seen_at > now() - interval '1 minute' FROM sessions WHERE id = ${await sessionId(fresh)}`);
  assert.equal(seen, 't');
  // Expired sessions are not listed.
  const list = (await request(`${srv.url}/api/me/sessions`, { headers: { Cookie: fresh.cookie } })).json();
  assert.deepEqual(list.items.map((x) => x.id), [await sessionId(fresh)]);
});

test('my sessions: list them, end one, never someone else’s', async () => {
  const u = await createUser();
  const s1 = await signIn(u, { headers: { 'User-Agent': 'Poste de soins' } });
  // Header bytes are the client's: UTF-8 is kept, anything else cannot break the login.
  const s2 = await signIn(u, { headers: { 'User-Agent': Buffer.from('Téléphone ✓', 'utf8').toString('latin1') } });
  const s3 = await signIn(u, { headers: { 'User-Agent': 'Tablette \xe9\xff' } });
  const other = await signIn(await createUser({ password: 'bravo' }));
  const [id1, id2, id3, idOther] = [await sessionId(s1), await sessionId(s2), await sessionId(s3),
    await sessionId(other)];

  const res = await request(`${srv.url}/api/me/sessions`, { headers: { Cookie: s1.cookie } });
  assert.equal(res.status, 200);
  const { items } = res.json();
  assert.deepEqual(items.map((x) => x.id).sort(), [id1, id2, id3].sort());
  const mine = items.find((x) => x.id === id1);
  assert.deepEqual(Object.keys(mine).sort(),
    ['created_at', 'current', 'expires_at', 'id', 'ip', 'last_seen_at', 'user_agent']);
  assert.equal(mine.current, true);
  assert.equal(mine.ip, '127.0.0.1');
  assert.equal(mine.user_agent, 'Poste de soins');
  assert.equal(items.find((x) => x.id === id2).current, false);
  assert.equal(items.find((x) => x.id === id2).user_agent, 'Téléphone ✓');
  assert.equal(items.find((x) => x.id === id3).user_agent, 'Tablette ??');
  assert.ok(Date.parse(mine.expires_at) > Date.now());
  assert.ok(Date.parse(mine.expires_at) <= Date.now() + 31 * 60 * 1000, 'idle expiry comes first');
  assert.ok(!JSON.stringify(items).includes(s1.cookie.split('=')[1]), 'no token in the list');

  // Someone else's session, a missing one, a malformed id: all the same 404.
  const notFound = assertError(await api('DELETE', `/api/me/sessions/${idOther}`, { session: s1 }), 404, 'not_found');
  assert.deepEqual(assertError(await api('DELETE', '/api/me/sessions/999999', { session: s1 }), 404, 'not_found'), notFound);
  assert.deepEqual(assertError(await api('DELETE', '/api/me/sessions/abc', { session: s1 }), 404, 'not_found'), notFound);
  assert.equal((await me(other)).status, 200);

  const del = await api('DELETE', `/api/me/sessions/${id2}`, { session: s1 });
  assert.equal(del.status, 204);
  assert.deepEqual(setCookies(del), [], 'ending another session keeps my cookie');
  assertError(await me(s2), 401, 'unauthenticated');
  assert.equal((await me(s1)).status, 200);
  assertError(await api('DELETE', `/api/me/sessions/${id2}`, { session: s1 }), 404, 'not_found');
  assert.equal(await sql(`SELECT count(*) FROM audit_events WHERE action = 'session.revoked' AND object_id = '${id2}'`), '1');

  // Ending my current session signs me out.
  const self = await api('DELETE', `/api/me/sessions/${id1}`, { session: s1 });
  assert.equal(self.status, 204);
  assert.match(setCookies(self)[0], /Max-Age=0/);
  assertError(await me(s1), 401, 'unauthenticated');
});

// --- passwords ------------------------------------------------------------------------------

test('changing my password checks the current one and the policy, and ends my other sessions and tokens', async () => {
  const u = await createUser({ name: 'Jeanne Lefèvre' });
  const s1 = await signIn(u);
  const s2 = await signIn(u);
  const tok = await api('POST', '/api/me/tokens', { session: s1, body: { name: 'Intégration', scope: 'read_write' } });
  const secret = remember(tok.json().secret);
  const bearer = { Authorization: `Bearer ${secret}` };
  assert.equal((await request(`${srv.url}/api/me`, { headers: bearer })).status, 200);

  const change = (current, fresh, s = s1) => api('POST', '/api/me/password', {
    session: s, body: { current_password: current, new_password: fresh },
  });
  const wrong = assertError(await change(remember('Pas-Le-Mot-De-Passe-Actuel'),
    remember('Nouveau-Mot-De-Passe-Solide')), 403, 'forbidden');
  assert.match(wrong.error.message, /current password/);
  assert.match(assertError(await change(u.password, 'court'), 422, 'unprocessable').error.message, /at least 12/);
  assert.match(assertError(await change(u.password, 'administrateur'), 422, 'unprocessable').error.message, /common/);
  assertError(await change(u.password, u.email), 422, 'unprocessable');
  assertError(await change(u.password, 'Jeanne Lefèvre'), 422, 'unprocessable');
  assertError(await change(u.password, u.password), 422, 'unprocessable');
  assertError(await api('POST', '/api/me/password', { session: s1, body: { current_password: u.password } }), 422, 'unprocessable');
  assert.equal((await me(s2)).status, 200, 'refused changes end nothing');

  const fresh = remember('Une phrase de passe toute neuve ✓');
  assert.equal((await change(u.password, fresh)).status, 204);
  assert.equal((await me(s1)).status, 200, 'the session that changed it stays');
  assertError(await me(s2), 401, 'unauthenticated');
  assertError(await request(`${srv.url}/api/me`, { headers: bearer }), 401, 'unauthenticated');
  assertError(await login(u.email, u.password), 401, 'unauthenticated');
  assert.equal((await login(u.email, fresh)).status, 200);
  const hash = await sql(`SELECT password_hash FROM users WHERE id = ${u.id}`);
  assert.match(hash, /^\$argon2id\$v=19\$m=65536,t=3,p=1\$/);
  assert.ok((await auditActions(u.id)).includes('password.changed'));
});

test('guessing the current password through a stolen session is throttled like a login', async () => {
  const u = await createUser();
  const s = await signIn(u);
  for (let i = 0; i < 6; i++) {
    const res = await api('POST', '/api/me/password', {
      session: s, body: { current_password: `Devinette-Numero-${i}`, new_password: 'Nouveau-Mot-De-Passe-Solide' },
    });
    assertError(res, 403, 'forbidden');
  }
  const res = await api('POST', '/api/me/password', {
    session: s, body: { current_password: u.password, new_password: 'Nouveau-Mot-De-Passe-Solide' },
  });
  assertError(res, 429, 'too_many_requests');
  assert.ok(Number(res.headers['retry-after']) >= 1);
  // The same account key as the login form (stretched past the first 2-second block).
  await sql(`UPDATE auth_throttle SET blocked_until = now() + interval '5 minutes'`);
  assertError(await login(u.email, u.password), 429, 'too_many_requests');
});

test('password reset: same answer for every address, one-hour single-use link, sessions and tokens end', async () => {
  const u = await createUser({ name: 'Paul Garnier' });
  const s = await signIn(u);
  const tok = await api('POST', '/api/me/tokens', { session: s, body: { name: 'Export', scope: 'read' } });
  const bearer = { Authorization: `Bearer ${remember(tok.json().secret)}` };
  const suspended = await createUser({ status: 'suspended' });
  const ask = (email) => request(`${srv.url}/api/password-reset`, { method: 'POST', body: { email } });

  const known = await ask(u.email);
  const unknown = await ask('personne@chu-exemple.fr');
  const inactive = await ask(suspended.email);
  assert.equal(known.status, 202);
  for (const res of [unknown, inactive]) {
    assert.equal(res.status, 202);
    assert.equal(res.text(), known.text());
  }
  assert.equal(await sql(`SELECT count(*) FROM email_outbox WHERE kind = 'password_reset'
    AND to_address IN ('personne@chu-exemple.fr', ${lit(suspended.email)})`), '0');
  const mail = await mailedToken(u.email, 'password_reset', 'mot-de-passe');
  assert.equal(mail.origin, srv.url, 'links point to the Host the request came with');
  assert.equal(await sql(`SELECT subject FROM email_outbox WHERE to_address = ${lit(u.email)}`),
    'Relais : réinitialisation de votre mot de passe');
  assert.match(mail.body, /^Bonjour Paul Garnier,/);
  assert.match(mail.body, /English: someone asked to reset your Relais password/);
  assert.equal(await sql(`SELECT user_id FROM email_outbox WHERE to_address = ${lit(u.email)}`), String(u.id));
  assert.ok((await auditActions(u.id)).includes('password.reset_requested'));

  const confirm = (token, password) => request(`${srv.url}/api/password-reset/confirm`, {
    method: 'POST', body: { token, password: password.includes('@') ? password : remember(password) },
  });
  // The policy first: a refused password leaves the link usable.
  assert.match(assertError(await confirm(mail.token, 'trop court'), 422, 'unprocessable').error.message, /12/);
  assertError(await confirm(mail.token, u.email), 422, 'unprocessable');
  const fresh = 'Réinitialisé avec succès, enfin !';
  assert.equal((await confirm(mail.token, fresh)).status, 204);
  assertError(await me(s), 401, 'unauthenticated');
  assertError(await request(`${srv.url}/api/me`, { headers: bearer }), 401, 'unauthenticated');
  assertError(await login(u.email, u.password), 401, 'unauthenticated');
  assert.equal((await login(u.email, fresh)).status, 200);
  assert.ok((await auditActions(u.id)).includes('password.reset'));

  // Single use.
  const reused = assertError(await confirm(mail.token, 'Encore-Une-Autre-Phrase-1'), 404, 'not_found');
  assert.match(reused.error.message, /invalid, has expired or was already used/);
  // Expired, forged, for another purpose, malformed: the same answer.
  const expired = craftToken('pwreset', u.id, Math.floor(Date.now() / 1000) - 1);
  assert.deepEqual(assertError(await confirm(expired, 'Encore-Une-Autre-Phrase-2'), 404, 'not_found'), reused);
  const purpose = craftToken('verify', u.id, Math.floor(Date.now() / 1000) + 3600);
  assert.deepEqual(assertError(await confirm(purpose, 'Encore-Une-Autre-Phrase-3'), 404, 'not_found'), reused);
  const forged = Buffer.from(mail.token, 'base64url');
  forged[20] ^= 1;
  assert.deepEqual(assertError(await confirm(forged.toString('base64url'), 'Encore-Une-Autre-Phrase-4'), 404, 'not_found'), reused);
  assert.deepEqual(assertError(await confirm('pas-un-jeton', 'Encore-Une-Autre-Phrase-5'), 404, 'not_found'), reused);
  // A genuine, unexpired token of the right purpose works (the crafting above is faithful).
  // Its issue time (expiry - 1 h) must follow the reset that just changed the password.
  const good = craftToken('pwreset', u.id, Math.floor(Date.now() / 1000) + 3600 + 2);
  assert.equal((await confirm(good, 'Encore-Une-Autre-Phrase-6')).status, 204);
});

test('a reset link dies when the password changes after it was sent', async () => {
  const u = await createUser();
  const ask = () => request(`${srv.url}/api/password-reset`, { method: 'POST', body: { email: u.email } });
  assert.equal((await ask()).status, 202);
  const first = await mailedToken(u.email, 'password_reset', 'mot-de-passe');
  // Link times have one-second precision: let a second pass before the password changes.
  await new Promise((resolve) => { setTimeout(resolve, 1100); });
  assert.equal((await ask()).status, 202);
  const second = await mailedToken(u.email, 'password_reset', 'mot-de-passe');
  assert.notEqual(first.token, second.token);
  const confirm = (token, password) => request(`${srv.url}/api/password-reset/confirm`, {
    method: 'POST', body: { token, password: remember(password) },
  });
  assert.equal((await confirm(second.token, 'Le-Second-Lien-A-Servi-1')).status, 204);
  assertError(await confirm(first.token, 'Le-Premier-Lien-Est-Mort-1'), 404, 'not_found');
  assert.equal((await login(u.email, 'Le-Second-Lien-A-Servi-1')).status, 200);
});

test('a welcome link (account opened by an administrator) sets the first password, once, for seven days', async () => {
  const u = await createUser({ password: null, verified: false });
  const now = Math.floor(Date.now() / 1000);
  const confirm = (token, password) => request(`${srv.url}/api/password-reset/confirm`, {
    method: 'POST', body: { token, password: remember(password) },
  });
  assertError(await confirm(craftToken('welcome', u.id, now - 1), 'Bienvenue-Trop-Tard-1'), 404, 'not_found');
  const welcome = craftToken('welcome', u.id, now + 7 * 86400);
  assert.equal((await confirm(welcome, 'Bienvenue-Premier-Mot-De-Passe')).status, 204);
  assertError(await confirm(welcome, 'Bienvenue-Deuxieme-Fois-1'), 404, 'not_found');
  const s = await signIn({ email: u.email, password: 'Bienvenue-Premier-Mot-De-Passe' });
  assert.equal(s.user.email_verified, true, 'the link proved the mailbox');
  assert.equal(await sql(`SELECT detail->>'link' FROM audit_events WHERE action = 'password.reset'
    AND object_id = '${u.id}'`), 'welcome');
  // A welcome link made before the password changed is dead, though unexpired and unused.
  const stale = craftToken('welcome', u.id, now - 10 + 7 * 86400);
  assertError(await confirm(stale, 'Bienvenue-Lien-Perime-1'), 404, 'not_found');
});

test('password reset requests are throttled per address and per account', async () => {
  const u = await createUser();
  const ask = (email) => request(`${srv.url}/api/password-reset`, { method: 'POST', body: { email } });
  for (let i = 0; i < 6; i++) assert.equal((await ask(`inconnu${i}@chu-exemple.fr`)).status, 202);
  const blocked = await ask(u.email);
  assertError(blocked, 429, 'too_many_requests');
  assert.ok(Number(blocked.headers['retry-after']) >= 1);
  assert.equal(await sql(`SELECT count(*) FROM email_outbox WHERE to_address = ${lit(u.email)}`), '0');

  // One address gets a handful of links per quarter hour; the answer never changes.
  await sql('DELETE FROM auth_throttle');
  const answers = [];
  for (let i = 0; i < 8; i++) {
    await sql(`DELETE FROM auth_throttle WHERE key LIKE 'reset:ip:%'`);
    answers.push(await ask(u.email));
  }
  assert.ok(answers.every((r) => r.status === 202 && r.text() === answers[0].text()));
  const sent = Number(await sql(`SELECT count(*) FROM email_outbox WHERE to_address = ${lit(u.email)}`));
  assert.ok(sent >= 5 && sent < 8, `sent ${sent}`);
});

// --- e-mail verification --------------------------------------------------------------------

test('e-mail verification: a one-day single-use link marks the address verified', async () => {
  const u = await createUser({ verified: false });
  const s = await signIn(u);
  assert.equal(s.user.email_verified, false);
  assertError(await request(`${srv.url}/api/me/email-verification`, { method: 'POST' }), 401, 'unauthenticated');
  const sent = await api('POST', '/api/me/email-verification', { session: s });
  assert.equal(sent.status, 202, sent.text());
  const mail = await mailedToken(u.email, 'email_verification', 'verification');
  assert.equal(mail.origin, srv.url);
  assert.match(mail.body, /English: open the link above within 24 hours/);
  assert.equal(await sql(`SELECT subject FROM email_outbox WHERE to_address = ${lit(u.email)}`),
    'Relais : confirmez votre adresse électronique');

  const confirm = (token) => request(`${srv.url}/api/email-verification/confirm`, { method: 'POST', body: { token } });
  // A reset token is not a verification token.
  assertError(await confirm(craftToken('pwreset', u.id, Math.floor(Date.now() / 1000) + 3600)), 404, 'not_found');
  assertError(await confirm(craftToken('verify', u.id, Math.floor(Date.now() / 1000) - 5)), 404, 'not_found');
  assert.equal((await me(s)).json().user.email_verified, false);

  assert.equal((await confirm(mail.token)).status, 204);
  assert.equal((await me(s)).json().user.email_verified, true);
  assertError(await confirm(mail.token), 404, 'not_found');
  assertError(await api('POST', '/api/me/email-verification', { session: s }), 409, 'conflict');
  assert.ok((await auditActions(u.id)).includes('email.verified'));
});

// --- API tokens -----------------------------------------------------------------------------

test('API tokens: the secret is shown once; read tokens only read; bearer needs no CSRF; revoked and expired ones fail', async () => {
  const u = await createUser();
  const s = await signIn(u);
  const create = (body, session = s) => api('POST', '/api/me/tokens', { session, body });

  const r = await create({ name: 'Tableau de bord qualité', scope: 'read', expires_in_days: 30 });
  assert.equal(r.status, 201, r.text());
  const read = r.json();
  remember(read.secret);
  assert.match(read.secret, /^rls_[A-Za-z0-9_-]{43}$/);
  assert.equal(read.token.prefix, read.secret.slice(0, 10));
  assert.equal(read.token.scope, 'read');
  assert.equal(read.token.name, 'Tableau de bord qualité');
  assert.equal(read.token.last_used_at, null);
  assert.equal(read.token.expired, false);
  const days = (Date.parse(read.token.expires_at) - Date.parse(read.token.created_at)) / 86400000;
  assert.equal(days, 30);

  const rw = (await create({ name: 'Synchronisation', scope: 'read_write' })).json();
  remember(rw.secret);
  assert.equal(rw.token.expires_at, null);

  const list = (await request(`${srv.url}/api/me/tokens`, { headers: { Cookie: s.cookie } })).json();
  assert.deepEqual(list.items.map((t) => t.id), [rw.token.id, read.token.id]);
  assert.ok(!JSON.stringify(list).includes(read.secret) && !JSON.stringify(list).includes(rw.secret));
  const stored = await sql(`SELECT encode(token_hash, 'hex') FROM api_tokens WHERE id = ${read.token.id}`);
  assert.equal(stored, createHash('sha256').update(read.secret).digest('hex'), 'only the hash is stored');

  const bearer = (secret) => ({ Authorization: `Bearer ${secret}` });
  // A read token reads, without CSRF token or Origin; me carries no CSRF token for it.
  const meRead = await request(`${srv.url}/api/me`, { headers: bearer(read.secret) });
  assert.equal(meRead.status, 200);
  assert.deepEqual(Object.keys(meRead.json()), ['user']);
  assert.equal(meRead.json().user.id, u.id);
  assert.notEqual(await sql(`SELECT last_used_at FROM api_tokens WHERE id = ${read.token.id}`), '');
  // ... and cannot write.
  assertError(await request(`${srv.url}/api/me/email-verification`, { method: 'POST', headers: bearer(read.secret) }), 403, 'forbidden');
  assertError(await request(`${srv.url}/api/me/tokens/${rw.token.id}`, { method: 'DELETE', headers: bearer(read.secret) }), 403, 'forbidden');
  // A read-write token writes without CSRF token or Origin.
  const wrote = await request(`${srv.url}/api/me/email-verification`, { method: 'POST', headers: bearer(rw.secret) });
  assert.equal(wrote.status, 409, wrote.text());   // already verified: it got past the gate
  // No token mints tokens.
  assertError(await request(`${srv.url}/api/me/tokens`, {
    method: 'POST', headers: bearer(rw.secret), body: { name: 'Enfant', scope: 'read' },
  }), 403, 'forbidden');

  // Revoked: 401 at once.
  const other = await signIn(await createUser({ password: 'bravo' }));
  assertError(await api('DELETE', `/api/me/tokens/${read.token.id}`, { session: other }), 404, 'not_found');
  assert.equal((await api('DELETE', `/api/me/tokens/${read.token.id}`, { session: s })).status, 204);
  assertError(await request(`${srv.url}/api/me`, { headers: bearer(read.secret) }), 401, 'unauthenticated');
  assertError(await api('DELETE', `/api/me/tokens/${read.token.id}`, { session: s }), 404, 'not_found');
  assert.ok((await auditActions(u.id)).includes('token.revoked'));
  // A token may revoke itself.
  assert.equal((await request(`${srv.url}/api/me/tokens/${rw.token.id}`, { method: 'DELETE', headers: bearer(rw.secret) })).status, 204);
  assertError(await request(`${srv.url}/api/me`, { headers: bearer(rw.secret) }), 401, 'unauthenticated');

  // Expired (simulated): 401, and listed as expired.
  const ex = (await create({ name: 'Temporaire', scope: 'read', expires_in_days: 1 })).json();
  remember(ex.secret);
  await sql(`UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = ${ex.token.id}`);
  assertError(await request(`${srv.url}/api/me`, { headers: bearer(ex.secret) }), 401, 'unauthenticated');
  const after = (await request(`${srv.url}/api/me/tokens`, { headers: { Cookie: s.cookie } })).json();
  assert.equal(after.items.find((t) => t.id === ex.token.id).expired, true);

  // Malformed credentials.
  assertError(await request(`${srv.url}/api/me`, { headers: { Authorization: 'Basic dXNlcjpwYXNz' } }), 401, 'unauthenticated');
  assertError(await request(`${srv.url}/api/me`, { headers: bearer('rls_inconnu') }), 401, 'unauthenticated');
  // A bad token is refused even on a public route: its owner should know.
  assertError(await request(`${srv.url}/api/password-reset`, {
    method: 'POST', headers: bearer('rls_inconnu'), body: { email: u.email },
  }), 401, 'unauthenticated');

  // Validation.
  for (const body of [{ name: '', scope: 'read' }, { name: '   ', scope: 'read' }, { name: 'x', scope: 'admin' },
    { name: 'x' }, { scope: 'read' }, { name: 'x'.repeat(101), scope: 'read' },
    { name: 'x', scope: 'read', expires_in_days: 0 }, { name: 'x', scope: 'read', expires_in_days: 366 },
    { name: 'x', scope: 'read', expires_in_days: 1.5 }, { name: 'a\u0001b', scope: 'read' }]) {
    assertError(await create(body), 422, 'unprocessable');
  }
  assert.equal((await create({ name: 'é'.repeat(100), scope: 'read' })).status, 201);
});

test('API tokens: at most 50 active per person', async () => {
  const u = await createUser();
  const s = await signIn(u);
  await sql(`INSERT INTO api_tokens (user_id, name, token_hash, prefix, scope)
    SELECT ${u.id}, 'Jeton ' || i, sha256(('jeton-${u.id}-' || i)::bytea), 'rls_x', 'read'
      FROM generate_series(1, 49) i`);
  const ok = await api('POST', '/api/me/tokens', { session: s, body: { name: 'Le cinquantième', scope: 'read' } });
  assert.equal(ok.status, 201);
  remember(ok.json().secret);
  const full = assertError(await api('POST', '/api/me/tokens', { session: s, body: { name: 'De trop', scope: 'read' } }), 409, 'conflict');
  assert.match(full.error.message, /50/);
  // Revoked or expired ones do not count.
  await sql(`UPDATE api_tokens SET revoked_at = now() WHERE user_id = ${u.id} AND name = 'Jeton 1'`);
  await sql(`UPDATE api_tokens SET expires_at = now() - interval '1 day' WHERE user_id = ${u.id} AND name = 'Jeton 2'`);
  const again = await api('POST', '/api/me/tokens', { session: s, body: { name: 'Encore un', scope: 'read' } });
  assert.equal(again.status, 201);
  remember(again.json().secret);
});

// --- configuration: HTTPS cookies, public origin, shorter sessions ---------------------------

test('RELAIS_COOKIE_SECURE: __Host- cookie with Secure, https origins, configurable lifetimes', async () => {
  const sec = await startServer({
    env: { RELAIS_COOKIE_SECURE: '1', RELAIS_SESSION_IDLE_MINUTES: '5', RELAIS_SESSION_MAX_HOURS: '1' },
  });
  try {
    const u = await createUser({ server: sec });
    const s = await signIn(u, { server: sec, cookieName: '__Host-relais_session' });
    const attrs = setCookies(s.res)[0].split(';').map((x) => x.trim());
    assert.match(attrs[0], /^__Host-relais_session=[A-Za-z0-9_-]{43}$/);
    for (const a of ['HttpOnly', 'SameSite=Lax', 'Path=/', 'Secure', 'Max-Age=3600']) {
      assert.ok(attrs.includes(a), `${a} in ${attrs.join('; ')}`);
    }
    assert.ok(!attrs.some((a) => /^domain=/i.test(a)), '__Host- cookies have no Domain');
    assert.equal((await me(s, sec)).status, 200);
    // The plain name is not accepted: a cookie without the prefix may come from a sibling host.
    const plain = `relais_session=${s.cookie.split('=')[1]}`;
    assertError(await me({ cookie: plain }, sec), 401, 'unauthenticated');

    // Same origin means https now.
    const write = (origin) => request(`${sec.url}/api/me/tokens`, {
      method: 'POST', body: { name: 'x', scope: 'read' },
      headers: { Cookie: s.cookie, 'X-CSRF-Token': s.csrf, Origin: origin },
    });
    assertError(await write(sec.url), 403, 'forbidden');
    const ok = await write(sec.url.replace('http:', 'https:'));
    assert.equal(ok.status, 201, ok.text());
    remember(ok.json().secret);

    // Idle timeout 5 minutes.
    const id = await psql(sec.databaseUrl, `SELECT id FROM sessions WHERE user_id = ${u.id}`);
    await psql(sec.databaseUrl, `UPDATE sessions SET last_seen_at = now() - interval '6 minutes' WHERE id = ${id}`);
    assertError(await me(s, sec), 401, 'unauthenticated');

    const out = await request(`${sec.url}/api/session`, { method: 'DELETE' });
    assert.match(setCookies(out)[0], /^__Host-relais_session=;.*Secure/);
    secrets.forEach((x) => assert.ok(!sec.stderr().includes(x)));
  } finally {
    assert.equal(await sec.stop(), 0, sec.stderr());
  }
});

test('RELAIS_PUBLIC_ORIGIN: links and the Origin check use it, not the Host header', async () => {
  const pub = await startServer({ env: { RELAIS_PUBLIC_ORIGIN: 'https://relais.ght-exemple.fr' } });
  try {
    const u = await createUser({ server: pub });
    const res = await request(`${pub.url}/api/password-reset`, {
      method: 'POST', body: { email: u.email }, headers: { Host: 'evil.example' },
    });
    assert.equal(res.status, 202);
    const body = await psql(pub.databaseUrl, `SELECT body_text FROM email_outbox WHERE to_address = ${lit(u.email)}`);
    const m = /(https:\/\/relais\.ght-exemple\.fr)\/mot-de-passe\/([A-Za-z0-9_-]+)\n/.exec(body);
    assert.ok(m, body);
    remember(m[2]);
    assert.ok(!body.includes('evil.example'));

    const s = await signIn(u, { server: pub });
    const write = (origin) => request(`${pub.url}/api/me/email-verification`, {
      method: 'POST', headers: { Cookie: s.cookie, 'X-CSRF-Token': s.csrf, Origin: origin },
    });
    assertError(await write(pub.url), 403, 'forbidden');
    assertError(await write('https://relais.ght-exemple.fr.evil.example'), 403, 'forbidden');
    assert.equal((await write('https://relais.ght-exemple.fr')).status, 409);  // already verified
  } finally {
    assert.equal(await pub.stop(), 0, pub.stderr());
  }
});

test('without RELAIS_PUBLIC_ORIGIN a malformed Host gets no link', async () => {
  const u = await createUser();
  const res = await request(`${srv.url}/api/password-reset`, {
    method: 'POST', body: { email: u.email }, headers: { Host: 'evil.example/path?x=' },
  });
  assertError(res, 400, 'bad_request');
  assert.equal(await sql(`SELECT count(*) FROM email_outbox WHERE to_address = ${lit(u.email)}`), '0');
});

// --- the canary -----------------------------------------------------------------------------

test('no password, session token, CSRF token, API token or link token ever reaches the server output', async () => {
  // A few more paths that handle secrets: malformed bodies, errors, a second reset.
  const u = await createUser();
  const canaryPw = remember('Canari-Mot-De-Passe-Tres-Visible-9087');
  await request(`${srv.url}/api/session`, {
    method: 'POST', body: `{"email":"${u.email}","password":"${canaryPw}"`, headers: { 'Content-Type': 'application/json' },
  });
  await request(`${srv.url}/api/session`, {
    method: 'POST', body: `{"email":"${u.email}","password":${canaryPw}}`, headers: { 'Content-Type': 'application/json' },
  });
  await login(u.email, canaryPw);
  const s = await signIn(u);
  await api('POST', '/api/me/password', {
    session: s, body: { current_password: canaryPw, new_password: remember('Canari-Nouveau-Mot-De-Passe-5531') },
  });
  await request(`${srv.url}/api/password-reset`, { method: 'POST', body: { email: u.email } });
  const { token } = await mailedToken(u.email, 'password_reset', 'mot-de-passe');
  await request(`${srv.url}/api/password-reset/confirm`, {
    method: 'POST', body: { token, password: remember('Canari-Apres-Reinitialisation-7720') },
  });
  await request(`${srv.url}/api/password-reset/confirm`, {
    method: 'POST', body: { token, password: remember('Canari-Jeton-Deja-Utilise-3319') },
  });

  // Opening a link is a GET of /mot-de-passe/TOKEN: the access log records that path (the
  // token is single-use and expires within the hour). No other way in is tolerated.
  const opened = new Set();
  for (const m of srv.stderr().matchAll(/"path":"\/(?:mot-de-passe|verification)\/([A-Za-z0-9_-]+)"/g)) {
    opened.add(m[1]);
  }
  const out = srv.stderr();
  assert.ok(out.includes('"type":"access"'), 'the access log is on');
  assert.ok(secrets.size > 30, `${secrets.size} secrets collected`);
  const leaked = [...secrets].filter((x) => out.includes(x) && !opened.has(x));
  assert.deepEqual(leaked, []);
  for (const x of opened) {
    const lines = out.split('\n').filter((l) => l.includes(x));
    assert.ok(lines.every((l) => /"type":"access","method":"GET"/.test(l)), lines.join('\n'));
  }

  // Nor the audit trail.
  const trail = await sql(`SELECT string_agg(concat_ws(' ', actor_email, action, object_id, detail::text, user_agent), E'\\n') FROM audit_events`);
  assert.deepEqual([...secrets].filter((x) => trail.includes(x)), []);
});
