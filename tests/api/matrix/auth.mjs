// auth.mjs — matrix rows for signing in and out, me, my sessions, my password, my API tokens,
// password reset and e-mail verification. None of these depends on a community: every signed-in
// principal gets the same answer about their own account, and nobody reaches anybody else's.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';

// An argon2id hash of PASSWORD (t=3, m=64 MiB), made once with libsodium (see auth.test.mjs).
const PASSWORD = 'Alpha-Canari-Passe-4821';
const HASH = '$argon2id$v=19$m=65536,t=3,p=1$vqSJoVCKRQ42RBbcdZFDLA$RN7s4X9Klz18VjUgvluRZAUQ75VkWdfnSfNDHLYn92M';
const NEW_PASSWORD = 'Une nouvelle phrase de passe pour la matrice';

const everyone = (status) => ({
  anonymous: status, guestOther: status, guest: status, staff: status, member: status,
  animator: status, admin: status, removed: status,
});
const signedIn = (status) => ({ ...everyone(status), anonymous: 401 });

/** Sets (or, with null, removes) the password of world user u. */
function setPassword(ctx, u, hash) {
  return ctx.sql(`UPDATE users SET password_hash = ${ctx.lit(hash)}, password_changed_at = NULL
    WHERE id = ${ctx.users[u].id}`);
}

/** A token of world user u made in SQL; resolves to its id. */
async function insertToken(ctx, u) {
  const secret = `rls_${randomBytes(32).toString('base64url')}`;
  const hash = createHash('sha256').update(secret).digest('hex');
  return Number(await ctx.sql(`INSERT INTO api_tokens (user_id, name, token_hash, prefix, scope)
    VALUES (${ctx.users[u].id}, ${ctx.lit(`Jeton de ${u}`)}, '\\x${hash}'::bytea,
            ${ctx.lit(secret.slice(0, 10))}, 'read') RETURNING id`));
}

/** The token of the last link of this kind sent to world user u. */
async function linkToken(ctx, u, kind, route) {
  const body = await ctx.sql(`SELECT body_text FROM email_outbox WHERE kind = ${ctx.lit(kind)}
    AND to_address = ${ctx.lit(ctx.users[u].email)} ORDER BY id DESC LIMIT 1`);
  const m = new RegExp(`/${route}/([A-Za-z0-9_-]+)`).exec(body);
  if (!m) throw new Error(`setup: no /${route}/ link in ${body}`);
  return m[1];
}

const candidateCanaries = (ctx) => [ctx.users.candidate.display_name, ctx.users.candidate.email];

