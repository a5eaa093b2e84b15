// documents.test.mjs — the document library end to end: upload (multipart and raw), sniffed
// types and extracted text, downloads (disposition, ETag, ranges, audit), versions (gapless
// under concurrency, restore), check-out locks, folders, the validation workflow, the trash,
// rights, and hostile files (oversize, zip bomb, HTML/SVG with script, path names, long names).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { startServer, request, rawRequest } from '../lib/harness.mjs';
import { openPsql, makeSession, lit } from './matrix/_world.mjs';

const FIXTURES = path.join(process.env.RELAIS_SOURCE_DIR, 'tests/fixtures/documents');
const fixture = (name) => readFileSync(path.join(FIXTURES, name));
const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');
const MAX_UPLOAD = 4 * 1024 * 1024;

let srv;
let db;
const people = {};
let community;      // restricted: alice animates, bob is a member, carole is staff outside

before(async () => {
  srv = await startServer({ env: { RELAIS_MAX_UPLOAD: String(MAX_UPLOAD) } });
  db = openPsql(srv.databaseUrl);
  const org = await db.run(`INSERT INTO organisations (kind, name) VALUES ('ght', 'GHT Documents') RETURNING id`);
  for (const [key, name] of [['alice', 'Alice Animatrice'], ['bob', 'Bob Membre'], ['carole', 'Carole Dehors']]) {
    const id = Number(await db.run(`INSERT INTO users (email, display_name, organisation_id)
      VALUES (${lit(`${key}@docs.example`)}, ${lit(name)}, ${org}) RETURNING id`));
    people[key] = { id, session: await makeSession(db.run, id) };
  }
  const res = await as('alice', 'POST', '/api/communities',
    { name: 'Qualité documentaire', visibility: 'restricted' });
  assert.equal(res.status, 201, res.text());
  community = res.json();
  const add = await as('alice', 'POST', `/api/communities/${community.id}/members`,
    { user_id: people.bob.id, role: 'member' });
  assert.equal(add.status, 201, add.text());
});

after(async () => {
  if (db) await db.close();
  if (srv) assert.equal(await srv.stop(), 0, srv.stderr());
});

function as(who, method, urlPath, body, extra = {}) {
  const headers = { ...(who ? people[who].session.headers(srv.url) : {}), ...extra };
  return request(`${srv.url}${urlPath}`, { method, headers, body });
}

/** A multipart/form-data body: fields (strings) and one file. */
function multipart(fields, file) {
  const boundary = `----relais${Math.random().toString(16).slice(2)}`;
  const parts = [];
  for (const [k, v] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  }
  if (file) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\n`
      + `Content-Type: ${file.type || 'application/octet-stream'}\r\n\r\n`));
    parts.push(file.data, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` } };
}

async function upload(who, fields, file, status = 201, communityId = community.id) {
  const m = multipart(fields, file);
  const res = await as(who, 'POST', `/api/communities/${communityId}/documents`, m.body, m.headers);
  assert.equal(res.status, status, res.text());
  return res.json();
}

async function newVersion(who, id, file, comment, status = 201) {
  const m = multipart(comment === undefined ? {} : { comment }, file);
  const res = await as(who, 'POST', `/api/documents/${id}/versions`, m.body, m.headers);
  assert.equal(res.status, status, res.text());
  return res.json();
}

const audits = async (action, id) => Number(await db.run(`SELECT count(*) FROM audit_events
  WHERE action = ${lit(action)} AND object_type = 'document' AND object_id = ${lit(String(id))}`));

