// communities.mjs — matrix rows for communities, members, join requests and invitations.
// Expectations are written out from docs/design/people-and-rights.md, not derived from code.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';

// A staff member who belongs to none of the four (staff, removed): sees public, restricted
// and archived (public, archived), never secret.
const outside = (pub, restricted, archived) => ({ public: pub, restricted, secret: 404, archived });
// Per community, archived apart.
const live = (v, archived) => ({ public: v, restricted: v, secret: v, archived });

const PASSWORD = 'une phrase de passe assez longue pour la politique';

/** Invitation made by the animator through the API; resolves to the token from the outbox. */
async function inviteToken(ctx, community, email) {
  const res = await ctx.api('animator', 'POST', `/api/communities/${ctx.communities[community].id}/invitations`,
    { email });
  if (res.status !== 201) throw new Error(`setup: invitation answered ${res.status} ${res.text()}`);
  const body = await ctx.sql(`SELECT body_text FROM email_outbox WHERE kind = 'invitation'
    AND to_address = ${ctx.lit(email)} ORDER BY id DESC LIMIT 1`);
  const m = /\/invitation\/([A-Za-z0-9_-]+)/.exec(body);
  if (!m) throw new Error(`setup: no invitation link in ${body}`);
  return m[1];
}

/** Members of community c whom the principal may see (the members list and its count). */
function visibleMembers(ctx, c) {
  return ctx.memberships.filter((m) => m.c === c && ctx.canSeeUser(m.u)).map((m) => m.u);
}

function checkCommunity(item, ctx, key) {
  assert.ok(key, `community ${item.id} is not in the world`);
  assert.ok(ctx.canSeeCommunity(key), `community '${key}' may not be seen by ${ctx.p}`);
  assert.equal(item.my_role, ctx.roleOf(ctx.p, key), `my_role of '${key}'`);
  assert.equal(item.member_count, visibleMembers(ctx, key).length, `member_count of '${key}'`);
  assert.equal(item.archived, ctx.communities[key].archived, `archived of '${key}'`);
}

/** The list holds exactly the world's communities the principal may see (and that match). */
function checkList(json, ctx, match = () => true) {
  const got = json.items.map((it) => {
    const key = ctx.communityKeyById(it.id);
    checkCommunity(it, ctx, key);
    return key;
  }).sort();
  const want = Object.keys(ctx.communities).filter((k) => ctx.canSeeCommunity(k) && match(k)).sort();
  assert.deepEqual(got, want);
  assert.equal(json.total, want.length, 'total');
}

