// selftest.test.mjs — checks the parts of harness.mjs that need no server: databases in the
// throwaway cluster and private clusters. Run under scripts/test (needs RELAIS_TEST_*).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDatabase, startCluster, psql } from './harness.mjs';

test('createDatabase makes a fresh database owned by the non-superuser role relais', async () => {
  const a = await createDatabase();
  const b = await createDatabase();
  try {
    assert.notEqual(a.name, b.name);
    assert.equal(await psql(a.url, 'SELECT current_database()'), a.name);
    assert.equal(await psql(a.url,
      'SELECT current_user || \' \' || rolsuper FROM pg_roles WHERE rolname = current_user'),
    'relais false');
    await psql(a.url, 'CREATE TABLE t (x int); INSERT INTO t VALUES (1)');
    assert.equal(await psql(b.url, "SELECT count(*) FROM pg_tables WHERE tablename = 't'"), '0');
  } finally {
    await a.drop();
    await b.drop();
  }
  await assert.rejects(psql(a.url, 'SELECT 1'), /does not exist/);
});

test('startCluster gives a private cluster that can be stopped, restarted and destroyed', async () => {
  const cluster = await startCluster();
  try {
    await psql(cluster.url(), 'CREATE TABLE kept (x int); INSERT INTO kept VALUES (42)');
    await cluster.stop();
    await assert.rejects(psql(cluster.url(), 'SELECT 1'));
    await cluster.start();
    assert.equal(await psql(cluster.url(), 'SELECT x FROM kept'), '42');
    assert.equal(await psql(cluster.url('postgres'), 'SELECT current_user'), 'relais');
  } finally {
    await cluster.destroy();
  }
  await assert.rejects(psql(cluster.url(), 'SELECT 1'));
});