test('upload a PDF: sniffed type, extracted text, stored once by its SHA-256, downloaded inline', async () => {
  const pdf = fixture('procedure.pdf');
  const doc = await upload('bob', { tags: 'hygiène, Procédures', comment: 'première diffusion' },
    { name: 'Procédure hygiène.pdf', type: 'text/html', data: pdf });
  assert.equal(typeof doc.id, 'number');
  assert.equal(doc.title, 'Procédure hygiène.pdf');
  assert.equal(doc.status, 'draft');
  assert.equal(doc.current_version, 1);
  assert.deepEqual(doc.tags, ['hygiène', 'Procédures']);
  assert.equal(doc.author.id, people.bob.id);
  // The client said text/html: the content says PDF.
  assert.equal(doc.file.media_type, 'application/pdf');
  assert.equal(doc.file.sha256, sha256(pdf));
  assert.equal(doc.file.size, pdf.length);
  assert.equal(doc.file.text_status, 'done');
  const text = await db.run(`SELECT extracted_text FROM document_versions WHERE document_id = ${doc.id}`);
  assert.match(text, /Procédure d’hygiène des mains/);
  assert.deepEqual(doc.can, { add_version: true, edit: true, delete: true, lock: true, unlock: false, validate: false });

  const res = await as('alice', 'GET', `/api/documents/${doc.id}/content`);
  assert.equal(res.status, 200);
  assert.equal(res.headers['content-type'], 'application/pdf');
  assert.equal(res.headers['content-disposition'],
    "inline; filename=\"Proc_dure hygi_ne.pdf\"; filename*=UTF-8''Proc%C3%A9dure%20hygi%C3%A8ne.pdf");
  assert.equal(res.headers.etag, `"${sha256(pdf)}"`);
  assert.equal(res.headers['accept-ranges'], 'bytes');
  // The document page frames PDFs (the browser's own viewer): our origin only, nobody else.
  assert.equal(res.headers['x-frame-options'], 'SAMEORIGIN');
  assert.match(res.headers['content-security-policy'], /frame-ancestors 'self'/);
  assert.ok(res.body.equals(pdf));
  assert.equal(await audits('document.downloaded', doc.id), 1);

  const again = await as('alice', 'GET', `/api/documents/${doc.id}/content`, undefined, { 'If-None-Match': res.headers.etag });
  assert.equal(again.status, 304);
  const range = await as('alice', 'GET', `/api/documents/${doc.id}/content`, undefined, { Range: 'bytes=5-14' });
  assert.equal(range.status, 206);
  assert.equal(range.headers['content-range'], `bytes 5-14/${pdf.length}`);
  assert.ok(range.body.equals(pdf.subarray(5, 15)));
  const tail = await as('alice', 'GET', `/api/documents/${doc.id}/content`, undefined, { Range: 'bytes=-7' });
  assert.ok(tail.body.equals(pdf.subarray(pdf.length - 7)));
  const outside = await as('alice', 'GET', `/api/documents/${doc.id}/content`, undefined, { Range: `bytes=${pdf.length}-` });
  assert.equal(outside.status, 416);
  assert.equal(outside.headers['content-range'], `bytes */${pdf.length}`);
  const forced = await as('alice', 'GET', `/api/documents/${doc.id}/content?download=1`);
  assert.match(forced.headers['content-disposition'], /^attachment;/);
  assert.equal(forced.headers['x-frame-options'], 'DENY');
  const meta = await as('alice', 'GET', `/api/documents/${doc.id}`);
  assert.equal(meta.headers['x-frame-options'], 'DENY');

  // The same bytes again: one blob on disk.
  const twin = await upload('alice', { title: 'Copie' }, { name: 'copie.pdf', data: pdf });
  assert.equal(twin.file.sha256, doc.file.sha256);
  assert.equal(Number(await db.run(`SELECT count(DISTINCT sha256) FROM document_versions
    WHERE document_id IN (${doc.id}, ${twin.id})`)), 1);
});

