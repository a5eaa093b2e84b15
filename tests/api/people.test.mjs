// people.test.mjs — organisations, the directory (who sees whom, accent-insensitive search,
// filters, totals), profiles (never a secret community to a non-member) and photos (types,
// size, signatures, caching), and my own profile.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, psql, rawRequest } from '../lib/harness.mjs';
import { makeOrg, makePerson, makeCommunity, makeSession, client } from './people_helpers.mjs';

let srv;
let db;
const ids = {};
const as = {};

// 1x1 images of each accepted type.
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
  '1f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4c00000000049454e44ae426082', 'hex');
const GIF = Buffer.from('474946383961010001000000002c00000000010001000002024401003b', 'hex');
const JPEG = Buffer.concat([Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex'),
  Buffer.alloc(64, 0x11), Buffer.from('ffd9', 'hex')]);
const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0x1a, 0, 0, 0]),
  Buffer.from('WEBPVP8L'), Buffer.from('0d0000002f00000010071011118888fe0700', 'hex')]);
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>');

before(async () => {
  srv = await startServer();
  db = srv.databaseUrl;
  ids.ght = await makeOrg(db, 'GHT Vaucluse', 'ght');
  ids.ars = await makeOrg(db, 'ARS Provence-Alpes-Côte d’Azur', 'ars');
  ids.ehpad = await makeOrg(db, 'EHPAD Les Oliviers', 'esms');
  ids.lonely = await makeOrg(db, 'IME Le Mistral', 'esms');
  const P = (key, o) => makePerson(db, o).then((id) => { ids[key] = id; });
  await P('helene', { email: 'helene.garnier@ght.test', name: 'Hélène Garnier', org: ids.ght,
    job: 'Directrice des soins', place: 'Centre hospitalier d’Avignon' });
  await P('julien', { email: 'julien.roux@ght.test', name: 'Julien Roux', org: ids.ght,
    job: 'Directeur des systèmes d’information' });
  await P('sandrine', { email: 'sandrine.morel@ars.test', name: 'Sandrine Morel', org: ids.ars,
    job: 'Chargée de mission e-santé' });
  await P('paul', { email: 'paul.chabert@ehpad.test', name: 'Paul Chabert', org: ids.ehpad,
    job: 'Médecin coordonnateur' });
  await P('admin', { email: 'claire.vidal@ght.test', name: 'Claire Vidal', org: ids.ght,
    job: 'Administratrice', admin: true });
  await P('suspended', { email: 'remi.suspendu@ght.test', name: 'Rémi Suspendu', org: ids.ght,
    job: 'Infirmier', status: 'suspended' });
  await P('mathilde', { email: 'mathilde.perrin@aidants.test', name: 'Mathilde Perrin',
    kind: 'guest', job: 'Coordinatrice associative' });
  await P('loner', { email: 'oscar.solitaire@audit.test', name: 'Oscar Solitaire',
    kind: 'guest', job: 'Auditeur' });
  // Secret: Hélène (animator), Julien, Mathilde (guest). Public: Sandrine, Paul.
  ids.secret = await makeCommunity(db, { slug: 'direction-soins', name: 'Direction des soins secrète',
    visibility: 'secret', members: { [ids.helene]: 'animator', [ids.julien]: 'member', [ids.mathilde]: 'guest' } });
  ids.public = await makeCommunity(db, { slug: 'solutions', name: 'Solutions collaboratives',
    visibility: 'public', members: { [ids.helene]: 'member', [ids.sandrine]: 'animator', [ids.paul]: 'member' } });
  for (const k of ['helene', 'julien', 'sandrine', 'paul', 'admin', 'mathilde', 'loner']) {
    as[k] = client(srv, await makeSession(db, ids[k]));
  }
  as.anonymous = client(srv, null);
});

after(async () => {
  assert.equal(await srv.stop(), 0, srv.stderr());
});

const names = (json) => json.items.map((p) => p.display_name).sort();

test('the directory needs a session', async () => {
  assert.equal((await as.anonymous.get('/api/users')).status, 401);
  assert.equal((await as.anonymous.get(`/api/users/${ids.helene}`)).status, 401);
  assert.equal((await as.anonymous.get('/api/organisations')).status, 401);
});

