// database_restart.test.mjs — PostgreSQL stopped and restarted under the running server:
// requests get a 503 in the error shape (no crash, no hang), the server recovers by itself.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, startCluster, request } from '../lib/harness.mjs';

let cluster, srv;
after(async () => {
  if (srv) assert.equal(await srv.stop(), 0, srv.stderr());
  if (cluster) await cluster.destroy();
});

async function until(fn, tries = 200) {
  for (let i = 0; i < tries; i++) {
    if (await fn()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

test('stop PostgreSQL: 503; start it again: the server recovers without a restart', async () => {
  cluster = await startCluster();
  srv = await startServer({ databaseUrl: cluster.url('relais'), env: { RELAIS_DB_CONNECT_TIMEOUT: '2' } });

  // Warm the pool so that open connections are cut, not just missing.
  for (let i = 0; i < 8; i++) assert.equal((await request(`${srv.url}/healthz`)).status, 200);

  await cluster.stop();
  for (let i = 0; i < 5; i++) {
    const res = await request(`${srv.url}/healthz`);
    assert.equal(res.status, 503);
    assert.equal(res.json().error.code, 'service_unavailable');
    assert.equal(res.headers['retry-after'], '1');
    const sleep = await request(`${srv.url}/api/_test/sleep?seconds=0`);
    assert.equal(sleep.status, 503);
  }
  // What needs no database keeps working.
  assert.equal((await request(`${srv.url}/`)).status, 200);
  assert.equal((await request(`${srv.url}/api/openapi.json`)).status, 200);
  assert.match((await request(`${srv.url}/metrics`)).text(), /relais_db_connect_failures_total [1-9]/);

  await cluster.start();
  assert.ok(await until(async () => (await request(`${srv.url}/healthz`)).status === 200),
    'healthz is 200 again after PostgreSQL came back');
  for (let i = 0; i < 10; i++) assert.equal((await request(`${srv.url}/healthz`)).status, 200);
  assert.equal(srv.proc.exitCode, null, 'the server never exited');
});