test('versions: add, list, raw PUT, restore, download an old one; numbers stay gapless under concurrency', async () => {
  const doc = await upload('alice', { title: 'Protocole' }, { name: 'protocole.docx', data: fixture('procedure.docx') });
  assert.equal(doc.file.media_type, 'application/vnd.openxmlformats-officedocument.wordprocessingml.document');
  const v2 = await newVersion('bob', doc.id, { name: 'protocole v2.odt', data: fixture('projet.odt') }, 'mise à jour');
  assert.equal(v2.current_version, 2);
  assert.equal(v2.file.media_type, 'application/vnd.oasis.opendocument.text');

  const md = fixture('journee.md');
  const put = await as('bob', 'PUT', `/api/documents/${doc.id}/content?comment=${encodeURIComponent('brut')}`, md,
    { 'Content-Type': 'application/pdf' });
  assert.equal(put.status, 201, put.text());
  assert.equal(put.json().current_version, 3);
  assert.equal(put.json().file.media_type, 'text/plain');     // a raw body has no name: no .md

  const restored = await as('alice', 'POST', `/api/documents/${doc.id}/versions/1/restore`);
  assert.equal(restored.status, 201, restored.text());
  assert.equal(restored.json().current_version, 4);
  assert.equal(restored.json().file.sha256, sha256(fixture('procedure.docx')));

  const list = (await as('bob', 'GET', `/api/documents/${doc.id}/versions`)).json().items;
  assert.deepEqual(list.map((v) => v.number), [4, 3, 2, 1]);
  assert.equal(list[0].restored_from, 1);
  assert.equal(list[0].comment, 'Restored from version 1');
  assert.equal(list[2].comment, 'mise à jour');
  assert.equal(list[2].author.display_name, 'Bob Membre');
  assert.ok(list[0].current && !list[1].current);

  const old = await as('bob', 'GET', `/api/documents/${doc.id}/versions/2/content`);
  assert.equal(old.status, 200);
  assert.ok(old.body.equals(fixture('projet.odt')));
  assert.match(old.headers['content-disposition'], /^attachment; filename="protocole v2.odt"/);
  assert.equal((await as('bob', 'GET', `/api/documents/${doc.id}/versions/9/content`)).status, 404);
  assert.equal(await audits('document.restored', doc.id), 1);

  // Ten uploads at once: versions 5 to 14, each once.
  const results = await Promise.all(Array.from({ length: 10 }, (_, i) =>
    newVersion(i % 2 ? 'alice' : 'bob', doc.id, { name: `v${i}.txt`, data: Buffer.from(`version concurrente ${i}\n`) })));
  assert.equal(results.length, 10);
  const numbers = (await db.run(`SELECT string_agg(number::text, ',' ORDER BY number)
    FROM document_versions WHERE document_id = ${doc.id}`)).split(',').map(Number);
  assert.deepEqual(numbers, Array.from({ length: 14 }, (_, i) => i + 1));
});

test('check-out lock: only the holder adds versions; an animator breaks it, audited', async () => {
  const doc = await upload('alice', {}, { name: 'note.txt', data: Buffer.from('Note de service\n') });
  let res = await as('bob', 'POST', `/api/documents/${doc.id}/lock`);
  assert.equal(res.status, 200, res.text());
  assert.equal(res.json().locked, true);
  assert.equal(res.json().locked_by.id, people.bob.id);
  assert.equal(res.json().can.unlock, true);
  await newVersion('alice', doc.id, { name: 'note.txt', data: Buffer.from('autre\n') }, '', 409);
  res = await as('alice', 'POST', `/api/documents/${doc.id}/lock`);
  assert.equal(res.status, 409);
  await newVersion('bob', doc.id, { name: 'note.txt', data: Buffer.from('Note de service, v2\n') }, 'relue');
  res = await as('alice', 'DELETE', `/api/documents/${doc.id}/lock`);
  assert.equal(res.status, 200, res.text());
  assert.equal(res.json().locked, false);
  assert.equal(await audits('document.lock_broken', doc.id), 1);
  // A member cannot break someone else's lock.
  await as('alice', 'POST', `/api/documents/${doc.id}/lock`);
  res = await as('bob', 'DELETE', `/api/documents/${doc.id}/lock`);
  assert.equal(res.status, 403);
  assert.equal((await as('alice', 'DELETE', `/api/documents/${doc.id}/lock`)).status, 200);
  assert.equal(await audits('document.unlocked', doc.id), 1);
});

