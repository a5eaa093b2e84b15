// _world.mjs — the world the access matrix runs in: organisations, one user per principal,
// communities of every visibility, sessions made straight in SQL, and the restore that puts
// everything back after a state-changing check. Not a row file (the leading underscore).
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { request } from '../../lib/harness.mjs';

const PG_BINDIR = process.env.RELAIS_PG_BINDIR || '/usr/lib/postgresql/15/bin';

/** The principals every row is run for, in report order. */
export const PRINCIPALS = ['anonymous', 'guestOther', 'guest', 'staff', 'member', 'animator',
  'admin', 'removed'];

/** The communities every per-community row is run against, plus 'missing' (no such id). */
export const COMMUNITIES = ['public', 'restricted', 'secret', 'archived'];

/** An id no community has: the reference answer for "does not exist". */
export const MISSING_ID = 987654321;

// Names and e-mail addresses are canaries: none is a substring of another, so finding one in
// a response body means that object is in it.
const USERS = {
  admin: { name: 'Adèle Mxadmin', kind: 'staff', admin: true, org: 'ght', job: 'DSI' },
  staff: { name: 'Bruno Mxstaff', kind: 'staff', org: 'ght', job: 'Cadre de santé' },
  member: { name: 'Chloé Mxmember', kind: 'staff', org: 'ars', job: 'Chargée de mission' },
  animator: { name: 'Denis Mxanimator', kind: 'staff', org: 'ght', job: 'Animateur qualité' },
  guest: { name: 'Estelle Mxguest', kind: 'guest', job: 'Auditrice' },
  guestOther: { name: 'Fabien Mxpartner', kind: 'guest', job: 'Association partenaire' },
  removed: { name: 'Gaëlle Mxremoved', kind: 'staff', org: 'esms', job: 'Infirmière' },
  otherAnimator: { name: 'Hugo Mxotherchief', kind: 'staff', org: 'esms', job: 'Directeur' },
  candidate: { name: 'Inès Mxcandidate', kind: 'staff', org: 'ars', job: 'Médecin inspecteur' },
  outsider: { name: 'Jules Mxoutsider', kind: 'guest', job: 'Consultant' },
};

const ORGS = {
  ght: { kind: 'ght', name: 'GHT Mxnord' },
  ars: { kind: 'ars', name: 'ARS Mxrégion' },
  esms: { kind: 'esms', name: 'EHPAD Mxles Tilleuls' },
};

const COMMUNITY_DEFS = {
  public: { name: 'Mxespace public Alpha', slug: 'mx-alpha-public', visibility: 'public' },
  restricted: { name: 'Mxespace restreint Beta', slug: 'mx-beta-restricted', visibility: 'restricted' },
  secret: { name: 'Mxespace secret Gamma', slug: 'mx-gamma-secret', visibility: 'secret' },
  archived: { name: 'Mxespace archivé Delta', slug: 'mx-delta-archived', visibility: 'public' },
  other: { name: 'Mxespace autre Epsilon', slug: 'mx-epsilon-other', visibility: 'secret' },
};

// Memberships before the checks start; 'removed' loses its four through the API.
const INITIAL_MEMBERSHIPS = [
  ...['public', 'restricted', 'secret', 'archived'].flatMap((c) => [
    [c, 'animator', 'animator'], [c, 'member', 'member'], [c, 'guest', 'guest'],
    [c, 'removed', 'member'],
  ]),
  ['other', 'otherAnimator', 'animator'], ['other', 'guestOther', 'guest'],
];

/** SQL string literal. */
export function lit(v) {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return `'${String(v).replace(/'/g, "''")}'`;
}

/**
 * One long-lived psql session as the database owner, so setup and restore cost a round trip
 * rather than a process. run(sql) resolves with psql's unaligned, tuples-only output and
 * rejects with the error text when a statement fails.
 */
