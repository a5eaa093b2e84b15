// Journeys through the web shell: landmarks, French/English switch, deep links, client-side navigation, keyboard use (skip link, phone menu), and a clean console under the CSP.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startApp, launchBrowser, openPage, visit, waitForPage, focused, screenshotPath,
  DESKTOP, PHONE, SMALL_PHONE,
} from './support.mjs';

describe('web shell', () => {
  let app;
  let browser;

  before(async () => {
    app = await startApp();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await app?.stop();
  });

  /** Opens a page, runs the journey, then checks nothing went wrong in the console. */
  async function journey(options, fn) {
    const { context, page, problems } = await openPage(browser, options);
    try {
      await fn(page);
      assert.deepEqual(problems, [], 'console errors, page errors or CSP violations');
    } finally {
      await context.close();
    }
  }

  async function noHorizontalScroll(page) {
    const { scrollWidth, innerWidth } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
    }));
    assert.ok(scrollWidth <= innerWidth, `page is ${scrollWidth}px wide in a ${innerWidth}px viewport`);
  }

  for (const [name, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
    test(`home page at ${viewport.width}px: welcome, server status, screenshot (${name})`, () => journey({ viewport }, async (page) => {
      await visit(page, app.url, '/');
      assert.equal(await page.getAttribute('html', 'lang'), 'fr');
      assert.equal(await page.title(), 'Accueil · Relais');
      await page.getByRole('heading', { level: 1 }).waitFor();
      assert.equal(await page.locator('h1').count(), 1, 'one h1 per page');
      // The home page asks /healthz; a healthy test server answers ok.
      await page.locator('.status--ok').waitFor();
      assert.match(await page.locator('section[aria-labelledby="home-status"]').innerText(), /Service opérationnel/);
      await noHorizontalScroll(page);
      await page.screenshot({ path: screenshotPath(`shell-home-${name}`), fullPage: true });
    }));
  }

  test('landmarks: banner, search, navigation, main, contentinfo', () => journey({ viewport: DESKTOP }, async (page) => {
    await visit(page, app.url, '/');
    for (const role of ['banner', 'search', 'main', 'contentinfo']) {
      assert.equal(await page.getByRole(role).count(), 1, `one ${role} landmark`);
    }
    const nav = page.getByRole('navigation', { name: 'Menu principal' });
    assert.equal(await nav.count(), 1);
    assert.ok(await nav.isVisible(), 'the navigation is a visible sidebar on desktop');
    // The communities area is there; a visitor is told to sign in to see theirs.
    assert.match(await nav.innerText(), /Connectez-vous pour retrouver les espaces dont vous êtes membre/);
    // The search box is a combobox (its suggestions are tested in search.test.mjs).
    const input = page.getByRole('combobox', { name: 'Rechercher dans Relais' });
    assert.ok(await input.isVisible(), 'the search box has an accessible name');
  }));

  test('the language switch changes text and <html lang>, and is remembered', () => journey({ viewport: DESKTOP }, async (page) => {
    await visit(page, app.url, '/');
    const english = page.getByRole('button', { name: 'English' });
    assert.equal(await english.getAttribute('aria-pressed'), 'false');
    await english.click();
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    await waitForPage(page);
    assert.equal(await english.getAttribute('aria-pressed'), 'true');
    assert.equal(await page.title(), 'Home · Relais');
    assert.equal(await page.locator('h1').innerText(), 'The shared workspace for health and social care');
    assert.equal(await page.locator('.skip-link').first().textContent(), 'Skip to content');
    assert.equal(await page.getAttribute('#site-search-input', 'placeholder'), 'Search Relais');
    assert.ok(await page.getByRole('navigation', { name: 'Main menu' }).isVisible());

    await page.reload();
    await waitForPage(page);
    assert.equal(await page.getAttribute('html', 'lang'), 'en', 'the choice survives a reload');
    assert.equal(await page.locator('h1').innerText(), 'The shared workspace for health and social care');

    await page.getByRole('button', { name: 'Français' }).click();
    await page.waitForFunction(() => document.documentElement.lang === 'fr');
    await waitForPage(page);
    assert.equal(await page.title(), 'Accueil · Relais');
  }));

  test('if the English catalogue cannot be loaded, the page stays in French and says so', async () => {
    const { context, page, problems } = await openPage(browser, { viewport: DESKTOP });
    try {
      await visit(page, app.url, '/');
      await page.route('**/i18n/en.json', (route) => route.abort('connectionrefused'));
      await page.getByRole('button', { name: 'English' }).click();
      const toast = page.locator('#toasts-assertive .toast');
      await toast.waitFor();
      assert.match(await toast.innerText(), /La langue n’a pas pu être changée/);
      assert.equal(await page.getAttribute('html', 'lang'), 'fr');
      assert.equal(await page.getByRole('button', { name: 'Français' }).getAttribute('aria-pressed'), 'true');
      // Only the refused request itself may have been reported.
      assert.deepEqual(problems.filter((p) => !p.includes('en.json') && !p.includes('ERR_CONNECTION_REFUSED')), []);
    } finally {
      await context.close();
    }
  });

  test('a deep link reloads into the shell: unknown route shows the 404 page', () => journey({ viewport: DESKTOP }, async (page) => {
    const response = await page.goto(`${app.url}/nulle-part/xyz`);
    assert.equal(response.status(), 200, 'the server answers client routes with the shell');
    await waitForPage(page);
    assert.equal(await page.locator('h1').innerText(), 'Page introuvable');
    assert.match(await page.locator('main').innerText(), /\/nulle-part\/xyz/);
    assert.equal(await page.title(), 'Page introuvable · Relais');
    assert.equal(await page.getByRole('banner').count(), 1, 'inside the full shell');

    await page.getByRole('link', { name: 'Retour à l’accueil' }).click();
    await page.waitForURL(`${app.url}/`);
    await waitForPage(page);
    assert.equal(await page.title(), 'Accueil · Relais');
  }));

  test('search: the header form routes to /recherche?q=, where a visitor is asked to sign in', () => journey({ viewport: DESKTOP }, async (page) => {
    await visit(page, app.url, '/');
    const input = page.getByRole('combobox', { name: 'Rechercher dans Relais' });
    await input.fill('dossier médical « DMP »');
    await input.press('Enter');
    await page.waitForURL(/\/recherche\?q=/);
    await waitForPage(page);
    assert.equal(new URL(page.url()).searchParams.get('q'), 'dossier médical « DMP »');
    assert.equal(await page.locator('h1').innerText(), 'Recherche');
    const main = await page.locator('main').innerText();
    assert.match(main, /Résultats pour «\u00a0dossier médical « DMP »\u00a0»/); // French typography: no-break spaces inside « »
    assert.match(main, /Connectez-vous pour rechercher/);
    assert.equal(await page.locator('main .list__item').count(), 0, 'no made-up results');
    assert.equal((await focused(page)).tag, 'h1', 'focus moves to the new page heading');
    assert.equal(await input.inputValue(), 'dossier médical « DMP »');

    // Loaded directly, the query is read from the URL and shown as text, never as markup.
    await visit(page, app.url, '/recherche?q=%3Cimg%20src%3Dx%3E');
    assert.match(await page.locator('main').innerText(), /<img src=x>/);
    assert.equal(await page.locator('main img').count(), 0);
  }));

  test('links navigate without a page load; Back returns; the menu marks the current page', () => journey({ viewport: DESKTOP }, async (page) => {
    await visit(page, app.url, '/');
    await page.evaluate(() => { window.__sameDocument = true; });
    const nav = page.getByRole('navigation', { name: 'Menu principal' });
    assert.equal(await nav.getByRole('link', { name: 'Accueil' }).getAttribute('aria-current'), 'page');

    await page.getByRole('link', { name: 'Système de design' }).click();
    await page.waitForURL(`${app.url}/design`);
    await waitForPage(page);
    assert.equal(await page.title(), 'Système de design · Relais');
    assert.equal(await page.evaluate(() => window.__sameDocument), true, 'no full page load');
    assert.equal((await focused(page)).text, 'Système de design');

    await nav.getByRole('link', { name: 'Recherche' }).click();
    await page.waitForURL(`${app.url}/recherche`);
    await waitForPage(page);
    assert.equal(await nav.getByRole('link', { name: 'Recherche' }).getAttribute('aria-current'), 'page');
    assert.equal(await nav.getByRole('link', { name: 'Accueil' }).getAttribute('aria-current'), null);

    await page.goBack();
    await page.waitForURL(`${app.url}/design`);
    await waitForPage(page);
    assert.equal(await page.locator('h1').innerText(), 'Système de design');
    assert.equal(await page.evaluate(() => window.__sameDocument), true);
  }));

  test('keyboard: the first Tab reaches the skip link, which moves focus to main', () => journey({ viewport: DESKTOP }, async (page) => {
    await visit(page, app.url, '/');
    await page.keyboard.press('Tab');
    const first = await focused(page);
    assert.equal(first.text, 'Aller au contenu');
    const box = await page.locator('.skip-link').first().boundingBox();
    assert.ok(box && box.y >= 0 && box.height > 0, 'the focused skip link is visible on screen');

    await page.keyboard.press('Enter');
    assert.equal((await focused(page)).id, 'main');
    assert.equal(new URL(page.url()).pathname, '/', 'the skip link does not change page');
    // The next Tab continues inside the content, not back in the header.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.getElementById('main').contains(document.activeElement)), true);
  }));

  for (const viewport of [PHONE, SMALL_PHONE]) {
    test(`phone menu at ${viewport.width}px opens and closes with the keyboard, focus trapped and returned`, () => journey({ viewport }, async (page) => {
      await visit(page, app.url, '/');
      await noHorizontalScroll(page);
      const menuButton = page.locator('#menu-button');
      const nav = page.locator('#site-nav');
      assert.equal(await nav.isVisible(), false, 'the navigation is folded away on a phone');
      assert.equal(await menuButton.getAttribute('aria-expanded'), 'false');

      for (let i = 0; i < 6 && (await focused(page)).id !== 'menu-button'; i += 1) await page.keyboard.press('Tab');
      assert.equal((await focused(page)).id, 'menu-button', 'the menu button is reachable by Tab');
      await page.keyboard.press('Enter');
      assert.equal(await menuButton.getAttribute('aria-expanded'), 'true');
      assert.ok(await nav.isVisible());
      assert.equal(await page.evaluate(() => document.getElementById('site-nav').contains(document.activeElement)), true, 'focus moves into the menu');
      if (viewport === PHONE) await page.screenshot({ path: screenshotPath('shell-menu-phone') });

      for (let i = 0; i < 8; i += 1) {
        await page.keyboard.press(i % 3 === 2 ? 'Shift+Tab' : 'Tab');
        assert.equal(await page.evaluate(() => document.getElementById('site-nav').contains(document.activeElement)), true, 'Tab stays inside the open menu');
      }
      assert.equal(await page.evaluate(() => document.getElementById('main').inert), true, 'the page behind is inert');

      await page.keyboard.press('Escape');
      assert.equal(await nav.isVisible(), false, 'Escape closes the menu');
      assert.equal(await menuButton.getAttribute('aria-expanded'), 'false');
      assert.equal((await focused(page)).id, 'menu-button', 'focus returns to the menu button');
      assert.equal(await page.evaluate(() => document.getElementById('main').inert), false);

      // Following a link from the menu closes it and lands on the new page.
      await page.keyboard.press('Enter');
      await nav.getByRole('link', { name: 'Recherche' }).focus();
      await page.keyboard.press('Enter');
      await page.waitForURL(`${app.url}/recherche`);
      await waitForPage(page);
      assert.equal(await nav.isVisible(), false);
      assert.equal((await focused(page)).text, 'Recherche');
    }));
  }

  test('every page fits a 360 px phone without sideways scrolling', () => journey({ viewport: SMALL_PHONE }, async (page) => {
    for (const path of ['/', '/recherche', '/recherche?q=GHT', '/design', '/nulle-part/xyz', '/connexion', '/mot-de-passe-oublie']) {
      await visit(page, app.url, path);
      await noHorizontalScroll(page);
    }
    await visit(page, app.url, '/nulle-part/xyz');
    await page.screenshot({ path: screenshotPath('shell-notfound-phone'), fullPage: true });
  }));
});
