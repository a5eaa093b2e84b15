// demo.test.mjs — the demo document library of `relais admin load-demo`: folders, documents,
// statuses and versions in the demo communities, files byte for byte as bundled in
// scripts/demo/documents, loaded once, found by search, hidden from people outside a secret
// community; a load without the files keeps the people and adds the documents on a later run.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { startServer, createDatabase, psql, tempDir } from '../lib/harness.mjs';
import { relais, login, client } from './people_helpers.mjs';

const FILES = path.join(process.env.RELAIS_SOURCE_DIR, 'scripts', 'demo', 'documents');
const DEMO_PASSWORD = 'Relais-Demo-2026!';   // people_demo_password in server/people/demo.c

let fresh;
let env;
let first;
let srv;
const sessions = {};

/** Every file under dir, relative, sorted (the blob store's content). */
function filesUnder(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath ?? e.path, e.name)))
    .sort();
}

async function as(email) {
  if (!sessions[email]) sessions[email] = await login(srv, email, DEMO_PASSWORD);
  return client(srv, sessions[email]);
}

async function get(email, urlPath, status = 200) {
  const res = await (await as(email)).get(urlPath);
  assert.equal(res.status, status, `${email} GET ${urlPath}: ${res.text()}`);
  return res;
}

before(async () => {
  fresh = await createDatabase();
  env = { RELAIS_DATABASE_URL: fresh.url, RELAIS_DATA_DIR: tempDir('demo-data') };
  const m = await relais(['migrate'], { env });
  assert.equal(m.code, 0, m.stderr);
  first = await relais(['admin', 'load-demo'], { env });
  srv = await startServer({ databaseUrl: fresh.url, migrate: false, dataDir: env.RELAIS_DATA_DIR });
});

after(async () => {
  if (srv) assert.equal(await srv.stop(), 0, srv.stderr());
  if (fresh) await fresh.drop();
});

test('load-demo gives the demo communities a document library', async () => {
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stderr, /demo data loaded/);
  assert.match(first.stderr, /demo documents loaded from .*scripts\/demo\/documents/);

  const q = (sql) => psql(fresh.url, sql);
  assert.ok(Number(await q('SELECT count(*) FROM documents')) >= 10);
  assert.equal(await q('SELECT count(*) FROM documents WHERE author_id IS NULL'), '0');
  assert.equal(await q(`SELECT string_agg(DISTINCT status::text, ',' ORDER BY status::text)
    FROM documents`), 'archived,draft,in_review,validated');
  assert.equal(await q("SELECT count(*) FROM documents WHERE status = 'in_review'"), '1');
  assert.ok(Number(await q('SELECT count(*) FROM documents WHERE version_count = 2')) >= 1);
  assert.ok(Number(await q('SELECT count(*) FROM folders WHERE parent_id IS NOT NULL')) >= 1);
  assert.ok(Number(await q('SELECT count(*) FROM document_tags')) >= 10);
  // Every demo community with people working in it has documents, the secret one included.
  assert.equal(await q(`SELECT string_agg(c.slug, ',' ORDER BY c.slug) FROM communities c
    WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.community_id = c.id)`), '');
  // Text extracted from every file (text, Markdown, PDF and office formats alike).
  assert.equal(await q(`SELECT string_agg(DISTINCT text_status::text, ',') FROM document_versions`), 'done');
  assert.equal(await q(`SELECT count(DISTINCT media_type) >= 7 FROM document_versions`), 't');
  // Every bundled file is used, and the store holds each content once.
  const used = (await q('SELECT DISTINCT filename FROM document_versions ORDER BY 1')).split('\n');
  assert.deepEqual(used, readdirSync(FILES).sort());
  const blobs = filesUnder(path.join(env.RELAIS_DATA_DIR, 'blobs')).filter((f) => !f.endsWith('.lock'));
  assert.equal(blobs.length, Number(await q('SELECT count(DISTINCT sha256) FROM document_versions')));
  assert.deepEqual(filesUnder(path.join(env.RELAIS_DATA_DIR, 'tmp')), []);
  // One audit event for the load, besides the documents' own history.
  assert.equal(await q(`SELECT count(*) || ' ' || (detail->>'documents') FROM audit_events
    WHERE action = 'demo.documents_loaded' GROUP BY detail`),
  `1 ${await q('SELECT count(*) FROM documents')}`);
  assert.equal(await q("SELECT count(*) FROM platform_settings WHERE key = 'demo.documents'"), '1');
});

