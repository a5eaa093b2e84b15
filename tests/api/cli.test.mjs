// cli.test.mjs — the relais binary's subcommands, their --help and their errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';

const BIN = process.env.RELAIS_BIN;

function run(args, env = {}) {
  return new Promise((resolve) => {
    execFile(BIN, args, { env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? err.code : 0, stdout, stderr });
    });
  });
}

test('relais --help lists the commands', async () => {
  const r = await run(['--help']);
  assert.equal(r.code, 0);
  for (const cmd of ['serve', 'migrate', 'version']) assert.match(r.stdout, new RegExp(`\\b${cmd}\\b`));
});

test('each command has --help listing every setting', async () => {
  for (const cmd of ['serve', 'migrate']) {
    const r = await run([cmd, '--help']);
    assert.equal(r.code, 0, cmd);
    assert.match(r.stdout, /^Usage: relais /);
    for (const v of ['RELAIS_PORT', 'RELAIS_BIND', 'RELAIS_DATABASE_URL', 'RELAIS_DATA_DIR',
      'RELAIS_WORKERS', 'RELAIS_MAX_CONNECTIONS', 'RELAIS_CONNECTION_TIMEOUT', 'RELAIS_MAX_JSON_BODY']) {
      assert.match(r.stdout, new RegExp(v), `${cmd} --help mentions ${v}`);
    }
  }
  const v = await run(['version', '--help']);
  assert.equal(v.code, 0);
});

test('version prints the version and the libraries', async () => {
  const r = await run(['version']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^relais \d+\.\d+\.\d+/);
  assert.match(r.stdout, /libmicrohttpd/);
});

test('usage errors exit 2 with a message', async () => {
  let r = await run([]);
  assert.equal(r.code, 2);
  r = await run(['frobnicate']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown command 'frobnicate'/);
  r = await run(['serve', '--port=99999']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /port/);
  r = await run(['serve', '--no-such-option']);
  assert.equal(r.code, 2);
  r = await run(['serve'], { RELAIS_WORKERS: 'many' });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /RELAIS_WORKERS/);
});

test('migrate against an unreachable database fails clearly', async () => {
  const r = await run(['migrate'], { RELAIS_DATABASE_URL: 'postgresql://nobody@/nodb?host=/nonexistent&port=1' });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /cannot connect to the database/);
});

test('the README documents every setting serve --help lists', async () => {
  const { readFileSync } = await import('node:fs');
  const readme = readFileSync(`${process.env.RELAIS_SOURCE_DIR}/README.md`, 'utf8');
  const r = await run(['serve', '--help']);
  const vars = [...r.stdout.matchAll(/\b(RELAIS_[A-Z_]+)\b/g)].map((m) => m[1]);
  assert.ok(vars.length > 20);
  for (const v of new Set(vars)) assert.ok(readme.includes(`\`${v}\``), `README.md documents ${v}`);
});