test('folders: nested, renamed, moved (never into themselves), unique names, deleted only when empty', async () => {
  const mk = async (who, body, status = 201) => {
    const res = await as(who, 'POST', `/api/communities/${community.id}/folders`, body);
    assert.equal(res.status, status, res.text());
    return res.json();
  };
  const top = await mk('bob', { name: 'Procédures' });
  const sub = await mk('bob', { name: 'Hygiène', parent_id: top.id });
  await mk('bob', { name: 'procédures' }, 409);
  await mk('bob', { name: 'a/b' }, 422);
  await mk('carole', { name: 'Intrus' }, 403);
  let res = await as('bob', 'PATCH', `/api/folders/${top.id}`, { parent_id: sub.id });
  assert.equal(res.status, 422);
  res = await as('bob', 'PATCH', `/api/folders/${sub.id}`, { name: 'Hygiène des mains' });
  assert.equal(res.json().name, 'Hygiène des mains');
  const got = (await as('bob', 'GET', `/api/folders/${top.id}`)).json();
  assert.deepEqual(got.folders, [{ id: sub.id, name: 'Hygiène des mains' }]);

  const doc = await upload('bob', { folder_id: String(sub.id) }, { name: 'friction.txt', data: Buffer.from('Friction 30 s\n') });
  assert.equal(doc.folder_id, sub.id);
  const inSub = (await as('bob', 'GET', `/api/communities/${community.id}/documents?folder_id=${sub.id}`)).json();
  assert.deepEqual(inSub.items.map((d) => d.id), [doc.id]);
  assert.equal(inSub.total, 1);
  assert.equal((await as('alice', 'DELETE', `/api/folders/${sub.id}`)).status, 409);
  assert.equal((await as('bob', 'DELETE', `/api/folders/${top.id}`)).status, 403);
  // Move the document to the root, then the folder can go.
  res = await as('bob', 'PATCH', `/api/documents/${doc.id}`, { folder_id: null, tags: ['mains'] });
  assert.equal(res.status, 200, res.text());
  assert.equal(res.json().folder_id, null);
  assert.equal((await as('alice', 'DELETE', `/api/folders/${sub.id}`)).status, 204);
  const all = (await as('bob', 'GET', `/api/communities/${community.id}/folders`)).json();
  assert.deepEqual(all.items.map((f) => f.name), ['Procédures']);
  // Another community's folder is not a place for this one's documents.
  await upload('bob', { folder_id: '987654321' }, { name: 'x.txt', data: Buffer.from('x') }, 422);
});

test('validation workflow, filters, trash', async () => {
  const doc = await upload('bob', { title: 'Procédure isolement', tags: 'isolement' },
    { name: 'isolement.html', data: Buffer.from('<p>Chambre seule</p>') });
  let res = await as('bob', 'PATCH', `/api/documents/${doc.id}`, { status: 'validated' });
  assert.equal(res.status, 403);
  res = await as('bob', 'PATCH', `/api/documents/${doc.id}`, { status: 'in_review', comment: 'Relu par le service' });
  assert.equal(res.json().status, 'in_review');
  // Rejected with a comment (back to draft), submitted again, validated with a comment.
  res = await as('alice', 'PATCH', `/api/documents/${doc.id}`, { status: 'draft', comment: 'Préciser la durée d’isolement' });
  assert.equal(res.json().status, 'draft');
  res = await as('bob', 'PATCH', `/api/documents/${doc.id}`, { status: 'in_review' });
  res = await as('alice', 'PATCH', `/api/documents/${doc.id}`, { status: 'validated', comment: 'Conforme' });
  assert.equal(res.json().status, 'validated');
  assert.equal(await db.run(`SELECT string_agg(action::text, ',' ORDER BY id) FROM document_reviews
    WHERE document_id = ${doc.id}`), 'submitted,rejected,submitted,validated');
  const reviews = (await as('bob', 'GET', `/api/documents/${doc.id}`)).json().reviews;
  assert.deepEqual(reviews.map((x) => [x.action, x.comment, x.actor.id]), [
    ['validated', 'Conforme', people.alice.id], ['submitted', '', people.bob.id],
    ['rejected', 'Préciser la durée d’isolement', people.alice.id], ['submitted', 'Relu par le service', people.bob.id]]);
  // A comment belongs to a status change; an overlong one is refused.
  assert.equal((await as('alice', 'PATCH', `/api/documents/${doc.id}`, { comment: 'seul' })).status, 422);
  assert.equal((await as('alice', 'PATCH', `/api/documents/${doc.id}`, { status: 'archived', comment: 'x'.repeat(2001) })).status, 422);
  const list = (q) => as('bob', 'GET', `/api/communities/${community.id}/documents?${q}`).then((r) => r.json());
  assert.deepEqual((await list('status=validated')).items.map((d) => d.id), [doc.id]);
  assert.deepEqual((await list('tag=ISOLEMENT')).items.map((d) => d.id), [doc.id]);
  assert.ok((await list('type=text/html')).items.some((d) => d.id === doc.id));
  assert.equal((await as('bob', 'GET', `/api/communities/${community.id}/documents?sort=weight`)).status, 400);
  const bySize = (await list('sort=size&limit=200')).items.map((d) => d.file.size);
  assert.deepEqual(bySize, [...bySize].sort((a, b) => b - a));
  // Carole, outside, may not even see it; Bob trashes his own.
  assert.equal((await as('carole', 'DELETE', `/api/documents/${doc.id}`)).status, 404);
  assert.equal((await as('bob', 'DELETE', `/api/documents/${doc.id}`)).status, 204);
  assert.equal((await as('bob', 'GET', `/api/documents/${doc.id}`)).status, 404);
  assert.ok(!(await list('limit=200')).items.some((d) => d.id === doc.id));
  assert.equal(await audits('document.trashed', doc.id), 1);

  // The trash is the animators': Bob cannot see it, Alice brings the document back.
  assert.equal((await as('bob', 'GET', `/api/communities/${community.id}/trash`)).status, 403);
  const trash = (await as('alice', 'GET', `/api/communities/${community.id}/trash`)).json();
  const item = trash.items.find((t) => t.id === doc.id);
  assert.equal(item.deleted_by.id, people.bob.id);
  assert.ok(Date.parse(item.restorable_until) > Date.now() + 29 * 86400e3);
  let back = await as('alice', 'POST', `/api/communities/${community.id}/trash/${doc.id}/restore`);
  assert.equal(back.status, 200, back.text());
  assert.equal(back.json().id, doc.id);
  assert.equal((await as('bob', 'GET', `/api/documents/${doc.id}`)).status, 200);
  back = await as('alice', 'POST', `/api/communities/${community.id}/trash/${doc.id}/restore`);
  assert.equal(back.status, 404);
  // Past 30 days it is gone for good.
  await as('bob', 'DELETE', `/api/documents/${doc.id}`);
  await db.run(`UPDATE documents SET deleted_at = now() - interval '31 days' WHERE id = ${doc.id}`);
  assert.ok(!(await as('alice', 'GET', `/api/communities/${community.id}/trash`)).json().items.some((t) => t.id === doc.id));
  assert.equal((await as('alice', 'POST', `/api/communities/${community.id}/trash/${doc.id}/restore`)).status, 404);
});

