// Journeys through the design-system page (/design): dialogs, toasts, form validation and the dark theme, as a person would use them with keyboard and mouse.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startApp, launchBrowser, openPage, visit, focused, screenshotPath, DESKTOP, PHONE,
} from './support.mjs';

describe('design system page', () => {
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

  async function journey(options, fn) {
    const { context, page, problems } = await openPage(browser, options);
    try {
      await visit(page, app.url, '/design');
      await fn(page);
      assert.deepEqual(problems, [], 'console errors, page errors or CSP violations');
    } finally {
      await context.close();
    }
  }

  test('shows every component section, screenshots at desktop and phone widths', async () => {
    for (const [name, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
      await journey({ viewport }, async (page) => {
        assert.equal(await page.locator('h1').innerText(), 'Système de design');
        const sections = await page.locator('main section h2').allInnerTexts();
        for (const title of ['Couleurs', 'Typographie', 'Boutons', 'Formulaires', 'Listes', 'Cartes', 'Badges et mots-clés',
          'Alertes', 'Boîtes de dialogue', 'Notifications éphémères', 'Chargement', 'État vide', 'Erreurs']) {
          assert.ok(sections.includes(title), `section "${title}"`);
        }
        await page.screenshot({ path: screenshotPath(`design-${name}`), fullPage: true });
      });
    }
  });

  test('confirm dialog: focus on the safe choice, Escape cancels and gives focus back, confirming says so', () => journey({}, async (page) => {
    const opener = page.getByRole('button', { name: 'Supprimer un document' });
    await opener.click();
    const dialog = page.getByRole('dialog', { name: 'Supprimer ce document\u00a0?' });
    await dialog.waitFor();
    assert.equal((await focused(page)).text, 'Annuler', 'the safe action has focus');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.equal((await focused(page)).text, 'Supprimer un document', 'focus returns to the opener');
    await page.locator('#toasts-polite').getByText('Suppression annulée.').waitFor();

    await opener.click();
    await page.getByRole('button', { name: 'Supprimer définitivement' }).click();
    await page.locator('#toasts-polite').getByText('Document supprimé (démonstration).').waitFor();
  }));

  test('toasts: errors are announced assertively and stay; others politely, with a close button', () => journey({}, async (page) => {
    await page.getByRole('button', { name: 'Erreur', exact: true }).click();
    const error = page.locator('#toasts-assertive .toast');
    await error.waitFor();
    assert.match(await error.innerText(), /Le serveur ne répond pas/);
    assert.equal(await page.locator('#toasts-assertive').getAttribute('role'), 'alert');

    await page.getByRole('button', { name: 'Succès', exact: true }).click();
    const success = page.locator('#toasts-polite .toast');
    await success.waitFor();
    await success.getByRole('button', { name: 'Fermer la notification' }).click();
    assert.equal(await page.locator('#toasts-polite .toast').count(), 0);

    await error.getByRole('button', { name: 'Fermer la notification' }).click();
    assert.equal(await page.locator('#toasts-assertive .toast').count(), 0);
  }));

  test('form: errors appear next to their fields, are tied to them, and focus goes to the first one', () => journey({}, async (page) => {
    const name = page.getByLabel('Nom complet');
    const email = page.getByLabel('Adresse électronique professionnelle');
    await email.fill('pas-une-adresse');
    await page.getByRole('button', { name: 'Envoyer la demande' }).click();

    assert.equal(await name.getAttribute('aria-invalid'), 'true');
    assert.equal(await email.getAttribute('aria-invalid'), 'true');
    assert.equal(await name.evaluate((el) => el === document.activeElement), true, 'focus on the first invalid field');
    const description = await email.evaluate((el) => el.getAttribute('aria-describedby').split(' ')
      .map((id) => document.getElementById(id).textContent).join(' | '));
    assert.match(description, /Par exemple/, 'the hint is still read');
    assert.match(description, /n’est pas valide/, 'the error is read with the field');

    await name.fill('Camille Martin');
    await email.fill('camille.martin@chu-exemple.fr');
    await page.getByRole('button', { name: 'Envoyer la demande' }).click();
    assert.equal(await name.getAttribute('aria-invalid'), null);
    assert.equal(await page.locator('.field__error').count(), 0);
    await page.locator('#toasts-polite').getByText(/Demande envoyée/).waitFor();
  }));

  test('the dark theme is a [data-theme] override of the tokens', () => journey({}, async (page) => {
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const light = await background();
    await page.getByLabel('Sombre').check();
    assert.equal(await page.getAttribute('html', 'data-theme'), 'dark');
    assert.notEqual(await background(), light);
    await page.screenshot({ path: screenshotPath('design-dark-desktop') });
    await page.getByLabel('Clair').check();
    assert.equal(await page.getAttribute('html', 'data-theme'), null);
  }));
});
