// upload.test.mjs — streamed request bodies (ROUTE_UPLOAD): raw and multipart, hashes,
// limits before and during the body, refusal before the body, temp files cleaned, flat memory.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { startServer, request, rawRequest } from '../lib/harness.mjs';

const MAX = 8 * 1024 * 1024;
let srv;
before(async () => { srv = await startServer({ env: { RELAIS_MAX_UPLOAD: String(MAX) } }); });
after(async () => { assert.equal(await srv.stop(), 0, srv.stderr()); });

const sha = (buf) => createHash('sha256').update(buf).digest('hex');
const tmpFiles = () => readdirSync(path.join(srv.dataDir, 'tmp'));

test('a raw PUT body lands in one file with its SHA-256', async () => {
  const body = randomBytes(3 * 1024 * 1024 + 17);
  const res = await request(`${srv.url}/api/_test/upload`, {
    method: 'PUT', body, headers: { 'Content-Type': 'application/pdf', 'X-File-Name': 'rapport.pdf' },
  });
  assert.equal(res.status, 200, res.text());
  const [f] = res.json().files;
  assert.equal(f.size, body.length);
  assert.equal(f.sha256, sha(body));
  assert.equal(f.filename, 'rapport.pdf');
  assert.deepEqual(tmpFiles(), [], 'unclaimed temporary files are deleted');
});

test('multipart/form-data: several files and text fields', async () => {
  const a = randomBytes(100000), b = Buffer.from('Procédure d’hygiène des mains\n');
  const boundary = '----relais' + randomBytes(8).toString('hex');
  const part = (headers, content) => Buffer.concat([
    Buffer.from(`--${boundary}\r\n${headers}\r\n\r\n`), content, Buffer.from('\r\n')]);
  const body = Buffer.concat([
    part('Content-Disposition: form-data; name="title"', Buffer.from('Procédure')),
    part('Content-Disposition: form-data; name="file"; filename="été.bin"\r\nContent-Type: application/octet-stream', a),
    part('Content-Disposition: form-data; name="file"; filename="notes.txt"\r\nContent-Type: text/plain', b),
    Buffer.from(`--${boundary}--\r\n`)]);
  const res = await request(`${srv.url}/api/_test/upload`, {
    method: 'POST', body, headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` },
  });
  assert.equal(res.status, 200, res.text());
  const j = res.json();
  assert.deepEqual(j.fields, { title: 'Procédure' });
  assert.equal(j.files.length, 2);
  assert.equal(j.files[0].filename, 'été.bin');
  assert.equal(j.files[0].sha256, sha(a));
  assert.equal(j.files[1].sha256, sha(b));
  assert.deepEqual(tmpFiles(), []);
});

test('too large: 413 before the body when Content-Length says so, and while streaming otherwise', async () => {
  const declared = await rawRequest(srv.port,
    `PUT /api/_test/upload HTTP/1.1\r\nHost: x\r\nContent-Length: ${MAX * 4}\r\n\r\n`, { timeout: 3000 });
  assert.match(declared, /^HTTP\/1\.1 413 /);
  assert.match(declared, /"code":"payload_too_large"/);

  // Chunked, so the size is only known while streaming.
  const res = await new Promise((resolve, reject) => {
    const req = http.request(`${srv.url}/api/_test/upload`, { method: 'PUT', agent: false }, (r) => {
      const chunks = [];
      r.on('data', (c) => chunks.push(c));
      r.on('end', () => resolve({ status: r.statusCode, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    const chunk = Buffer.alloc(1 << 20, 7);
    for (let i = 0; i < 12; i++) req.write(chunk);
    req.end();
  });
  assert.equal(res.status, 413);
  assert.match(res.body, /payload_too_large/);
  assert.deepEqual(tmpFiles(), []);
});

test('a refused upload is refused before any byte is stored', async () => {
  const raw = await rawRequest(srv.port,
    'PUT /api/_test/upload HTTP/1.1\r\nHost: x\r\nX-Test-Refuse: 1\r\nContent-Length: 1000000\r\n\r\n' +
    'x'.repeat(1000), { timeout: 3000 });
  assert.match(raw, /^HTTP\/1\.1 403 /);
  assert.match(raw, /Refused before the upload/);
  assert.deepEqual(tmpFiles(), []);
});

test('memory stays flat while a large body streams to disk', async () => {
  const status = () => readFileSync(`/proc/${srv.proc.pid}/status`, 'utf8');
  const kb = (name) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status())[1]);
  // Warm up once so allocator pools exist before measuring.
  await request(`${srv.url}/api/_test/upload`, { method: 'PUT', body: Buffer.alloc(1 << 20) });
  const before = kb('VmHWM');
  const chunk = Buffer.alloc(1 << 20, 1);
  const total = 7 * 8;   // 7 uploads of 8 MiB − 1 byte, 56 MiB streamed
  for (let i = 0; i < total / 8; i++) {
    const res = await request(`${srv.url}/api/_test/upload`, {
      method: 'PUT', body: Buffer.concat(Array.from({ length: 8 }, () => chunk)).subarray(0, MAX - 1),
    });
    assert.equal(res.status, 200);
  }
  const grown = kb('VmHWM') - before;
  assert.ok(grown < 16 * 1024, `peak RSS grew by ${grown} kB while streaming ${total} MiB`);
});