test('rights: a staff outsider reads nothing of a restricted community, a secret one does not exist', async () => {
  const doc = await upload('alice', {}, { name: 'interne.txt', data: Buffer.from('Interne\n') });
  // The restricted community is visible to staff (403 on its library), its documents are not.
  let res = await as('carole', 'GET', `/api/communities/${community.id}/documents`);
  assert.equal(res.status, 403);
  res = await as('carole', 'GET', `/api/documents/${doc.id}`);
  assert.equal(res.status, 404);
  const secret = (await as('alice', 'POST', '/api/communities', { name: 'Cellule de crise', visibility: 'secret' })).json();
  const hidden = await upload('alice', {}, { name: 'crise.txt', data: Buffer.from('Crise\n') }, 201, secret.id);
  const missing = await as('carole', 'GET', '/api/documents/987654321');
  res = await as('carole', 'GET', `/api/documents/${hidden.id}`);
  assert.equal(res.status, 404);
  assert.deepEqual(res.json(), missing.json());
  assert.equal((await as('carole', 'GET', `/api/documents/${hidden.id}/content`)).status, 404);
  assert.equal((await as(null, 'GET', `/api/documents/${hidden.id}`)).status, 401);
  // Refused before a byte of the body is read.
  const m = multipart({}, { name: 'x.txt', data: Buffer.alloc(1000, 65) });
  res = await as('carole', 'POST', `/api/communities/${secret.id}/documents`, m.body, m.headers);
  assert.equal(res.status, 404);
});

