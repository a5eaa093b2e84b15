// search.mjs — matrix rows for full-text search and completion. The index holds everything; the
// caller's rights are a filter inside each query (server/access/search_keys.c), so each row
// checks that a principal finds exactly what it may see: no more (leaks in hits, totals or
// facets), no less (the index really answered).
import assert from 'node:assert/strict';

const signedIn = (p) => (p === 'anonymous' ? 401 : 200);

/** Waits until the indexer has applied every queued change (world edits included). */
async function indexed(ctx) {
  const until = Date.now() + 30000;
  while (Number(await ctx.sql('SELECT count(*) FROM search_queue')) > 0) {
    if (Date.now() > until) throw new Error('the search queue did not drain within 30 s');
    await new Promise((r) => setTimeout(r, 20));
  }
  return {};
}

function worldKeys(ctx, hits, type, byId) {
  return hits.filter((h) => h.type === type).map((h) => {
    const key = byId(h.id);
    assert.ok(key, `${type} ${h.id} (${h.title}) is not in the world`);
    return key;
  }).sort();
}

export const rows = [
  {
    method: 'GET',
    path: '/api/search?type=community&per_page=50',
    name: 'exactly the communities the principal may see',
    setup: indexed,
    expect: signedIn,
    listCheck: (json, ctx) => {
      const got = worldKeys(ctx, json.hits, 'community', ctx.communityKeyById);
      const want = Object.keys(ctx.communities).filter((c) => ctx.canSeeCommunity(c)).sort();
      assert.deepEqual(got, want);
      assert.equal(json.total, want.length, 'total');
      assert.deepEqual(json.facets.type, want.length ? [{ value: 'community', count: want.length }] : []);
    },
  },
  {
    method: 'GET',
    path: '/api/search?type=person&per_page=50',
    name: 'exactly the people the principal may see',
    setup: indexed,
    expect: signedIn,
    listCheck: (json, ctx) => {
      const got = worldKeys(ctx, json.hits, 'person', ctx.userKeyById);
      const want = Object.keys(ctx.users).filter((u) => ctx.canSeeUser(u)).sort();
      assert.deepEqual(got, want);
      assert.equal(json.total, want.length, 'total');
    },
  },
  {
    method: 'GET',
    path: '/api/search?q=matrix&community={community}',
    name: 'a document is found by the readers of its community only',
    setup: async (ctx) => {
      if (ctx.c !== 'missing') {
        await ctx.sql(`INSERT INTO documents (community_id, title, author_id)
          VALUES (${ctx.community.id}, 'Document du matrix', ${ctx.users.animator.id})`);
      }
      return indexed(ctx);
    },
    after: async (ctx) => { await ctx.sql('DELETE FROM documents'); },
    mutates: true,
    expect: signedIn,
    listCheck: (json, ctx) => {
      const readable = ctx.c !== 'missing' && ctx.canReadCommunity(ctx.c);
      assert.equal(json.hits.length, readable ? 1 : 0, JSON.stringify(json.hits));
      assert.equal(json.total, readable ? 1 : 0, 'total');
      assert.deepEqual(json.facets.community.map((f) => f.id), readable ? [ctx.community.id] : []);
      for (const h of json.hits) assert.equal(h.community.id, ctx.community.id);
    },
  },
  {
    method: 'GET',
    path: '/api/search/suggest?q=Mxespace',
    name: 'completion offers only communities the principal may see',
    setup: indexed,
    expect: signedIn,
    listCheck: (json, ctx) => {
      const got = worldKeys(ctx, json.suggestions, 'community', ctx.communityKeyById);
      const want = Object.keys(ctx.communities).filter((c) => ctx.canSeeCommunity(c)).sort();
      assert.deepEqual(got, want);
    },
  },
  {
    method: 'GET',
    path: '/api/search/suggest?q=Mx',
    name: 'completion offers only people the principal may see',
    setup: indexed,
    expect: signedIn,
    listCheck: (json, ctx) => {
      const got = worldKeys(ctx, json.suggestions, 'person', ctx.userKeyById);
      for (const u of got) assert.ok(ctx.canSeeUser(u), `suggests '${u}'`);
      assert.ok(got.length > 0 || ctx.p === 'anonymous', 'someone is suggested');
    },
  },
];
