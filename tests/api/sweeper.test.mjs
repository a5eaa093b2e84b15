// sweeper.test.mjs — the sweeper thread of `relais serve` (RELAIS_SWEEP_INTERVAL): a leftover
// blob and a stale temporary upload go once past the grace period, referenced blobs stay, a
// trash past 30 days is emptied, an upload that stalls longer than the grace period is never
// taken from under its request, and the server still stops cleanly.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer, request } from '../lib/harness.mjs';
import { openPsql, makeSession } from './matrix/_world.mjs';

const GRACE_S = 2;
const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');
let srv;
let db;
let session;
let communityId;

before(async () => {
  srv = await startServer({ env: { RELAIS_SWEEP_INTERVAL: '1', RELAIS_SWEEP_GRACE: String(GRACE_S) } });
  db = openPsql(srv.databaseUrl);
  const userId = Number(await db.run(`INSERT INTO users (email, display_name)
    VALUES ('sweeper@docs.example', 'Sam Sweeper') RETURNING id`));
  session = await makeSession(db.run, userId);
  const created = await request(`${srv.url}/api/communities`, {
    method: 'POST', headers: session.headers(srv.url), body: { name: 'Balayage', visibility: 'secret' },
  });
  assert.equal(created.status, 201, created.text());
  communityId = created.json().id;
});

after(async () => {
  if (db) await db.close();
  if (srv) await srv.stop();
});

const blobPath = (hex) => path.join(srv.dataDir, 'blobs', hex.slice(0, 2), hex.slice(2, 4), hex);

/** Writes a file as a crash would leave it, last modified `ageS` seconds ago. */
function leave(file, data, ageS) {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, data);
  const t = Date.now() / 1000 - ageS;
  utimesSync(file, t, t);
}

async function until(what, cond, timeoutMs = 15000) {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > timeoutMs) assert.fail(`${what} within ${timeoutMs / 1000} s`);
    await sleep(100);
  }
}

async function upload(data, name) {
  const boundary = `----relaissweep${randomBytes(6).toString('hex')}`;
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\n`
      + 'Content-Type: application/octet-stream\r\n\r\n'),
    data, Buffer.from(`\r\n--${boundary}--\r\n`)]);
  const res = await request(`${srv.url}/api/communities/${communityId}/documents`, {
    method: 'POST', body,
    headers: { ...session.headers(srv.url), 'Content-Type': `multipart/form-data; boundary=${boundary}` },
  });
  assert.equal(res.status, 201, res.text());
  return res.json();
}

test('the running server deletes a leftover blob and a stale upload after the grace period, never a referenced blob', async () => {
  const kept = randomBytes(5000);
  const doc = await upload(kept, 'garde.bin');
  const keptHex = sha256(kept);
  // Make the referenced blob old, so only its reference keeps it.
  const old = Date.now() / 1000 - 3600;
  utimesSync(blobPath(keptHex), old, old);

  const orphan = randomBytes(3000);
  const orphanHex = sha256(orphan);
  leave(blobPath(orphanHex), orphan, 0);          // just put: young, stays for now
  const stale = path.join(srv.dataDir, 'tmp', 'upload-crashed');
  leave(stale, randomBytes(100), 3600);

  await until('the stale temporary upload is deleted', () => !existsSync(stale));
  await until('the leftover blob is deleted once past the grace period', () => !existsSync(blobPath(orphanHex)));
  assert.ok(existsSync(blobPath(keptHex)), 'a referenced blob stays, however old');
  const res = await request(`${srv.url}/api/documents/${doc.id}/content`, { headers: session.headers(srv.url) });
  assert.equal(res.status, 200);
  assert.equal(sha256(res.body), keptHex);
  assert.match(srv.stderr(), /blob sweep: 1 deleted/);
});

test('a document in the trash for more than 30 days is purged, then its blob', async () => {
  const data = randomBytes(4000);
  const doc = await upload(data, 'corbeille.bin');
  const del = await request(`${srv.url}/api/documents/${doc.id}`, { method: 'DELETE', headers: session.headers(srv.url) });
  assert.ok(del.status === 200 || del.status === 204, del.text());
  await db.run(`UPDATE documents SET deleted_at = now() - interval '31 days' WHERE id = ${doc.id}`);
  await until('the document is purged', async () =>
    Number(await db.run(`SELECT count(*) FROM documents WHERE id = ${doc.id}`)) === 0);
  await until('its blob is deleted', () => !existsSync(blobPath(sha256(data))));
  assert.equal(Number(await db.run(`SELECT count(*) FROM audit_events WHERE action = 'trash.purged'`)), 1);
});

test('an upload that stalls for longer than the grace period keeps its temporary file', async () => {
  const doc = await upload(Buffer.from('v1'), 'lent.bin');
  const first = randomBytes(256 * 1024), second = randomBytes(256 * 1024);
  const tmpFiles = () => readdirSync(path.join(srv.dataDir, 'tmp'));
  const put = new Promise((resolve, reject) => {
    const req = http.request(`${srv.url}/api/documents/${doc.id}/content`, {
      method: 'PUT', agent: false,
      headers: { ...session.headers(srv.url), 'Content-Type': 'application/octet-stream',
        'Content-Length': String(first.length + second.length) },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.write(first);
    // Silent for twice the grace period while the sweeper runs every second.
    setTimeout(() => req.end(second), 2 * GRACE_S * 1000 + 500);
  });
  await until('the upload is streaming to a temporary file', () => tmpFiles().length === 1);
  await sleep((GRACE_S + 1.5) * 1000);
  assert.equal(tmpFiles().length, 1, 'the stalled upload still has its file');
  const res = await put;
  assert.equal(res.status, 201, res.body);
  const got = await request(`${srv.url}/api/documents/${doc.id}/content`, { headers: session.headers(srv.url) });
  assert.equal(sha256(got.body), sha256(Buffer.concat([first, second])));
});

test('the server stops cleanly with its sweeper running', async () => {
  assert.equal(await srv.stop(), 0, srv.stderr());
  assert.match(srv.stderr(), /stopped cleanly/);
  srv = null;
});
