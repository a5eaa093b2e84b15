// documents.mjs — matrix rows for the document library: folders, documents, versions, locks,
// downloads. Rights come from the community (docs/design/people-and-rights.md): READ to list,
// open and download; WRITE (any member, guests included, not while archived) to add; the
// community's animators (and admins, for folders) for what touches others' work. A document
// or folder the principal may not read answers exactly like a missing one.

const MISSING_DOC = 987654321;

// The bytes every world document points at, uploaded once through the API (so the blob exists
// in the server's store); their SHA-256 is read back from the database.
let seedSha = null;

async function seed(ctx) {
  if (seedSha) return seedSha;
  const id = await newDocument(ctx, 'public', '00'.repeat(32));
  const res = await ctx.api('animator', 'PUT', `/api/documents/${id}/content`, Buffer.from('Contenu du matrix\n'));
  if (res.status !== 201) throw new Error(`seed upload answered ${res.status} ${res.text()}`);
  seedSha = await ctx.sql(`SELECT encode(sha256, 'hex') FROM document_versions WHERE document_id = ${id} AND number = 2`);
  await ctx.sql(`DELETE FROM documents WHERE id = ${id}`);
  return seedSha;
}

/** A document of community c (world key) by the animator, version 1 = the seed bytes. */
async function newDocument(ctx, c, sha) {
  const cid = ctx.communities[c].id;
  const author = ctx.users.animator.id;
  const id = Number(await ctx.sql(`INSERT INTO documents (community_id, title, author_id, version_count,
    current_version) VALUES (${cid}, 'Document du matrix', ${author}, 1, 1) RETURNING id`));
  await ctx.sql(`INSERT INTO document_versions (document_id, number, sha256, size, media_type, filename,
    author_id, text_status) VALUES (${id}, 1, decode(${ctx.lit(sha)}, 'hex'), 18, 'text/plain', 'matrix.txt',
    ${author}, 'none')`);
  return id;
}

async function docSetup(ctx) {
  if (ctx.c === 'missing') return { doc: MISSING_DOC, n: 1 };
  return { doc: await newDocument(ctx, ctx.c, await seed(ctx)), n: 1 };
}

async function folderSetup(ctx) {
  if (ctx.c === 'missing') return { folder: MISSING_DOC };
  const id = await ctx.sql(`INSERT INTO folders (community_id, name, created_by)
    VALUES (${ctx.community.id}, 'Dossier du matrix', ${ctx.users.animator.id}) RETURNING id`);
  return { folder: Number(id) };
}

const cleanup = async (ctx) => {
  await ctx.sql('DELETE FROM documents; DELETE FROM folders; DELETE FROM tags');
};

const archived = (ctx, c) => ctx.communities[c].archived;
const member = (ctx, p, c) => ctx.roleOf(p, c) !== null;

/** Routes on the community itself: 403 when it is visible but not readable. */
function readCommunity(p, c, ctx, ok = 200) {
  if (p === 'anonymous') return 401;
  if (c === 'missing') return 404;
  if (ctx.canReadCommunity(c)) return ok;
  return ctx.canSeeCommunity(c) ? 403 : 404;
}

function writeCommunity(p, c, ctx, ok) {
  const read = readCommunity(p, c, ctx, 0);
  if (read !== 0) return read;
  return member(ctx, p, c) && !archived(ctx, c) ? ok : 403;
}

/** Routes on one document or folder: hidden (404) unless the community is readable. */
function readObject(p, c, ctx, ok = 200) {
  if (p === 'anonymous') return 401;
  if (c === 'missing' || !ctx.canReadCommunity(c)) return 404;
  return ok;
}

function writeObject(p, c, ctx, ok) {
  const read = readObject(p, c, ctx, 0);
  if (read !== 0) return read;
  return member(ctx, p, c) && !archived(ctx, c) ? ok : 403;
}

/** Animators' actions (trash someone else's document, break a lock): WRITE first, then the role. */
function animatorObject(p, c, ctx, ok) {
  const w = writeObject(p, c, ctx, ok);
  if (w !== ok) return w;
  return ctx.roleOf(p, c) === 'animator' ? ok : 403;
}

