// cli_admin.test.mjs — `relais admin`: create-user, list-users, reset-password, load-demo
// (idempotent, logins printed and written), password-cost; usage errors and --help.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { statSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { startServer, createDatabase, psql, request, tempDir } from '../lib/harness.mjs';
import { relais, login, client } from './people_helpers.mjs';

let srv;
let db;
let env;

before(async () => {
  srv = await startServer();
  db = srv.databaseUrl;
  env = { RELAIS_DATABASE_URL: db };
});

after(async () => {
  assert.equal(await srv.stop(), 0, srv.stderr());
});

const SUBCOMMANDS = ['create-user', 'list-users', 'reset-password', 'load-demo', 'purge-audit',
  'password-cost'];

test('relais admin --help lists the subcommands, each has --help', async () => {
  const top = await relais(['--help']);
  assert.match(top.stdout, /\badmin\b/);
  const help = await relais(['admin', '--help']);
  assert.equal(help.code, 0);
  for (const s of SUBCOMMANDS) assert.match(help.stdout, new RegExp(`\\b${s}\\b`));
  for (const s of SUBCOMMANDS) {
    const r = await relais(['admin', s, '--help']);
    assert.equal(r.code, 0, s);
    assert.match(r.stdout, new RegExp(`^Usage: relais admin ${s}`), s);
    assert.match(r.stdout, /RELAIS_DATABASE_URL/, s);
  }
  const none = await relais(['admin']);
  assert.equal(none.code, 2);
  const unknown = await relais(['admin', 'frobnicate']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown admin command 'frobnicate'/);
});

test('create-user: an administrator of a new organisation, who can sign in', async () => {
  const r = await relais(['admin', 'create-user', '--email', 'Chef.Projet@GHT-Vaucluse.test',
    '--name', 'Thomas Lefèvre', '--org', 'GHT Vaucluse', '--org-kind', 'ght',
    '--job-title', 'Chef de projet DPI', '--admin', '--password-stdin'],
  { env, input: 'Une phrase de passe pour Thomas\n' });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^created administrator account \d+ for Chef\.Projet@GHT-Vaucluse\.test in new organisation GHT Vaucluse\n$/);
  assert.ok(!r.stdout.includes('phrase de passe') && !r.stderr.includes('phrase de passe'));
  const row = await psql(db, `SELECT u.kind, u.platform_role, u.status, u.job_title, o.kind, o.name,
    u.password_hash LIKE '$argon2id$%' FROM users u JOIN organisations o ON o.id = u.organisation_id
    WHERE u.email = 'chef.projet@ght-vaucluse.test'`);
  assert.equal(row, 'staff|admin|active|Chef de projet DPI|ght|GHT Vaucluse|t');
  const s = await login(srv, 'chef.projet@ght-vaucluse.test', 'Une phrase de passe pour Thomas');
  assert.equal(s.user.platform_role, 'admin');
  assert.equal((await client(srv, s).get('/api/admin/users')).status, 200);
  const ev = await psql(db, `SELECT string_agg(action || ':' || (detail->>'via'), ',' ORDER BY id)
    FROM audit_events WHERE actor_id IS NULL AND action IN ('user.created', 'organisation.created')`);
  assert.equal(ev, 'organisation.created:cli,user.created:cli');

  // A second person of the same organisation (found whatever its case and accents), CRLF input.
  const r2 = await relais(['admin', 'create-user', '--email=nadia@ght-vaucluse.test',
    '--name=Nadia Benali', '--org=ght vaucluse', '--password-stdin'],
  { env, input: 'Le mot de passe de Nadia\r\n' });
  assert.equal(r2.code, 0, r2.stderr);
  assert.match(r2.stdout, /^created user account \d+ for nadia@ght-vaucluse\.test\n$/);
  assert.equal(await psql(db, 'SELECT count(*) FROM organisations'), '1');
  await login(srv, 'nadia@ght-vaucluse.test', 'Le mot de passe de Nadia');

  const guest = await relais(['admin', 'create-user', '--email', 'auditeur@cabinet.test',
    '--name', 'Olivier Auditeur', '--guest', '--password-stdin'],
  { env, input: 'Un auditeur externe bien protégé\n' });
  assert.equal(guest.code, 0, guest.stderr);
  assert.equal(await psql(db, "SELECT kind FROM users WHERE email = 'auditeur@cabinet.test'"), 'guest');
});