test('a member lists a community\'s documents and folders and downloads them byte for byte', async () => {
  const julien = 'julien.roux@ght-vaucluse.test';     // member of solutions-collaboratives
  const list = (await get(julien, '/api/communities/solutions-collaboratives/documents')).json();
  assert.ok(list.total >= 2, JSON.stringify(list));
  const forum = list.items.find((d) => d.file.filename === 'forum-solutions-collaboratives.txt');
  assert.ok(forum, JSON.stringify(list.items.map((d) => d.title)));
  assert.equal(forum.status, 'validated');
  assert.ok(forum.tags.length > 0);
  assert.ok(forum.folder_id);
  const folders = (await get(julien, '/api/communities/solutions-collaboratives/folders')).json();
  assert.ok(folders.items.some((f) => f.id === forum.folder_id && f.document_count >= 1));
  const content = await get(julien, `/api/documents/${forum.id}/content`);
  assert.ok(content.body.equals(readFileSync(path.join(FILES, 'forum-solutions-collaboratives.txt'))));

  // A document with two versions: both downloadable, each as bundled.
  const anne = 'anne-laure.blanc@ime-le-mistral.test';
  const esms = (await get(anne, '/api/communities/esms-numerique/documents')).json();
  const twice = esms.items.find((d) => d.version_count === 2);
  assert.ok(twice, JSON.stringify(esms.items.map((d) => d.title)));
  const versions = (await get(anne, `/api/documents/${twice.id}/versions`)).json().items;
  assert.deepEqual(versions.map((v) => v.number), [2, 1]);
  assert.ok(versions.every((v) => v.comment && v.author));
  for (const v of versions) {
    const res = await get(anne, `/api/documents/${twice.id}/versions/${v.number}/content`);
    assert.ok(res.body.equals(readFileSync(path.join(FILES, v.filename))), v.filename);
  }
  // A folder inside a folder.
  const dmp = (await get('thomas.lefevre@ght-vaucluse.test', '/api/communities/projet-dmp/folders')).json();
  assert.ok(dmp.items.some((f) => f.parent_id && dmp.items.some((p) => p.id === f.parent_id)),
    JSON.stringify(dmp.items));
});

test('documents of a secret community stay hidden from members of other communities', async () => {
  const helene = 'helene.garnier@ght-vaucluse.test';  // animator of direction-des-soins
  const julien = 'julien.roux@ght-vaucluse.test';     // not in it
  const secret = (await get(helene, '/api/communities/direction-des-soins/documents')).json();
  assert.ok(secret.total >= 1);
  const doc = secret.items[0];
  await get(julien, '/api/communities/direction-des-soins/documents', 404);
  await get(julien, `/api/documents/${doc.id}`, 404);
  await get(julien, `/api/documents/${doc.id}/content`, 404);
  await get(julien, `/api/documents/${doc.id}/versions`, 404);
  await get(helene, `/api/documents/${doc.id}/content`);
});

