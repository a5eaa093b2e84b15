// people.mjs — matrix rows for organisations, the directory, profiles and photos, my profile,
// account administration, platform settings and the audit trail. None depends on a community;
// what differs is who may see whom (docs/design/people-and-rights.md: staff see staff, everyone
// sees the people they share a community with and themselves, guests nobody else, admins all).
import assert from 'node:assert/strict';

const signedIn = (status) => ({
  anonymous: 401, guestOther: status, guest: status, staff: status, member: status,
  animator: status, admin: status, removed: status,
});
const adminOnly = (status) => ({ ...signedIn(403), admin: status });

// A tiny valid PNG (1x1, transparent).
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
  '1f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4c00000000049454e44ae426082', 'hex');

/** 200 for whoever may see world user `target`, 404 (like a missing id) for the others. */
const seeing = (target) => (p, c, ctx) => {
  if (p === 'anonymous') return 401;
  return ctx.canSeeUser(target) ? 200 : 404;
};

/** World users (keys) that the principal may see, among those whose names contain "Mx". */
function visibleWorldUsers(ctx, filter = () => true) {
  return Object.keys(ctx.users).filter((u) => ctx.canSeeUser(u) && filter(ctx.users[u])).sort();
}

function checkPeoplePage(json, ctx, filter) {
  const got = json.items.map((it) => {
    const key = ctx.userKeyById(it.id);
    assert.ok(key, `person ${it.id} (${it.display_name}) is not in the world`);
    assert.ok(ctx.canSeeUser(key), `${ctx.p} may not see '${key}'`);
    return key;
  }).sort();
  const want = visibleWorldUsers(ctx, filter);
  assert.deepEqual(got, want);
  assert.equal(json.total, want.length, 'total');
}

/** A profile lists exactly the target's communities that the principal may see. */
function checkProfile(target) {
  return (json, ctx) => {
    assert.equal(json.id, ctx.users[target].id);
    const got = json.communities.map((c) => {
      const key = ctx.communityKeyById(c.id);
      assert.ok(key, `community ${c.id} is not in the world`);
      assert.equal(c.role, ctx.roleOf(target, key), `role in '${key}'`);
      return key;
    }).sort();
    const want = ctx.memberships.filter((m) => m.u === target && ctx.canSeeCommunity(m.c))
      .map((m) => m.c).sort();
    assert.deepEqual(got, want);
  };
}

function setPhoto(ctx, target, on) {
  return ctx.sql(on
    ? `UPDATE users SET photo = '\\x${PNG.toString('hex')}'::bytea, photo_type = 'image/png'
       WHERE id = ${ctx.users[target].id}`
    : `UPDATE users SET photo = NULL, photo_type = NULL`);
}

const profileRows = ['candidate', 'animator', 'guest', 'guestOther', 'outsider'].map((target) => ({
  method: 'GET',
  path: '/api/users/{user}',
  name: `the profile of ${target}`,
  setup: (ctx) => ({ user: ctx.users[target].id }),
  expect: seeing(target),
  listCheck: checkProfile(target),
}));