test('create-user refuses bad input without creating anything', async () => {
  const before = await psql(db, 'SELECT count(*) FROM users');
  const cases = [
    [['--email', 'x@y.test', '--name', 'X'], 'Un mot de passe correct ici\n', 2],              // no --password-stdin
    [['--name', 'X', '--password-stdin'], 'Un mot de passe correct ici\n', 2],
    [['--email', 'pas-une-adresse', '--name', 'X', '--password-stdin'], 'Un mot de passe correct ici\n', 2],
    [['--email', 'x@y.test', '--name', 'X', '--guest', '--org', 'GHT', '--password-stdin'], 'Un mot de passe correct ici\n', 2],
    [['--email', 'x@y.test', '--name', 'X', '--org-kind', 'hopital', '--org', 'H', '--password-stdin'], 'Un mot de passe correct ici\n', 2],
    [['--email', 'x@y.test', '--name', 'X', '--bogus', '--password-stdin'], 'Un mot de passe correct ici\n', 2],
    [['--email', 'x@y.test', '--name', 'X', '--password-stdin'], 'court\n', 1],
    [['--email', 'x@y.test', '--name', 'X', '--password-stdin'], 'azertyuiop123\n', 1],
    [['--email', 'x@y.test', '--name', 'X', '--password-stdin'], '', 1],
    [['--email', 'NADIA@ght-vaucluse.test', '--name', 'X', '--password-stdin'], 'Un mot de passe correct ici\n', 1],
  ];
  for (const [args, input, code] of cases) {
    const r = await relais(['admin', 'create-user', ...args], { env, input });
    assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^relais: /);
  }
  const dup = await relais(['admin', 'create-user', '--email', 'NADIA@ght-vaucluse.test', '--name', 'X',
    '--password-stdin'], { env, input: 'Un mot de passe correct ici\n' });
  assert.match(dup.stderr, /already exists/);
  assert.equal(await psql(db, 'SELECT count(*) FROM users'), before);
  const noDb = await relais(['admin', 'list-users'], { env: {
    RELAIS_DATABASE_URL: 'postgresql://nobody@/nodb?host=/nonexistent&port=1', RELAIS_DB_CONNECT_TIMEOUT: '2' } });
  assert.equal(noDb.code, 1);
  assert.match(noDb.stderr, /cannot connect to the database/);
});

test('list-users, as a table and as JSON', async () => {
  const json = await relais(['admin', 'list-users', '--json'], { env });
  assert.equal(json.code, 0, json.stderr);
  const users = JSON.parse(json.stdout);
  assert.deepEqual(users.map((u) => u.email), ['Chef.Projet@GHT-Vaucluse.test',
    'nadia@ght-vaucluse.test', 'auditeur@cabinet.test']);
  assert.equal(users[0].platform_role, 'admin');
  assert.equal(users[2].kind, 'guest');
  assert.equal(users[1].organisation.name, 'GHT Vaucluse');
  const table = await relais(['admin', 'list-users'], { env });
  assert.equal(table.code, 0);
  const lines = table.stdout.trimEnd().split('\n');
  assert.match(lines[0], /^ID\s+EMAIL\s+NAME\s+KIND\s+ROLE\s+STATUS\s+ORGANISATION$/);
  assert.equal(lines.length, 4);
  assert.match(lines[1], /Chef\.Projet@GHT-Vaucluse\.test\s+Thomas Lefèvre\s+staff\s+admin\s+active\s+GHT Vaucluse$/);
});

test('reset-password: a new password, the old sessions ended', async () => {
  const s = await login(srv, 'nadia@ght-vaucluse.test', 'Le mot de passe de Nadia');
  assert.equal((await client(srv, s).get('/api/me')).status, 200);
  const r = await relais(['admin', 'reset-password', '--email', 'NADIA@ght-vaucluse.test',
    '--password-stdin'], { env, input: 'Nadia a un nouveau mot de passe\n' });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /password changed for NADIA@ght-vaucluse\.test/);
  assert.equal((await client(srv, s).get('/api/me')).status, 401);
  const old = await request(`${srv.url}/api/session`, { method: 'POST',
    body: { email: 'nadia@ght-vaucluse.test', password: 'Le mot de passe de Nadia' } });
  assert.equal(old.status, 401);
  await login(srv, 'nadia@ght-vaucluse.test', 'Nadia a un nouveau mot de passe');
  assert.equal(await psql(db, "SELECT count(*) FROM audit_events WHERE action = 'password.reset'"), '1');

  const weak = await relais(['admin', 'reset-password', '--email', 'nadia@ght-vaucluse.test',
    '--password-stdin'], { env, input: 'Nadia Benali\n' });
  assert.equal(weak.code, 1);
  const nobody = await relais(['admin', 'reset-password', '--email', 'personne@nulle.part',
    '--password-stdin'], { env, input: 'Un mot de passe correct ici\n' });
  assert.equal(nobody.code, 1);
  assert.match(nobody.stderr, /no account/);
  assert.equal((await relais(['admin', 'reset-password', '--password-stdin'], { env })).code, 2);
});