/** Waits until the indexer has applied every queued change. */
async function indexed(timeoutMs = 60000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const left = Number(await psql(fresh.url, 'SELECT count(*) FROM search_queue'));
    if (left === 0) return;
    if (Date.now() > until) throw new Error(`${left} changes still queued after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('search finds the demo documents by their text, within each person\'s rights', async () => {
  await indexed();
  const julien = 'julien.roux@ght-vaucluse.test';
  const helene = 'helene.garnier@ght-vaucluse.test';
  const search = async (who, q) => (await get(who, `/api/search?q=${encodeURIComponent(q)}`)).json();
  const docs = (r) => r.hits.filter((h) => h.type === 'document');

  // A word found only in the body of one bundled text (the GHT's directory interview).
  const annuaire = await psql(fresh.url, `SELECT d.id FROM documents d JOIN document_versions v
    ON v.document_id = d.id WHERE v.filename = 'ght-vaucluse-annuaire.txt'`);
  const azure = await search(julien, 'Azure');
  assert.deepEqual(docs(azure).map((h) => h.id), [Number(annuaire)], JSON.stringify(azure.hits));

  // The secret community's document: found by its members only.
  const astreintes = await psql(fresh.url, `SELECT d.id FROM documents d JOIN communities c
    ON c.id = d.community_id WHERE c.slug = 'direction-des-soins' AND d.title ILIKE '%astreintes%'`);
  assert.ok(astreintes);
  assert.ok(docs(await search(helene, 'astreintes')).some((h) => h.id === Number(astreintes)));
  const outsider = await search(julien, 'astreintes');
  assert.deepEqual(docs(outsider), [], JSON.stringify(outsider.hits));
  assert.ok(!JSON.stringify(outsider).includes('direction-des-soins'));
});

test('a second load changes nothing', async () => {
  const snapshot = async () => [
    await psql(fresh.url, `SELECT (SELECT count(*) FROM documents) || ' ' || (SELECT count(*) FROM
      document_versions) || ' ' || (SELECT count(*) FROM folders) || ' ' || (SELECT count(*) FROM
      document_tags) || ' ' || (SELECT count(*) FROM audit_events)`),
    filesUnder(env.RELAIS_DATA_DIR).filter((f) => f.startsWith('blobs')).join(','),
  ];
  const once = await snapshot();
  const again = await relais(['admin', 'load-demo'], { env });
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /demo data already present; nothing changed/);
  assert.doesNotMatch(again.stderr, /documents loaded/);
  assert.equal(again.stdout, first.stdout);
  assert.deepEqual(await snapshot(), once);
});

test('without the files the people are loaded; a later run adds the documents', async () => {
  const other = await createDatabase();
  try {
    const oenv = { RELAIS_DATABASE_URL: other.url, RELAIS_DATA_DIR: tempDir('demo-nofiles') };
    assert.equal((await relais(['migrate'], { env: oenv })).code, 0);
    const missing = path.join(tempDir('nothing'), 'absent');
    const r = await relais(['admin', 'load-demo', '--documents-dir', missing], { env: oenv });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /demo data loaded/);
    assert.match(r.stderr, new RegExp(`no demo documents: ${missing} is not a directory`));
    assert.match(r.stdout, /Relais-Demo-2026!/);
    assert.equal(await psql(other.url, 'SELECT count(*) > 10 FROM users'), 't');
    assert.equal(await psql(other.url, 'SELECT count(*) FROM documents'), '0');

    // A directory missing one of the files: an error, and nothing of the library is kept.
    const partial = tempDir('partial');
    const one = 'forum-solutions-collaboratives.txt';
    copyFileSync(path.join(FILES, one), path.join(partial, one));
    const p = await relais(['admin', 'load-demo', '--documents-dir', partial], { env: oenv });
    assert.equal(p.code, 1, p.stderr);
    assert.match(p.stderr, /loading the demo documents failed: a file is missing/);
    assert.equal(await psql(other.url, `SELECT (SELECT count(*) FROM documents) + (SELECT count(*)
      FROM folders) + (SELECT count(*) FROM platform_settings WHERE key = 'demo.documents')`), '0');

    const later = await relais(['admin', 'load-demo'], { env: oenv });
    assert.equal(later.code, 0, later.stderr);
    assert.match(later.stderr, /demo data already present\n/);
    assert.match(later.stderr, /demo documents loaded/);
    assert.equal(await psql(other.url, 'SELECT count(*) FROM documents'),
      await psql(fresh.url, 'SELECT count(*) FROM documents'));
  } finally {
    await other.drop();
  }
});
