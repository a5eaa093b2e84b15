// shutdown.test.mjs — SIGTERM: stop accepting, finish the requests in flight, exit 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServer, request } from '../lib/harness.mjs';

function canConnect(port) {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => { s.destroy(); resolve(true); });
    s.on('error', () => resolve(false));
  });
}

test('SIGTERM lets a running request finish, refuses new connections and exits 0', async () => {
  const srv = await startServer();
  const slow = request(`${srv.url}/api/_test/sleep?seconds=1.5`);
  for (let i = 0; i < 100; i++) {
    if (/relais_db_pool_in_use [1-9]/.test((await request(`${srv.url}/metrics`)).text())) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  const exit = srv.stop('SIGTERM');
  // Give the signal a moment to land, then the listener must be gone.
  let refused = false;
  for (let i = 0; i < 50 && !refused; i++) {
    refused = !(await canConnect(srv.port));
    if (!refused) await new Promise((r) => setTimeout(r, 20));
  }
  assert.ok(refused, 'no new connections after SIGTERM');
  const res = await slow;
  assert.equal(res.status, 200, 'the request in flight was answered');
  assert.equal(await exit, 0, srv.stderr());
  assert.match(srv.stderr(), /stopped cleanly/);
});

test('SIGINT exits 0 too', async () => {
  const srv = await startServer();
  assert.equal((await request(`${srv.url}/healthz`)).status, 200);
  assert.equal(await srv.stop('SIGINT'), 0, srv.stderr());
});
