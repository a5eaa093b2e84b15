// search.test.mjs — full-text search end to end: what uploads and edits put in the index (through
// the queue and the indexer thread), relevance as seen over HTTP, filters, facets, snippets,
// completion, rights inside the query (secret community, guest, a member removed a moment ago:
// nothing in hits, totals, facets or suggestions), kill -9 while indexing, and `relais reindex`
// while queries run.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { startServer, request, runRelais } from '../lib/harness.mjs';
import { openPsql, makeSession, lit } from './matrix/_world.mjs';

// Real French texts of the field, bundled for the demo (scripts/demo/README.md).
const CORPUS = path.join(process.env.RELAIS_SOURCE_DIR, 'scripts', 'demo', 'documents');

let srv;
let db;
const people = {};
const communities = {};

before(async () => {
  srv = await startServer();
  db = openPsql(srv.databaseUrl);
  const org = await db.run(`INSERT INTO organisations (kind, name) VALUES ('ght', 'GHT Recherche') RETURNING id`);
  for (const [key, name, kind] of [
    ['alice', 'Alice Animatrice', 'staff'], ['bob', 'Bob Membre', 'staff'],
    ['carole', 'Carole Dehors', 'staff'], ['gaspard', 'Gaspard Invité', 'guest'],
    ['sophie', 'Sophie Secrète', 'staff'],
  ]) {
    const id = Number(await db.run(`INSERT INTO users (email, display_name, kind, organisation_id)
      VALUES (${lit(`${key}@search.example`)}, ${lit(name)}, '${kind}', ${kind === 'staff' ? org : 'NULL'}) RETURNING id`));
    people[key] = { id, session: await makeSession(db.run, id) };
  }
  communities.open = await newCommunity('alice', 'Qualité et gestion des risques', 'public');
  communities.secret = await newCommunity('sophie', 'Cellule confidentielle zanzibar', 'secret');
  await addMember('alice', communities.open, 'bob', 'member');
  // Partners join by invitation; the test world takes the short way.
  await db.run(`INSERT INTO memberships (community_id, user_id, role)
    VALUES (${communities.open.id}, ${people.gaspard.id}, 'guest')`);
});

after(async () => {
  if (db) await db.close();
  if (srv) assert.equal(await srv.stop(), 0, srv.stderr());
});

function as(who, method, urlPath, body, extra = {}) {
  const headers = { ...(who ? people[who].session.headers(srv.url) : {}), ...extra };
  return request(`${srv.url}${urlPath}`, { method, headers, body });
}

async function newCommunity(who, name, visibility) {
  const res = await as(who, 'POST', '/api/communities', { name, visibility });
  assert.equal(res.status, 201, res.text());
  return res.json();
}

async function addMember(who, c, whom, role) {
  const res = await as(who, 'POST', `/api/communities/${c.id}/members`, { user_id: people[whom].id, role });
  assert.equal(res.status, 201, res.text());
}

function multipart(fields, file) {
  const boundary = `----relais${Math.random().toString(16).slice(2)}`;
  const parts = [];
  for (const [k, v] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  }
  parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\n`
    + 'Content-Type: application/octet-stream\r\n\r\n'), Buffer.from(file.data), Buffer.from('\r\n'));
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` } };
}

async function upload(who, c, fields, name, text) {
  const m = multipart(fields, { name, data: text });
  const res = await as(who, 'POST', `/api/communities/${c.id}/documents`, m.body, m.headers);
  assert.equal(res.status, 201, res.text());
  return res.json();
}

