// http.test.mjs — the HTTP core seen from outside: error shape, 404/405/413/415/400/500,
// HEAD, security headers everywhere, no-store, gzip, static files, ETags, traversal, deep links.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { startServer, request, rawRequest } from '../lib/harness.mjs';

const SRC = process.env.RELAIS_SOURCE_DIR;
let srv;

before(async () => { srv = await startServer(); });
after(async () => {
  // ASan reports leaks at exit with a non-zero status: a clean exit is part of the test.
  assert.equal(await srv.stop(), 0, srv.stderr());
});

function assertErrorShape(res, status, code) {
  assert.equal(res.status, status, res.text());
  assert.match(res.headers['content-type'], /^application\/json/);
  const body = res.json();
  assert.deepEqual(Object.keys(body), ['error']);
  assert.deepEqual(Object.keys(body.error).sort(), ['code', 'message']);
  assert.equal(body.error.code, code);
  assert.ok(body.error.message.length > 0);
}

function assertSecurityHeaders(res) {
  const csp = res.headers['content-security-policy'];
  assert.ok(csp, 'CSP header');
  assert.match(csp, /frame-ancestors 'none'/);
  assert.match(csp, /default-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  assert.equal(res.headers['x-content-type-options'], 'nosniff');
  assert.ok(res.headers['referrer-policy']);
}

test('healthz answers 200 with the database checked', async () => {
  const res = await request(`${srv.url}/healthz`);
  assert.equal(res.status, 200);
  assert.deepEqual({ ...res.json(), version: 'x' }, { status: 'ok', database: 'ok', version: 'x' });
  assertSecurityHeaders(res);
  assert.equal(res.headers['cache-control'], 'no-store');
});

test('unknown API paths are 404 in the error shape', async () => {
  for (const p of ['/api/nope', '/api', '/api/', '/api/openapi.json/extra', '/healthz/']) {
    const res = await request(`${srv.url}${p}`);
    if (p === '/healthz/') {
      // Not an API path: the web app's index answers client-side routes.
      assert.equal(res.status, 200);
      continue;
    }
    assertErrorShape(res, 404, 'not_found');
    assertSecurityHeaders(res);
  }
});

test('a known path with another method is 405 with Allow', async () => {
  for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
    const res = await request(`${srv.url}/healthz`, { method });
    assertErrorShape(res, 405, 'method_not_allowed');
    assert.equal(res.headers.allow, 'GET, HEAD');
  }
  const res = await request(`${srv.url}/index.html`, { method: 'POST', body: 'x' });
  assertErrorShape(res, 405, 'method_not_allowed');
  assert.equal(res.headers.allow, 'GET, HEAD');
});

test('HEAD answers like GET without a body', async () => {
  for (const p of ['/healthz', '/api/openapi.json', '/', '/communautes/x']) {
    const get = await request(`${srv.url}${p}`);
    const head = await request(`${srv.url}${p}`, { method: 'HEAD' });
    assert.equal(head.status, get.status, p);
    assert.equal(head.body.length, 0, p);
    assert.equal(head.headers['content-type'], get.headers['content-type'], p);
    assertSecurityHeaders(head);
  }
});