test('staff see active staff and the partners they share a community with', async () => {
  const julien = await as.julien.get('/api/users?limit=100');
  assert.equal(julien.status, 200);
  const j = julien.json();
  assert.deepEqual(names(j), ['Claire Vidal', 'Hélène Garnier', 'Julien Roux', 'Mathilde Perrin',
    'Paul Chabert', 'Sandrine Morel']);
  assert.equal(j.total, 6);
  // Sandrine shares no community with Mathilde: no partner at all, and no suspended account.
  const s = (await as.sandrine.get('/api/users?limit=100')).json();
  assert.deepEqual(names(s), ['Claire Vidal', 'Hélène Garnier', 'Julien Roux', 'Paul Chabert',
    'Sandrine Morel']);
  assert.equal(s.total, 5);
  const item = s.items.find((p) => p.display_name === 'Hélène Garnier');
  assert.deepEqual(item.organisation, { id: ids.ght, name: 'GHT Vaucluse', kind: 'ght' });
  assert.equal(item.email, 'helene.garnier@ght.test');
  assert.equal(item.job_title, 'Directrice des soins');
  assert.equal(item.has_photo, false);
});

test('a partner sees only the people it shares a community with, and itself', async () => {
  const m = (await as.mathilde.get('/api/users?limit=100')).json();
  assert.deepEqual(names(m), ['Hélène Garnier', 'Julien Roux', 'Mathilde Perrin']);
  assert.equal(m.total, 3);
  const o = (await as.loner.get('/api/users?limit=100')).json();
  assert.deepEqual(names(o), ['Oscar Solitaire']);
  assert.equal(o.total, 1);
  // A search cannot reach beyond either: the count stays within what may be seen.
  const q = (await as.mathilde.get('/api/users?q=morel')).json();
  assert.deepEqual(q, { items: [], total: 0, limit: 20, offset: 0 });
});

test('administrators see every account, suspended ones included', async () => {
  const a = (await as.admin.get('/api/users?limit=100')).json();
  assert.equal(a.total, 8);
  assert.ok(a.items.some((p) => p.display_name === 'Rémi Suspendu' && p.status === 'suspended'));
});

test('search folds case and accents, in names, job titles, places and organisations', async () => {
  const find = async (q, who = as.julien) => {
    const res = await who.get(`/api/users?q=${encodeURIComponent(q)}`);
    assert.equal(res.status, 200, res.text());
    return names(res.json());
  };
  assert.deepEqual(await find('helene'), ['Hélène Garnier']);
  assert.deepEqual(await find('HÉLÈNE'), ['Hélène Garnier']);
  assert.deepEqual(await find('Hélène'), ['Hélène Garnier']);
  assert.deepEqual(await find('hel garn'), ['Hélène Garnier']);
  assert.deepEqual(await find('hélène roux'), []);                // every word must match
  assert.deepEqual(await find('chargee'), ['Sandrine Morel']);    // job title
  assert.deepEqual(await find('avignon'), ['Hélène Garnier']);    // place
  assert.deepEqual(await find('oliviers'), ['Paul Chabert']);     // organisation
  assert.deepEqual(await find('cote d’azur'), ['Sandrine Morel']);
  assert.deepEqual(await find('vaucluse'), ['Claire Vidal', 'Hélène Garnier', 'Julien Roux']);
  // LIKE's wildcards are plain characters here.
  assert.deepEqual(await find('%'), []);
  assert.deepEqual(await find('_'), []);
  assert.deepEqual(await find('   '), names((await as.julien.get('/api/users')).json()));
});

test('filter by organisation, page with limit and offset', async () => {
  const g = (await as.julien.get(`/api/users?organisation=${ids.ght}`)).json();
  assert.deepEqual(names(g), ['Claire Vidal', 'Hélène Garnier', 'Julien Roux']);
  assert.equal(g.total, 3);
  const p1 = (await as.julien.get('/api/users?limit=2')).json();
  const p2 = (await as.julien.get('/api/users?limit=2&offset=2')).json();
  const p4 = (await as.julien.get('/api/users?limit=2&offset=6')).json();
  assert.equal(p1.items.length, 2);
  assert.equal(p1.total, 6);
  assert.equal(p2.total, 6);
  assert.deepEqual(p4.items, []);
  assert.equal(p4.total, 6);
  const seen = [...p1.items, ...p2.items].map((p) => p.id);
  assert.equal(new Set(seen).size, 4);
  // Sorted by name without regard to accents: Élodie would sit with the Es.
  assert.deepEqual(p1.items.map((p) => p.display_name), ['Claire Vidal', 'Hélène Garnier']);
  for (const bad of ['limit=0', 'limit=101', 'limit=x', 'offset=-1', 'organisation=abc',
    `q=${'a'.repeat(201)}`]) {
    // Malformed query arguments are bad requests, as on every list of the API.
    const res = await as.julien.get(`/api/users?${bad}`);
    assert.equal(res.status, 400, bad);
    assert.equal(res.json().error.code, 'bad_request');
  }
});