export const rows = [
  {
    method: 'GET',
    path: '/api/communities?limit=200',
    expect: { anonymous: 401, guestOther: 200, guest: 200, staff: 200, member: 200, animator: 200, admin: 200, removed: 200 },
    listCheck: (json, ctx) => checkList(json, ctx),
  },
  {
    method: 'GET',
    path: '/api/communities?mine=1',
    name: 'my communities',
    expect: { anonymous: 401, guestOther: 200, guest: 200, staff: 200, member: 200, animator: 200, admin: 200, removed: 200 },
    listCheck: (json, ctx) => checkList(json, ctx, (k) => ctx.roleOf(ctx.p, k) !== null),
  },
  {
    method: 'GET',
    path: '/api/communities?q=mxespace%20SECRET&visibility=secret',
    name: 'search by name: a secret one only for those who see it',
    expect: { anonymous: 401, guestOther: 200, guest: 200, staff: 200, member: 200, animator: 200, admin: 200, removed: 200 },
    listCheck: (json, ctx) => checkList(json, ctx, (k) => k === 'secret'),
  },
  {
    method: 'POST',
    path: '/api/communities',
    body: (ctx) => ({ name: `Nouvel espace de ${ctx.p}`, description: 'Pour le matrix.', visibility: 'secret' }),
    expect: { anonymous: 401, guestOther: 403, guest: 403, staff: 201, member: 201, animator: 201, admin: 201, removed: 201 },
    listCheck: (json, ctx) => {
      assert.equal(json.my_role, 'animator');
      assert.equal(json.member_count, 1);
    },
  },
  {
    method: 'GET',
    path: '/api/communities/{community}',
    expect: {
      anonymous: 401, guestOther: 404, guest: 200,
      staff: outside(200, 200, 200),
      member: 200, animator: 200, admin: 200,
      removed: outside(200, 200, 200),
    },
    listCheck: (json, ctx) => checkCommunity(json, ctx, ctx.c),
  },
  {
    method: 'PATCH',
    path: '/api/communities/{community}',
    name: 'edit the description',
    body: () => ({ description: 'Nouvelle description.' }),
    expect: {
      anonymous: 401, guestOther: 404, guest: 403,
      staff: outside(403, 403, 403),
      member: 403,
      animator: live(200, 403),
      admin: live(200, 403),
      removed: outside(403, 403, 403),
    },
  },
  {
    method: 'PATCH',
    path: '/api/communities/{community}',
    name: 'archive, or unarchive the archived one',
    body: (ctx) => ({ archived: ctx.c !== 'archived' }),
    expect: {
      anonymous: 401, guestOther: 404, guest: 403,
      staff: outside(403, 403, 403),
      member: 403,
      animator: 200,
      admin: 200,
      removed: outside(403, 403, 403),
    },
  },
  {
    method: 'GET',
    path: '/api/communities/{community}/members',
    expect: {
      anonymous: 401, guestOther: 404, guest: 200,
      staff: outside(200, 403, 200),
      member: 200, animator: 200, admin: 200,
      removed: outside(200, 403, 200),
    },
    listCheck: (json, ctx) => {
      const got = json.items.map((m) => ctx.userKeyById(m.user_id)).sort();
      assert.deepEqual(got, visibleMembers(ctx, ctx.c).sort());
      assert.equal(json.total, got.length);
      for (const m of json.items) assert.equal(m.role, ctx.roleOf(ctx.userKeyById(m.user_id), ctx.c));
    },
  },
  {
    method: 'POST',
    path: '/api/communities/{community}/members',
    name: 'add a staff member',
    body: (ctx) => ({ user_id: ctx.users.candidate.id, role: 'member' }),
    expect: {
      anonymous: 401, guestOther: 404, guest: 403,
      staff: outside(403, 403, 403),
      member: 403,
      animator: live(201, 403),
      admin: live(201, 403),
      removed: outside(403, 403, 403),
    },
  },
  {
    method: 'POST',
    path: '/api/communities/{community}/members',
    name: 'add a person the animator cannot see',
    body: (ctx) => ({ user_id: ctx.users.outsider.id, role: 'guest' }),
    expect: {
      anonymous: 401, guestOther: 404, guest: 403,
      staff: outside(403, 403, 403),
      member: 403,
      animator: live(404, 403),
      admin: live(201, 403),
      removed: outside(403, 403, 403),
    },
  },
  {
    method: 'PATCH',
    path: '/api/communities/{community}/members/{user}',
    name: 'promote the member',
    setup: (ctx) => ({ user: ctx.users.member.id }),
    body: () => ({ role: 'animator' }),
    expect: {
      anonymous: 401, guestOther: 404, guest: 403,
      staff: outside(403, 403, 403),
      member: 403,
      animator: live(200, 403),
      admin: live(200, 403),
      removed: outside(403, 403, 403),
    },
  },
  {
    method: 'PATCH',
    path: '/api/communities/{community}/members/{user}',
    name: 'demote the last animator',
    setup: (ctx) => ({ user: ctx.users.animator.id }),
    body: () => ({ role: 'member' }),
    expect: {
      anonymous: 401, guestOther: 404, guest: 403,
      staff: outside(403, 403, 403),
      member: 403,
      animator: live(409, 403),
      admin: live(409, 403),
      removed: outside(403, 403, 403),
    },
  },
  {
    method: 'DELETE',
    path: '/api/communities/{community}/members/{user}',
    name: 'remove the member (the member leaves)',
    setup: (ctx) => ({ user: ctx.users.member.id }),
    expect: {
      anonymous: 401, guestOther: 404, guest: 403,
      staff: outside(403, 403, 403),
      member: 204,
      animator: live(204, 403),
      admin: live(204, 403),
      removed: outside(403, 403, 403),
    },
  },
  {
    method: 'DELETE',
    path: '/api/communities/{community}/members/{user}',
    name: 'leave (yourself)',
    setup: (ctx) => ({ user: (ctx.user ?? ctx.users.candidate).id }),
    expect: {
      anonymous: 401, guestOther: 404, guest: 204,
      staff: outside(403, 403, 403),
      member: 204,
      animator: 409,
      admin: 403,
      removed: outside(403, 403, 403),
    },
  },
  {
    method: 'POST',
    path: '/api/communities/{community}/join',
    expect: {
      anonymous: 401, guestOther: 404, guest: 409,
      staff: outside(200, 202, 403),
      member: 409, animator: 409,
      admin: { public: 200, restricted: 202, secret: 403, archived: 403 },
      removed: outside(200, 202, 403),
    },
  },
  {
    method: 'DELETE',
    path: '/api/communities/{community}/join',
    name: 'cancel my pending request',
    setup: async (ctx) => {
      // A request exists where asking is allowed: restricted, for staff who are not members.
      if (ctx.c === 'restricted' && ctx.user && ctx.user.kind === 'staff' && !ctx.roleOf(ctx.p, ctx.c)) {
        await ctx.sql(`INSERT INTO join_requests (community_id, user_id)
                       VALUES (${ctx.community.id}, ${ctx.user.id})`);
      }
      return {};
    },
    expect: {
      anonymous: 401, guestOther: 404, guest: 404,
      staff: outside(404, 204, 404),
      member: 404, animator: 404,
      admin: { public: 404, restricted: 204, secret: 404, archived: 404 },
      removed: outside(404, 204, 404),
    },
  },
  {
    method: 'GET',
    path: '/api/communities/{community}/join-requests',
    setup: async (ctx) => {
      if (ctx.c !== 'missing') {
        await ctx.sql(`INSERT INTO join_requests (community_id, user_id, message)
                       VALUES (${ctx.community.id}, ${ctx.users.candidate.id}, 'Bonjour')`);
      }
      return {};
    },
    mutates: true,
    expect: {
      anonymous: 401, guestOther: 404, guest: 403,
      staff: outside(403, 403, 403),
      member: 403, animator: 200, admin: 200,
      removed: outside(403, 403, 403),
    },
    listCheck: (json, ctx) => {
      assert.equal(json.items.length, 1);
      assert.equal(json.items[0].user.id, ctx.users.candidate.id);
      assert.equal(json.items[0].status, 'pending');
    },
  },
  {
    method: 'POST',
    path: '/api/communities/{community}/join-requests/{request}',
    setup: async (ctx) => {
      if (ctx.c === 'missing') return { request: 1 };
      const id = await ctx.sql(`INSERT INTO join_requests (community_id, user_id)
        VALUES (${ctx.community.id}, ${ctx.users.candidate.id}) RETURNING id`);
      return { request: Number(id) };
    },
    body: () => ({ decision: 'approve' }),
    expect: {
      anonymous: 401, guestOther: 404, guest: 403,
      staff: outside(403, 403, 403),
      member: 403,
      animator: live(200, 403),
      admin: live(200, 403),
      removed: outside(403, 403, 403),
    },
  },
  {
    method: 'POST',
    path: '/api/communities/{community}/invitations',
    body: () => ({ email: 'partenaire@association.example', message: 'Bienvenue' }),
    expect: {
      anonymous: 401, guestOther: 404, guest: 403,
      staff: outside(403, 403, 403),
      member: 403,
      animator: live(201, 403),
      admin: 403,
      removed: outside(403, 403, 403),
    },
  },
  {
    method: 'GET',
    path: '/api/communities/{community}/invitations',
    setup: async (ctx) => {
      if (ctx.c !== 'missing') {
        await ctx.sql(`INSERT INTO invitations (community_id, email, invited_by, nonce, expires_at)
          VALUES (${ctx.community.id}, 'invitee@association.example', ${ctx.users.animator.id},
                  '\\x${randomBytes(16).toString('hex')}'::bytea, now() + interval '14 days')`);
      }
      return {};
    },
    mutates: true,
    expect: {
      anonymous: 401, guestOther: 404, guest: 403,
      staff: outside(403, 403, 403),
      member: 403, animator: 200, admin: 200,
      removed: outside(403, 403, 403),
    },
    listCheck: (json, ctx) => {
      assert.equal(json.items.length, 1);
      assert.equal(json.items[0].email, 'invitee@association.example');
      assert.equal(json.items[0].status, 'pending');
    },
  },
  {
    method: 'DELETE',
    path: '/api/communities/{community}/invitations/{invitation}',
    setup: async (ctx) => {
      if (ctx.c === 'missing') return { invitation: 1 };
      const id = await ctx.sql(`INSERT INTO invitations (community_id, email, invited_by, nonce, expires_at)
          VALUES (${ctx.community.id}, 'invitee@association.example', ${ctx.users.animator.id},
                  '\\x${randomBytes(16).toString('hex')}'::bytea, now() + interval '14 days')
          RETURNING id`);
      return { invitation: Number(id) };
    },
    expect: {
      anonymous: 401, guestOther: 404, guest: 403,
      staff: outside(403, 403, 403),
      member: 403,
      animator: live(204, 403),
      admin: live(204, 403),
      removed: outside(403, 403, 403),
    },
  },
  {
    method: 'GET',
    path: '/api/invitations/{token}',
    name: 'a valid link shows its community to whoever holds it',
    setup: async (ctx) => ({ token: await inviteToken(ctx, 'secret', 'nouvelle@association.example') }),
    mutates: true,
    mayReveal: (ctx) => [ctx.communities.secret.name, ctx.communities.secret.slug,
      ctx.users.animator.display_name],
    expect: { anonymous: 200, guestOther: 200, guest: 200, staff: 200, member: 200, animator: 200, admin: 200, removed: 200 },
    listCheck: (json, ctx) => {
      assert.equal(json.community.name, ctx.communities.secret.name);
      assert.equal(json.email, 'nouvelle@association.example');
      assert.equal(json.account_exists, false);
    },
  },
  {
    method: 'GET',
    path: '/api/invitations/{token}',
    name: 'a forged link',
    setup: () => ({ token: randomBytes(80).toString('base64url') }),
    expect: { anonymous: 404, guestOther: 404, guest: 404, staff: 404, member: 404, animator: 404, admin: 404, removed: 404 },
  },
  {
    method: 'POST',
    path: '/api/invitations/{token}/accept',
    name: 'a new partner creates an account',
    setup: async (ctx) => ({ token: await inviteToken(ctx, 'secret', `nouveau.${ctx.p.toLowerCase()}@association.example`) }),
    body: () => ({ display_name: 'Nouveau Partenaire', password: PASSWORD }),
    mayReveal: (ctx) => [ctx.communities.secret.name, ctx.communities.secret.slug,
      ctx.users.animator.display_name],
    expect: { anonymous: 201, guestOther: 201, guest: 201, staff: 201, member: 201, animator: 201, admin: 201, removed: 201 },
  },
  {
    method: 'POST',
    path: '/api/invitations/{token}/accept',
    name: 'an invitation for the staff account: only that account accepts it',
    setup: async (ctx) => ({ token: await inviteToken(ctx, 'secret', ctx.users.staff.email) }),
    body: () => ({}),
    mayReveal: (ctx) => [ctx.communities.secret.name, ctx.communities.secret.slug,
      ctx.users.animator.display_name],
    expect: { anonymous: 401, guestOther: 403, guest: 403, staff: 200, member: 403, animator: 403, admin: 403, removed: 403 },
  },
];