test('load-demo: loads once, prints and writes the logins; the demo accounts work', async () => {
  const fresh = await createDatabase();
  await relais(['migrate'], { env: { RELAIS_DATABASE_URL: fresh.url } });
  // The demo's document library goes to the blob store under RELAIS_DATA_DIR (demo.test.mjs).
  const denv = { RELAIS_DATABASE_URL: fresh.url, RELAIS_DATA_DIR: tempDir('demo-data') };
  const file = path.join(tempDir('logins'), 'demo-logins.txt');
  const first = await relais(['admin', 'load-demo', '--logins-file', file], { env: denv });
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stderr, /demo data loaded/);
  assert.match(first.stdout, /Relais-Demo-2026!/);
  assert.match(first.stdout, /claire\.vidal@ght-vaucluse\.test\s+\[admin\]/);
  assert.match(first.stdout, /mathilde\.perrin@aidants-du-comtat\.test\s+\[invitée\]/);
  assert.equal(readFileSync(file, 'utf8'), first.stdout);
  assert.equal(statSync(file).mode & 0o777, 0o600);

  const counts = `SELECT (SELECT count(*) FROM organisations) || ' ' || (SELECT count(*) FROM users)
    || ' ' || (SELECT count(*) FROM communities) || ' ' || (SELECT count(*) FROM memberships)`;
  const once = await psql(fresh.url, counts);
  const second = await relais(['admin', 'load-demo'], { env: denv });
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stderr, /already present/);
  assert.equal(second.stdout, first.stdout);
  assert.equal(await psql(fresh.url, counts), once);

  // What the data set promises.
  const [orgs, people] = once.split(' ').map(Number);
  assert.equal(orgs, 4);
  assert.ok(people >= 12, `${people} people`);
  const kinds = await psql(fresh.url, 'SELECT string_agg(DISTINCT kind::text, \',\' ORDER BY kind::text) FROM organisations');
  assert.equal(kinds, 'ars,esms,ght');
  const vis = await psql(fresh.url, `SELECT string_agg(DISTINCT visibility::text, ',' ORDER BY visibility::text)
    FROM communities`);
  assert.equal(vis, 'public,restricted,secret');
  assert.equal(await psql(fresh.url, 'SELECT count(*) > 0 FROM communities WHERE archived_at IS NOT NULL'), 't');
  assert.equal(await psql(fresh.url, `SELECT count(*) > 0 FROM memberships m JOIN users u ON u.id = m.user_id
    WHERE u.kind = 'guest' AND m.role = 'guest'`), 't');
  assert.equal(await psql(fresh.url, `SELECT count(*) FROM communities c WHERE NOT EXISTS
    (SELECT 1 FROM memberships m WHERE m.community_id = c.id AND m.role = 'animator')`), '0');
  assert.equal(await psql(fresh.url, "SELECT count(*) FROM users WHERE email NOT LIKE '%.test'"), '0');

  // The demo admin signs in with the printed password; the partner sees its one space.
  const s2 = await startServer({ databaseUrl: fresh.url, migrate: false });
  try {
    const admin = await login(s2, 'claire.vidal@ght-vaucluse.test', 'Relais-Demo-2026!');
    assert.equal(admin.user.platform_role, 'admin');
    const partner = await login(s2, 'mathilde.perrin@aidants-du-comtat.test', 'Relais-Demo-2026!');
    const dir = (await client(s2, partner).get('/api/users?limit=100')).json();
    const shared = await psql(fresh.url, `SELECT count(DISTINCT b.user_id) FROM memberships a
      JOIN memberships b ON a.community_id = b.community_id JOIN users u ON u.id = a.user_id
      WHERE u.email = 'mathilde.perrin@aidants-du-comtat.test'`);
    assert.equal(dir.total, Number(shared));
  } finally {
    assert.equal(await s2.stop(), 0, s2.stderr());
    await fresh.drop();
  }
});

test('password-cost reports the argon2id parameters', async () => {
  const r = await relais(['admin', 'password-cost']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^argon2id: opslimit \d+, memlimit \d+ MiB, parallelism 1\none hash: \d+ ms\n$/);
});
