// people_helpers.mjs — what the people, admin, audit and CLI tests share: people and sessions
// made in SQL, requests as someone, the relais binary with stdin. Not a test file.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { psql, request } from '../lib/harness.mjs';

// An argon2id hash of PASSWORD (t=3, m=64 MiB, libsodium's format), so that tests can make
// accounts that sign in without hashing each time.
export const PASSWORD = 'Alpha-Canari-Passe-4821';
export const PASSWORD_HASH =
  '$argon2id$v=19$m=65536,t=3,p=1$vqSJoVCKRQ42RBbcdZFDLA$RN7s4X9Klz18VjUgvluRZAUQ75VkWdfnSfNDHLYn92M';

/** SQL string literal. */
export function lit(v) {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return `'${String(v).replace(/'/g, "''")}'`;
}

/** Creates an organisation; resolves to its id. */
export async function makeOrg(url, name, kind = 'ght') {
  return Number(await psql(url,
    `INSERT INTO organisations (kind, name) VALUES (${lit(kind)}, ${lit(name)}) RETURNING id`));
}

/** Creates a person (password PASSWORD); resolves to its id. */
export async function makePerson(url, { email, name, kind = 'staff', org = null, job = '',
  place = '', admin = false, status = 'active' }) {
  return Number(await psql(url,
    `INSERT INTO users (email, display_name, kind, organisation_id, job_title, place,
                        platform_role, status, password_hash, password_changed_at,
                        email_verified_at)
     VALUES (${lit(email)}, ${lit(name)}, ${lit(kind)}, ${org ?? 'NULL'}, ${lit(job)},
             ${lit(place)}, ${lit(admin ? 'admin' : 'user')}, ${lit(status)},
             ${lit(PASSWORD_HASH)}, now(), now()) RETURNING id`));
}

/** Creates a community with members ({userId: role}); resolves to its id. */
export async function makeCommunity(url, { slug, name, visibility, archived = false, members = {} }) {
  const id = Number(await psql(url,
    `INSERT INTO communities (slug, name, description, visibility, archived_at)
     VALUES (${lit(slug)}, ${lit(name)}, ${lit(`À propos de ${name}`)}, ${lit(visibility)},
             ${archived ? 'now()' : 'NULL'}) RETURNING id`));
  for (const [user, role] of Object.entries(members)) {
    await psql(url, `INSERT INTO memberships (community_id, user_id, role)
                     VALUES (${id}, ${user}, ${lit(role)})`);
  }
  return id;
}

/**
 * A session for userId made the way auth/ makes them (only the token's hash is stored).
 * Resolves to { id, token, csrf }.
 */
export async function makeSession(url, userId) {
  const token = randomBytes(32).toString('base64url');
  const csrf = randomBytes(32).toString('base64url');
  const hash = createHash('sha256').update(token).digest('hex');
  const id = Number(await psql(url,
    `INSERT INTO sessions (user_id, token_hash, csrf_token, expires_at)
     VALUES (${userId}, '\\x${hash}'::bytea, ${lit(csrf)}, now() + interval '12 hours')
     RETURNING id`));
  return { id, token, csrf };
}

/** Signs in through the API; resolves to { token, csrf, user } (throws unless 200). */
export async function login(srv, email, password = PASSWORD) {
  const res = await request(`${srv.url}/api/session`, { method: 'POST', body: { email, password } });
  if (res.status !== 200) throw new Error(`login ${email}: ${res.status} ${res.text()}`);
  const cookie = [].concat(res.headers['set-cookie'] || []).find((c) => c.startsWith('relais_session='));
  const token = cookie.split(';')[0].split('=')[1];
  const json = res.json();
  return { token, csrf: json.csrf_token, user: json.user };
}

/**
 * A client for srv acting as session s (null = anonymous). origin: what state-changing
 * requests send as Origin (RELAIS_PUBLIC_ORIGIN when the server has one).
 */
export function client(srv, s, origin = srv.url) {
  const headers = (extra = {}) => {
    const h = s ? { Cookie: `relais_session=${s.token}`, 'X-CSRF-Token': s.csrf, Origin: origin } : {};
    return { ...h, ...extra };
  };
  const call = (method, path, body, extra) => request(`${srv.url}${path}`, {
    method, headers: headers(extra), body,
  });
  return {
    get: (path, extra) => call('GET', path, undefined, extra),
    post: (path, body, extra) => call('POST', path, body, extra),
    put: (path, body, extra) => call('PUT', path, body, extra),
    patch: (path, body, extra) => call('PATCH', path, body, extra),
    del: (path, extra) => call('DELETE', path, undefined, extra),
  };
}

/**
 * Runs `relais ARGS` with env and optional stdin; resolves (never rejects) to
 * { code, stdout, stderr }.
 */
export function relais(args, { env = {}, input } = {}) {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.env.RELAIS_BIN, args, {
      env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    proc.stdout.setEncoding('utf8').on('data', (c) => { stdout += c; });
    proc.stderr.setEncoding('utf8').on('data', (c) => { stderr += c; });
    proc.on('error', reject);
    proc.on('close', (code) => resolve({ code, stdout, stderr }));
    proc.stdin.end(input ?? '');
  });
}

/** Parses RFC 4180 CSV text into rows of fields. */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === ',') {
      row.push(field); field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field); rows.push(row); row = []; field = ''; i++;
    } else {
      field += ch;
    }
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  return rows;
}
