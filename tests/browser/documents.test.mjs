// The document library in a real browser against the real server: a PDF's versions (add, restore, see it in the page in the browser's viewer, download an old one and check its bytes), folders and uploads of several files with their progress, sorting (by size too), the check-out lock between two people, the validation workflow with its comments and history, the trash, and a 360 px phone.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import {
  startApp, launchBrowser, openPage, visit, waitForPage, screenshotPath,
  createUser, sql, apiAs, signInThroughPage, dropExpectedHttpErrors, DESKTOP, SMALL_PHONE,
} from './support.mjs';

// The largest upload the server under test accepts (RELAIS_MAX_UPLOAD), small so that a "too large" file is quick to make.
const MAX_UPLOAD = 1024 * 1024;

/** A small valid one-page PDF saying text. */
function pdf(text) {
  const stream = `BT /F1 18 Tf 72 720 Td (${text}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
// A 1×1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

describe('document library', () => {
  let app;
  let browser;
  let animator;
  let member;
  let colleague;
  let community;
  let asMember;

  before(async () => {
    app = await startApp({ env: { RELAIS_MAX_UPLOAD: String(MAX_UPLOAD) } });
    browser = await launchBrowser();
    animator = await createUser(app, {
      email: 'claire.martin@ght-vaucluse.fr', name: 'Claire Martin', password: 'Lavande-Ventoux-2024!',
      org: 'GHT Vaucluse', orgKind: 'ght', jobTitle: 'Cadre supérieure de santé',
    });
    member = await createUser(app, {
      email: 'julien.roux@ght-vaucluse.fr', name: 'Julien Roux', password: 'Garrigue-Sorgue-Matin',
      org: 'GHT Vaucluse', orgKind: 'ght', jobTitle: 'Infirmier coordinateur',
    });
    colleague = await createUser(app, {
      email: 'nadia.benali@ght-vaucluse.fr', name: 'Nadia Benali', password: 'Cigale-Platane-Fontaine',
      org: 'GHT Vaucluse', orgKind: 'ght', jobTitle: 'Pharmacienne',
    });
    const asAnimator = await apiAs(app, animator);
    const res = await asAnimator.call('POST', '/api/communities', {
      name: 'Hygiène et prévention des infections', visibility: 'restricted',
      description: 'Protocoles, audits et retours d’expérience des équipes opérationnelles d’hygiène du GHT.',
    });
    assert.equal(res.status, 201, JSON.stringify(res.json));
    community = res.json;
    for (const person of [member, colleague]) {
      const added = await asAnimator.call('POST', `/api/communities/${community.id}/members`, { user_id: person.id, role: 'member' });
      assert.equal(added.status, 201, JSON.stringify(added.json));
    }
    asMember = await apiAs(app, member);
  });

  after(async () => {
    await browser?.close();
    await app?.stop();
  });

  /** Runs fn with a fresh page; fails on console errors, page errors or CSP violations other than the expected HTTP answers. */
  async function journey({ viewport = DESKTOP, expected = [] } = {}, fn) {
    const { context, page, problems } = await openPage(browser, { viewport });
    try {
      await fn(page, context);
      dropExpectedHttpErrors(problems, expected);
      assert.deepEqual(problems, [], 'console errors, page errors or CSP violations');
    } finally {
      await context.close();
    }
  }

  const toastText = (page, text) => page.locator('.toast').filter({ hasText: text }).first().waitFor();

  async function fitsWidth(page) {
    const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
    assert.ok(scrollWidth <= innerWidth, `${page.url()} is ${scrollWidth}px wide in a ${innerWidth}px viewport`);
    assert.doesNotMatch(await page.locator('main').innerText(), /\bnull\b|\bundefined\b|\[object Object\]|NaN/);
  }

  /** Uploads a document as the member through the API (multipart), for the journeys that start from one. */
  async function seedDocument(title, bytes, filename, folderId = null) {
    const { request } = await import('../lib/harness.mjs');
    const boundary = `----relais${Date.now()}`;
    const parts = [
      `--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\n${title}\r\n`,
      folderId ? `--${boundary}\r\nContent-Disposition: form-data; name="folder_id"\r\n\r\n${folderId}\r\n` : '',
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ].join('');
    const body = Buffer.concat([Buffer.from(parts), bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]);
    const login = await request(`${app.url}/api/session`, { method: 'POST', body: { email: member.email, password: member.password }, headers: { Origin: app.url } });
    const cookie = [].concat(login.headers['set-cookie']).map((c) => c.split(';')[0]).join('; ');
    const res = await request(`${app.url}/api/communities/${community.id}/documents`, {
      method: 'POST', body,
      headers: { Cookie: cookie, 'X-CSRF-Token': login.json().csrf_token, Origin: app.url, 'Content-Type': `multipart/form-data; boundary=${boundary}` },
    });
    assert.equal(res.status, 201, res.text());
    return res.json();
  }

  test('a PDF: upload, a second version, restore the first, see it in the page, download the old version', () => journey({}, async (page) => {
    const v1 = pdf('Protocole hygiene des mains - version 1');
    const v2 = pdf('Protocole hygiene des mains - version 2 relue');
    await signInThroughPage(page, app.url, member, `/connexion?suite=${encodeURIComponent(`/communautes/${community.id}`)}`);
    await page.getByRole('link', { name: 'Documents' }).click();
    await page.waitForURL(`${app.url}/communautes/${community.id}/documents`);
    await waitForPage(page);
    assert.equal(await page.locator('h1').innerText(), 'Documents');
    await page.getByText('Aucun document pour l’instant').waitFor();

    // The picker: one file, its progress row, then its link.
    await page.locator('#library-file-input').setInputFiles({ name: 'protocole-mains.pdf', mimeType: 'application/pdf', buffer: v1 });
    const row = page.locator('.upload-row').filter({ hasText: 'protocole-mains.pdf' });
    await row.getByRole('link', { name: '«\u00a0protocole-mains.pdf\u00a0» ajouté.' }).waitFor();
    assert.equal(await row.locator('progress').getAttribute('value'), '100');
    const list = page.locator('.doc-list');
    await list.getByRole('link', { name: 'protocole-mains.pdf' }).click();
    await page.waitForURL(/\/documents\/\d+$/);
    await waitForPage(page);
    const id = Number(new URL(page.url()).pathname.split('/').pop());
    assert.equal(await page.locator('h1').innerText(), 'protocole-mains.pdf');

    // Rename through the details form.
    await page.getByText('Modifier les informations').click();
    await page.getByLabel('Titre').fill('Protocole hygiène des mains');
    await page.getByLabel('Étiquettes (facultatif)').fill('hygiène, protocole');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await toastText(page, 'Informations enregistrées.');
    await page.locator('h1', { hasText: 'Protocole hygiène des mains' }).waitFor();

    // A second version with a comment and its progress.
    await page.getByLabel('Fichier', { exact: true }).setInputFiles({ name: 'protocole-mains-v2.pdf', mimeType: 'application/pdf', buffer: v2 });
    await page.getByLabel('Ce qui a changé (facultatif)').fill('Relecture par l’équipe opérationnelle d’hygiène');
    await page.getByRole('button', { name: 'Envoyer la version' }).click();
    await toastText(page, 'Version 2 déposée.');
    const versions = page.locator('.version-table');
    await versions.getByText('Relecture par l’équipe opérationnelle d’hygiène').waitFor();

    // Restore version 1: it becomes version 3.
    await versions.getByRole('button', { name: 'Restaurer la version 1' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Restaurer' }).click();
    await toastText(page, 'Version 1 restaurée\u00a0: elle est maintenant la version 3.');
    await versions.getByText('Restauration de la version 1').waitFor();
    const doc = (await asMember.call('GET', `/api/documents/${id}`)).json;
    assert.equal(doc.current_version, 3);
    assert.equal(doc.file.sha256, sha256(v1), 'the current version holds the first version’s bytes');

    // In the page: the preview frames the current content (the browser's own PDF viewer). The
    // frame's answer is the PDF itself, 200 application/pdf, and framing is allowed (our origin
    // only): a refused frame would show Chromium's error page and log a console error.
    const framed = page.waitForResponse((res) => res.url() === `${app.url}/api/documents/${id}/content?v=3` && res.request().resourceType() === 'document');
    const finished = page.waitForEvent('requestfinished', (req) => req.url() === `${app.url}/api/documents/${id}/content?v=3` && req.resourceType() === 'document');
    await visit(page, app.url, `/documents/${id}`);
    const frame = page.locator('iframe.preview__frame');
    assert.equal(await frame.getAttribute('src'), `/api/documents/${id}/content?v=3`);
    assert.equal(await frame.getAttribute('title'), 'Aperçu de «\u00a0Protocole hygiène des mains\u00a0»');
    const response = await framed;
    assert.equal(response.status(), 200);
    assert.equal(response.headers()['content-type'], 'application/pdf');
    assert.match(response.headers()['content-disposition'], /^inline;/);
    assert.equal(response.headers()['x-frame-options'], 'SAMEORIGIN');
    assert.match(response.headers()['content-security-policy'], /frame-ancestors 'self'/);
    assert.equal(response.frame(), await (await frame.elementHandle()).contentFrame(), 'the answer went to the preview frame');
    const request = await finished;
    assert.equal(request.failure(), null);
    assert.equal((await request.response()).status(), 200);
    const inFrame = page.frames().find((f) => f.url() === `${app.url}/api/documents/${id}/content?v=3`);
    assert.ok(inFrame, `the frame shows the PDF, not an error page: ${page.frames().map((f) => f.url()).join(', ')}`);
    assert.equal(inFrame.parentFrame(), page.mainFrame());
    // The actions stay: download, open in a new tab (header) and read the PDF (under the frame).
    assert.equal(await page.getByRole('link', { name: 'Télécharger', exact: true }).getAttribute('href'), `/api/documents/${id}/content?download=1`);
    assert.equal(await page.getByRole('link', { name: 'Ouvrir dans un nouvel onglet' }).getAttribute('target'), '_blank');
    const open = page.locator('.preview__note').getByRole('link', { name: 'Lire le PDF' });
    assert.equal(await open.getAttribute('target'), '_blank');
    const src = await open.getAttribute('href');
    assert.match(src, new RegExp(`^/api/documents/${id}/content`));
    const served = await page.evaluate(async (href) => {
      const res = await fetch(href, { credentials: 'same-origin' });
      return { status: res.status, type: res.headers.get('Content-Type'), disposition: res.headers.get('Content-Disposition'), size: (await res.arrayBuffer()).byteLength };
    }, src);
    assert.equal(served.status, 200);
    assert.equal(served.type, 'application/pdf');
    assert.match(served.disposition, /^inline;/);
    assert.equal(served.size, v1.length);

    // Download the old version 2: the very bytes that were sent.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      versions.getByRole('link', { name: 'Télécharger la version 2' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), 'protocole-mains-v2.pdf');
    const bytes = await readFile(await download.path());
    assert.equal(sha256(bytes), sha256(v2));
    await page.screenshot({ path: screenshotPath('document-desktop'), fullPage: true });
  }));

  test('folders, several files at once by picker and by drag and drop, each with its progress; a file too large is refused clearly', () => journey({
    expected: [{ path: /\/api\/communities\/\d+\/documents\)/, status: 413 }, { path: /\/api\/folders\/\d+\)/, status: 409 }],
  }, async (page) => {
    await signInThroughPage(page, app.url, animator, `/connexion?suite=${encodeURIComponent(`/communautes/${community.id}/documents`)}`);
    await page.getByRole('button', { name: 'Nouveau dossier' }).click();
    await page.getByRole('dialog').getByLabel('Nom du dossier').fill('Audits 2026');
    await page.getByRole('dialog').getByRole('button', { name: 'Créer le dossier' }).click();
    await page.waitForURL(/\/documents\/dossiers\/\d+$/);
    await waitForPage(page);
    assert.equal(await page.locator('h1').innerText(), 'Audits 2026');
    const breadcrumb = page.getByRole('navigation', { name: 'Fil d’Ariane' });
    assert.match(await breadcrumb.innerText(), /Hygiène et prévention des infections[\s\S]*Documents[\s\S]*Audits 2026/);
    const folderId = Number(new URL(page.url()).pathname.split('/').pop());

    // A subfolder, renamed.
    await page.getByRole('button', { name: 'Nouveau dossier' }).click();
    await page.getByRole('dialog').getByLabel('Nom du dossier').fill('Blocs');
    await page.getByRole('dialog').getByLabel('Nom du dossier').press('Enter');
    await page.waitForURL((url) => url.pathname !== `/communautes/${community.id}/documents/dossiers/${folderId}`);
    await waitForPage(page);
    await page.getByRole('button', { name: 'Renommer' }).click();
    await page.getByRole('dialog').getByLabel('Nom du dossier').fill('Blocs opératoires');
    await page.getByRole('dialog').getByRole('button', { name: 'Renommer' }).click();
    await toastText(page, 'Dossier renommé en «\u00a0Blocs opératoires\u00a0».');
    await page.locator('h1', { hasText: 'Blocs opératoires' }).waitFor();
    assert.match(await breadcrumb.innerText(), /Audits 2026[\s\S]*Blocs opératoires/);
    await breadcrumb.getByRole('link', { name: 'Audits 2026' }).click();
    await waitForPage(page);
    await page.getByRole('region', { name: 'Dossiers' }).getByRole('link', { name: 'Blocs opératoires' }).waitFor();

    // Three files at once through the picker, one progress bar each.
    await page.locator('#library-file-input').setInputFiles([
      { name: 'audit-mains.pdf', mimeType: 'application/pdf', buffer: pdf('Audit hygiene des mains 2026') },
      { name: 'affiche.png', mimeType: 'image/png', buffer: PNG },
      { name: 'compte-rendu.md', mimeType: 'text/markdown', buffer: Buffer.from('# Compte rendu\n\nRéunion de l’**EOH** du 12 mars.\n\n- audit des *mains*\n- [HAS](https://www.has-sante.fr)\n- [piège](javascript:alert(1))\n\n<script>alert(1)</script>\n') },
    ]);
    const rows = page.locator('.upload-row');
    await page.waitForFunction(() => document.querySelectorAll('.upload-row[data-state="done"]').length === 3);
    assert.equal(await rows.count(), 3);
    for (const value of await rows.locator('progress').evaluateAll((bars) => bars.map((b) => b.value))) assert.equal(value, 100);
    assert.equal(await page.locator('.upload-list').getAttribute('aria-live'), 'polite');
    // The list refreshes as the files land.
    await page.waitForFunction(() => document.querySelectorAll('.doc-list > li').length === 3);

    // Two more dropped on the library, and one too large for the server.
    await page.evaluate((size) => {
      const dt = new DataTransfer();
      dt.items.add(new File(['Liste des correspondants hygiène par service.\n'], 'correspondants.txt', { type: 'text/plain' }));
      dt.items.add(new File([new Uint8Array(size)], 'video-formation.bin', { type: 'application/octet-stream' }));
      const zone = document.getElementById('library-dropzone');
      zone.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dt, bubbles: true, cancelable: true }));
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, MAX_UPLOAD * 3);
    await page.locator('.upload-row[data-state="done"]').filter({ hasText: 'correspondants.txt' }).waitFor();
    const refused = page.locator('.upload-row[data-state="error"]').filter({ hasText: 'video-formation.bin' });
    await refused.waitFor();
    assert.match(await refused.innerText(), /«\u00a0video-formation\.bin\u00a0» n’a pas été envoyé\. (Le fichier dépasse la taille autorisée|La connexion a été interrompue)/);
    await page.waitForFunction(() => document.querySelectorAll('.doc-list > li').length === 4);
    assert.equal(await sql(app, `SELECT count(*) FROM documents WHERE folder_id = ${folderId}`), '4');

    // Sorting and filtering through the list API.
    await page.getByLabel('Type').selectOption({ label: 'Images' });
    await page.waitForFunction(() => document.querySelectorAll('.doc-list > li').length === 1);
    assert.match(await page.locator('.doc-list').innerText(), /affiche\.png/);
    assert.equal(new URL(page.url()).searchParams.get('type'), 'image/');
    await page.getByLabel('Type').selectOption('');
    await page.getByLabel('Statut').selectOption({ label: 'Validé' });
    await page.getByText('Aucun document ne correspond à ces filtres').waitFor();
    await page.getByRole('button', { name: 'Effacer les filtres' }).click();
    await page.waitForFunction(() => document.querySelectorAll('.doc-list > li').length === 4);
    await page.getByLabel('Trier par').selectOption('created');
    await page.waitForFunction(() => document.querySelector('.doc-list > li .list__title')?.textContent === 'correspondants.txt');
    // Largest first: the PDF (about 600 bytes), the Markdown (about 200), the PNG (70), the text (46).
    await page.getByLabel('Trier par').selectOption({ label: 'Taille (la plus grande d’abord)' });
    await page.waitForFunction(() => document.querySelector('.doc-list > li .list__title')?.textContent === 'audit-mains.pdf');
    assert.deepEqual(await page.locator('.doc-list .list__title').allInnerTexts(), ['audit-mains.pdf', 'compte-rendu.md', 'affiche.png', 'correspondants.txt']);
    assert.deepEqual(await page.locator('.doc-list .list__title').allInnerTexts(),
      (await sql(app, `SELECT string_agg(d.title, ',' ORDER BY v.size DESC) FROM documents d JOIN document_versions v ON v.document_id = d.id AND v.number = d.current_version WHERE d.folder_id = ${folderId} AND d.deleted_at IS NULL`)).split(','));
    assert.equal(new URL(page.url()).searchParams.get('tri'), 'size');

    // The Markdown preview is built from nodes: a link to https, not to javascript:, and no script.
    await page.locator('.doc-list').getByRole('link', { name: 'compte-rendu.md' }).click();
    await waitForPage(page);
    const preview = page.locator('.markdown');
    await preview.getByRole('heading', { name: 'Compte rendu' }).waitFor();
    assert.equal(await preview.locator('strong').innerText(), 'EOH');
    assert.equal(await preview.getByRole('link', { name: 'HAS' }).getAttribute('href'), 'https://www.has-sante.fr/');
    assert.equal(await preview.locator('a[href^="javascript"]').count(), 0);
    assert.equal(await preview.locator('script').count(), 0);
    assert.match(await preview.innerText(), /<script>alert\(1\)<\/script>/);
    assert.match(await page.locator('.document-facts').innerText(), /Audits 2026/);

    // The image is shown inline; the whole library exports as a ZIP.
    await visit(page, app.url, `/communautes/${community.id}/documents/dossiers/${folderId}`);
    await page.locator('.doc-list').getByRole('link', { name: 'affiche.png' }).click();
    await waitForPage(page);
    await page.locator('img.preview__image').waitFor();
    assert.ok(await page.locator('img.preview__image').evaluate((img) => img.complete && img.naturalWidth === 1));
    await visit(page, app.url, `/communautes/${community.id}/documents/dossiers/${folderId}`);
    const [zip] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Exporter le dossier (ZIP)' }).click()]);
    const zipBytes = await readFile(await zip.path());
    assert.equal(zipBytes.subarray(0, 2).toString(), 'PK');

    // A document moves to another folder from its page; a folder moves under another.
    await page.locator('.doc-list').getByRole('link', { name: 'correspondants.txt' }).click();
    await waitForPage(page);
    await page.getByRole('button', { name: 'Déplacer' }).click();
    await page.getByRole('dialog').getByLabel('Dossier de destination').selectOption({ label: 'Audits 2026 / Blocs opératoires' });
    await page.getByRole('dialog').getByRole('button', { name: 'Déplacer' }).click();
    await toastText(page, 'Document déplacé dans «\u00a0Audits 2026 / Blocs opératoires\u00a0».');
    await page.getByRole('navigation', { name: 'Fil d’Ariane' }).getByRole('link', { name: 'Blocs opératoires' }).click();
    await waitForPage(page);
    await page.locator('.doc-list').getByRole('link', { name: 'correspondants.txt' }).waitFor();
    await page.getByRole('button', { name: 'Déplacer' }).click();
    await page.getByRole('dialog').getByLabel('Dossier de destination').selectOption({ label: 'Racine de la bibliothèque' });
    await page.getByRole('dialog').getByRole('button', { name: 'Déplacer' }).click();
    await toastText(page, 'Dossier «\u00a0Blocs opératoires\u00a0» déplacé.');
    assert.equal(await sql(app, `SELECT parent_id IS NULL FROM folders WHERE name = 'Blocs opératoires'`), 't');
    await visit(page, app.url, `/communautes/${community.id}/documents/dossiers/${folderId}`);
    await page.getByRole('button', { name: 'Déplacer' }).click();
    const choices = await page.getByRole('dialog').getByLabel('Dossier de destination').locator('option').allInnerTexts();
    assert.ok(!choices.includes('Audits 2026'), 'a folder cannot move into itself');
    await page.getByRole('dialog').getByRole('button', { name: 'Annuler' }).click();

    // A folder that is not empty cannot be deleted; an empty one can.
    await page.getByRole('button', { name: 'Supprimer le dossier' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Supprimer le dossier' }).click();
    await page.locator('#toasts-assertive .toast').filter({ hasText: 'Ce dossier n’est pas vide' }).waitFor();
    await visit(page, app.url, `/communautes/${community.id}/documents`);
    await page.getByRole('region', { name: 'Dossiers' }).getByRole('link', { name: 'Blocs opératoires' }).click();
    await waitForPage(page);
    await page.locator('.doc-list').getByRole('link', { name: 'correspondants.txt' }).click();
    await waitForPage(page);
    await page.getByRole('button', { name: 'Déplacer' }).click();
    await page.getByRole('dialog').getByLabel('Dossier de destination').selectOption({ label: 'Audits 2026' });
    await page.getByRole('dialog').getByRole('button', { name: 'Déplacer' }).click();
    await toastText(page, 'Document déplacé dans «\u00a0Audits 2026\u00a0».');
    await page.getByRole('navigation', { name: 'Fil d’Ariane' }).getByRole('link', { name: 'Audits 2026' }).waitFor();
    await visit(page, app.url, `/communautes/${community.id}/documents`);
    await page.getByRole('region', { name: 'Dossiers' }).getByRole('link', { name: 'Blocs opératoires' }).click();
    await waitForPage(page);
    await page.getByText('Ce dossier ne contient aucun document').waitFor();
    await page.getByRole('button', { name: 'Supprimer le dossier' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Supprimer le dossier' }).click();
    await toastText(page, 'Dossier «\u00a0Blocs opératoires\u00a0» supprimé.');
    await page.waitForURL(`${app.url}/communautes/${community.id}/documents`);
  }));

  test('a check-out lock by one person blocks the other’s new version; an animator breaks it', async () => {
    const doc = await seedDocument('Procédure bionettoyage', pdf('Bionettoyage des chambres'), 'bionettoyage.pdf');
    await journey({}, async (page) => {
      await signInThroughPage(page, app.url, member, `/connexion?suite=${encodeURIComponent(`/documents/${doc.id}`)}`);
      await page.getByRole('button', { name: 'Réserver le document' }).click();
      await toastText(page, 'Document réservé');
      await page.getByText('Vous avez réservé ce document').waitFor();
      assert.ok(await page.getByRole('button', { name: 'Envoyer la version' }).isVisible());
    });
    await journey({ expected: [{ path: `/api/documents/${doc.id}/versions`, status: 409 }] }, async (page) => {
      await signInThroughPage(page, app.url, colleague, `/connexion?suite=${encodeURIComponent(`/documents/${doc.id}`)}`);
      const notice = page.locator('.document-lock');
      await notice.getByText('Document réservé', { exact: true }).waitFor();
      assert.match(await notice.innerText(), /Julien Roux l’a réservé le/);
      assert.equal(await page.getByRole('button', { name: 'Envoyer la version' }).count(), 0, 'no upload for someone else');
      assert.match(await page.locator('main').innerText(), /Julien Roux a réservé ce document\u00a0: le dépôt de nouvelles versions est bloqué/);
      assert.equal(await page.getByRole('button', { name: 'Forcer la libération' }).count(), 0, 'only an animator breaks a lock');
      // The server says the same to anyone who tries anyway.
      const status = await page.evaluate(async (id) => {
        const form = new FormData();
        form.append('file', new File(['x'], 'x.txt'));
        const me = await (await fetch('/api/me')).json();
        return (await fetch(`/api/documents/${id}/versions`, { method: 'POST', body: form, headers: { 'X-CSRF-Token': me.csrf_token } })).status;
      }, doc.id);
      assert.equal(status, 409);
    });
    await journey({}, async (page) => {
      await signInThroughPage(page, app.url, animator, `/connexion?suite=${encodeURIComponent(`/documents/${doc.id}`)}`);
      await page.getByRole('button', { name: 'Forcer la libération' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Forcer la libération' }).click();
      await toastText(page, 'Réservation levée.');
      await page.getByRole('button', { name: 'Réserver le document' }).waitFor();
      assert.equal(await sql(app, `SELECT locked_by IS NULL FROM documents WHERE id = ${doc.id}`), 't');
    });
  });

  test('a member submits a document for review with a word, the animator sends it back with a comment, then validates it with another; the history shows who, when, which version and what they said; the e-mailed link opens it', async () => {
    // Validation notices go to the people a folder names, or to the whole community when the animator says so.
    const asAnimator = await apiAs(app, animator);
    const folder = (await asAnimator.call('POST', `/api/communities/${community.id}/folders`, { name: 'Fiches techniques' })).json;
    await journey({}, async (page) => {
      await signInThroughPage(page, app.url, animator, `/connexion?suite=${encodeURIComponent(`/communautes/${community.id}/documents/dossiers/${folder.id}`)}`);
      await page.getByRole('button', { name: 'Avis de validation' }).click();
      await page.getByRole('dialog').getByLabel('Prévenir tous les membres de la communauté').check();
      await page.getByRole('dialog').getByRole('button', { name: 'Enregistrer' }).click();
      await toastText(page, 'Les membres seront prévenus des validations dans ce dossier.');
      assert.equal(await sql(app, `SELECT notify_community FROM folders WHERE id = ${folder.id}`), 't');
    });
    const doc = await seedDocument('Fiche précautions complémentaires', pdf('Precautions contact'), 'precautions.pdf', folder.id);
    const history = (page) => page.getByRole('region', { name: 'Historique de validation' });
    const entries = (page) => history(page).locator('.review').allInnerTexts();
    const rejection = 'Préciser la durée des précautions après la levée de l’isolement.\nAjouter le logigramme.';
    const approval = 'Conforme aux recommandations SF2H 2009.';

    // The member submits, with an optional word for the reviewer.
    await journey({}, async (page) => {
      await signInThroughPage(page, app.url, member, `/connexion?suite=${encodeURIComponent(`/documents/${doc.id}`)}`);
      assert.match(await page.locator('.document-workflow').innerText(), /Brouillon/);
      assert.equal(await page.getByRole('button', { name: 'Valider' }).count(), 0, 'a member does not validate');
      await history(page).getByText('Ce document n’a pas encore été soumis en relecture.').waitFor();
      await page.getByRole('button', { name: 'Soumettre en relecture' }).click();
      const dialog = page.getByRole('dialog', { name: 'Soumettre «\u00a0Fiche précautions complémentaires\u00a0» en relecture\u00a0?' });
      const word = dialog.getByLabel('Un mot pour le relecteur (facultatif)');
      assert.ok(await word.evaluate((el) => el === document.activeElement), 'the comment has the focus');
      assert.equal(await word.getAttribute('maxlength'), '2000');
      await word.fill('Première version, relue par l’EOH.');
      await dialog.getByRole('button', { name: 'Soumettre en relecture' }).click();
      await toastText(page, 'Document soumis en relecture.');
      await page.locator('.doc-status', { hasText: 'En relecture' }).waitFor();
      await history(page).locator('.review').first().waitFor();
      assert.match((await entries(page))[0], /^Soumis en relecture\s+Julien Roux · .+ · Version 1\s+Première version, relue par l’EOH\.$/);
    });

    // The animator sends it back: the dialog says a comment is expected; cancelling changes nothing.
    await journey({}, async (page) => {
      await signInThroughPage(page, app.url, animator, `/connexion?suite=${encodeURIComponent(`/communautes/${community.id}/documents/dossiers/${folder.id}?statut=in_review`)}`);
      await page.locator('.doc-list').getByRole('link', { name: 'Fiche précautions complémentaires' }).click();
      await waitForPage(page);
      await page.getByRole('button', { name: 'Renvoyer en brouillon' }).click();
      let dialog = page.getByRole('dialog', { name: 'Renvoyer le document en brouillon\u00a0?' });
      await dialog.getByText('Fortement conseillé').waitFor();
      await dialog.getByRole('button', { name: 'Annuler' }).click();
      await dialog.waitFor({ state: 'detached' });
      assert.equal(await sql(app, `SELECT status FROM documents WHERE id = ${doc.id}`), 'in_review');
      await page.getByRole('button', { name: 'Renvoyer en brouillon' }).click();
      dialog = page.getByRole('dialog', { name: 'Renvoyer le document en brouillon\u00a0?' });
      await dialog.getByLabel('Ce qu’il faut reprendre (recommandé)').fill(rejection);
      await page.screenshot({ path: screenshotPath('document-reject-dialog') });
      await dialog.getByRole('button', { name: 'Renvoyer en brouillon' }).click();
      await toastText(page, 'Document renvoyé en brouillon.');
      await page.locator('.doc-status', { hasText: 'Brouillon' }).waitFor();
      await history(page).locator('.review--rejected').waitFor();
      const [latest, first] = await entries(page);
      assert.match(latest, /^Renvoyé en brouillon\s+Claire Martin · .+ · Version 1\s+/);
      assert.ok(latest.endsWith(rejection), `the comment as written, lines kept:\n${latest}`);
      assert.match(first, /^Soumis en relecture\s+Julien Roux/);
    });

    // The author reads why on the page, and submits again without a word.
    await journey({}, async (page) => {
      await signInThroughPage(page, app.url, member, `/connexion?suite=${encodeURIComponent(`/documents/${doc.id}`)}`);
      const bar = page.locator('.document-workflow');
      assert.match(await bar.innerText(), /Renvoyé en brouillon par Claire Martin le .+\u00a0:/);
      assert.equal(await bar.locator('blockquote').innerText(), rejection);
      await page.getByRole('button', { name: 'Soumettre en relecture' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Soumettre en relecture' }).click();
      await toastText(page, 'Document soumis en relecture.');
      await page.locator('.doc-status', { hasText: 'En relecture' }).waitFor();
      assert.equal(await bar.locator('blockquote').count(), 0, 'the rejection notice goes with the draft');
    });

    // The animator validates, with a comment.
    await journey({}, async (page) => {
      await signInThroughPage(page, app.url, animator, `/connexion?suite=${encodeURIComponent(`/documents/${doc.id}`)}`);
      await page.getByRole('button', { name: 'Valider' }).click();
      const dialog = page.getByRole('dialog', { name: 'Valider «\u00a0Fiche précautions complémentaires\u00a0»\u00a0?' });
      await dialog.getByText('La version 1 devient la version de référence.').waitFor();
      await dialog.getByLabel('Commentaire (facultatif)').fill(approval);
      await dialog.getByRole('button', { name: 'Valider' }).click();
      await toastText(page, 'Document validé.');
      await page.locator('.doc-status', { hasText: 'Validé' }).waitFor();
      assert.equal(await sql(app, `SELECT status FROM documents WHERE id = ${doc.id}`), 'validated');
      await history(page).locator('.review--validated').waitFor();
      const texts = await entries(page);
      assert.equal(texts.length, 4);
      assert.match(texts[0], /^Validé\s+Claire Martin · .+ · Version 1\s+Conforme aux recommandations SF2H 2009\.$/);
      assert.match(texts[1], /^Soumis en relecture\s+Julien Roux · .+ · Version 1$/);
      assert.match(texts[2], /^Renvoyé en brouillon\s+Claire Martin/);
      assert.match(texts[3], /^Soumis en relecture\s+Julien Roux/);
      const times = await history(page).locator('time').evaluateAll((els) => els.map((el) => Date.parse(el.getAttribute('datetime'))));
      assert.deepEqual(times, [...times].sort((a, b) => b - a), 'newest first');
      assert.equal(await sql(app, `SELECT string_agg(action || ':' || comment, '|' ORDER BY id) FROM document_reviews WHERE document_id = ${doc.id}`),
        `submitted:Première version, relue par l’EOH.|rejected:${rejection}|submitted:|validated:${approval}`);
      await page.screenshot({ path: screenshotPath('document-reviews'), fullPage: true });
    });
    const body = await sql(app, `SELECT body_text FROM email_outbox WHERE body_text LIKE '%/documents/${doc.id}%' ORDER BY id DESC LIMIT 1`);
    const link = new RegExp(`https?://[^\\s]+(/documents/${doc.id})\\b`).exec(body)?.[1];
    assert.ok(link, `a link to the document in the notice:\n${body}`);
    await journey({}, async (page) => {
      await signInThroughPage(page, app.url, member, `/connexion?suite=${encodeURIComponent(link)}`);
      assert.equal(await page.locator('h1').innerText(), 'Fiche précautions complémentaires');
      await page.locator('.doc-status', { hasText: 'Validé' }).waitFor();
      await history(page).getByText(approval).waitFor();
    });
  });

  test('a member puts a document in the trash; the animator restores it; the trash is the animators’', async () => {
    const doc = await seedDocument('Registre des audits 2025', Buffer.from('Audit;Service;Score\nMains;Urgences;87\n'), 'registre.txt');
    await journey({ expected: [] }, async (page) => {
      await signInThroughPage(page, app.url, member, `/connexion?suite=${encodeURIComponent(`/documents/${doc.id}`)}`);
      assert.match(await page.locator('.preview__text').innerText(), /Mains;Urgences;87/);
      await page.getByRole('button', { name: 'Mettre à la corbeille' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Mettre à la corbeille' }).click();
      await toastText(page, '«\u00a0Registre des audits 2025\u00a0» est dans la corbeille.');
      await page.waitForURL(`${app.url}/communautes/${community.id}/documents`);
      await waitForPage(page);
      assert.equal(await page.getByRole('link', { name: 'Corbeille' }).count(), 0, 'no trash for a member');
      await visit(page, app.url, `/communautes/${community.id}/documents/corbeille`);
      assert.equal(await page.locator('h1').innerText(), 'Accès réservé');
    });
    await journey({}, async (page) => {
      await signInThroughPage(page, app.url, animator, `/connexion?suite=${encodeURIComponent(`/communautes/${community.id}/documents`)}`);
      await page.getByRole('link', { name: 'Corbeille' }).click();
      await page.waitForURL(`${app.url}/communautes/${community.id}/documents/corbeille`);
      await waitForPage(page);
      const trash = page.locator('.trash-list');
      await trash.getByText('Registre des audits 2025').waitFor();
      assert.match(await trash.innerText(), /Supprimé par Julien Roux le/);
      await trash.getByRole('button', { name: 'Restaurer «\u00a0Registre des audits 2025\u00a0»' }).click();
      await toastText(page, '«\u00a0Registre des audits 2025\u00a0» est de retour dans la bibliothèque.');
      await page.getByText('La corbeille est vide').waitFor();
      assert.equal(await sql(app, `SELECT deleted_at IS NULL FROM documents WHERE id = ${doc.id}`), 't');
    });
  });

  test('the library and a document fit a 360 px phone', () => journey({ viewport: SMALL_PHONE }, async (page) => {
    const doc = await seedDocument('Guide de l’antibiothérapie probabiliste chez l’adulte aux urgences', pdf('Antibiotherapie'), 'guide-antibiotherapie-probabiliste-adulte-urgences-2026.pdf');
    await signInThroughPage(page, app.url, animator, `/connexion?suite=${encodeURIComponent(`/communautes/${community.id}/documents`)}`);
    await page.locator('.doc-list').waitFor();
    await fitsWidth(page);
    await page.screenshot({ path: screenshotPath('library-small-phone'), fullPage: true });
    for (const path of [`/documents/${doc.id}`, `/communautes/${community.id}/documents/corbeille`]) {
      await visit(page, app.url, path);
      await page.waitForFunction(() => !document.querySelector('main [role="status"] .skeleton'));
      await fitsWidth(page);
      assert.equal(await page.locator('h1').count(), 1, `one h1 on ${path}`);
    }
    await visit(page, app.url, `/documents/${doc.id}`);
    await page.locator('.version-table').waitFor();
    await fitsWidth(page);
    await page.screenshot({ path: screenshotPath('document-small-phone'), fullPage: true });
    // In English too.
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('button', { name: 'Upload the version' }).waitFor();
    assert.match(await page.locator('.document-workflow').innerText(), /Draft: submit it for review/);
    await visit(page, app.url, `/communautes/${community.id}/documents`);
    await page.getByRole('button', { name: 'Add files' }).waitFor();
    await fitsWidth(page);
    await page.getByRole('button', { name: 'Français' }).click();
  }));
});
