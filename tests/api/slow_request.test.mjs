// slow_request.test.mjs — one slow request (a 2-second database query) must not delay other
// clients: they are all answered while it is still running.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, request } from '../lib/harness.mjs';

let srv;
after(async () => { if (srv) assert.equal(await srv.stop(), 0, srv.stderr()); });

test('other clients are served while a 2 s query runs', async () => {
  srv = await startServer({ env: { RELAIS_WORKERS: '4' } });
  let slowDone = false;
  const slow = request(`${srv.url}/api/_test/sleep?seconds=2`).then((res) => { slowDone = true; return res; });
  // Make sure the slow request is running before the others start.
  for (let i = 0; i < 100; i++) {
    const m = (await request(`${srv.url}/metrics`)).text();
    if (/relais_db_pool_in_use [1-9]/.test(m)) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.equal(slowDone, false, 'the slow request is still running');

  const others = [];
  for (let i = 0; i < 30; i++) {
    others.push(request(`${srv.url}${['/healthz', '/', '/api/openapi.json'][i % 3]}`));
  }
  const answers = await Promise.all(others);
  // Ordering, not timing: every other request was answered before the slow one finished.
  assert.equal(slowDone, false, 'the fast requests were not queued behind the slow one');
  for (const res of answers) assert.equal(res.status, 200);

  const res = await slow;
  assert.equal(res.status, 200);
  assert.deepEqual(res.json(), { slept: 2 });
});

test('more slow requests than workers: the rest wait, none fail, static files stay served', async () => {
  const slow = [];
  for (let i = 0; i < 6; i++) slow.push(request(`${srv.url}/api/_test/sleep?seconds=1`));
  let slowDone = 0;
  slow.forEach((p) => p.then(() => { slowDone++; }));
  const statics = await Promise.all(Array.from({ length: 10 }, () => request(`${srv.url}/`)));
  for (const res of statics) assert.equal(res.status, 200);
  assert.ok(slowDone < 6, 'static files were not held up behind the database work');
  for (const res of await Promise.all(slow)) assert.equal(res.status, 200);
});
