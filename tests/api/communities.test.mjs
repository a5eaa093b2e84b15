// communities.test.mjs — communities end to end: creation and slugs, listing with counts,
// joining and join requests, the last animator, archived = read-only, invitations of external
// partners from the e-mail to a signed-in guest who sees only their community.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, request } from '../lib/harness.mjs';
import { openPsql, makeSession, lit } from './matrix/_world.mjs';

const PASSWORD = 'des cerisiers en fleur au bord du canal';
let srv;
let db;
const people = {};

before(async () => {
  srv = await startServer();
  db = openPsql(srv.databaseUrl);
  const org = await db.run(`INSERT INTO organisations (kind, name) VALUES ('ght', 'GHT Test Sud') RETURNING id`);
  for (const [key, name, admin] of [['alice', 'Alice Animatrice', false], ['bob', 'Bob Infirmier', false],
    ['carole', 'Carole Cadre', false], ['dora', 'Dora Admin', true]]) {
    const id = Number(await db.run(`INSERT INTO users (email, display_name, organisation_id, platform_role)
      VALUES (${lit(`${key}@ght-sud.example`)}, ${lit(name)}, ${org}, ${lit(admin ? 'admin' : 'user')}) RETURNING id`));
    people[key] = { id, email: `${key}@ght-sud.example`, name, session: await makeSession(db.run, id) };
  }
});

after(async () => {
  if (db) await db.close();
  if (srv) assert.equal(await srv.stop(), 0, srv.stderr());
});

/** A request as one of the people (or anonymous when who is null). */
function as(who, method, path, body) {
  const headers = who ? people[who].session.headers(srv.url) : {};
  return request(`${srv.url}${path}`, { method, headers, body });
}

async function create(who, body, status = 201) {
  const res = await as(who, 'POST', '/api/communities', body);
  assert.equal(res.status, status, res.text());
  return res.json();
}

function errorOf(res, status) {
  assert.equal(res.status, status, res.text());
  return res.json().error;
}

async function auditCount(action, communityId) {
  return Number(await db.run(`SELECT count(*) FROM audit_events WHERE action = ${lit(action)}
    AND community_id = ${communityId}`));
}

/** The link in the last invitation e-mail to address, and the e-mail itself. */
async function invitationMail(address) {
  const row = await db.run(`SELECT json_build_object('subject', subject, 'body', body_text, 'kind', kind)
    FROM email_outbox WHERE to_address = ${lit(address)} ORDER BY id DESC LIMIT 1`);
  const mail = JSON.parse(row);
  const m = /(http:\/\/[^\s]+)\/invitation\/([A-Za-z0-9_-]+)/.exec(mail.body);
  assert.ok(m, mail.body);
  return { ...mail, origin: m[1], token: m[2] };
}

/** Signs in from a Set-Cookie and a csrf_token, as a browser would after accepting. */
function sessionFrom(res) {
  const cookie = [].concat(res.headers['set-cookie'] || []).find((c) => c.startsWith('relais_session='));
  assert.ok(cookie, 'a session cookie');
  const token = cookie.split(';')[0].split('=')[1];
  const csrf = res.json().csrf_token;
  assert.ok(csrf);
  return (method, path, body) => request(`${srv.url}${path}`, {
    method, body, headers: { Cookie: `relais_session=${token}`, 'X-CSRF-Token': csrf, Origin: srv.url },
  });
}

