// migrations.test.mjs — relais migrate: applies in order, records checksums, refuses an edited
// migration, and the result equals schema/schema.sql.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import path from 'node:path';
import { createDatabase, runRelais, psql, tempDir } from '../lib/harness.mjs';

const SRC = process.env.RELAIS_SOURCE_DIR;

function runFails(args, env) {
  return runRelais(args, env).then(
    () => { throw new Error(`relais ${args.join(' ')} should have failed`); },
    (err) => err,
  );
}

test('migrate applies everything once, then nothing', async () => {
  const db = await createDatabase();
  const env = { RELAIS_DATABASE_URL: db.url };
  const first = await runRelais(['migrate'], env);
  assert.match(first, /applied 0001_/);
  const second = await runRelais(['migrate'], env);
  assert.doesNotMatch(second, /applied 0/);
  assert.match(second, /\(0 applied now\)/);
  const rows = await psql(db.url, 'SELECT version, length(checksum) FROM schema_migrations ORDER BY version');
  assert.match(rows, /^1\|64/);
  await db.drop();
});

test('the migrated schema equals schema/schema.sql', async () => {
  const db = await createDatabase();
  await runRelais(['migrate'], { RELAIS_DATABASE_URL: db.url });
  const dumped = await new Promise((resolve, reject) => {
    execFile(path.join(SRC, 'scripts/schema-dump'), [db.url], { maxBuffer: 64 << 20 },
      (err, out, errout) => (err ? reject(new Error(errout || err.message)) : resolve(out)));
  });
  const expected = readFileSync(path.join(SRC, 'schema/schema.sql'), 'utf8');
  assert.equal(dumped, expected,
    'schema/schema.sql is stale: run scripts/schema-dump on a freshly migrated database and commit it');
  await db.drop();
});

test('an edited applied migration is refused with a clear message', async () => {
  const db = await createDatabase();
  const dir = tempDir('migrations');
  cpSync(path.join(SRC, 'migrations'), dir, { recursive: true });
  const env = { RELAIS_DATABASE_URL: db.url, RELAIS_MIGRATIONS_DIR: dir };
  await runRelais(['migrate'], env);
  appendFileSync(path.join(dir, '0001_foundation.sql'), '\n-- a harmless-looking edit\n');
  const err = await runFails(['migrate'], env);
  assert.match(err.message, /0001_foundation\.sql was edited after it was applied/);
  assert.match(err.message, /add a new migration/);
  await db.drop();
});

test('a failing migration leaves nothing half-applied', async () => {
  const db = await createDatabase();
  const dir = tempDir('migrations');
  cpSync(path.join(SRC, 'migrations'), dir, { recursive: true });
  writeFileSync(path.join(dir, '9000_broken.sql'),
    'CREATE TABLE half_done (id int);\nTHIS IS NOT SQL;\n');
  const env = { RELAIS_DATABASE_URL: db.url, RELAIS_MIGRATIONS_DIR: dir };
  const err = await runFails(['migrate'], env);
  assert.match(err.message, /9000_broken\.sql failed, nothing of it was applied/);
  assert.equal(await psql(db.url, "SELECT count(*) FROM pg_tables WHERE tablename = 'half_done'"), '0');
  assert.equal(await psql(db.url, 'SELECT count(*) FROM schema_migrations WHERE version = 9000'), '0');
  // The good ones before it were applied and stay applied.
  assert.equal(await psql(db.url, 'SELECT count(*) FROM schema_migrations WHERE version = 1'), '1');
  await db.drop();
});

test('badly named or out-of-order migrations are refused', async () => {
  const db = await createDatabase();
  const dir = tempDir('migrations');
  cpSync(path.join(SRC, 'migrations'), dir, { recursive: true });
  writeFileSync(path.join(dir, '12_bad-name.sql'), 'SELECT 1;');
  let err = await runFails(['migrate'], { RELAIS_DATABASE_URL: db.url, RELAIS_MIGRATIONS_DIR: dir });
  assert.match(err.message, /not named NNNN_name\.sql/);

  const dir2 = tempDir('migrations');
  cpSync(path.join(SRC, 'migrations'), dir2, { recursive: true });
  writeFileSync(path.join(dir2, '9002_later.sql'), 'SELECT 1;');
  await runRelais(['migrate'], { RELAIS_DATABASE_URL: db.url, RELAIS_MIGRATIONS_DIR: dir2 });
  writeFileSync(path.join(dir2, '9001_merged_late.sql'), 'SELECT 1;');
  err = await runFails(['migrate'], { RELAIS_DATABASE_URL: db.url, RELAIS_MIGRATIONS_DIR: dir2 });
  assert.match(err.message, /9001_merged_late\.sql is numbered below 9002/);
  await db.drop();
});

test('serve migrates at start unless told not to', async () => {
  const db = await createDatabase();
  const { startServer } = await import('../lib/harness.mjs');
  const srv = await startServer({ databaseUrl: db.url, migrate: false });
  assert.equal(await psql(db.url, 'SELECT count(*) > 0 FROM schema_migrations'), 't');
  assert.equal(await srv.stop(), 0);
  await db.drop();
});