export const rows = [
  {
    method: 'GET',
    path: '/api/organisations',
    expect: signedIn(200),
    listCheck: (json, ctx) => {
      // Staff and admins: every organisation; guests: those of the people they may see.
      const names = json.items.map((o) => o.id).sort();
      const all = Object.values(ctx.orgIds).sort();
      const want = ctx.user.kind === 'staff' ? all
        : [...new Set(visibleWorldUsers(ctx).map((u) => ctx.users[u].organisation_id)
          .filter((id) => id !== null))].sort();
      assert.deepEqual(names, want);
    },
  },
  {
    method: 'POST',
    path: '/api/organisations',
    body: (ctx) => ({ kind: 'esms', name: `IME Mxnouveau de ${ctx.p}` }),
    expect: adminOnly(201),
    listCheck: (json) => assert.equal(json.kind, 'esms'),
  },
  {
    method: 'PATCH',
    path: '/api/organisations/{org}',
    setup: (ctx) => ({ org: ctx.orgIds.ars }),
    body: () => ({ name: 'ARS Mxrenommée' }),
    expect: adminOnly(200),
  },
  {
    method: 'GET',
    path: '/api/users?q=mx&limit=100',
    name: 'search: exactly the people I may see, total included',
    expect: signedIn(200),
    listCheck: (json, ctx) => checkPeoplePage(json, ctx),
  },
  {
    method: 'GET',
    path: '/api/users?organisation={org}&limit=100',
    name: 'one organisation (esms)',
    setup: (ctx) => ({ org: ctx.orgIds.esms }),
    expect: signedIn(200),
    listCheck: (json, ctx) => checkPeoplePage(json, ctx, (u) => u.organisation_id === ctx.orgIds.esms),
  },
  ...profileRows,
  {
    method: 'GET',
    path: '/api/users/{user}/photo',
    name: 'the photo of candidate (staff, in no community)',
    setup: async (ctx) => {
      await setPhoto(ctx, 'candidate', true);
      return { user: ctx.users.candidate.id };
    },
    expect: seeing('candidate'),
    after: (ctx) => setPhoto(ctx, 'candidate', false),
  },
  {
    method: 'GET',
    path: '/api/users/{user}/photo',
    name: 'the photo of guest (a partner in the four communities)',
    setup: async (ctx) => {
      await setPhoto(ctx, 'guest', true);
      return { user: ctx.users.guest.id };
    },
    expect: seeing('guest'),
    after: (ctx) => setPhoto(ctx, 'guest', false),
  },
  {
    method: 'PATCH',
    path: '/api/me',
    body: () => ({ job_title: 'Référent Mxmatrice', place: 'Avignon' }),
    expect: signedIn(200),
    listCheck: (json, ctx) => {
      assert.equal(json.id, ctx.user.id);
      assert.equal(json.job_title, 'Référent Mxmatrice');
    },
  },
  {
    method: 'PUT',
    path: '/api/me/photo',
    headers: () => ({ 'Content-Type': 'image/png' }),
    body: () => PNG,
    expect: signedIn(200),
    listCheck: (json, ctx) => {
      assert.equal(json.id, ctx.user.id);
      assert.equal(json.has_photo, true);
    },
    after: (ctx) => setPhoto(ctx, null, false),
  },
  {
    method: 'DELETE',
    path: '/api/me/photo',
    expect: signedIn(204),
  },
  {
    method: 'GET',
    path: '/api/admin/users?limit=100',
    expect: adminOnly(200),
    listCheck: (json, ctx) => {
      const got = json.items.map((u) => ctx.userKeyById(u.id)).sort();
      assert.deepEqual(got, Object.keys(ctx.users).sort());
      assert.equal(json.total, got.length);
    },
  },
  {
    method: 'POST',
    path: '/api/admin/users',
    body: (ctx) => ({ email: `nouveau.${ctx.p.toLowerCase()}@matrix.example`,
      display_name: `Nouveau Mxcompte ${ctx.p}`, organisation_id: ctx.orgIds.ght }),
    expect: adminOnly(201),
    listCheck: (json) => assert.equal(json.has_password, false),
  },
  {
    method: 'PATCH',
    path: '/api/admin/users/{user}',
    name: 'suspend candidate',
    setup: (ctx) => ({ user: ctx.users.candidate.id }),
    body: () => ({ status: 'suspended' }),
    expect: adminOnly(200),
    listCheck: (json) => assert.equal(json.status, 'suspended'),
  },
  {
    method: 'GET',
    path: '/api/admin/settings',
    expect: adminOnly(200),
    listCheck: (json) => assert.ok(Array.isArray(json['invitations.allowed_domains'])),
  },
  {
    method: 'PUT',
    path: '/api/admin/settings',
    body: () => ({ 'invitations.allowed_domains': ['matrix.example'] }),
    expect: adminOnly(200),
    listCheck: (json) => assert.deepEqual(json['invitations.allowed_domains'], ['matrix.example']),
  },
  {
    method: 'GET',
    path: '/api/audit?limit=50',
    expect: adminOnly(200),
    listCheck: (json) => assert.ok(Array.isArray(json.items)),
  },
  {
    method: 'GET',
    path: '/api/audit.csv?action=access',
    expect: adminOnly(200),
  },
];