test('creating a community: slug from the name, the creator animates it, guests may not', async () => {
  const c = await create('alice', { name: 'Qualité & sécurité des soins', description: 'Partage des RMM.', visibility: 'public' });
  assert.equal(typeof c.id, 'number');
  assert.equal(c.slug, 'qualite-securite-des-soins');
  assert.equal(c.name, 'Qualité & sécurité des soins');
  assert.equal(c.my_role, 'animator');
  assert.equal(c.member_count, 1);
  assert.equal(c.archived, false);
  assert.equal(c.organisation.name, 'GHT Test Sud');
  assert.equal(c.can.invite, true);
  assert.match(c.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(await auditCount('community.created', c.id), 1);
  assert.equal(await auditCount('membership.added', c.id), 1);

  const again = await create('bob', { name: 'QUALITÉ — sécurité des soins', visibility: 'restricted' });
  assert.equal(again.slug, 'qualite-securite-des-soins-2');
  const third = await create('bob', { name: 'Qualite securite des soins', visibility: 'secret' });
  assert.equal(third.slug, 'qualite-securite-des-soins-3');

  const named = await create('alice', { name: 'Espace RMM', slug: 'rmm-2024', visibility: 'public' });
  assert.equal(named.slug, 'rmm-2024');
  assert.match(errorOf(await as('bob', 'POST', '/api/communities', { name: 'Autre', slug: 'rmm-2024', visibility: 'public' }), 409).message, /slug/);

  // The slug answers like the id.
  const bySlug = await as('bob', 'GET', '/api/communities/rmm-2024');
  assert.equal(bySlug.status, 200);
  assert.equal(bySlug.json().id, named.id);

  for (const [body, why] of [
    [{ name: 'x', visibility: 'open' }, /visibility/],
    [{ visibility: 'public' }, /name/],
    [{ name: '   ', visibility: 'public' }, /name/],
    [{ name: 'é'.repeat(121), visibility: 'public' }, /120 characters/],
    [{ name: 'Deux\nlignes', visibility: 'public' }, /one line/],
    [{ name: 'x', visibility: 'public', slug: '2024' }, /slug/],
    [{ name: 'x', visibility: 'public', slug: 'Avec Espaces' }, /slug/],
    [{ name: 'x', visibility: 'public', archived: true }, /archived/],
    [[1, 2], /object/],
  ]) {
    assert.match(errorOf(await as('alice', 'POST', '/api/communities', body), 422).message, why);
  }
  assert.equal((await as(null, 'POST', '/api/communities', { name: 'x', visibility: 'public' })).status, 401);
});

test('listing: what I may see, my role, counts, search, filters and pages', async () => {
  const tag = 'Liste';
  const pub = await create('alice', { name: `${tag} Pédiatrie publique`, visibility: 'public' });
  const res = await create('alice', { name: `${tag} Direction restreinte`, visibility: 'restricted' });
  const sec = await create('alice', { name: `${tag} Cellule secrète`, visibility: 'secret' });
  // An external partner in the public one: staff outside it do not see them, nor count them.
  const guestId = Number(await db.run(`INSERT INTO users (email, display_name, kind)
    VALUES ('partenaire.liste@asso.example', 'Paul Partenaire', 'guest') RETURNING id`));
  await db.run(`INSERT INTO memberships (community_id, user_id, role) VALUES (${pub.id}, ${guestId}, 'guest')`);

  const list = async (who, query) => {
    const r = await as(who, 'GET', `/api/communities?${query}`);
    assert.equal(r.status, 200, r.text());
    return r.json();
  };
  const bob = await list('bob', `q=${encodeURIComponent(tag)}&limit=200`);
  assert.deepEqual(bob.items.map((c) => c.id), [res.id, pub.id]);  // by name: Direction, Pédiatrie
  assert.equal(bob.total, 2);
  const bobPub = bob.items.find((c) => c.id === pub.id);
  assert.equal(bobPub.my_role, null);
  assert.equal(bobPub.member_count, 1, 'the partner is not counted for staff outside');
  assert.equal(bobPub.can.join, true);
  assert.equal(bob.items.find((c) => c.id === res.id).can.request_join, true);

  const alice = await list('alice', `q=${encodeURIComponent(tag)}`);
  assert.equal(alice.total, 3);
  assert.equal(alice.items.find((c) => c.id === pub.id).member_count, 2);
  assert.ok(alice.items.every((c) => c.my_role === 'animator'));

  const admin = await list('dora', `q=${encodeURIComponent(tag)}`);
  assert.equal(admin.total, 3, 'administrators see secret communities');

  // Words in any order, case and accents folded.
  assert.deepEqual((await list('alice', 'q=PEDIATRIE%20liste')).items.map((c) => c.id), [pub.id]);
  assert.deepEqual((await list('bob', 'q=cellule%20secrete')).items, []);
  assert.equal((await list('alice', 'q=cellule%20secrete')).total, 1);
  assert.deepEqual((await list('alice', `q=${tag}&visibility=restricted`)).items.map((c) => c.id), [res.id]);

  // Pages: total stays, items move, past the end is empty.
  const p1 = await list('alice', `q=${tag}&limit=1`);
  const p2 = await list('alice', `q=${tag}&limit=1&offset=1`);
  const past = await list('alice', `q=${tag}&limit=1&offset=10`);
  assert.equal(p1.items.length, 1);
  assert.notEqual(p1.items[0].id, p2.items[0].id);
  assert.deepEqual([p1.total, p2.total, past.total], [3, 3, 3]);
  assert.deepEqual(past.items, []);

  const mine = await list('bob', 'mine=1&limit=200');
  assert.ok(mine.items.every((c) => c.my_role !== null));
  assert.ok(!mine.items.some((c) => c.id === pub.id));

  for (const q of ['limit=0', 'limit=201', 'offset=-1', 'limit=abc', 'visibility=open', 'archived=2']) {
    assert.equal((await as('bob', 'GET', `/api/communities?${q}`)).status, 400, q);
  }
  assert.equal((await as(null, 'GET', '/api/communities')).status, 401);

  // The partner sees only their community, and its members.
  const guest = await makeSession(db.run, guestId);
  const g = await request(`${srv.url}/api/communities?limit=200`, { headers: guest.headers(srv.url) });
  assert.deepEqual(g.json().items.map((c) => c.id), [pub.id]);
  assert.equal((await request(`${srv.url}/api/communities/${res.id}`, { headers: guest.headers(srv.url) })).status, 404);
  const members = await request(`${srv.url}/api/communities/${pub.id}/members`, { headers: guest.headers(srv.url) });
  assert.deepEqual(members.json().items.map((m) => m.user_id).sort(), [people.alice.id, guestId].sort());
  const bobMembers = (await as('bob', 'GET', `/api/communities/${pub.id}/members`)).json();
  assert.deepEqual(bobMembers.items.map((m) => m.user_id), [people.alice.id]);
  assert.equal(bobMembers.total, 1);
  assert.equal(bobMembers.items[0].role, 'animator');
  assert.equal(bobMembers.items[0].organisation.name, 'GHT Test Sud');
});

test('joining: public at once, restricted by request, approve, refuse, cancel', async () => {
  const pub = await create('alice', { name: 'Jardin public', visibility: 'public' });
  const res = await create('alice', { name: 'Salle restreinte', visibility: 'restricted' });
  const sec = await create('alice', { name: 'Cave secrète', visibility: 'secret' });

  let r = await as('bob', 'POST', `/api/communities/${pub.id}/join`);
  assert.equal(r.status, 200, r.text());
  assert.equal(r.json().status, 'joined');
  assert.equal(r.json().community.my_role, 'member');
  assert.equal(r.json().community.member_count, 2);
  assert.match(errorOf(await as('bob', 'POST', `/api/communities/${pub.id}/join`), 409).message, /already a member/);

  r = await as('bob', 'POST', `/api/communities/${res.id}/join`, { message: 'Je coordonne les urgences.' });
  assert.equal(r.status, 202, r.text());
  const request1 = r.json().request;
  assert.equal(request1.status, 'pending');
  assert.equal(r.json().community.join_request, 'pending');
  r = await as('bob', 'POST', `/api/communities/${res.id}/join`);
  assert.equal(r.status, 202);
  assert.equal(r.json().request.id, request1.id, 'asking twice keeps one request');
  assert.equal((await as('bob', 'GET', `/api/communities/${res.id}/members`)).status, 403);

  const pending = (await as('alice', 'GET', `/api/communities/${res.id}/join-requests`)).json().items;
  assert.deepEqual(pending.map((x) => [x.id, x.user.id, x.message, x.status]),
    [[request1.id, people.bob.id, 'Je coordonne les urgences.', 'pending']]);
  assert.equal((await as('bob', 'GET', `/api/communities/${res.id}/join-requests`)).status, 403);
  r = await as('alice', 'POST', `/api/communities/${res.id}/join-requests/${request1.id}`, { decision: 'approve' });
  assert.equal(r.status, 200, r.text());
  assert.equal(r.json().status, 'approved');
  assert.equal(r.json().decided_by.id, people.alice.id);
  assert.equal((await as('bob', 'GET', `/api/communities/${res.id}`)).json().my_role, 'member');
  assert.equal(errorOf(await as('alice', 'POST', `/api/communities/${res.id}/join-requests/${request1.id}`, { decision: 'refuse' }), 409).code, 'conflict');
  assert.equal((await as('alice', 'POST', `/api/communities/${res.id}/join-requests/${request1.id}`, { decision: 'maybe' })).status, 422);
  assert.equal((await as('alice', 'POST', `/api/communities/${pub.id}/join-requests/${request1.id}`, { decision: 'approve' })).status, 404,
    'a request of another community');

  // Carole asks, then cancels; asks again, and is refused.
  assert.equal((await as('carole', 'POST', `/api/communities/${res.id}/join`)).status, 202);
  assert.equal((await as('carole', 'DELETE', `/api/communities/${res.id}/join`)).status, 204);
  assert.equal((await as('carole', 'DELETE', `/api/communities/${res.id}/join`)).status, 404);
  const again = (await as('carole', 'POST', `/api/communities/${res.id}/join`)).json().request;
  r = await as('alice', 'POST', `/api/communities/${res.id}/join-requests/${again.id}`, { decision: 'refuse' });
  assert.equal(r.json().status, 'refused');
  assert.equal((await as('carole', 'GET', `/api/communities/${res.id}`)).json().my_role, null);
  for (const a of ['join_request.created', 'join_request.approved', 'join_request.refused', 'join_request.cancelled']) {
    assert.ok(await auditCount(a, res.id) >= 1, a);
  }
  assert.equal(await auditCount('membership.added', pub.id), 2);

  // Secret: as if it did not exist, byte for byte.
  const secret = await as('bob', 'POST', `/api/communities/${sec.id}/join`);
  const missing = await as('bob', 'POST', '/api/communities/987654321/join');
  assert.equal(secret.status, 404);
  assert.equal(secret.text(), missing.text());
  assert.equal((await as('bob', 'POST', '/api/communities/no-such-slug/join')).text(), missing.text());
});

test('members: add, change roles, remove, leave; a community keeps an animator', async () => {
  const c = await create('alice', { name: 'Animation partagée', visibility: 'restricted' });
  const base = `/api/communities/${c.id}/members`;
  let r = await as('alice', 'POST', base, { user_id: people.bob.id, role: 'member' });
  assert.equal(r.status, 201, r.text());
  assert.deepEqual([r.json().user_id, r.json().role, r.json().display_name], [people.bob.id, 'member', 'Bob Infirmier']);
  assert.equal(errorOf(await as('alice', 'POST', base, { user_id: people.bob.id, role: 'member' }), 409).code, 'conflict');
  assert.match(errorOf(await as('alice', 'POST', base, { user_id: people.carole.id, role: 'guest' }), 422).message, /guest role/);
  assert.equal((await as('alice', 'POST', base, { user_id: people.carole.id, role: 'chef' })).status, 422);
  assert.equal((await as('alice', 'POST', base, { user_id: 987654321, role: 'member' })).status, 404);
  assert.equal((await as('bob', 'POST', base, { user_id: people.carole.id, role: 'member' })).status, 403);

  // The only animator can neither leave nor step down.
  assert.match(errorOf(await as('alice', 'DELETE', `${base}/${people.alice.id}`), 409).message, /last animator/);
  assert.match(errorOf(await as('alice', 'PATCH', `${base}/${people.alice.id}`, { role: 'member' }), 409).message, /at least one animator/);
  r = await as('alice', 'PATCH', `${base}/${people.bob.id}`, { role: 'animator' });
  assert.equal(r.status, 200, r.text());
  assert.equal(r.json().role, 'animator');
  assert.equal(await auditCount('membership.role_changed', c.id), 1);

  // Two animators demoting each other at once: the community row lock lets one through.
  for (let round = 0; round < 5; round++) {
    const results = await Promise.all([
      as('alice', 'PATCH', `${base}/${people.bob.id}`, { role: 'member' }),
      as('bob', 'PATCH', `${base}/${people.alice.id}`, { role: 'member' }),
    ]);
    // The second sees the first's change: its author is no animator any more.
    assert.deepEqual(results.map((x) => x.status).sort(), [200, 403], `round ${round}`);
    const animators = Number(await db.run(`SELECT count(*) FROM memberships WHERE community_id = ${c.id} AND role = 'animator'`));
    assert.equal(animators, 1, `round ${round}`);
    // Whoever stayed animator promotes the other back for the next round.
    const who = results[0].status === 200 ? 'alice' : 'bob';
    const other = who === 'alice' ? 'bob' : 'alice';
    r = await as(who, 'PATCH', `${base}/${people[other].id}`, { role: 'animator' });
    assert.equal(r.status, 200, r.text());
  }

  // Bob leaves; Alice removes nobody who is not there.
  assert.equal((await as('bob', 'DELETE', `${base}/${people.bob.id}`)).status, 204);
  assert.equal((await as('alice', 'DELETE', `${base}/${people.bob.id}`)).status, 404);
  assert.equal((await as('carole', 'DELETE', `${base}/${people.carole.id}`)).status, 403, 'not a member: nothing to leave');
  const removed = JSON.parse(await db.run(`SELECT detail FROM audit_events WHERE action = 'membership.removed'
    AND community_id = ${c.id} ORDER BY id DESC LIMIT 1`));
  assert.equal(removed.how, 'left');
  // An administrator repairs a community: adds an animator.
  r = await as('dora', 'POST', base, { user_id: people.carole.id, role: 'animator' });
  assert.equal(r.status, 201, r.text());
});

test('archived: read-only for content and members, until unarchived', async () => {
  const c = await create('alice', { name: 'Projet clos', visibility: 'public' });
  await as('alice', 'POST', `/api/communities/${c.id}/members`, { user_id: people.bob.id, role: 'member' });
  let r = await as('alice', 'PATCH', `/api/communities/${c.id}`, { archived: true });
  assert.equal(r.status, 200, r.text());
  assert.equal(r.json().archived, true);
  assert.ok(r.json().archived_at);
  assert.equal(r.json().can.edit, false);
  assert.equal(await auditCount('community.archived', c.id), 1);

  assert.match(errorOf(await as('alice', 'PATCH', `/api/communities/${c.id}`, { description: 'x' }), 403).message, /archived/);
  assert.match(errorOf(await as('carole', 'POST', `/api/communities/${c.id}/join`), 403).message, /archived/);
  assert.equal((await as('alice', 'POST', `/api/communities/${c.id}/members`, { user_id: people.carole.id, role: 'member' })).status, 403);
  assert.equal((await as('alice', 'POST', `/api/communities/${c.id}/invitations`, { email: 'x@asso.example' })).status, 403);
  assert.equal((await as('alice', 'PATCH', `/api/communities/${c.id}/members/${people.bob.id}`, { role: 'animator' })).status, 403);
  assert.equal((await as('alice', 'PATCH', `/api/communities/${c.id}`, { archived: true, name: 'Renommé' })).status, 403);
  // Reading goes on; leaving stays possible.
  assert.equal((await as('carole', 'GET', `/api/communities/${c.id}/members`)).status, 200);
  assert.equal((await as('bob', 'DELETE', `/api/communities/${c.id}/members/${people.bob.id}`)).status, 204);
  assert.deepEqual((await as('alice', 'GET', `/api/communities?archived=1&q=${encodeURIComponent('Projet clos')}`)).json().items.map((x) => x.id), [c.id]);
  assert.deepEqual((await as('alice', 'GET', `/api/communities?archived=0&q=${encodeURIComponent('Projet clos')}`)).json().items, []);

  r = await as('alice', 'PATCH', `/api/communities/${c.id}`, { archived: false, name: 'Projet rouvert', visibility: 'restricted' });
  assert.equal(r.status, 200, r.text());
  assert.deepEqual([r.json().archived, r.json().name, r.json().visibility, r.json().archived_at], [false, 'Projet rouvert', 'restricted', null]);
  assert.equal(await auditCount('community.unarchived', c.id), 1);
  assert.equal(await auditCount('community.updated', c.id), 1);
  assert.equal((await as('alice', 'PATCH', `/api/communities/${c.id}`, {})).status, 422);
  assert.equal((await as('alice', 'PATCH', `/api/communities/${c.id}`, { slug: 'qualite-securite-des-soins' })).status, 409);
});

test('invitations: e-mail, link, a new guest account, single use, and only that community', async () => {
  const secret = await create('alice', { name: 'Cellule ARS partagée', description: 'Avec nos partenaires.', visibility: 'secret' });
  const other = await create('alice', { name: 'Autre espace public', visibility: 'public' });
  const address = 'Claire.Partenaire@Asso-Sante.example';
  let r = await as('alice', 'POST', `/api/communities/${secret.id}/invitations`, { email: address, message: 'Bienvenue parmi nous' });
  assert.equal(r.status, 201, r.text());
  const inv = r.json();
  assert.deepEqual([inv.email, inv.role, inv.status, inv.invited_by.id], [address, 'guest', 'pending', people.alice.id]);
  assert.equal(await auditCount('invitation.sent', secret.id), 1);

  const mail = await invitationMail(address);
  assert.equal(mail.kind, 'invitation');
  assert.equal(mail.origin, srv.url, 'links use the request host when no public origin is set');
  assert.match(mail.subject, /Cellule ARS partagée/);
  assert.match(mail.body, /Alice Animatrice vous invite à rejoindre l'espace « Cellule ARS partagée »/);
  assert.match(mail.body, /Bienvenue parmi nous/);
  assert.match(mail.body, /English: Alice Animatrice invites you/);
  // The nonce of the link is the row's.
  assert.equal(Number(await db.run(`SELECT count(*) FROM invitations WHERE id = ${inv.id} AND octet_length(nonce) = 16`)), 1);

  r = await request(`${srv.url}/api/invitations/${mail.token}`);
  assert.equal(r.status, 200, r.text());
  assert.deepEqual([r.json().community.name, r.json().inviter.display_name, r.json().email, r.json().account_exists],
    ['Cellule ARS partagée', 'Alice Animatrice', address, false]);

  // The animators see it pending.
  const listed = (await as('alice', 'GET', `/api/communities/${secret.id}/invitations`)).json().items;
  assert.deepEqual(listed.map((x) => [x.id, x.status]), [[inv.id, 'pending']]);

  const accept = (body) => request(`${srv.url}/api/invitations/${mail.token}/accept`, { method: 'POST', body });
  assert.equal((await accept({ display_name: 'Claire Partenaire' })).status, 422);
  assert.equal((await accept({ display_name: 'Claire\r\nBcc: x', password: PASSWORD })).status, 422);
  assert.equal((await accept({ display_name: 'Claire Partenaire', password: 'court' })).status, 422);
  assert.equal((await accept({ password: PASSWORD })).status, 422);
  r = await accept({ display_name: 'Claire Partenaire', password: PASSWORD });
  assert.equal(r.status, 201, r.text());
  assert.deepEqual([r.json().user.kind, r.json().user.email, r.json().community.id, r.json().role],
    ['guest', address, secret.id, 'guest']);
  const claire = sessionFrom(r);
  const claireId = r.json().user.id;

  // Single use: the link is spent.
  assert.equal((await accept({ display_name: 'Claire Partenaire', password: PASSWORD })).status, 404);
  assert.equal((await request(`${srv.url}/api/invitations/${mail.token}`)).status, 404);
  assert.equal((await as('alice', 'GET', `/api/communities/${secret.id}/invitations`)).json().items[0].status, 'accepted');
  assert.equal(await auditCount('invitation.accepted', secret.id), 1);
  const account = JSON.parse(await db.run(`SELECT json_build_object('kind', kind, 'verified', email_verified_at IS NOT NULL,
    'hash', password_hash LIKE '$argon2id$%') FROM users WHERE id = ${claireId}`));
  assert.deepEqual(account, { kind: 'guest', verified: true, hash: true });

  // Signed in, the partner sees that one community and nothing else.
  const mine = (await claire('GET', '/api/communities?limit=200')).json();
  assert.deepEqual(mine.items.map((c) => c.id), [secret.id]);
  assert.equal(mine.total, 1);
  assert.equal((await claire('GET', `/api/communities/${other.id}`)).status, 404);
  assert.equal((await claire('POST', `/api/communities/${other.id}/join`)).status, 404);
  assert.equal((await claire('POST', '/api/communities', { name: 'À moi', visibility: 'public' })).status, 403);
  const members = (await claire('GET', `/api/communities/${secret.id}/members`)).json();
  assert.deepEqual(members.items.map((m) => m.user_id).sort(), [people.alice.id, claireId].sort());
  const users = await claire('GET', '/api/users?limit=100');
  assert.equal(users.status, 200, users.text());
  assert.deepEqual(users.json().items.map((u) => u.id).sort(), [people.alice.id, claireId].sort(),
    'the directory shows a guest their co-members only');
  assert.equal((await claire('GET', `/api/users/${people.carole.id}`)).status, 404);

  // Invitations by someone else's session cannot be accepted by anonymous or by a stranger.
  r = await as('alice', 'POST', `/api/communities/${secret.id}/invitations`, { email: people.bob.email, role: 'member' });
  assert.equal(r.status, 201, r.text());
  const bobMail = await invitationMail(people.bob.email);
  assert.equal((await request(`${srv.url}/api/invitations/${bobMail.token}`)).json().account_exists, true);
  const acceptBob = (who, body) => as(who, 'POST', `/api/invitations/${bobMail.token}/accept`, body);
  assert.equal((await acceptBob(null, {})).status, 401);
  assert.equal((await acceptBob(null, { password: PASSWORD })).status, 401, 'a wrong password');
  assert.equal((await acceptBob('carole', {})).status, 403);
  r = await acceptBob('bob', {});
  assert.equal(r.status, 200, r.text());
  assert.equal(r.json().role, 'member', 'staff join as members');
  assert.equal((await as('bob', 'GET', `/api/communities/${secret.id}`)).json().my_role, 'member');

  // Guessing an account's password through an invitation spends the sign-in budget.
  await as('alice', 'POST', `/api/communities/${secret.id}/invitations`, { email: people.carole.email.toUpperCase() });
  const caroleMail = await invitationMail(people.carole.email);
  let blocked = null;
  for (let i = 0; i < 30 && !blocked; i++) {
    const g = await request(`${srv.url}/api/invitations/${caroleMail.token}/accept`, { method: 'POST', body: { password: `devine ${i} ${PASSWORD}` } });
    if (g.status === 429) blocked = g;
    else assert.equal(g.status, 401, g.text());
  }
  assert.ok(blocked, 'wrong passwords end in 429');
  assert.ok(Number(blocked.headers['retry-after']) > 0);
  const login = await request(`${srv.url}/api/session`, { method: 'POST', body: { email: people.carole.email, password: PASSWORD } });
  assert.equal(login.status, 429, 'the same budget as the sign-in form');

  // An address that is already a member.
  assert.equal((await as('alice', 'POST', `/api/communities/${secret.id}/invitations`, { email: address })).status, 409);
  for (const body of [{ email: 'pas-une-adresse' }, { email: 'a@b' }, { email: 'x@y.example', role: 'animator' }, {}]) {
    assert.equal((await as('alice', 'POST', `/api/communities/${secret.id}/invitations`, body)).status, 422, JSON.stringify(body));
  }
  // Only animators invite; the secret community does not exist for others.
  assert.equal((await as('carole', 'POST', `/api/communities/${secret.id}/invitations`, { email: 'z@asso.example' })).status, 404);
  assert.equal((await as('bob', 'POST', `/api/communities/${secret.id}/invitations`, { email: 'z@asso.example' })).status, 403);
});

test('invitations: resending replaces the link, revoking ends it, domains can be restricted', async () => {
  const c = await create('alice', { name: 'Réseau ESMS', visibility: 'restricted' });
  const url = `/api/communities/${c.id}/invitations`;
  await as('alice', 'POST', url, { email: 'directeur@ehpad.example' });
  const first = await invitationMail('directeur@ehpad.example');
  const second = (await as('alice', 'POST', url, { email: 'DIRECTEUR@ehpad.example' })).json();
  const secondMail = await invitationMail('directeur@ehpad.example');
  assert.notEqual(first.token, secondMail.token);
  assert.equal((await request(`${srv.url}/api/invitations/${first.token}`)).status, 404, 'the first link is revoked');
  assert.equal((await request(`${srv.url}/api/invitations/${secondMail.token}`)).status, 200);

  assert.equal((await as('alice', 'DELETE', `${url}/${second.id}`)).status, 204);
  assert.equal((await as('alice', 'DELETE', `${url}/${second.id}`)).status, 409);
  assert.equal((await as('alice', 'DELETE', `${url}/987654321`)).status, 404);
  assert.equal((await request(`${srv.url}/api/invitations/${secondMail.token}`)).status, 404);
  const statuses = (await as('alice', 'GET', url)).json().items.map((x) => x.status);
  assert.deepEqual(statuses, ['revoked', 'revoked']);
  assert.equal(await auditCount('invitation.revoked', c.id), 1);

  // An expired invitation answers like a bad link.
  await as('alice', 'POST', url, { email: 'tardif@ehpad.example' });
  const late = await invitationMail('tardif@ehpad.example');
  await db.run(`UPDATE invitations SET expires_at = now() - interval '1 minute' WHERE email = 'tardif@ehpad.example'`);
  const expired = await request(`${srv.url}/api/invitations/${late.token}`);
  assert.equal(expired.status, 404);
  assert.equal((await request(`${srv.url}/api/invitations/${late.token}/accept`, { method: 'POST', body: { display_name: 'Tardif', password: PASSWORD } })).text(), expired.text());
  assert.equal((await as('alice', 'GET', url)).json().items[0].status, 'expired');

  // A forged or tampered link.
  const t = secondMail.token;
  const tampered = t.slice(0, 10) + (t[10] === 'A' ? 'B' : 'A') + t.slice(11);
  assert.equal((await request(`${srv.url}/api/invitations/${tampered}`)).status, 404);
  assert.equal((await request(`${srv.url}/api/invitations/x/accept`, { method: 'POST', body: {} })).status, 404);

  await db.run(`INSERT INTO platform_settings (key, value) VALUES ('invitations.allowed_domains', '["ars.sante.example", "@chu-sud.example"]')`);
  try {
    const refused = errorOf(await as('alice', 'POST', url, { email: 'quelquun@gmail.example' }), 422);
    assert.match(refused.message, /ars\.sante\.example, chu-sud\.example/);
    assert.equal((await as('alice', 'POST', url, { email: 'agent@ARS.sante.example' })).status, 201);
    assert.equal((await as('alice', 'POST', url, { email: 'interne@chu-sud.example' })).status, 201);
  } finally {
    await db.run(`DELETE FROM platform_settings WHERE key = 'invitations.allowed_domains'`);
  }
});

test('links point to RELAIS_PUBLIC_ORIGIN when it is set', async () => {
  const other = await startServer({ env: { RELAIS_PUBLIC_ORIGIN: 'https://relais.ght-sud.example' } });
  const odb = openPsql(other.databaseUrl);
  try {
    const id = Number(await odb.run(`INSERT INTO users (email, display_name) VALUES ('anim@ght.example', 'Anim') RETURNING id`));
    const s = await makeSession(odb.run, id);
    // Over HTTPS the Origin checked is the public one.
    const headers = { ...s.headers(other.url), Origin: 'https://relais.ght-sud.example' };
    let r = await request(`${other.url}/api/communities`, { method: 'POST', headers, body: { name: 'Espace', visibility: 'public' } });
    assert.equal(r.status, 201, r.text());
    r = await request(`${other.url}/api/communities/${r.json().id}/invitations`, { method: 'POST', headers, body: { email: 'p@asso.example' } });
    assert.equal(r.status, 201, r.text());
    const body = await odb.run(`SELECT body_text FROM email_outbox ORDER BY id DESC LIMIT 1`);
    assert.match(body, /https:\/\/relais\.ght-sud\.example\/invitation\/[A-Za-z0-9_-]+\n/);
  } finally {
    await odb.close();
    assert.equal(await other.stop(), 0, other.stderr());
  }
});