test('JSON bodies: 415 for another type, 400 for invalid JSON, 413 when too large', async () => {
  const ok = await request(`${srv.url}/api/_test/echo`, { method: 'POST', body: { nom: 'Hôpital d’Avignon' } });
  assert.equal(ok.status, 200);
  assert.deepEqual(ok.json(), { echo: { nom: 'Hôpital d’Avignon' } });

  const wrongType = await request(`${srv.url}/api/_test/echo`, {
    method: 'POST', body: '{"a":1}', headers: { 'Content-Type': 'text/plain' },
  });
  assertErrorShape(wrongType, 415, 'unsupported_media_type');

  const bad = await request(`${srv.url}/api/_test/echo`, {
    method: 'POST', body: '{"a":', headers: { 'Content-Type': 'application/json' },
  });
  assertErrorShape(bad, 400, 'invalid_json');
  assert.match(bad.json().error.message, /line 1/);

  const deep = await request(`${srv.url}/api/_test/echo`, {
    method: 'POST', body: '['.repeat(100) + ']'.repeat(100), headers: { 'Content-Type': 'application/json' },
  });
  assertErrorShape(deep, 400, 'invalid_json');

  // Declared too large: refused before the body is read.
  const big = await request(`${srv.url}/api/_test/echo`, {
    method: 'POST', body: `{"x":"${'a'.repeat(70 * 1024)}"}`, headers: { 'Content-Type': 'application/json' },
  });
  assertErrorShape(big, 413, 'payload_too_large');

  // Chunked, no Content-Length: refused while streaming.
  const chunked = await rawRequest(srv.port,
    'POST /api/_test/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
    'Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n' +
    `11800\r\n${'a'.repeat(0x11800)}\r\n0\r\n\r\n`);
  assert.match(chunked, /^HTTP\/1\.1 413 /);
  assert.match(chunked, /"code":"payload_too_large"/);

  // A route that takes no body refuses one.
  const nobody = await request(`${srv.url}/healthz`, { method: 'GET', body: 'x'.repeat(10) });
  assertErrorShape(nobody, 413, 'payload_too_large');
});

test('an internal error is a 500 in the error shape, without detail leaks', async () => {
  const res = await request(`${srv.url}/api/_test/fail`);
  assertErrorShape(res, 500, 'internal_error');
  assertSecurityHeaders(res);
});

test('API responses are never stored; the OpenAPI document is revalidated by ETag', async () => {
  const res = await request(`${srv.url}/api/openapi.json`);
  assert.equal(res.status, 200);
  assert.equal(res.headers['cache-control'], 'no-cache');
  const doc = res.json();
  assert.equal(doc.openapi, '3.1.0');
  assert.deepEqual(doc, JSON.parse(readFileSync(path.join(SRC, 'docs/openapi.json'), 'utf8')));
  const etag = res.headers.etag;
  assert.ok(etag);
  const again = await request(`${srv.url}/api/openapi.json`, { headers: { 'If-None-Match': etag } });
  assert.equal(again.status, 304);
  assert.equal(again.body.length, 0);
});

test('compressible responses are gzipped when the client accepts it', async () => {
  const plain = await request(`${srv.url}/api/openapi.json`);
  assert.equal(plain.headers['content-encoding'], undefined);
  const gz = await request(`${srv.url}/api/openapi.json`, { headers: { 'Accept-Encoding': 'gzip, br' } });
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.match(gz.headers.vary, /Accept-Encoding/);
  assert.ok(gz.body.length < plain.body.length);
  assert.deepEqual(zlib.gunzipSync(gz.body), plain.body);
  const refused = await request(`${srv.url}/api/openapi.json`, { headers: { 'Accept-Encoding': 'gzip;q=0' } });
  assert.equal(refused.headers['content-encoding'], undefined);

  const css = await request(`${srv.url}/css/app.css`, { headers: { 'Accept-Encoding': 'gzip' } });
  assert.equal(css.status, 200);
  assert.equal(css.headers['content-encoding'], 'gzip');
  assert.deepEqual(zlib.gunzipSync(css.body), readFileSync(path.join(SRC, 'web/css/app.css')));
});

test('static files: right type, ETag and 304, security headers, revalidation', async () => {
  const index = await request(`${srv.url}/`);
  assert.equal(index.status, 200);
  assert.match(index.headers['content-type'], /^text\/html/);
  assert.equal(index.text(), readFileSync(path.join(SRC, 'web/index.html'), 'utf8'));
  assertSecurityHeaders(index);
  assert.equal(index.headers['cache-control'], 'no-cache');
  const etag = index.headers.etag;
  assert.match(etag, /^"[0-9a-f]+"$/);
  const cached = await request(`${srv.url}/`, { headers: { 'If-None-Match': etag } });
  assert.equal(cached.status, 304);
  assert.equal(cached.body.length, 0);
  assert.equal(cached.headers.etag, etag);
  assertSecurityHeaders(cached);

  const css = await request(`${srv.url}/css/app.css`);
  assert.match(css.headers['content-type'], /^text\/css/);
  const js = await request(`${srv.url}/js/app.js`);
  assert.match(js.headers['content-type'], /^text\/javascript/);
});

