// The screens around the two journeys, used as people would: my profile, sessions and API tokens; an animator's members, roles, join requests and archiving; the administrators' accounts, organisations, audit trail and settings; every one at 360 px without sideways scrolling.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startApp, launchBrowser, openPage, visit, waitForPage, focused, screenshotPath,
  createUser, sql, apiAs, signInThroughPage, dropExpectedHttpErrors, DESKTOP, PHONE, SMALL_PHONE,
} from './support.mjs';

// A 1×1 PNG: the smallest photo the server accepts.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

describe('profile, animator and administrator screens', () => {
  let app;
  let browser;
  let admin;
  let animator;
  let member;
  let applicant;
  let world;

  before(async () => {
    app = await startApp();
    browser = await launchBrowser();
    admin = await createUser(app, {
      email: 'claire.vidal@ght-vaucluse.fr', name: 'Claire Vidal', password: 'Administrer-Relais-84000',
      org: 'GHT Vaucluse', orgKind: 'ght', jobTitle: 'Administratrice de la plateforme', admin: true,
    });
    animator = await createUser(app, {
      email: 'elodie.fabre@ght-vaucluse.fr', name: 'Élodie Fabre', password: 'Qualite-Risques-Sorgues',
      org: 'GHT Vaucluse', orgKind: 'ght', jobTitle: 'Animatrice qualité',
    });
    member = await createUser(app, {
      email: 'marc.aubert@ght-vaucluse.fr', name: 'Marc Aubert', password: 'Information-Medicale-DIM',
      org: 'GHT Vaucluse', orgKind: 'ght', jobTitle: 'Médecin DIM',
    });
    applicant = await createUser(app, {
      email: 'paul.chabert@ehpad-oliviers.fr', name: 'Paul Chabert', password: 'Oliviers-Coordination-84',
      org: 'EHPAD Les Oliviers', orgKind: 'esms', jobTitle: 'Médecin coordonnateur',
    });
    const api = await apiAs(app, animator);
    const res = await api.call('POST', '/api/communities', {
      name: 'Qualité et gestion des risques', visibility: 'restricted',
      description: 'Le réseau des qualiticiens du GHT : certification, événements indésirables, cartographie des risques.',
    });
    assert.equal(res.status, 201);
    world = { quality: res.json };
    assert.equal((await api.call('POST', `/api/communities/${world.quality.id}/members`, { user_id: member.id, role: 'member' })).status, 201);
    const asker = await apiAs(app, applicant);
    assert.equal((await asker.call('POST', `/api/communities/${world.quality.id}/join`, { message: 'Je coordonne la qualité à l’EHPAD Les Oliviers.' })).status, 202);
  });

  after(async () => {
    await browser?.close();
    await app?.stop();
  });

  async function journey(options, fn, expectedHttpErrors = []) {
    const { context, page, problems } = await openPage(browser, options);
    try {
      await fn(page);
      dropExpectedHttpErrors(problems, expectedHttpErrors);
      assert.deepEqual(problems, [], 'console errors, page errors or CSP violations');
    } finally {
      await context.close();
    }
  }

  async function fitsWidth(page) {
    const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
    assert.ok(scrollWidth <= innerWidth, `${page.url()} is ${scrollWidth}px wide in a ${innerWidth}px viewport`);
    const raw = await page.locator('main').innerText();
    assert.doesNotMatch(raw, /\bnull\b|\bundefined\b|\[object Object\]|NaN/, `${page.url()} shows a raw value`);
  }

  const toastText = (page, text) => page.locator('.toast').filter({ hasText: text }).waitFor();

  test('my profile: details, photo, password change', () => journey({ viewport: DESKTOP }, async (page) => {
    await signInThroughPage(page, app.url, member, '/connexion?suite=%2Fprofil');
    assert.equal(await page.locator('h1').innerText(), 'Mon profil');
    await page.getByLabel('Fonction').fill('Médecin responsable du DIM');
    await page.getByLabel('Téléphone').fill('04 90 00 10 07');
    await page.getByLabel('Présentation').fill('Information médicale, PMSI et qualité des données.');
    await page.getByLabel('Prénom et nom').fill('');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.getByText('Indiquez votre prénom et votre nom.').waitFor();
    await page.getByLabel('Prénom et nom').fill('Marc Aubert');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await toastText(page, 'Profil enregistré.');
    assert.equal(await sql(app, `SELECT job_title || ' | ' || phone FROM users WHERE id = ${member.id}`), 'Médecin responsable du DIM | 04 90 00 10 07');

    // The photo: a file chosen, sent raw with its type, shown in the header too.
    await page.locator('#photo-input').setInputFiles({ name: 'marc.png', mimeType: 'image/png', buffer: PNG });
    await toastText(page, 'Photo enregistrée.');
    await page.locator('.user-menu__toggle .avatar__img').waitFor();
    assert.equal(await sql(app, `SELECT photo_type FROM users WHERE id = ${member.id}`), 'image/png');
    await page.getByRole('button', { name: 'Retirer la photo' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Retirer la photo' }).click();
    await toastText(page, 'Photo retirée.');
    assert.equal(await sql(app, `SELECT photo IS NULL FROM users WHERE id = ${member.id}`), 't');

    // Password change: the wrong current password is reported on its field.
    await page.getByLabel('Mot de passe actuel').fill('Pas-le-mot-de-passe-actuel');
    await page.getByLabel('Nouveau mot de passe', { exact: true }).fill('Departement-Information-Medicale');
    await page.getByLabel('Confirmez le nouveau mot de passe').fill('Departement-Information-Medicale');
    await page.getByRole('button', { name: 'Changer le mot de passe' }).click();
    await page.getByText('Le mot de passe actuel est incorrect.').waitFor();
    assert.equal(await page.getByLabel('Mot de passe actuel').getAttribute('aria-invalid'), 'true');
    await page.getByLabel('Mot de passe actuel').fill(member.password);
    await page.getByRole('button', { name: 'Changer le mot de passe' }).click();
    await toastText(page, 'Mot de passe changé');
    member.password = 'Departement-Information-Medicale';
    await fitsWidth(page);
  }, [{ path: '/api/me/password', status: 403 }, { path: '/api/me/password', status: 401 }, { path: '/api/me/password', status: 422 }]));

  test('my sessions: another device listed and closed', () => journey({ viewport: PHONE }, async (page) => {
    await sql(app, `UPDATE sessions SET revoked_at = now() WHERE user_id = ${animator.id} AND revoked_at IS NULL`);
    await apiAs(app, animator); // a second session, "another device"
    await signInThroughPage(page, app.url, animator, '/connexion?suite=%2Fprofil%2Fsessions');
    const list = page.getByRole('list', { name: 'Sessions ouvertes' });
    await list.waitFor();
    assert.equal(await list.locator('li').count(), 2);
    assert.match(await list.innerText(), /Cet appareil/);
    await page.getByRole('button', { name: 'Fermer l’autre session' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Fermer les autres sessions' }).click();
    await toastText(page, 'Les autres sessions sont fermées.');
    assert.equal(await list.locator('li').count(), 1);
    assert.equal(await sql(app, `SELECT count(*) FROM sessions WHERE user_id = ${animator.id} AND revoked_at IS NULL`), '1');
    await fitsWidth(page);
    await page.screenshot({ path: screenshotPath('sessions-phone'), fullPage: true });
  }));

  test('API tokens: created, its secret shown once and usable, then revoked', () => journey({ viewport: DESKTOP }, async (page) => {
    await signInThroughPage(page, app.url, member, '/connexion?suite=%2Fprofil%2Fjetons');
    await page.getByText('Aucun jeton').waitFor();
    await page.getByLabel('Nom', { exact: true }).fill('Tableau de bord PMSI');
    await page.getByLabel('Lecture seule').check();
    await page.getByRole('button', { name: 'Créer le jeton' }).click();
    const secret = await page.locator('#token-secret').innerText();
    assert.match(secret, /^rls_/);
    assert.match(await page.locator('.secret-box').innerText(), /il ne sera plus jamais affiché/);
    // The secret works as a read-only Bearer token.
    const { request } = await import('../lib/harness.mjs');
    const me = await request(`${app.url}/api/me`, { headers: { Authorization: `Bearer ${secret}` } });
    assert.equal(me.status, 200);
    assert.equal(me.json().user.email, member.email);
    const list = page.getByRole('region', { name: 'Mes jetons' });
    await list.getByText('Tableau de bord PMSI').waitFor();
    assert.match(await list.innerText(), /Lecture/);
    assert.ok(!(await list.innerText()).includes(secret), 'the list never shows the secret');
    await page.screenshot({ path: screenshotPath('tokens-desktop'), fullPage: true });

    await list.getByRole('button', { name: 'Révoquer le jeton Tableau de bord PMSI' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Révoquer' }).click();
    await toastText(page, 'Jeton «\u00a0Tableau de bord PMSI\u00a0» révoqué.');
    await list.getByText('Aucun jeton').waitFor();
    const after = await request(`${app.url}/api/me`, { headers: { Authorization: `Bearer ${secret}` } });
    assert.equal(after.status, 401);
  }));

  test('an animator approves a join request, changes a role, cannot leave as the last animator, archives', () => journey({ viewport: DESKTOP }, async (page) => {
    await signInThroughPage(page, app.url, animator, `/connexion?suite=${encodeURIComponent(`/communautes/${world.quality.id}/gestion/demandes`)}`);
    assert.equal(await page.locator('h1').innerText(), 'Gérer «\u00a0Qualité et gestion des risques\u00a0»');
    const requests = page.getByRole('region', { name: 'Demandes d’adhésion' });
    await requests.getByText('Je coordonne la qualité à l’EHPAD Les Oliviers.').waitFor();
    await requests.getByRole('button', { name: 'Accepter la demande de Paul Chabert' }).click();
    await toastText(page, 'Paul Chabert a rejoint la communauté.');
    await requests.getByText('Aucune demande en attente').waitFor();
    assert.match(await requests.innerText(), /Demandes traitées[\s\S]*Paul Chabert[\s\S]*Acceptée/);

    // Members: the only animator's role cannot be changed; make Marc animator.
    await page.getByRole('navigation', { name: 'Sections de gestion' }).getByRole('link', { name: 'Membres' }).click();
    await page.waitForURL(/\/gestion\/membres$/);
    await waitForPage(page);
    const members = page.getByRole('region', { name: 'Membres' });
    await members.getByRole('combobox', { name: 'Rôle de Marc Aubert' }).waitFor();
    assert.equal(await members.getByRole('combobox', { name: 'Rôle de Élodie Fabre' }).isDisabled(), true);
    assert.match(await members.innerText(), /garde toujours au moins un animateur/);
    await members.getByRole('combobox', { name: 'Rôle de Marc Aubert' }).selectOption('animator');
    await toastText(page, 'Marc Aubert est maintenant Animateur.');
    assert.equal(await sql(app, `SELECT role FROM memberships WHERE community_id = ${world.quality.id} AND user_id = ${member.id}`), 'animator');

    // Add a member found in the directory.
    await page.getByLabel('Chercher dans l’annuaire').fill('Vidal');
    await page.getByRole('button', { name: 'Ajouter Claire Vidal' }).click();
    await toastText(page, 'Claire Vidal fait maintenant partie de la communauté.');
    await members.getByRole('link', { name: 'Claire Vidal' }).waitFor();
    await fitsWidth(page);
    await page.screenshot({ path: screenshotPath('manage-members-desktop'), fullPage: true });

    // Marc goes back to member; now Élodie is the last animator again and cannot leave.
    await members.getByRole('combobox', { name: 'Rôle de Marc Aubert' }).selectOption('member');
    await toastText(page, 'Marc Aubert est maintenant Membre.');
    await visit(page, app.url, `/communautes/${world.quality.id}`);
    await page.getByRole('button', { name: 'Quitter la communauté' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Quitter la communauté' }).click();
    await page.locator('#toasts-assertive .toast').filter({ hasText: 'Une communauté garde toujours au moins un animateur' }).waitFor();
    assert.equal(new URL(page.url()).pathname, `/communautes/${world.quality.id}`);

    // Archive: the banner says it is read-only.
    await visit(page, app.url, `/communautes/${world.quality.id}/gestion`);
    await page.getByRole('button', { name: 'Archiver' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Archiver' }).click();
    await page.waitForURL(`${app.url}/communautes/${world.quality.id}`);
    await waitForPage(page);
    await page.getByText('Communauté archivée', { exact: true }).waitFor();
    assert.match(await page.locator('main').innerText(), /plus rien ne peut y être ajouté ni modifié/);
    await visit(page, app.url, `/communautes/${world.quality.id}/gestion`);
    await page.getByRole('button', { name: 'Désarchiver' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Désarchiver' }).click();
    await page.waitForURL(`${app.url}/communautes/${world.quality.id}`);
    await waitForPage(page);
    assert.equal(await page.getByText('Communauté archivée', { exact: true }).count(), 0);
  }, [{ path: /\/api\/communities\/\d+\/members\/\d+\)/, status: 409 }]));

  test('a member cannot reach the animators\' screens; the 404 page for a community that does not exist', () => journey({ viewport: DESKTOP }, async (page) => {
    await signInThroughPage(page, app.url, applicant, `/connexion?suite=${encodeURIComponent(`/communautes/${world.quality.id}/gestion`)}`);
    assert.equal(await page.locator('h1').innerText(), 'Accès réservé');
    assert.match(await page.locator('main').innerText(), /réservée à ses animateurs/);
    await visit(page, app.url, '/communautes/999999');
    assert.equal(await page.locator('h1').innerText(), 'Page introuvable');
    await visit(page, app.url, '/admin/utilisateurs');
    assert.equal(await page.locator('h1').innerText(), 'Accès réservé');
    assert.equal(await page.getByRole('navigation', { name: 'Menu principal' }).getByRole('link', { name: 'Traces' }).isVisible(), false,
      'no administration links for a non-administrator');
  }, [{ path: '/api/communities/999999', status: 404 }]));

  test('administrators: accounts, organisations, audit trail with export, settings', () => journey({ viewport: DESKTOP }, async (page) => {
    await signInThroughPage(page, app.url, admin, '/connexion?suite=%2Fadmin%2Futilisateurs');
    assert.equal(await page.locator('h1').innerText(), 'Utilisateurs');
    const nav = page.getByRole('navigation', { name: 'Menu principal' });
    assert.equal(await nav.getByRole('link', { name: 'Utilisateurs' }).getAttribute('aria-current'), 'page');

    // Suspend an account.
    await page.locator('.account-list').waitFor();
    await page.getByRole('button', { name: 'Modifier le compte de Paul Chabert' }).click();
    const form = page.getByRole('form', { name: 'Modifier le compte de Paul Chabert' });
    await form.getByLabel('Statut').selectOption('suspended');
    await form.getByRole('button', { name: 'Enregistrer' }).click();
    await toastText(page, 'Compte de Paul Chabert modifié.');
    assert.equal(await sql(app, `SELECT status FROM users WHERE id = ${applicant.id}`), 'suspended');
    await page.getByLabel('Statut', { exact: true }).first().selectOption('suspended');
    await page.waitForFunction(() => document.querySelectorAll('.account-list > li').length === 1);
    assert.match(await page.locator('.account-list').innerText(), /Paul Chabert[\s\S]*Suspendu/);

    // Create a staff account; no password: the person gets a link.
    await page.getByRole('button', { name: 'Créer un compte' }).click();
    const create = page.getByRole('form', { name: 'Nouveau compte professionnel' });
    await create.getByLabel('Adresse électronique').fill('thomas.lefevre@ght-vaucluse.fr');
    await create.getByLabel('Prénom et nom').fill('Thomas Lefèvre');
    await create.getByLabel('Organisation').selectOption({ label: 'GHT Vaucluse (GHT)' });
    await create.getByRole('button', { name: 'Créer le compte' }).click();
    await toastText(page, 'Compte de Thomas Lefèvre créé');
    assert.equal(await sql(app, "SELECT count(*) FROM email_outbox WHERE to_address = 'thomas.lefevre@ght-vaucluse.fr'"), '1');

    // Organisations.
    await nav.getByRole('link', { name: 'Organisations' }).click();
    await page.waitForURL(`${app.url}/admin/organisations`);
    await waitForPage(page);
    const newOrg = page.getByRole('form', { name: 'Nouvelle organisation' });
    await newOrg.getByLabel('Nom').fill('IME Le Mistral');
    await newOrg.getByLabel('Type').selectOption('esms');
    await newOrg.getByRole('button', { name: 'Créer l’organisation' }).click();
    await toastText(page, 'Organisation «\u00a0IME Le Mistral\u00a0» créée.');
    await newOrg.getByLabel('Nom').fill('GHT Vaucluse');
    await newOrg.getByRole('button', { name: 'Créer l’organisation' }).click();
    await newOrg.getByText('Une organisation porte déjà ce nom.').waitFor();

    // Audit trail: newest first, filters, export link with the same filters.
    await nav.getByRole('link', { name: 'Traces' }).click();
    await page.waitForURL(`${app.url}/admin/traces`);
    await waitForPage(page);
    await page.locator('.audit-table tbody tr').first().waitFor();
    const first = await page.locator('.audit-table tbody tr').first().innerText();
    assert.match(first, /organisation\.created|login/, 'the newest event comes first');
    await page.getByLabel('Action').fill('user.updated');
    await page.getByRole('button', { name: 'Filtrer' }).click();
    await page.waitForFunction(() => [...document.querySelectorAll('.audit-table tbody tr')].every((tr) => tr.innerText.includes('user.updated')));
    assert.match(await page.locator('.audit-table').innerText(), /claire\.vidal@ght-vaucluse\.fr/);
    assert.equal(await page.getByRole('link', { name: 'Exporter en CSV' }).getAttribute('href'), '/api/audit.csv?action=user.updated');
    assert.equal(new URL(page.url()).searchParams.get('action'), 'user.updated');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Exporter en CSV' }).click()]);
    assert.match(download.suggestedFilename(), /^relais-audit-\d{8}-\d{6}\.csv$/);
    await fitsWidth(page);
    await page.screenshot({ path: screenshotPath('audit-desktop'), fullPage: true });

    // Settings: invitation domains.
    await nav.getByRole('link', { name: 'Réglages' }).click();
    await page.waitForURL(`${app.url}/admin/reglages`);
    await waitForPage(page);
    await page.getByRole('textbox', { name: 'Domaines (facultatif)' }).fill('ars.sante.fr\nnot a domain');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.getByText('n’est pas un nom de domaine valide').waitFor();
    await page.getByRole('textbox', { name: 'Domaines (facultatif)' }).fill('ars.sante.fr\nGHT-Vaucluse.fr');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await toastText(page, 'Réglages enregistrés.');
    assert.match(await page.locator('main').innerText(), /ne peuvent inviter que des adresses de\u00a0: ars\.sante\.fr, ght-vaucluse\.fr/);
  }, [{ path: '/api/organisations', status: 409 }, { path: '/api/admin/settings', status: 422 }]));

  test('staff create a community from the communities page and land in it as its animator', () => journey({ viewport: PHONE }, async (page) => {
    await signInThroughPage(page, app.url, member, '/connexion?suite=%2Fcommunautes');
    await page.getByRole('button', { name: 'Créer une communauté' }).click();
    const form = page.getByRole('form', { name: 'Nouvelle communauté' });
    assert.equal(await page.evaluate(() => document.activeElement.name), 'name', 'focus goes to the first field');
    await form.getByRole('button', { name: 'Créer la communauté' }).click();
    await form.getByText('Donnez un nom à la communauté.').waitFor();
    await form.getByLabel('Nom').fill('Information médicale et PMSI');
    await form.getByLabel('Description').fill('Codage, contrôle qualité des données et tableaux de bord d’activité.');
    await form.getByLabel(/^Secrète/).check();
    await form.getByRole('button', { name: 'Créer la communauté' }).click();
    await page.waitForURL(/\/communautes\/\d+$/);
    await waitForPage(page);
    assert.equal(await page.locator('h1').innerText(), 'Information médicale et PMSI');
    const hero = await page.locator('.community-hero').innerText();
    assert.match(hero, /Secrète/);
    assert.match(hero, /Vous\u00a0: Animateur/);
    assert.ok(await page.getByRole('link', { name: 'Gérer la communauté' }).isVisible());
    await page.locator('#menu-button').click();
    await page.getByRole('navigation', { name: 'Menu principal' }).getByRole('link', { name: 'Information médicale et PMSI' }).waitFor();
    await page.keyboard.press('Escape');
    await fitsWidth(page);
  }));

  test('e-mail verification: the link is sent from the profile and confirms the address', () => journey({ viewport: DESKTOP }, async (page) => {
    await sql(app, `UPDATE users SET email_verified_at = NULL WHERE id = ${animator.id}`);
    await signInThroughPage(page, app.url, animator, '/connexion?suite=%2Fprofil');
    await page.getByText('Votre adresse n’est pas encore vérifiée').waitFor();
    await page.getByRole('button', { name: 'Envoyer le lien de vérification' }).click();
    await toastText(page, `Un lien de vérification a été envoyé à ${animator.email}.`);
    const body = await sql(app, `SELECT body_text FROM email_outbox WHERE to_address = '${animator.email}' AND body_text LIKE '%/verification/%' ORDER BY id DESC LIMIT 1`);
    const token = /\/verification\/([A-Za-z0-9_-]+)/.exec(body)?.[1];
    assert.ok(token, body);
    await visit(page, app.url, `/verification/${token}`);
    await page.getByText('Adresse vérifiée').waitFor();
    assert.equal(await sql(app, `SELECT email_verified_at IS NOT NULL FROM users WHERE id = ${animator.id}`), 't');
    // Switching language re-renders the page without spending the link a second time.
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByText('Address verified').waitFor();
    await page.getByRole('button', { name: 'Français' }).click();
    await page.getByText('Adresse vérifiée').waitFor();
    await page.getByRole('link', { name: 'Aller à mon profil' }).click();
    await page.waitForURL(`${app.url}/profil`);
    await waitForPage(page);
    await page.getByText('Adresse vérifiée').waitFor();
  }));

  test('every signed-in screen fits a 360 px phone', () => journey({ viewport: SMALL_PHONE }, async (page) => {
    await signInThroughPage(page, app.url, admin);
    for (const path of ['/', '/profil', '/profil/sessions', '/profil/jetons', '/annuaire', `/personnes/${animator.id}`, '/communautes',
      `/communautes/${world.quality.id}`, `/communautes/${world.quality.id}/gestion`, `/communautes/${world.quality.id}/gestion/membres`,
      `/communautes/${world.quality.id}/gestion/demandes`, `/communautes/${world.quality.id}/gestion/invitations`,
      `/communautes/${world.quality.id}/documents`, `/communautes/${world.quality.id}/documents/corbeille`,
      '/admin/utilisateurs', '/admin/organisations', '/admin/traces', '/admin/reglages']) {
      await visit(page, app.url, path);
      await page.waitForFunction(() => !document.querySelector('main [role="status"] .skeleton'));
      await fitsWidth(page);
      assert.equal(await page.locator('h1').count(), 1, `one h1 on ${path}`);
    }
    await visit(page, app.url, '/admin/traces');
    await page.locator('.audit-table tbody tr').first().waitFor();
    await page.screenshot({ path: screenshotPath('audit-small-phone') });
  }));
});