test('hostile files: oversize, zip bomb, corrupt PDF, HTML and SVG with script, path and long names', async () => {
  // Announced too large: 413 before a byte of the body is sent.
  const h = people.bob.session.headers(srv.url);
  const head = [`POST /api/communities/${community.id}/documents HTTP/1.1`, 'Host: x', 'Connection: close',
    'Content-Type: multipart/form-data; boundary=x', `Content-Length: ${MAX_UPLOAD + 2 * 1024 * 1024}`,
    ...Object.entries(h).map(([k, v]) => `${k}: ${v}`)].join('\r\n');
  const raw = await rawRequest(srv.port, `${head}\r\n\r\n`);
  assert.match(raw, /^HTTP\/1\.1 413 /);
  // Streamed past the limit without announcing it: refused while streaming.
  const big = Buffer.alloc(MAX_UPLOAD + 64 * 1024, 120);
  const m = multipart({}, { name: 'gros.bin', data: big });
  let res;
  try {
    res = await as('bob', 'POST', `/api/communities/${community.id}/documents`, m.body,
      { ...m.headers, 'Transfer-Encoding': 'chunked' });
    assert.equal(res.status, 413, res.text());
  } catch (err) {
    assert.equal(err.code, 'EPIPE');    // the server answered 413 and closed before the end
  }
  assert.equal(Number(await db.run(`SELECT count(*) FROM document_versions WHERE filename = 'gros.bin'`)), 0);

  const bomb = await upload('bob', {}, { name: 'bomb.docx', data: fixture('bomb.docx') });
  assert.equal(bomb.file.text_status, 'failed');
  assert.match(await db.run(`SELECT text_error FROM document_versions WHERE document_id = ${bomb.id}`), /zip bomb/);
  const corrupt = await upload('bob', {}, { name: 'cassé.pdf', data: fixture('corrupt.pdf') });
  assert.equal(corrupt.file.media_type, 'application/pdf');
  assert.equal(corrupt.file.text_status, 'failed');

  for (const [name, type] of [['page.html', 'text/html'], ['evil.svg', 'image/svg+xml'], ['script.txt', 'text/html'], ['data.xml', 'application/xml']]) {
    const doc = await upload('bob', {}, { name, type: 'image/png', data: fixture(name) });
    assert.equal(doc.file.media_type, type, name);
    res = await as('bob', 'GET', `/api/documents/${doc.id}/content`);
    assert.match(res.headers['content-disposition'], /^attachment;/, name);
    assert.match(res.headers['content-security-policy'], /sandbox/, name);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
  }

  const traversal = await upload('bob', {}, { name: '../../etc/passwd', data: Buffer.from('root:x:0:0\n') });
  assert.equal(traversal.file.filename, 'passwd');
  const longName = `${'é'.repeat(150)}.txt`;    // 304 bytes
  const long = await upload('bob', {}, { name: longName, data: Buffer.from('long\n') });
  assert.ok(Buffer.byteLength(long.file.filename) <= 255);
  assert.ok(long.file.filename.startsWith('ééé'));
  assert.ok(!long.file.filename.includes('\ufffd'));
  res = await as('bob', 'GET', `/api/documents/${long.id}/content`);
  assert.match(res.headers['content-disposition'], /filename\*=UTF-8''(%C3%A9)+/);

  const nofile = multipart({ title: 'sans fichier' });
  res = await as('bob', 'POST', `/api/communities/${community.id}/documents`, nofile.body, nofile.headers);
  assert.equal(res.status, 422, res.text());
});