test('deep links reload into the app; missing assets are 404', async () => {
  const index = readFileSync(path.join(SRC, 'web/index.html'), 'utf8');
  for (const p of ['/communautes', '/communautes/ght-vaucluse/documents', '/recherche?q=ars']) {
    const res = await request(`${srv.url}${p}`);
    assert.equal(res.status, 200, p);
    assert.equal(res.text(), index, p);
  }
  const missing = await request(`${srv.url}/js/nope.js`);
  assertErrorShape(missing, 404, 'not_found');
  assertSecurityHeaders(missing);
});

test('no path traversal, no hidden files', async () => {
  const attempts = [
    '/../CMakeLists.txt', '/%2e%2e/CMakeLists.txt', '/css/../../CMakeLists.txt',
    '/css/%2e%2e/%2e%2e/CMakeLists.txt', '/..%2fCMakeLists.txt', '/%2e%2e%2fCMakeLists.txt',
    '/.git/config', '/css/.hidden', '//etc/passwd', '/css//app.css', '/css\\..\\..\\CMakeLists.txt',
    '/%00index.html', '/index.html%00.css',
  ];
  const cmake = readFileSync(path.join(SRC, 'CMakeLists.txt'), 'latin1');
  for (const p of attempts) {
    const raw = await rawRequest(srv.port, `GET ${p} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    assert.doesNotMatch(raw, /cmake_minimum_required/, p);
    assert.doesNotMatch(raw, /root:x:0:0/, p);
    assert.ok(!raw.includes(cmake.slice(0, 200)), p);
    const status = Number(raw.slice(9, 12));
    // Either refused, or the app's index page for what looks like a client route.
    assert.ok(status === 404 || status === 400 || (status === 200 && raw.includes('<!doctype html') || raw.includes('<!DOCTYPE html')), `${p} -> ${raw.slice(0, 40)}`);
  }
});

test('metrics are Prometheus text with route, status, latency, pool and in-flight', async () => {
  await request(`${srv.url}/healthz`);
  await request(`${srv.url}/api/nope`);
  const res = await request(`${srv.url}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers['content-type'], /^text\/plain; version=0\.0\.4/);
  const text = res.text();
  assert.match(text, /relais_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/);
  assert.match(text, /relais_http_requests_total\{method="",route="unmatched",status="404"\} \d+/);
  assert.match(text, /relais_http_request_duration_seconds_bucket\{method="GET",route="\/healthz",le="\+Inf"\} \d+/);
  assert.match(text, /relais_http_requests_in_flight \d+/);
  assert.match(text, /relais_db_pool_in_use \d+/);
  assert.match(text, /relais_db_pool_waiting \d+/);
  for (const line of text.split('\n').filter((l) => l && !l.startsWith('#'))) {
    assert.match(line, /^[a-z_]+(\{[^}]*\})? [0-9.e+-]+$/, line);
  }
});

test('one access-log line per request, with method, route, status, bytes and duration', async () => {
  const marker = `/api/log-${Date.now()}`;
  await request(`${srv.url}${marker}`);
  let line;
  for (let i = 0; i < 50 && !line; i++) {
    line = srv.accessLog().find((l) => l.type === 'access' && l.path === marker);
    if (!line) await new Promise((r) => setTimeout(r, 20));
  }
  assert.ok(line, 'access line present');
  assert.equal(line.method, 'GET');
  assert.equal(line.route, 'unmatched');
  assert.equal(line.status, 404);
  assert.ok(line.bytes > 0);
  assert.equal(typeof line.ms, 'number');
  assert.ok(line.ts);
  assert.equal(srv.accessLog().filter((l) => l.path === marker).length, 1);
});

test('keep-alive survives errors and static files', async () => {
  const raw = await rawRequest(srv.port,
    'GET /api/nope HTTP/1.1\r\nHost: x\r\n\r\n' +
    'GET / HTTP/1.1\r\nHost: x\r\n\r\n' +
    'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', { timeout: 5000 });
  const statuses = [...raw.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));
  assert.deepEqual(statuses, [404, 200, 200]);
});
