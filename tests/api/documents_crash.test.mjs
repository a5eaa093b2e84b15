// documents_crash.test.mjs — 50 uploads at once, the server killed with SIGKILL in the middle,
// restarted on the same database and data directory: every upload that was answered 2xx is
// intact (SHA-256 checked) and listed, no document is half visible, no version names a blob
// that is not on disk.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { startServer, request } from '../lib/harness.mjs';
import { openPsql, makeSession } from './matrix/_world.mjs';

const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');
let srv;
let db;

after(async () => {
  if (db) await db.close();
  if (srv) await srv.stop();
});

function multipart(name, data) {
  const boundary = `----relaiscrash${Math.random().toString(16).slice(2)}`;
  return {
    body: Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\n`
        + 'Content-Type: application/octet-stream\r\n\r\n'),
      data, Buffer.from(`\r\n--${boundary}--\r\n`)]),
    headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` },
  };
}

test('kill -9 during 50 concurrent uploads: what was acknowledged survives, nothing is half there', async () => {
  srv = await startServer();
  db = openPsql(srv.databaseUrl);
  const userId = Number(await db.run(`INSERT INTO users (email, display_name)
    VALUES ('crash@docs.example', 'Claire Crash') RETURNING id`));
  const session = await makeSession(db.run, userId);
  const headers = () => session.headers(srv.url);
  const created = await request(`${srv.url}/api/communities`, {
    method: 'POST', headers: headers(), body: { name: 'Reprise après incident', visibility: 'secret' },
  });
  assert.equal(created.status, 201, created.text());
  const communityId = created.json().id;

  // Sizes from 64 KiB to about 3 MiB, so some uploads are still streaming when the kill comes.
  const files = Array.from({ length: 50 }, (_, i) => randomBytes(64 * 1024 + i * 60 * 1024));
  const acknowledged = [];
  let killed = false;
  const uploads = files.map(async (data, i) => {
    const m = multipart(`fichier-${i}.bin`, data);
    try {
      const res = await request(`${srv.url}/api/communities/${communityId}/documents`, {
        method: 'POST', headers: { ...headers(), ...m.headers }, body: m.body,
      });
      if (res.status === 201) {
        acknowledged.push({ id: res.json().id, sha: sha256(data), size: data.length });
        if (acknowledged.length === 10 && !killed) {
          killed = true;
          srv.proc.kill('SIGKILL');
        }
      }
    } catch {
      // The connection died with the server: this upload was never acknowledged.
    }
  });
  await Promise.all(uploads);
  assert.ok(killed, 'the server was killed while uploads were in flight');
  assert.ok(acknowledged.length >= 10);
  await srv.stop();

  srv = await startServer({ databaseUrl: srv.databaseUrl, dataDir: srv.dataDir, migrate: false });
  for (const a of acknowledged) {
    const res = await request(`${srv.url}/api/documents/${a.id}/content`, { headers: headers() });
    assert.equal(res.status, 200, `document ${a.id}: ${res.status}`);
    assert.equal(sha256(res.body), a.sha, `document ${a.id} is intact`);
  }
  const list = await request(`${srv.url}/api/communities/${communityId}/documents?limit=200`, { headers: headers() });
  const listed = new Set(list.json().items.map((d) => d.id));
  for (const a of acknowledged) assert.ok(listed.has(a.id), `document ${a.id} is listed`);
  assert.ok(listed.size <= files.length);

  // Nothing half visible: every document has its current version, numbered from 1 without gaps.
  assert.equal(Number(await db.run(`SELECT count(*) FROM documents d WHERE d.community_id = ${communityId}
    AND (SELECT count(*) FROM document_versions v WHERE v.document_id = d.id) <> d.version_count
     OR NOT EXISTS (SELECT 1 FROM document_versions v WHERE v.document_id = d.id AND v.number = d.current_version)`)), 0);
  // Every version names a blob that is on disk, with the bytes its hash promises.
  const rows = (await db.run(`SELECT encode(v.sha256, 'hex') FROM document_versions v
    JOIN documents d ON d.id = v.document_id WHERE d.community_id = ${communityId}`)).split('\n').filter(Boolean);
  assert.equal(rows.length, listed.size);
  for (const hex of rows) {
    const file = path.join(srv.dataDir, 'blobs', hex.slice(0, 2), hex.slice(2, 4), hex);
    assert.ok(existsSync(file), `blob ${hex} is on disk`);
    assert.equal(sha256(readFileSync(file)), hex);
  }
  // What the crash left (temporary files, blobs put but never committed) is unreferenced:
  // the blob sweeper's business (server/store/blob.h), never a row's.
  const tmp = readdirSync(path.join(srv.dataDir, 'tmp'));
  const referenced = new Set(rows);
  assert.ok(tmp.every((f) => !referenced.has(f)));
  assert.equal(Number(await db.run(`SELECT count(*) FROM audit_events WHERE action = 'document.created'
    AND community_id = ${communityId}`)), listed.size);
});