export const rows = [
  {
    method: 'POST',
    path: '/api/session',
    name: 'sign in as candidate (any session the client had is ended)',
    setup: (ctx) => setPassword(ctx, 'candidate', HASH),
    body: (ctx) => ({ email: ctx.users.candidate.email, password: PASSWORD }),
    expect: everyone(200),
    listCheck: (json, ctx) => {
      assert.equal(json.user.id, ctx.users.candidate.id);
      assert.equal(typeof json.csrf_token, 'string');
    },
    mayReveal: candidateCanaries,
    after: (ctx) => setPassword(ctx, 'candidate', null),
  },
  {
    method: 'POST',
    path: '/api/session',
    name: 'wrong password',
    body: (ctx) => ({ email: ctx.users.candidate.email, password: 'Pas-Le-Bon-Mot-De-Passe' }),
    expect: everyone(401),
  },
  {
    method: 'DELETE',
    path: '/api/session',
    expect: everyone(204),
  },
  {
    method: 'GET',
    path: '/api/me',
    expect: signedIn(200),
    listCheck: (json, ctx) => {
      assert.equal(json.user.id, ctx.user.id);
      assert.equal(json.user.email, ctx.user.email);
      assert.equal(json.csrf_token, ctx.sessions[ctx.p].csrf);
    },
  },
  {
    method: 'POST',
    path: '/api/me/password',
    setup: async (ctx) => { if (ctx.user) await setPassword(ctx, ctx.p, HASH); },
    body: () => ({ current_password: PASSWORD, new_password: NEW_PASSWORD }),
    expect: signedIn(204),
    after: async (ctx) => { if (ctx.user) await setPassword(ctx, ctx.p, null); },
  },
  {
    method: 'GET',
    path: '/api/me/sessions',
    expect: signedIn(200),
    listCheck: (json, ctx) => {
      // Exactly the principal's own session, marked current.
      assert.deepEqual(json.items.map((s) => [s.id, s.current]), [[ctx.sessions[ctx.p].id, true]]);
    },
  },
  {
    method: 'DELETE',
    path: '/api/me/sessions/{session}',
    name: 'my own session',
    setup: (ctx) => ({ session: (ctx.sessions[ctx.p] ?? ctx.sessions.member).id }),
    expect: signedIn(204),
  },
  {
    method: 'DELETE',
    path: '/api/me/sessions/{session}',
    name: 'someone else’s session',
    setup: (ctx) => ({ session: ctx.sessions[ctx.p === 'admin' ? 'member' : 'admin'].id }),
    expect: signedIn(404),
    after: async (ctx) => {
      const other = ctx.sessions[ctx.p === 'admin' ? 'member' : 'admin'].id;
      assert.equal(await ctx.sql(`SELECT revoked_at IS NULL FROM sessions WHERE id = ${other}`), 't');
    },
  },
  {
    method: 'GET',
    path: '/api/me/tokens',
    mutates: true,
    setup: async (ctx) => ({
      mine: ctx.user ? await insertToken(ctx, ctx.p) : null,
      theirs: await insertToken(ctx, 'otherAnimator'),
    }),
    expect: signedIn(200),
    listCheck: (json, ctx) => {
      assert.deepEqual(json.items.map((t) => t.id), [ctx.vars.mine]);
    },
  },
  {
    method: 'POST',
    path: '/api/me/tokens',
    body: () => ({ name: 'Intégration de la matrice', scope: 'read_write', expires_in_days: 7 }),
    expect: signedIn(201),
    listCheck: (json) => {
      assert.match(json.secret, /^rls_/);
      assert.equal(json.token.scope, 'read_write');
    },
  },
  {
    method: 'DELETE',
    path: '/api/me/tokens/{token}',
    name: 'my own token',
    setup: async (ctx) => ({ token: await insertToken(ctx, ctx.user ? ctx.p : 'candidate') }),
    expect: signedIn(204),
  },
  {
    method: 'DELETE',
    path: '/api/me/tokens/{token}',
    name: 'someone else’s token',
    setup: async (ctx) => ({ token: await insertToken(ctx, 'otherAnimator') }),
    expect: signedIn(404),
    after: async (ctx) => {
      assert.equal(await ctx.sql(`SELECT revoked_at IS NULL FROM api_tokens WHERE id = ${ctx.vars.token}`), 't');
    },
  },
  {
    method: 'POST',
    path: '/api/me/email-verification',
    setup: async (ctx) => {
      if (ctx.user) await ctx.sql(`UPDATE users SET email_verified_at = NULL WHERE id = ${ctx.user.id}`);
    },
    expect: signedIn(202),
    after: async (ctx) => {
      if (ctx.user) await ctx.sql(`UPDATE users SET email_verified_at = now() WHERE id = ${ctx.user.id}`);
    },
  },
  {
    method: 'POST',
    path: '/api/email-verification/confirm',
    name: 'a genuine link (member’s)',
    setup: async (ctx) => {
      await ctx.sql(`UPDATE users SET email_verified_at = NULL WHERE id = ${ctx.users.member.id}`);
      const res = await ctx.api('member', 'POST', '/api/me/email-verification');
      if (res.status !== 202) throw new Error(`setup: verification answered ${res.status} ${res.text()}`);
      return { token: await linkToken(ctx, 'member', 'email_verification', 'verification') };
    },
    body: (ctx) => ({ token: ctx.vars.token }),
    expect: everyone(204),
    after: (ctx) => ctx.sql(`UPDATE users SET email_verified_at = coalesce(email_verified_at, now())
      WHERE id = ${ctx.users.member.id}`),
  },
  {
    method: 'POST',
    path: '/api/email-verification/confirm',
    name: 'a bad link',
    body: () => ({ token: 'pas-un-jeton-valide' }),
    expect: everyone(404),
  },
  {
    method: 'POST',
    path: '/api/password-reset',
    body: (ctx) => ({ email: ctx.users.candidate.email }),
    expect: everyone(202),
  },
  {
    method: 'POST',
    path: '/api/password-reset/confirm',
    name: 'a genuine link (candidate’s)',
    setup: async (ctx) => {
      await setPassword(ctx, 'candidate', HASH);
      const res = await ctx.api('anonymous', 'POST', '/api/password-reset', { email: ctx.users.candidate.email });
      if (res.status !== 202) throw new Error(`setup: reset answered ${res.status} ${res.text()}`);
      return { token: await linkToken(ctx, 'candidate', 'password_reset', 'mot-de-passe') };
    },
    body: (ctx) => ({ token: ctx.vars.token, password: NEW_PASSWORD }),
    expect: everyone(204),
    after: (ctx) => setPassword(ctx, 'candidate', null),
  },
  {
    method: 'POST',
    path: '/api/password-reset/confirm',
    name: 'a bad link',
    body: () => ({ token: 'pas-un-jeton-valide', password: NEW_PASSWORD }),
    expect: everyone(404),
  },
];