test('a profile lists only the communities the viewer may see', async () => {
  const byStaff = await as.sandrine.get(`/api/users/${ids.helene}`);
  assert.equal(byStaff.status, 200);
  const p = byStaff.json();
  assert.equal(p.display_name, 'Hélène Garnier');
  assert.equal(p.email, 'helene.garnier@ght.test');
  assert.equal(p.place, 'Centre hospitalier d’Avignon');
  assert.deepEqual(p.communities.map((c) => c.name), ['Solutions collaboratives']);
  assert.doesNotMatch(byStaff.text(), /secr[eè]te|direction-soins/i);

  const byMember = (await as.julien.get(`/api/users/${ids.helene}`)).json();
  assert.deepEqual(byMember.communities.map((c) => [c.name, c.role]),
    [['Direction des soins secrète', 'animator'], ['Solutions collaboratives', 'member']]);
  const byAdmin = (await as.admin.get(`/api/users/${ids.helene}`)).json();
  assert.equal(byAdmin.communities.length, 2);
  // The partner sees Hélène (co-member) but not the public community (it cannot see it).
  const byPartner = (await as.mathilde.get(`/api/users/${ids.helene}`)).json();
  assert.deepEqual(byPartner.communities.map((c) => c.name), ['Direction des soins secrète']);
});

test('a person one may not see answers exactly like a missing id, and is audited', async () => {
  const missing = await as.loner.get('/api/users/987654321');
  const hidden = await as.loner.get(`/api/users/${ids.helene}`);
  assert.equal(missing.status, 404);
  assert.equal(hidden.status, 404);
  assert.equal(hidden.text(), missing.text());
  const photo = await as.loner.get(`/api/users/${ids.helene}/photo`);
  assert.equal(photo.status, 404);
  assert.equal(photo.text(), missing.text());
  // Suspended accounts exist only for administrators.
  assert.equal((await as.julien.get(`/api/users/${ids.suspended}`)).text(), missing.text());
  assert.equal((await as.admin.get(`/api/users/${ids.suspended}`)).status, 200);
  assert.equal((await as.julien.get('/api/users/abc')).text(), missing.text());
  assert.equal((await as.julien.get('/api/users/0')).text(), missing.text());
  const denied = await psql(db, `SELECT count(*) FROM audit_events WHERE action = 'access.denied'
    AND actor_id = ${ids.loner} AND object_type = 'user' AND object_id = '${ids.helene}'`);
  assert.equal(Number(denied), 2);
});

