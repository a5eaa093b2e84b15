// Signing in and out in the browser: the login page's messages (one for any wrong pair, the wait when throttled), French and English, the account menu and logout, the forgotten-password and new-password pages; screenshots of the login page.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startApp, launchBrowser, openPage, visit, waitForPage, focused, screenshotPath,
  createUser, sql, signInThroughPage, dropExpectedHttpErrors, DESKTOP, PHONE, SMALL_PHONE,
} from './support.mjs';

describe('login and logout', () => {
  let app;
  let browser;
  let agent;

  before(async () => {
    app = await startApp();
    browser = await launchBrowser();
    agent = await createUser(app, {
      email: 'helene.garnier@chu-avignon.fr', name: 'Hélène Garnier', password: 'Tilleul-Remparts-Pont-1177',
      org: 'Centre hospitalier d’Avignon', orgKind: 'ght', jobTitle: 'Responsable qualité',
    });
  });

  after(async () => {
    await browser?.close();
    await app?.stop();
  });

  async function journey(options, fn, expectedHttpErrors = []) {
    const { context, page, problems } = await openPage(browser, options);
    try {
      await fn(page, problems);
      dropExpectedHttpErrors(problems, expectedHttpErrors);
      assert.deepEqual(problems, [], 'console errors, page errors or CSP violations');
    } finally {
      await context.close();
      // Every journey starts unthrottled: they all come from 127.0.0.1.
      await sql(app, 'DELETE FROM auth_throttle');
    }
  }

  const email = (page) => page.getByLabel('Adresse électronique');
  const password = (page) => page.getByLabel('Mot de passe', { exact: true });
  const submit = (page) => page.getByRole('button', { name: 'Se connecter', exact: true });
  const alertText = (page) => page.locator('main .form__alert').innerText();

  for (const [name, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
    test(`the login page at ${viewport.width}px: labelled fields, one h1, no sideways scroll, screenshot (${name})`, () => journey({ viewport }, async (page) => {
      await visit(page, app.url, '/connexion');
      assert.equal(await page.title(), 'Se connecter · Relais');
      assert.equal(await page.locator('h1').count(), 1);
      assert.equal(await email(page).getAttribute('type'), 'email');
      assert.equal(await email(page).getAttribute('autocomplete'), 'username');
      assert.equal(await password(page).getAttribute('autocomplete'), 'current-password');
      assert.ok(await page.getByRole('link', { name: 'Mot de passe oublié ?' }).isVisible());
      const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
      assert.ok(scrollWidth <= innerWidth, `page is ${scrollWidth}px wide in a ${innerWidth}px viewport`);
      await page.screenshot({ path: screenshotPath(`login-${name}`), fullPage: true });
    }));
  }

  test('empty fields are reported on the fields, focus on the first', () => journey({ viewport: DESKTOP }, async (page) => {
    await visit(page, app.url, '/connexion');
    await submit(page).click();
    await page.getByText('Saisissez votre adresse électronique.').waitFor();
    assert.equal(await email(page).getAttribute('aria-invalid'), 'true');
    assert.match(await email(page).getAttribute('aria-describedby'), /-error/, 'the message is read with the field');
    assert.equal(await page.getByText('Saisissez votre mot de passe.').count(), 1);
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute('name')), 'email');
  }));

  test('a wrong password and an unknown address get the same message, announced', () => journey({ viewport: DESKTOP }, async (page) => {
    await visit(page, app.url, '/connexion');
    await email(page).fill(agent.email);
    await password(page).fill('Pas-le-bon-mot-de-passe');
    await submit(page).click();
    await page.locator('main .form__alert[role="alert"]').waitFor();
    const wrongPassword = await alertText(page);
    assert.equal(wrongPassword, 'Adresse électronique ou mot de passe incorrect.');
    assert.equal(await password(page).inputValue(), '', 'the wrong password is cleared');
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute('name')), 'password', 'focus goes back to the password');

    await email(page).fill('personne@nulle-part.fr');
    await password(page).fill('Tilleul-Remparts-Pont-1177');
    await submit(page).click();
    await page.waitForFunction(() => document.querySelector('main .form__alert') && document.activeElement?.name === 'password');
    assert.equal(await alertText(page), wrongPassword, 'whatever the cause, the same words');
    assert.equal(new URL(page.url()).pathname, '/connexion');
  }, [{ path: '/api/session', status: 401 }]));

  test('throttled sign-ins say how long to wait', () => journey({ viewport: DESKTOP }, async (page) => {
    await visit(page, app.url, '/connexion');
    await email(page).fill(agent.email);
    let text = '';
    for (let i = 0; i < 12 && !text.startsWith('Trop de tentatives'); i += 1) {
      await password(page).fill(`Mauvais-essai-numero-${i}`);
      await submit(page).click();
      // Each answer puts up a fresh alert; the ones already read are marked.
      await page.waitForFunction(() => document.querySelector('main .form__alert:not([data-read])')
        && !document.querySelector('main button[type="submit"][aria-busy="true"]'));
      await page.evaluate(() => { document.querySelector('main .form__alert').dataset.read = 'yes'; });
      text = await alertText(page);
    }
    assert.match(text, /^Trop de tentatives\. Réessayez dans \d+ s\.$/);
    // The wait is the server's Retry-After.
    const seconds = Number(/(\d+) s/.exec(text)[1]);
    assert.ok(seconds >= 1 && seconds <= 900, `${seconds} s`);
  }, [{ path: '/api/session', status: 401 }, { path: '/api/session', status: 429 }]));

  test('the login page in English, and back to French', () => journey({ viewport: DESKTOP }, async (page) => {
    await visit(page, app.url, '/connexion');
    await page.getByRole('button', { name: 'English' }).click();
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    await waitForPage(page);
    assert.equal(await page.locator('h1').innerText(), 'Sign in');
    assert.equal(await page.title(), 'Sign in · Relais');
    await page.getByLabel('E-mail address').fill(agent.email);
    await page.getByLabel('Password', { exact: true }).fill('Not-the-right-password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.locator('main .form__alert').waitFor();
    assert.equal(await alertText(page), 'Wrong e-mail address or password.');
    assert.equal(await page.getByRole('button', { name: 'Show' }).count(), 1, 'the show/hide toggle is translated');
    await page.screenshot({ path: screenshotPath('login-error-english-desktop'), fullPage: true });

    await page.getByRole('button', { name: 'Français' }).click();
    await page.waitForFunction(() => document.documentElement.lang === 'fr');
    await waitForPage(page);
    assert.equal(await page.locator('h1').innerText(), 'Se connecter');
    assert.ok(await page.getByRole('link', { name: 'Mot de passe oublié ?' }).isVisible());
  }, [{ path: '/api/session', status: 401 }]));

  test('signing in returns to the page asked for; the account menu works with the keyboard; signing out ends the session', () => journey({ viewport: DESKTOP }, async (page) => {
    await visit(page, app.url, '/profil');
    assert.equal(new URL(page.url()).pathname + new URL(page.url()).search, '/connexion?suite=%2Fprofil');
    await email(page).fill(agent.email);
    await password(page).fill(agent.password);
    await password(page).press('Enter');
    await page.waitForURL(`${app.url}/profil`);
    await waitForPage(page);
    assert.equal(await page.locator('h1').innerText(), 'Mon profil');
    assert.equal(await sql(app, `SELECT count(*) FROM sessions WHERE user_id = ${agent.id} AND revoked_at IS NULL`), '1');

    const toggle = page.getByRole('button', { name: 'Compte de Hélène Garnier' });
    await toggle.focus();
    await page.keyboard.press('Enter');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    assert.equal((await focused(page)).text, 'Mon profil', 'focus moves to the first entry');
    const entries = await page.locator('.user-menu__panel a, .user-menu__panel button').allInnerTexts();
    assert.deepEqual(entries, ['Mon profil', 'Mes sessions', 'Jetons d’API', 'Se déconnecter'], 'no administration entry for a non-administrator');
    await page.keyboard.press('Escape');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    assert.equal((await focused(page)).className, 'user-menu__toggle', 'Escape gives focus back to the toggle');

    await toggle.click();
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.waitForURL(`${app.url}/connexion`);
    await waitForPage(page);
    await page.locator('#toasts-polite .toast').filter({ hasText: 'Vous êtes déconnecté.' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Compte de Hélène Garnier' }).count(), 0, 'the account menu is gone');
    assert.equal(await sql(app, `SELECT count(*) FROM sessions WHERE user_id = ${agent.id} AND revoked_at IS NULL`), '0', 'the server ended the session');

    await visit(page, app.url, '/');
    assert.ok(await page.getByRole('banner').getByRole('link', { name: 'Se connecter' }).isVisible(), 'the header offers to sign in');
    // Back to a page that needs a session: the login page again.
    await visit(page, app.url, '/profil/sessions');
    assert.equal(new URL(page.url()).pathname, '/connexion');
    assert.equal(new URL(page.url()).searchParams.get('suite'), '/profil/sessions');
  }));

  test('forgotten password: the same confirmation for any address, then a new password through the e-mailed link', () => journey({ viewport: SMALL_PHONE }, async (page) => {
    await visit(page, app.url, '/connexion');
    await page.getByRole('link', { name: 'Mot de passe oublié ?' }).click();
    await page.waitForURL(`${app.url}/mot-de-passe-oublie`);
    await waitForPage(page);
    await page.getByLabel('Adresse électronique').fill('inconnu@nulle-part.fr');
    await page.getByRole('button', { name: 'Recevoir le lien' }).click();
    const unknown = await page.locator('main .alert--success').innerText();
    await visit(page, app.url, '/mot-de-passe-oublie');
    await page.getByLabel('Adresse électronique').fill(agent.email);
    await page.getByRole('button', { name: 'Recevoir le lien' }).click();
    const known = await page.locator('main .alert--success').innerText();
    assert.equal(known.replace(agent.email, 'X'), unknown.replace('inconnu@nulle-part.fr', 'X'), 'the page never tells whether an account exists');

    const body = await sql(app, `SELECT body_text FROM email_outbox WHERE to_address = '${agent.email}' AND body_text LIKE '%/mot-de-passe/%' ORDER BY id DESC LIMIT 1`);
    const token = /\/mot-de-passe\/([A-Za-z0-9_-]+)/.exec(body)?.[1];
    assert.ok(token, body);
    await visit(page, app.url, `/mot-de-passe/${token}`);
    assert.equal(await page.locator('h1').innerText(), 'Choisir un nouveau mot de passe');
    assert.match(await page.locator('main').innerText(), /Au moins 12 caractères/);
    const fresh = page.getByLabel('Nouveau mot de passe', { exact: true });
    const confirm = page.getByLabel('Confirmez le mot de passe');
    const save = page.getByRole('button', { name: 'Enregistrer le mot de passe' });

    await fresh.fill('court');
    await confirm.fill('court');
    await save.click();
    await page.getByText('Le mot de passe doit compter au moins 12 caractères.').waitFor();
    // A password the server refuses (too common): its reason shows on the field.
    await fresh.fill('azertyazerty');
    await confirm.fill('azertyazerty');
    await save.click();
    await page.getByText('Ce mot de passe est trop courant').waitFor();
    assert.equal(await fresh.getAttribute('aria-invalid'), 'true');

    await fresh.fill('Chênes verts au bord de la Durance');
    await confirm.fill('Chênes verts au bord de la Durance');
    await save.click();
    await page.getByText('Mot de passe enregistré').waitFor();
    await page.getByRole('link', { name: 'Se connecter' }).last().click();
    await page.waitForURL(`${app.url}/connexion`);
    await signInThroughPage(page, app.url, { email: agent.email, password: 'Chênes verts au bord de la Durance' });
    assert.equal(new URL(page.url()).pathname, '/');
    assert.match(await page.locator('main').innerText(), /Bonjour Hélène Garnier/);
    agent.password = 'Chênes verts au bord de la Durance';

    // The link worked once.
    await visit(page, app.url, `/mot-de-passe/${token}`);
    await fresh.fill('Encore un autre mot de passe');
    await confirm.fill('Encore un autre mot de passe');
    await save.click();
    await page.getByText('Ce lien n’est pas valide, a expiré ou a déjà servi').waitFor();
  }, [{ path: '/api/password-reset/confirm', status: 422 }, { path: '/api/password-reset/confirm', status: 404 }]));
});