export function openPsql(url) {
  const proc = spawn(path.join(PG_BINDIR, 'psql'),
    ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=0', '-d', url],
    { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let waiting = null;
  let seq = 0;
  const check = () => {
    if (!waiting) return;
    const { marker, resolve, reject } = waiting;
    const o = out.indexOf(marker);
    const e = err.indexOf(marker);
    if (o < 0 || e < 0) return;
    const stdout = out.slice(0, o);
    const stderr = err.slice(0, e);
    out = out.slice(o + marker.length + 1);
    err = err.slice(e + marker.length + 1);
    waiting = null;
    if (/ERROR:/.test(stderr)) reject(new Error(stderr.trim()));
    else resolve(stdout.trimEnd());
  };
  proc.stdout.setEncoding('utf8').on('data', (c) => { out += c; check(); });
  proc.stderr.setEncoding('utf8').on('data', (c) => { err += c; check(); });
  let chain = Promise.resolve();
  const run = (sql) => {
    const p = chain.then(() => new Promise((resolve, reject) => {
      const marker = `__mx_done_${++seq}__`;
      waiting = { marker, resolve, reject };
      proc.stdin.write(`${sql.trim().replace(/;?$/, ';')}\n\\echo ${marker}\n\\warn ${marker}\n`);
    }));
    chain = p.catch(() => {});
    return p;
  };
  const close = () => new Promise((resolve) => {
    proc.on('exit', resolve);
    proc.stdin.end('\\q\n');
  });
  return { run, close };
}

function sha256hex(s) {
  return createHash('sha256').update(s).digest('hex');
}

/**
 * A session for userId made the way auth/ makes them (only the token's hash is stored), through
 * run (a psql session's run). Resolves to { id, token, csrf, headers(origin) }: the headers a
 * browser would send with it, CSRF token and Origin included.
 */
export async function makeSession(run, userId) {
  const token = randomBytes(32).toString('base64url');
  const csrf = randomBytes(32).toString('base64url');
  const id = Number(await run(
    `INSERT INTO sessions (user_id, token_hash, csrf_token, expires_at)
     VALUES (${userId}, '\\x${sha256hex(token)}'::bytea, ${lit(csrf)},
             now() + interval '12 hours') RETURNING id`));
  return {
    id, token, csrf,
    headers: (origin) => ({ Cookie: `relais_session=${token}`, 'X-CSRF-Token': csrf, Origin: origin }),
  };
}

/**
 * Builds the world in the server's database (through SQL as the owner), then, through the API,
 * removes 'removed' from its four communities and archives 'archived'. Returns the context
 * every row receives.
 */
export async function buildWorld(srv) {
  const db = openPsql(srv.databaseUrl);
  const origin = srv.url;

  const orgIds = {};
  for (const [key, o] of Object.entries(ORGS)) {
    orgIds[key] = Number(await db.run(
      `INSERT INTO organisations (kind, name) VALUES (${lit(o.kind)}, ${lit(o.name)}) RETURNING id`));
  }
  const users = {};
  for (const [key, u] of Object.entries(USERS)) {
    const email = `mx.${key.toLowerCase()}@matrix.example`;
    const id = Number(await db.run(
      `INSERT INTO users (email, display_name, kind, organisation_id, job_title, platform_role,
                          email_verified_at)
       VALUES (${lit(email)}, ${lit(u.name)}, ${lit(u.kind)}, ${u.org ? orgIds[u.org] : 'NULL'},
               ${lit(u.job)}, ${lit(u.admin ? 'admin' : 'user')}, now()) RETURNING id`));
    users[key] = { key, id, email, display_name: u.name, kind: u.kind, admin: !!u.admin,
      organisation_id: u.org ? orgIds[u.org] : null, job_title: u.job };
  }
  const communities = {};
  for (const [key, c] of Object.entries(COMMUNITY_DEFS)) {
    const id = Number(await db.run(
      `INSERT INTO communities (slug, name, description, visibility, organisation_id, created_by)
       VALUES (${lit(c.slug)}, ${lit(c.name)}, ${lit(`Description de ${c.name}`)},
               ${lit(c.visibility)}, ${orgIds.ght}, ${users.animator.id}) RETURNING id`));
    communities[key] = { key, id, slug: c.slug, name: c.name, visibility: c.visibility,
      description: `Description de ${c.name}`, archived: false };
  }
  for (const [c, u, role] of INITIAL_MEMBERSHIPS) {
    await db.run(`INSERT INTO memberships (community_id, user_id, role)
                  VALUES (${communities[c].id}, ${users[u].id}, ${lit(role)})`);
  }

  // One session per principal, made the way auth/ makes them: only the token's hash is stored.
  const sessions = {};
  for (const p of PRINCIPALS) {
    if (p === 'anonymous') continue;
    const { id, token, csrf } = await makeSession(db.run, users[p].id);
    sessions[p] = { id, token, csrf };
  }

  /** Headers that authenticate principal p (none for anonymous), CSRF and Origin included. */
  const headersFor = (p) => {
    const s = sessions[p];
    if (!s) return {};
    return { Cookie: `relais_session=${s.token}`, 'X-CSRF-Token': s.csrf, Origin: origin };
  };

  /** One API request as principal p. */
  const api = (p, method, urlPath, body) => request(`${srv.url}${urlPath}`, {
    method, headers: headersFor(p), body,
  });

  const memberships = INITIAL_MEMBERSHIPS.map(([c, u, role]) => ({ c, u, role }));

  const world = {
    srv, db, origin, users, communities, sessions, orgIds, memberships,
    headersFor, api, sql: (s) => db.run(s), lit,
  };

  // What the checks start from: 'removed' removed by the animator, then 'archived' archived.
  for (const c of COMMUNITIES) {
    const res = await api('animator', 'DELETE',
      `/api/communities/${communities[c].id}/members/${users.removed.id}`);
    if (res.status !== 204 && res.status !== 200) {
      throw new Error(`world: removing 'removed' from ${c} answered ${res.status}: ${res.text()}`);
    }
  }
  world.memberships = memberships.filter((m) => m.u !== 'removed');
  const arch = await api('animator', 'PATCH', `/api/communities/${communities.archived.id}`,
    { archived: true });
  if (arch.status !== 200) {
    throw new Error(`world: archiving answered ${arch.status}: ${arch.text()}`);
  }
  communities.archived.archived = true;

  await installRestore(world);
  return world;
}

/*
 * mx_restore() puts the world back as buildWorld left it: rows that change state (join,
 * remove, rename, log out, create ...) run it after each check so that the next principal
 * starts from the same world. Objects the checks created are deleted.
 */
async function installRestore(w) {
  const userIds = Object.values(w.users).map((u) => u.id).join(',');
  const communityIds = Object.values(w.communities).map((c) => c.id).join(',');
  const orgIds = Object.values(w.orgIds).join(',');
  const sessionIds = Object.values(w.sessions).map((s) => s.id).join(',');
  const stmts = [
    `DELETE FROM communities WHERE id NOT IN (${communityIds})`,
    `DELETE FROM join_requests`,
    `DELETE FROM invitations`,
    `DELETE FROM memberships`,
    ...w.memberships.map((m) => `INSERT INTO memberships (community_id, user_id, role)
       VALUES (${w.communities[m.c].id}, ${w.users[m.u].id}, ${lit(m.role)})`),
    ...Object.values(w.communities).map((c) => `UPDATE communities SET slug = ${lit(c.slug)},
       name = ${lit(c.name)}, description = ${lit(c.description)},
       visibility = ${lit(c.visibility)}, organisation_id = ${w.orgIds.ght},
       archived_at = ${c.archived ? 'coalesce(archived_at, now())' : 'NULL'}
       WHERE id = ${c.id}`),
    `DELETE FROM sessions WHERE id NOT IN (${sessionIds})`,
    `UPDATE sessions SET revoked_at = NULL, last_seen_at = now(),
       expires_at = now() + interval '12 hours'`,
    `DELETE FROM api_tokens`,
    `DELETE FROM auth_throttle`,
    `DELETE FROM email_outbox`,
    `DELETE FROM used_tokens`,
    `DELETE FROM users WHERE id NOT IN (${userIds})`,
    ...Object.values(w.users).map((u) => `UPDATE users SET email = ${lit(u.email)},
       display_name = ${lit(u.display_name)}, kind = ${lit(u.kind)},
       organisation_id = ${u.organisation_id ?? 'NULL'}, job_title = ${lit(u.job_title)},
       platform_role = ${lit(u.admin ? 'admin' : 'user')}, status = 'active'
       WHERE id = ${u.id}`),
    `DELETE FROM organisations WHERE id NOT IN (${orgIds})`,
    ...Object.entries(ORGS).map(([k, o]) => `UPDATE organisations SET name = ${lit(o.name)},
       kind = ${lit(o.kind)} WHERE id = ${w.orgIds[k]}`),
    `DELETE FROM platform_settings`,
    `INSERT INTO platform_settings SELECT * FROM mx_settings`,
  ];
  await w.db.run('CREATE TABLE mx_settings AS SELECT * FROM platform_settings');
  await w.db.run(`CREATE FUNCTION mx_restore() RETURNS void LANGUAGE plpgsql AS $mx$
    BEGIN
    ${stmts.map((s) => `${s};`).join('\n    ')}
    END $mx$`);
  w.restore = () => w.db.run('SELECT mx_restore()');
}

// --- the expected visibility, written from docs/design/people-and-rights.md ------------------

function isStaff(w, p) {
  return w.users[p] && w.users[p].kind === 'staff';
}

/** Role of user p in community c in the world ('animator', 'member', 'guest' or null). */
export function roleOf(w, p, c) {
  const m = w.memberships.find((x) => x.u === p && x.c === c);
  return m ? m.role : null;
}

/** ACL_SEE: may principal p know that community c exists? */
export function canSeeCommunity(w, p, c) {
  if (p === 'anonymous') return false;
  if (w.users[p].admin || roleOf(w, p, c)) return true;
  return isStaff(w, p) && w.communities[c].visibility !== 'secret';
}

/** ACL_READ: may principal p open community c? */
export function canReadCommunity(w, p, c) {
  if (p === 'anonymous') return false;
  if (roleOf(w, p, c)) return true;
  return isStaff(w, p) && w.communities[c].visibility === 'public';
}

/** May principal p see person u? */
export function canSeeUser(w, p, u) {
  if (p === 'anonymous') return false;
  if (p === u || w.users[p].admin) return true;
  if (isStaff(w, p) && isStaff(w, u)) return true;
  const mine = new Set(w.memberships.filter((m) => m.u === p).map((m) => m.c));
  return w.memberships.some((m) => m.u === u && mine.has(m.c));
}

/** The strings whose presence in a response reveals community c or person u. */
export function communityCanaries(w, c) {
  const x = w.communities[c];
  return [x.name, x.slug];
}
export function userCanaries(w, u) {
  const x = w.users[u];
  return [x.display_name, x.email];
}

/**
 * Every canary principal p may not see, as [canary, what] pairs: names and slugs of
 * communities it cannot see, names and e-mail addresses of people it cannot see.
 */
export function forbiddenCanaries(w, p) {
  const out = [];
  for (const c of Object.keys(w.communities)) {
    if (!canSeeCommunity(w, p, c)) {
      for (const s of communityCanaries(w, c)) out.push([s, `community '${c}'`]);
    }
  }
  for (const u of Object.keys(w.users)) {
    if (!canSeeUser(w, p, u)) {
      for (const s of userCanaries(w, u)) out.push([s, `user '${u}'`]);
    }
  }
  return out;
}

/** Every string (keys and values) in a parsed JSON value. */
export function jsonStrings(v, out = []) {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) v.forEach((x) => jsonStrings(x, out));
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      out.push(k);
      jsonStrings(x, out);
    }
  }
  return out;
}