test('organisations: staff see all, partners those of people they may see', async () => {
  const staff = (await as.julien.get('/api/organisations')).json();
  assert.deepEqual(staff.items.map((o) => o.name), ['ARS Provence-Alpes-Côte d’Azur',
    'EHPAD Les Oliviers', 'GHT Vaucluse', 'IME Le Mistral']);
  assert.equal(staff.items[2].kind, 'ght');
  assert.match(staff.items[2].created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  const partner = (await as.mathilde.get('/api/organisations')).json();
  assert.deepEqual(partner.items.map((o) => o.name), ['GHT Vaucluse']);
  assert.deepEqual((await as.loner.get('/api/organisations')).json(), { items: [] });
});

test('organisations: administrators create and rename them; names are unique', async () => {
  assert.equal((await as.julien.post('/api/organisations', { kind: 'esms', name: 'SESSAD' })).status, 403);
  const res = await as.admin.post('/api/organisations', { kind: 'esms', name: '  SESSAD Le Ventoux ' });
  assert.equal(res.status, 201, res.text());
  const org = res.json();
  assert.equal(org.name, 'SESSAD Le Ventoux');
  assert.equal(org.kind, 'esms');
  for (const dup of ['SESSAD Le Ventoux', 'sessad le ventoux', 'SESSAD LE VENTOÛX']) {
    const again = await as.admin.post('/api/organisations', { kind: 'other', name: dup });
    assert.equal(again.status, 409, dup);
    assert.equal(again.json().error.code, 'conflict');
  }
  for (const bad of [{ kind: 'hospital', name: 'X' }, { kind: 'ght' }, { kind: 'ght', name: '' },
    { kind: 'ght', name: 'a'.repeat(201) }, { kind: 'ght', name: 'deux\nlignes' }, [1]]) {
    const r = await as.admin.post('/api/organisations', bad);
    assert.equal(r.status, 422, JSON.stringify(bad));
  }
  const renamed = await as.admin.patch(`/api/organisations/${org.id}`, { name: 'SESSAD du Ventoux', kind: 'other' });
  assert.equal(renamed.status, 200);
  assert.equal(renamed.json().name, 'SESSAD du Ventoux');
  assert.equal(renamed.json().kind, 'other');
  assert.equal((await as.admin.patch(`/api/organisations/${org.id}`, { name: 'GHT VAUCLUSE' })).status, 409);
  assert.equal((await as.admin.patch('/api/organisations/987654321', { name: 'Z' })).status, 404);
  assert.equal((await as.admin.patch(`/api/organisations/${org.id}`, {})).status, 422);
  assert.equal((await as.julien.patch(`/api/organisations/${org.id}`, { name: 'Z' })).status, 403);
  const events = await psql(db, `SELECT action FROM audit_events WHERE object_type = 'organisation'
    AND object_id = '${org.id}' ORDER BY id`);
  assert.deepEqual(events.split('\n'), ['organisation.created', 'organisation.updated']);
});

test('PATCH /api/me changes my profile, within limits', async () => {
  const res = await as.paul.patch('/api/me', { job_title: '  Médecin coordonnateur (EHPAD) ',
    phone: '+33 4 90 00 60 01', place: 'L’Isle-sur-la-Sorgue', bio: 'Gériatre.\nDU soins palliatifs.' });
  assert.equal(res.status, 200, res.text());
  const me = res.json();
  assert.equal(me.id, ids.paul);
  assert.equal(me.job_title, 'Médecin coordonnateur (EHPAD)');
  assert.equal(me.bio, 'Gériatre.\nDU soins palliatifs.');
  assert.equal(me.display_name, 'Paul Chabert');
  assert.deepEqual(me.communities.map((c) => c.name), ['Solutions collaboratives']);
  // 120 characters is fine even when they take more bytes.
  assert.equal((await as.paul.patch('/api/me', { display_name: 'É'.repeat(120) })).status, 200);
  assert.equal((await as.paul.patch('/api/me', { display_name: 'Paul Chabert' })).status, 200);
  for (const [body, why] of [
    [{ display_name: '   ' }, /display_name/], [{ display_name: 'É'.repeat(121) }, /display_name/],
    [{ phone: '0'.repeat(41) }, /phone/], [{ bio: 'b'.repeat(2001) }, /bio/],
    [{ job_title: 'deux\nlignes' }, /job_title/], [{ bio: 'bip\u0007' }, /bio/],
    [{ email: 'x@y.z' }, /email/], [{ platform_role: 'admin' }, /platform_role/],
    [{ job_title: 12 }, /job_title/], ['[]', /object/],
  ]) {
    const r = typeof body === 'string'
      ? await as.paul.patch('/api/me', body, { 'Content-Type': 'application/json' })
      : await as.paul.patch('/api/me', body);
    assert.equal(r.status, 422, JSON.stringify(body));
    assert.match(r.json().error.message, why);
  }
  const role = await psql(db, `SELECT platform_role FROM users WHERE id = ${ids.paul}`);
  assert.equal(role, 'user');
});

test('photos: accepted types round-trip with their type, ETag and no caching elsewhere', async () => {
  for (const [type, bytes] of [['image/gif', GIF], ['image/jpeg', JPEG], ['image/webp', WEBP],
    ['image/png', PNG]]) {
    const put = await as.helene.put('/api/me/photo', bytes, { 'Content-Type': type });
    assert.equal(put.status, 200, `${type}: ${put.text()}`);
    assert.equal(put.json().has_photo, true);
    const got = await as.julien.get(`/api/users/${ids.helene}/photo`);
    assert.equal(got.status, 200);
    assert.equal(got.headers['content-type'], type);
    assert.ok(got.body.equals(bytes), type);
  }
  const got = await as.sandrine.get(`/api/users/${ids.helene}/photo`);
  assert.equal(got.headers['content-disposition'], 'inline');
  assert.equal(got.headers['cache-control'], 'private, no-cache');
  assert.equal(got.headers['x-content-type-options'], 'nosniff');
  assert.match(got.headers.etag, /^"[0-9a-f]{32}"$/);
  const again = await as.sandrine.get(`/api/users/${ids.helene}/photo`, { 'If-None-Match': got.headers.etag });
  assert.equal(again.status, 304);
  assert.equal(again.body.length, 0);
  assert.equal(again.headers.etag, got.headers.etag);
  // The directory says there is one; someone who may not see Hélène gets 404.
  const list = (await as.sandrine.get('/api/users?q=helene')).json();
  assert.equal(list.items[0].has_photo, true);
  assert.equal((await as.loner.get(`/api/users/${ids.helene}/photo`)).status, 404);
  // No photo: 404.
  const none = await as.helene.get(`/api/users/${ids.julien}/photo`);
  assert.equal(none.status, 404);
  assert.match(none.json().error.message, /no photo/);
});

test('photos: the bytes must be an image of the declared type, within 2 MiB', async () => {
  const put = (body, type) => as.julien.put('/api/me/photo', body, type ? { 'Content-Type': type } : {});
  for (const [body, type, status] of [
    [SVG, 'image/svg+xml', 415],                   // never stored, never served
    [SVG, 'image/png', 422],
    [Buffer.from('<html><script>alert(1)</script></html>'), 'image/gif', 422],
    [JPEG, 'image/png', 422],                      // mislabelled
    [PNG, 'text/html', 415],
    [PNG, 'application/octet-stream', 415],
    [PNG, undefined, 415],
    [PNG.subarray(0, 8), 'image/png', 422],        // a bare signature
    [Buffer.alloc(0), 'image/png', 422],
  ]) {
    const res = await put(body, type);
    assert.equal(res.status, status, `${type} ${body.subarray(0, 12).toString('hex')}: ${res.text()}`);
  }
  const twoMiB = Buffer.concat([PNG, Buffer.alloc(2 * 1024 * 1024 - PNG.length)]);
  assert.equal((await put(twoMiB, 'image/png; charset=binary')).status, 200);
  // One byte more is refused from its Content-Length, before the body is read (so the
  // request is written by hand: a client still sending would meet a closed connection).
  const s = await makeSession(db, ids.julien);
  const raw = await rawRequest(srv.port, `PUT /api/me/photo HTTP/1.1\r\nHost: x\r\n` +
    `Cookie: relais_session=${s.token}\r\nX-CSRF-Token: ${s.csrf}\r\nOrigin: ${srv.url}\r\n` +
    `Content-Type: image/png\r\nContent-Length: ${twoMiB.length + 1}\r\nConnection: close\r\n\r\n`);
  assert.match(raw, /^HTTP\/1\.1 413 /);
  assert.match(raw, /"code":"payload_too_large"/);
  const back = await as.helene.get(`/api/users/${ids.julien}/photo`);
  assert.equal(back.body.length, twoMiB.length);
  // Removing it.
  assert.equal((await as.julien.del('/api/me/photo')).status, 204);
  assert.equal((await as.helene.get(`/api/users/${ids.julien}/photo`)).status, 404);
  assert.equal((await as.julien.del('/api/me/photo')).status, 204);
});

test('state-changing calls need the CSRF token', async () => {
  const s = await makeSession(db, ids.paul);
  const res = await client(srv, { ...s, csrf: 'wrong' }).patch('/api/me', { bio: 'x' });
  assert.equal(res.status, 403);
  const photo = await client(srv, { ...s, csrf: 'wrong' }).put('/api/me/photo', PNG, { 'Content-Type': 'image/png' });
  assert.equal(photo.status, 403);
});