function multipart(fields, name, data) {
  const boundary = '----relaismatrix';
  const parts = Object.entries(fields).map(([k, v]) =>
    `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`);
  parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\n`
    + 'Content-Type: text/plain\r\n\r\n');
  return Buffer.concat([Buffer.from(parts.join('')), Buffer.from(data), Buffer.from(`\r\n--${boundary}--\r\n`)]);
}
const MULTIPART = { 'Content-Type': 'multipart/form-data; boundary=----relaismatrix' };

/** ACL_EDIT on the community: its animators and administrators, not while archived. */
function animatorCommunity(p, c, ctx, ok) {
  if (p === 'anonymous') return 401;
  if (c === 'missing' || !ctx.canSeeCommunity(c)) return 404;
  if (archived(ctx, c)) return 403;
  return ctx.roleOf(p, c) === 'animator' || ctx.user.admin ? ok : 403;
}

async function trashSetup(ctx) {
  const vars = await docSetup(ctx);
  if (ctx.c !== 'missing') {
    await ctx.sql(`UPDATE documents SET deleted_at = now(), deleted_by = ${ctx.users.member.id} WHERE id = ${vars.doc}`);
  }
  return vars;
}

const docRow = (row) => ({ perCommunity: true, setup: docSetup, after: cleanup, ...row });
const folderRow = (row) => ({ perCommunity: true, setup: folderSetup, after: cleanup, ...row });

export const rows = [
  {
    method: 'GET',
    path: '/api/communities/{community}/folders',
    setup: folderSetup,
    after: cleanup,
    expect: (p, c, ctx) => readCommunity(p, c, ctx),
  },
  {
    method: 'POST',
    path: '/api/communities/{community}/folders',
    body: () => ({ name: 'Nouveau dossier' }),
    expect: (p, c, ctx) => writeCommunity(p, c, ctx, 201),
    after: cleanup,
  },
  folderRow({ method: 'GET', path: '/api/folders/{folder}', expect: (p, c, ctx) => readObject(p, c, ctx) }),
  folderRow({
    method: 'PATCH',
    path: '/api/folders/{folder}',
    body: () => ({ name: 'Dossier renommé' }),
    expect: (p, c, ctx) => writeObject(p, c, ctx, 200),
  }),
  folderRow({
    method: 'DELETE',
    path: '/api/folders/{folder}',
    // The animators' (ACL_EDIT): administrators too, where they may read.
    expect: (p, c, ctx) => {
      const read = readObject(p, c, ctx, 0);
      if (read !== 0) return read;
      if (archived(ctx, c)) return 403;
      return ctx.roleOf(p, c) === 'animator' || ctx.user.admin ? 204 : 403;
    },
  }),
  {
    method: 'GET',
    path: '/api/communities/{community}/documents?limit=200',
    setup: docSetup,
    after: cleanup,
    expect: (p, c, ctx) => readCommunity(p, c, ctx),
    listCheck: (json, ctx) => {
      if (json.total !== 1 || json.items.length !== 1 || json.items[0].id !== ctx.vars.doc) {
        throw new Error(`expected exactly document ${ctx.vars.doc}, got ${JSON.stringify(json.items.map((d) => d.id))}`);
      }
      if (json.items[0].community_id !== ctx.community.id) throw new Error('community_id');
    },
  },
  {
    method: 'POST',
    path: '/api/communities/{community}/documents',
    body: () => multipart({ title: 'Déposé par le matrix' }, 'depot.txt', 'Dépôt du matrix\n'),
    headers: () => MULTIPART,
    expect: (p, c, ctx) => writeCommunity(p, c, ctx, 201),
    after: cleanup,
  },
  docRow({ method: 'GET', path: '/api/documents/{doc}', expect: (p, c, ctx) => readObject(p, c, ctx) }),
  docRow({
    method: 'PATCH',
    path: '/api/documents/{doc}',
    name: 'submit for review (any writer)',
    body: () => ({ status: 'in_review' }),
    expect: (p, c, ctx) => writeObject(p, c, ctx, 200),
  }),
  docRow({
    method: 'DELETE',
    path: '/api/documents/{doc}',
    name: "someone else's document: the animators'",
    expect: (p, c, ctx) => animatorObject(p, c, ctx, 204),
  }),
  docRow({ method: 'GET', path: '/api/documents/{doc}/versions', expect: (p, c, ctx) => readObject(p, c, ctx) }),
  docRow({
    method: 'POST',
    path: '/api/documents/{doc}/versions',
    body: () => multipart({ comment: 'par le matrix' }, 'v2.txt', 'Deuxième version\n'),
    headers: () => MULTIPART,
    expect: (p, c, ctx) => writeObject(p, c, ctx, 201),
  }),
  docRow({ method: 'GET', path: '/api/documents/{doc}/content', expect: (p, c, ctx) => readObject(p, c, ctx) }),
  docRow({
    method: 'PUT',
    path: '/api/documents/{doc}/content',
    body: () => Buffer.from('Version brute du matrix\n'),
    headers: () => ({ 'Content-Type': 'application/octet-stream' }),
    expect: (p, c, ctx) => writeObject(p, c, ctx, 201),
  }),
  docRow({
    method: 'GET',
    path: '/api/documents/{doc}/versions/{n}/content',
    expect: (p, c, ctx) => readObject(p, c, ctx),
  }),
  docRow({
    method: 'POST',
    path: '/api/documents/{doc}/versions/{n}/restore',
    expect: (p, c, ctx) => writeObject(p, c, ctx, 201),
  }),
  {
    method: 'GET',
    path: '/api/communities/{community}/trash',
    setup: trashSetup,
    after: cleanup,
    expect: (p, c, ctx) => animatorCommunity(p, c, ctx, 200),
    listCheck: (json, ctx) => {
      if (json.items.length !== 1 || json.items[0].id !== ctx.vars.doc) throw new Error('the trashed document');
    },
  },
  {
    method: 'POST',
    path: '/api/communities/{community}/trash/{doc}/restore',
    setup: trashSetup,
    after: cleanup,
    expect: (p, c, ctx) => animatorCommunity(p, c, ctx, 200),
  },
  {
    method: 'GET',
    path: '/api/communities/{community}/export.zip',
    setup: docSetup,
    after: cleanup,
    expect: (p, c, ctx) => readCommunity(p, c, ctx),
  },
  folderRow({ method: 'GET', path: '/api/folders/{folder}/export.zip', expect: (p, c, ctx) => readObject(p, c, ctx) }),
  docRow({ method: 'POST', path: '/api/documents/{doc}/lock', expect: (p, c, ctx) => writeObject(p, c, ctx, 200) }),
  docRow({
    method: 'DELETE',
    path: '/api/documents/{doc}/lock',
    name: 'not locked: harmless for writers',
    expect: (p, c, ctx) => writeObject(p, c, ctx, 200),
  }),
];