/** Waits until the indexer has applied every queued change (the queue is empty). */
async function indexed(timeoutMs = 60000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const left = Number(await db.run('SELECT count(*) FROM search_queue'));
    if (left === 0) return;
    if (Date.now() > until) throw new Error(`${left} changes still queued after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function search(who, params, status = 200) {
  const qs = new URLSearchParams(params).toString();
  const res = await as(who, 'GET', `/api/search?${qs}`);
  assert.equal(res.status, status, res.text());
  return res.json();
}

async function suggest(who, q) {
  const res = await as(who, 'GET', `/api/search/suggest?q=${encodeURIComponent(q)}`);
  assert.equal(res.status, 200, res.text());
  return res.json().suggestions;
}

const ids = (r) => r.hits.map((h) => `${h.type}:${h.id}`);
const docIds = (r) => r.hits.filter((h) => h.type === 'document').map((h) => h.id);

let procedure;
let bodyOnly;
let secretDoc;
let inBodyId;
let taggedId;

test('an uploaded document is found by its words, stemmed and without accents, with a snippet', async () => {
  procedure = await upload('alice', communities.open, {
    title: 'Procédure de déclaration des événements indésirables', description: 'Circuit de signalement au GHT',
    tags: 'qualité,sécurité',
  }, 'procedure-evenements.txt',
  'Tout professionnel de l\'établissement déclare les événements indésirables graves. '
  + 'Les pratiques collaboratives entre équipes soignantes améliorent la sécurité des patients.');
  bodyOnly = await upload('bob', communities.open, { title: 'Compte rendu de réunion' }, 'cr.txt',
    'Compte rendu : la procédure de déclaration a été présentée aux cadres. Réunion du comité qualité.');
  secretDoc = await upload('sophie', communities.secret, { title: 'Note zanzibar confidentielle' }, 'note.txt',
    'Procédure confidentielle zanzibar, déclaration interne réservée à la cellule.');
  await indexed();

  // Accents and case do not matter; inflected forms find each other.
  for (const q of ['etablissement', 'ÉTABLISSEMENT', 'collaboratif', 'evenement indesirable']) {
    const r = await search('bob', { q });
    assert.ok(docIds(r).includes(procedure.id), `"${q}" finds the procedure: ${JSON.stringify(ids(r))}`);
  }
  // Acronyms stay words of their own.
  assert.ok(docIds(await search('bob', { q: 'GHT' })).includes(procedure.id));

  const r = await search('bob', { q: 'collaboratives' });
  const hit = r.hits.find((h) => h.id === procedure.id && h.type === 'document');
  assert.equal(hit.url, `/documents/${procedure.id}`);
  assert.equal(hit.community.id, communities.open.id);
  assert.equal(hit.author.name, 'Alice Animatrice');
  assert.ok(hit.snippet.some((s) => s.match && /collaboratives/i.test(s.text)), JSON.stringify(hit.snippet));
  assert.ok(hit.snippet.every((s) => !/&amp;|&lt;|<mark>/.test(s.text)));
});

test('a title match outranks a body match; date sort is strictly by date', async () => {
  const r = await search('bob', { q: 'procédure déclaration' });
  const order = docIds(r);
  assert.ok(order.indexOf(procedure.id) >= 0 && order.indexOf(bodyOnly.id) >= 0, JSON.stringify(order));
  assert.ok(order.indexOf(procedure.id) < order.indexOf(bodyOnly.id), 'title match first');

  // A tag match ranks above a body match.
  const inBody = await upload('bob', communities.open, { title: 'Note de service' }, 'note.txt',
    'La bientraitance des résidents est rappelée à chaque transmission.');
  const tagged = await upload('bob', communities.open, { title: 'Charte des usagers', tags: 'bientraitance' },
    'charte.txt', 'Droits et libertés des personnes accueillies.');
  await indexed();
  const byTag = docIds(await search('bob', { q: 'bientraitance' }));
  assert.deepEqual(byTag, [tagged.id, inBody.id]);
  inBodyId = inBody.id;
  taggedId = tagged.id;

  const byDate = await search('bob', { q: 'procédure déclaration', sort: 'date' });
  const dates = byDate.hits.map((h) => h.date);
  assert.deepEqual(dates, [...dates].sort().reverse());
  assert.equal(byDate.sort, 'date');
});

test('filters, facets and field prefixes', async () => {
  const all = await search('bob', { q: 'procédure' });
  const types = Object.fromEntries(all.facets.type.map((f) => [f.value, f.count]));
  assert.equal(types.document, docIds(all).length);
  assert.deepEqual(all.facets.community.map((f) => f.id), [communities.open.id]);

  assert.deepEqual(docIds(await search('bob', { q: 'procédure', tag: 'qualité' })), [procedure.id]);
  assert.deepEqual(docIds(await search('bob', { q: 'procédure', author: people.bob.id })), [bodyOnly.id]);
  assert.deepEqual(docIds(await search('bob', { q: 'titre:procédure' })), [procedure.id]);
  assert.deepEqual(docIds(await search('bob', { q: 'auteur:bob', sort: 'date' })).sort(), [bodyOnly.id, inBodyId, taggedId].sort());
  assert.deepEqual(docIds(await search('bob', { q: 'tag:sécurité' })), [procedure.id]);
  assert.deepEqual(ids(await search('bob', { q: 'alice', type: 'person' })), [`person:${people.alice.id}`]);
  const future = await search('bob', { q: 'procédure', from: '2999-01-01' });
  assert.equal(future.total, 0);
  const today = new Date().toISOString().slice(0, 10);
  assert.ok((await search('bob', { q: 'procédure', from: today, to: today })).total >= 2);
});

test('completion: tags, communities, people and titles, as the user types', async () => {
  const s = await suggest('bob', 'procéd');
  assert.ok(s.some((x) => x.type === 'document' && x.id === procedure.id && x.url === `/documents/${procedure.id}`),
    JSON.stringify(s));
  assert.ok((await suggest('bob', 'quali')).some((x) => x.type === 'community' && x.id === communities.open.id));
  assert.ok((await suggest('bob', 'qualit')).some((x) => x.type === 'tag' && x.label.toLowerCase() === 'qualité'));
  assert.ok((await suggest('bob', 'alic')).some((x) => x.type === 'person' && x.id === people.alice.id));
  assert.deepEqual(await suggest('bob', ''), []);
});

test('"did you mean" when the words are misspelt', async () => {
  const r = await search('bob', { q: 'procedrue' });
  assert.equal(r.total, 0);
  assert.ok(r.correction && /proc/.test(r.correction), JSON.stringify(r.correction));
});

test('rights are inside the query: secret community, guests, a member removed a moment ago', async () => {
  // Carole (staff, not a member of the secret community) and the guest see nothing of it.
  for (const who of ['carole', 'gaspard', 'bob']) {
    const r = await search(who, { q: 'zanzibar' });
    assert.equal(r.total, 0, `${who}: ${JSON.stringify(r)}`);
    assert.deepEqual(r.hits, []);
    assert.deepEqual(r.facets.community, []);
    assert.equal(r.correction, null);
    assert.deepEqual(await suggest(who, 'zanz'), []);
    const byCommunity = await search(who, { community: communities.secret.id });
    assert.equal(byCommunity.total, 0);
    const text = JSON.stringify(await search(who, { q: 'procédure' }));
    assert.ok(!/zanzibar/i.test(text), `${who} sees a trace of the secret community`);
  }
  // Sophie, its member, finds it.
  assert.ok(docIds(await search('sophie', { q: 'zanzibar' })).includes(secretDoc.id));

  // A guest sees the people it shares a community with, never the others.
  const guestPeople = await search('gaspard', { type: 'person', per_page: 50 });
  const seen = guestPeople.hits.map((h) => h.id).sort();
  assert.deepEqual(seen, [people.alice.id, people.bob.id, people.gaspard.id].sort());
  assert.ok(!(await suggest('gaspard', 'carol')).length);

  // Removed: the very next search finds nothing of the community (no wait for the indexer).
  await addMember('sophie', communities.secret, 'carole', 'member');
  assert.ok(docIds(await search('carole', { q: 'zanzibar' })).includes(secretDoc.id));
  const res = await as('sophie', 'DELETE', `/api/communities/${communities.secret.id}/members/${people.carole.id}`);
  assert.ok(res.status === 204 || res.status === 200, res.text());
  const after = await search('carole', { q: 'zanzibar' });
  assert.equal(after.total, 0);
  assert.deepEqual(await suggest('carole', 'zanz'), []);
});

test('edits, trash and renames reach the index', async () => {
  const patch = await as('alice', 'PATCH', `/api/documents/${procedure.id}`, { title: 'Protocole xylophone des signalements' });
  assert.equal(patch.status, 200, patch.text());
  await indexed();
  assert.deepEqual(docIds(await search('bob', { q: 'xylophone' })), [procedure.id]);
  const del = await as('alice', 'DELETE', `/api/documents/${procedure.id}`);
  assert.ok(del.status === 204 || del.status === 200, del.text());
  await indexed();
  assert.equal((await search('bob', { q: 'xylophone' })).total, 0);
});

test('bad input gets a clear error', async () => {
  const anon = await request(`${srv.url}/api/search?q=x`);
  assert.equal(anon.status, 401);
  for (const params of [{ sort: 'size' }, { from: '2024-13-45' }, { to: 'hier' }, { page: '0' },
    { per_page: '500' }, { community: 'abc' }, { type: 'Doc<ument>' }, { q: 'x'.repeat(600) },
    { from: '2025-02-01', to: '2025-01-01' }]) {
    const r = await search('bob', params, 400);
    assert.equal(typeof r.error.message, 'string');
  }
  // Query syntax that Xapian cannot parse is retried as plain words, never a 500.
  for (const q of ['"unbalanced', 'AND OR NOT', '((', 'titre:', '*', 'a:b:c "x']) {
    const res = await as('bob', 'GET', `/api/search?q=${encodeURIComponent(q)}`);
    assert.ok(res.status === 200 || res.status === 400, `${q}: ${res.status} ${res.text()}`);
  }
});

test('the corpus: real French texts are found by their words', async () => {
  const files = readdirSync(CORPUS).filter((f) => /\.(txt|md)$/.test(f)).slice(0, 8);
  assert.ok(files.length >= 5, 'the bundled corpus is there');
  const uploaded = [];
  for (const f of files) {
    const text = readFileSync(path.join(CORPUS, f), 'utf8');
    const doc = await upload('alice', communities.open, { title: f.replace(/\.\w+$/, '') }, f, text);
    // A long word of the text, taken from its middle.
    const words = text.split(/[^\p{L}]+/u).filter((w) => w.length >= 9);
    uploaded.push({ doc, word: words[Math.floor(words.length / 2)] });
  }
  await indexed();
  for (const { doc, word } of uploaded) {
    if (!word) continue;
    const r = await search('bob', { q: word, per_page: 50 });
    assert.ok(docIds(r).includes(doc.id), `"${word}" finds ${doc.title}`);
  }
});

test('kill -9 while indexing: after a restart the index is complete', async () => {
  const cid = communities.open.id;
  await db.run(`INSERT INTO documents (community_id, title, author_id)
    SELECT ${cid}, 'Lot numéro ' || g || ' octopode', ${people.alice.id} FROM generate_series(1, 1500) g`);
  // Let the indexer start on it, then kill the server in the middle.
  const until = Date.now() + 30000;
  while (Number(await db.run('SELECT count(*) FROM search_queue')) >= 1500 && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 5));
  }
  srv.proc.kill('SIGKILL');
  await srv.stop();
  srv = await startServer({ databaseUrl: srv.databaseUrl, dataDir: srv.dataDir, migrate: false });
  await indexed();
  const r = await search('bob', { q: 'octopode', per_page: 1 });
  assert.equal(r.total, 1500);
  assert.equal(r.total_exact, true);
});

test('relais reindex rebuilds and swaps while queries keep answering', async () => {
  let stop = false;
  let answered = 0;
  const failures = [];
  const loop = (async () => {
    while (!stop) {
      const res = await as('bob', 'GET', '/api/search?q=octopode&per_page=1');
      if (res.status !== 200 || res.json().total !== 1500) failures.push(`${res.status} ${res.text().slice(0, 200)}`);
      answered++;
    }
  })();
  const out = await runRelais(['reindex'], { RELAIS_DATABASE_URL: srv.databaseUrl, RELAIS_DATA_DIR: srv.dataDir });
  assert.match(out, /reindexed \d+ items/);
  stop = true;
  await loop;
  assert.deepEqual(failures.slice(0, 3), []);
  assert.ok(answered > 0);
  // A change made after the rebuild reaches the new index through the queue.
  await db.run(`UPDATE documents SET title = 'Lot renommé kangourou' WHERE id = (SELECT min(id) FROM documents WHERE title LIKE 'Lot numéro%')`);
  await indexed();
  assert.equal((await search('bob', { q: 'kangourou' })).total, 1);
  assert.equal((await search('bob', { q: 'octopode' })).total, 1499);
});