test('export: a folder or the whole library as a ZIP with a manifest, only for readers', async () => {
  const other = (await as('alice', 'POST', '/api/communities', { name: 'Export du GHT', visibility: 'restricted' })).json();
  const mk = async (body) => (await as('alice', 'POST', `/api/communities/${other.id}/folders`, body)).json();
  const top = await mk({ name: 'Protocoles' });
  const sub = await mk({ name: 'Urgences', parent_id: top.id });
  const pdf = fixture('procedure.pdf');
  await upload('alice', { folder_id: String(top.id), title: 'Hygiène' }, { name: 'hygiène.pdf', data: pdf }, 201, other.id);
  await upload('alice', { folder_id: String(sub.id) }, { name: 'garde.txt', data: Buffer.from('Tableau de garde\n') }, 201, other.id);
  await upload('alice', { folder_id: String(sub.id) }, { name: 'garde.txt', data: Buffer.from('Autre tableau\n') }, 201, other.id);
  await upload('alice', {}, { name: 'racine.md', data: fixture('journee.md') }, 201, other.id);

  const dir = mkdtempSync(path.join(os.tmpdir(), 'relais-export-'));
  const unzip = (res, name) => {
    assert.equal(res.status, 200, res.text());
    assert.equal(res.headers['content-type'], 'application/zip');
    assert.equal(Number(res.headers['content-length']), res.body.length);
    const file = path.join(dir, name);
    writeFileSync(file, res.body);
    execFileSync('unzip', ['-tq', file]);
    return {
      names: execFileSync('unzip', ['-Z1', file]).toString().trim().split('\n').sort(),
      read: (entry) => execFileSync('unzip', ['-p', file, entry]),
    };
  };
  // Bob belongs to the first community, not this one: visible, not readable.
  let res = await as('bob', 'GET', `/api/communities/${other.id}/export.zip`);
  assert.equal(res.status, 403);
  const lib = unzip(await as('alice', 'GET', `/api/communities/${other.id}/export.zip`), 'lib.zip');
  assert.deepEqual(lib.names, ['Protocoles/Urgences/garde (2).txt', 'Protocoles/Urgences/garde.txt',
    'Protocoles/hygiène.pdf', 'manifest.csv', 'racine.md']);
  assert.ok(lib.read('Protocoles/hygiène.pdf').equals(pdf));
  const manifest = lib.read('manifest.csv').toString();
  assert.match(manifest, /^\ufeffpath,title,version,author,date,sha256\r\n/);
  assert.ok(manifest.includes(`Protocoles/hygiène.pdf,Hygiène,1,Alice Animatrice,`));
  assert.ok(manifest.includes(sha256(pdf)));
  res = await as('alice', 'GET', `/api/folders/${sub.id}/export.zip`);
  assert.match(res.headers['content-disposition'], /^attachment; filename="Urgences.zip"/);
  assert.deepEqual(unzip(res, 'sub.zip').names, ['Urgences/garde (2).txt', 'Urgences/garde.txt', 'manifest.csv']);
  assert.equal((await as('carole', 'GET', `/api/folders/${sub.id}/export.zip`)).status, 404);
  assert.equal(Number(await db.run(`SELECT count(*) FROM audit_events WHERE action = 'library.exported'
    AND community_id = ${other.id}`)), 2);
});

test('validation notices go to the folder recipients through the outbox, members only, never the validator', async () => {
  const folder = (await as('alice', 'POST', `/api/communities/${community.id}/folders`, { name: 'Publiées' })).json();
  let res = await as('alice', 'PATCH', `/api/folders/${folder.id}`, { recipients: [people.carole.id] });
  assert.equal(res.status, 422, res.text());
  res = await as('alice', 'PATCH', `/api/folders/${folder.id}`, { recipients: [people.bob.id, people.alice.id] });
  assert.equal(res.status, 200, res.text());
  assert.deepEqual(res.json().recipients.map((p) => p.id).sort(), [people.alice.id, people.bob.id].sort());
  const outbox = async (doc) => (await db.run(`SELECT string_agg(to_address::text, ',' ORDER BY to_address)
    FROM email_outbox WHERE kind = 'document.validated' AND body_text LIKE ${lit(`%/documents/${doc}\n`)}`));
  const validate = async (name) => {
    const doc = await upload('bob', { folder_id: String(folder.id), title: name }, { name: `${name}.txt`, data: Buffer.from(name) });
    assert.equal((await as('bob', 'PATCH', `/api/documents/${doc.id}`, { status: 'in_review' })).status, 200);
    assert.equal(await outbox(doc.id), '');
    assert.equal((await as('alice', 'PATCH', `/api/documents/${doc.id}`, { status: 'validated' })).status, 200);
    return doc.id;
  };
  const first = await validate('Circuit du médicament');
  assert.equal(await outbox(first), 'bob@docs.example');
  const subject = await db.run(`SELECT subject FROM email_outbox WHERE kind = 'document.validated' ORDER BY id DESC LIMIT 1`);
  assert.equal(subject, 'Document validé : Circuit du médicament');
  res = await as('alice', 'PATCH', `/api/folders/${folder.id}`, { notify_community: true, recipients: [] });
  assert.equal(res.json().notify_community, true);
  assert.deepEqual(res.json().recipients, []);
  const second = await validate('Identitovigilance');
  assert.equal(await outbox(second), 'bob@docs.example');
});
