// The two journeys issue 4 asks for, in a real browser against the real server: a newcomer signs in, discovers and joins a public community; an animator invites an external partner, who accepts and then sees that one space and nothing else.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startApp, launchBrowser, openPage, visit, waitForPage, focused, screenshotPath,
  createUser, sql, apiAs, signInThroughPage, dropExpectedHttpErrors, DESKTOP, PHONE,
} from './support.mjs';

// Passwords the people of these journeys choose (12+ characters, not common).
const PASSWORDS = {
  animator: 'Lavande-Ventoux-2024!',
  newcomer: 'Garrigue-Sorgue-Matin',
  partner: 'Mistral du soir sur le Rhône',
  other: 'Cigale-Platane-Fontaine',
};

describe('issue 4 journeys', () => {
  let app;
  let browser;
  let animator;
  let newcomer;
  let other;
  let world;

  before(async () => {
    app = await startApp();
    browser = await launchBrowser();
    animator = await createUser(app, {
      email: 'claire.martin@ght-vaucluse.fr', name: 'Claire Martin', password: PASSWORDS.animator,
      org: 'GHT Vaucluse', orgKind: 'ght', jobTitle: 'Cadre supérieure de santé',
    });
    newcomer = await createUser(app, {
      email: 'julien.roux@ght-vaucluse.fr', name: 'Julien Roux', password: PASSWORDS.newcomer,
      org: 'GHT Vaucluse', orgKind: 'ght', jobTitle: 'Infirmier coordinateur',
    });
    other = await createUser(app, {
      email: 'nadia.benali@ars-paca.fr', name: 'Nadia Benali', password: PASSWORDS.other,
      org: 'ARS Provence-Alpes-Côte d’Azur', orgKind: 'ars', jobTitle: 'Chargée de mission parcours',
    });
    // The animator's communities, made through the API as the web app would.
    const api = await apiAs(app, animator);
    const create = async (name, visibility, description) => {
      const res = await api.call('POST', '/api/communities', { name, visibility, description });
      assert.equal(res.status, 201, JSON.stringify(res.json));
      return res.json;
    };
    world = {
      palliative: await create('Soins palliatifs Vaucluse', 'public',
        'Coordination des équipes mobiles de soins palliatifs du territoire : protocoles partagés, réunions de concertation et retours d’expérience.'),
      quality: await create('Qualité et gestion des risques', 'restricted',
        'Le réseau des qualiticiens du GHT : certification HAS, événements indésirables, cartographie des risques.'),
      board: await create('Comité de direction', 'secret', 'Ordres du jour et relevés de décisions du comité de direction.'),
      partnership: await create('Parcours personnes âgées GHT–ARS', 'restricted',
        'Espace partagé avec l’ARS et les EHPAD du territoire pour le parcours des personnes âgées : admissions directes, hospitalisation à domicile, astreintes gériatriques.'),
    };
  });

  after(async () => {
    await browser?.close();
    await app?.stop();
  });

  async function noHorizontalScroll(page) {
    const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
    assert.ok(scrollWidth <= innerWidth, `page is ${scrollWidth}px wide in a ${innerWidth}px viewport`);
  }

  test('a newcomer signs in, discovers a public community, joins it and finds it in the navigation', async () => {
    const { context, page, problems } = await openPage(browser, { viewport: DESKTOP });
    try {
      // A page that needs a session sends the visitor to the login page, and back afterwards.
      await visit(page, app.url, '/communautes');
      assert.equal(new URL(page.url()).pathname, '/connexion');
      assert.equal(new URL(page.url()).searchParams.get('suite'), '/communautes');
      assert.equal(await page.locator('h1').innerText(), 'Se connecter');
      await page.getByLabel('Adresse électronique').fill(newcomer.email);
      await page.getByLabel('Mot de passe', { exact: true }).fill(newcomer.password);
      await page.getByRole('button', { name: 'Se connecter', exact: true }).click();
      await page.waitForURL(`${app.url}/communautes`);
      await waitForPage(page);
      assert.equal(await page.locator('h1').innerText(), 'Communautés');
      assert.equal((await focused(page)).tag, 'h1', 'focus lands on the new page heading');

      // The header now names the person; the navigation has no community yet.
      await page.getByRole('button', { name: 'Compte de Julien Roux' }).waitFor();
      const nav = page.getByRole('navigation', { name: 'Menu principal' });
      await nav.getByText('Aucune communauté pour l’instant').waitFor();
      const mine = page.getByRole('region', { name: 'Mes communautés' });
      await mine.getByText('Vous n’êtes membre d’aucune communauté').waitFor();

      // Discover: public and restricted communities are offered, the secret one never.
      const discover = page.getByRole('region', { name: 'À découvrir' });
      await discover.getByRole('link', { name: 'Soins palliatifs Vaucluse' }).waitFor();
      const offered = await discover.locator('.card__title').allInnerTexts();
      assert.ok(offered.includes('Qualité et gestion des risques'), 'the restricted community is listed');
      assert.ok(!offered.includes('Comité de direction'), 'the secret community is not listed');
      assert.ok(!(await page.locator('main').innerText()).includes('Comité de direction'));
      assert.equal(await discover.getByRole('button', { name: 'Demander à rejoindre Qualité et gestion des risques' }).count(), 1,
        'a restricted community is asked, not joined');

      await discover.getByRole('button', { name: 'Rejoindre Soins palliatifs Vaucluse' }).click();
      await page.waitForURL(`${app.url}/communautes/${world.palliative.id}`);
      await waitForPage(page);
      assert.equal(await page.locator('h1').innerText(), 'Soins palliatifs Vaucluse');
      await page.locator('#toasts-polite .toast').filter({ hasText: 'Vous avez rejoint' }).waitFor();
      const hero = await page.locator('.community-hero').innerText();
      assert.match(hero, /Publique/);
      assert.match(hero, /Vous\u00a0: Membre/);
      assert.match(hero, /2 membres/);

      // The navigation lists it, marked as the current page.
      const link = nav.getByRole('link', { name: 'Soins palliatifs Vaucluse' });
      await link.waitFor();
      assert.equal(await link.getAttribute('aria-current'), 'page');
      // The members: the animator and the newcomer.
      const members = page.getByRole('region', { name: 'Membres' });
      await members.getByRole('link', { name: 'Claire Martin' }).waitFor();
      assert.match(await members.innerText(), /Julien Roux[\s\S]*Membre/);
      assert.match(await members.innerText(), /Claire Martin[\s\S]*Animateur/);
      assert.equal(await page.getByRole('link', { name: 'Gérer la communauté' }).count(), 0, 'a member does not manage');

      // Reloaded, the session and the navigation are still there.
      await page.reload();
      await waitForPage(page);
      await nav.getByRole('link', { name: 'Soins palliatifs Vaucluse' }).waitFor();
      assert.deepEqual(problems, []);

      // Asking to join the restricted one leaves a pending request.
      await visit(page, app.url, `/communautes/${world.quality.id}`);
      assert.match(await page.locator('main').innerText(), /Liste des membres réservée/);
      await page.getByRole('button', { name: 'Demander à rejoindre' }).click();
      await page.getByText('Demande en attente').waitFor();
      assert.equal(await sql(app, `SELECT status FROM join_requests WHERE community_id = ${world.quality.id} AND user_id = ${newcomer.id}`), 'pending');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('an animator invites a partner by e-mail; the partner accepts and sees that one space and nothing else', async () => {
    const partnerEmail = 'sophie.leclerc@apf-vaucluse.org';
    // The animator, on the management screen of the shared space.
    const { context, page, problems } = await openPage(browser, { viewport: DESKTOP });
    try {
      await signInThroughPage(page, app.url, animator, `/connexion?suite=${encodeURIComponent(`/communautes/${world.partnership.id}`)}`);
      assert.equal(new URL(page.url()).pathname, `/communautes/${world.partnership.id}`);
      await page.getByRole('link', { name: 'Gérer la communauté' }).click();
      await waitForPage(page);
      await page.getByRole('navigation', { name: 'Sections de gestion' }).getByRole('link', { name: 'Invitations' }).click();
      await page.waitForURL(`${app.url}/communautes/${world.partnership.id}/gestion/invitations`);
      await waitForPage(page);
      assert.equal(await page.locator('h1').innerText(), 'Gérer «\u00a0Parcours personnes âgées GHT–ARS\u00a0»');

      // A malformed address is refused on the field, before anything is sent.
      const form = page.getByRole('form', { name: 'Inviter par courriel' });
      await form.getByLabel('Adresse électronique').fill('sophie.leclerc');
      await form.getByRole('button', { name: 'Envoyer l’invitation' }).click();
      await form.getByText('Saisissez une adresse électronique valide').waitFor();
      assert.equal(await form.getByLabel('Adresse électronique').getAttribute('aria-invalid'), 'true');

      await form.getByLabel('Adresse électronique').fill(partnerEmail);
      await form.getByLabel('Message').fill('Bonjour Sophie, voici l’espace du parcours personnes âgées dont nous avons parlé.');
      await form.getByRole('button', { name: 'Envoyer l’invitation' }).click();
      await page.locator('#toasts-polite .toast').filter({ hasText: `Invitation envoyée à ${partnerEmail}` }).waitFor();
      const sent = page.getByRole('region', { name: 'Invitations envoyées' });
      await sent.getByText(partnerEmail).waitFor();
      assert.match(await sent.innerText(), /En attente/);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }

    // The e-mail sits in the outbox; the partner opens its link in a browser of their own.
    const body = await sql(app, `SELECT body_text FROM email_outbox WHERE to_address = '${partnerEmail}' AND kind = 'invitation' ORDER BY id DESC LIMIT 1`);
    const token = /\/invitation\/([A-Za-z0-9_-]+)/.exec(body)?.[1];
    assert.ok(token, `an invitation link in the e-mail:\n${body}`);

    for (const [name, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
      const partner = await openPage(browser, { viewport });
      try {
        if (name === 'desktop') {
          await visit(partner.page, app.url, `/invitation/${token}`);
          assert.equal(await partner.page.locator('h1').innerText(), 'Rejoindre «\u00a0Parcours personnes âgées GHT–ARS\u00a0»');
          const main = await partner.page.locator('main').innerText();
          assert.match(main, /Claire Martin vous invite à rejoindre cette communauté/);
          assert.match(main, /voici l’espace du parcours personnes âgées/);
          assert.match(main, new RegExp(`Invitation adressée à ${partnerEmail}`));
          await partner.page.screenshot({ path: screenshotPath('invitation-desktop'), fullPage: true });

          // Passwords that do not match are caught on the page.
          await partner.page.getByLabel('Prénom et nom').fill('Sophie Leclerc');
          await partner.page.getByLabel('Mot de passe', { exact: true }).fill(PASSWORDS.partner);
          await partner.page.getByLabel('Confirmez le mot de passe').fill('Mistral du soir sur le Rhone');
          await partner.page.getByRole('button', { name: 'Créer mon accès et rejoindre' }).click();
          await partner.page.getByText('Les deux mots de passe ne sont pas identiques.').waitFor();
          // The show/hide toggle reveals what was typed.
          const toggle = partner.page.getByRole('button', { name: 'Afficher' }).first();
          await toggle.click();
          assert.equal(await partner.page.getByLabel('Mot de passe', { exact: true }).getAttribute('type'), 'text');
          assert.equal(await partner.page.getByRole('button', { name: 'Masquer' }).first().getAttribute('aria-pressed'), 'true');

          await partner.page.getByLabel('Confirmez le mot de passe').fill(PASSWORDS.partner);
          await partner.page.getByRole('button', { name: 'Créer mon accès et rejoindre' }).click();
          await partner.page.waitForURL(`${app.url}/communautes/${world.partnership.id}`);
          await waitForPage(partner.page);
        } else {
          // Later, on a phone: the partner signs in with the password chosen above.
          await signInThroughPage(partner.page, app.url, { email: partnerEmail, password: PASSWORDS.partner });
          await visit(partner.page, app.url, `/communautes/${world.partnership.id}`);
        }
        const p = partner.page;
        // Landed in the community, as its guest.
        assert.equal(await p.locator('h1').innerText(), 'Parcours personnes âgées GHT–ARS');
        assert.match(await p.locator('.community-hero').innerText(), /Vous\u00a0: Invité/);
        await p.getByRole('region', { name: 'Membres' }).getByRole('link', { name: 'Claire Martin' }).waitFor();
        await noHorizontalScroll(p);
        await p.screenshot({ path: screenshotPath(`community-home-${name}`), fullPage: true });

        // The navigation holds that one space.
        if (name === 'phone') await p.locator('#menu-button').click();
        const nav = p.getByRole('navigation', { name: 'Menu principal' });
        const navCommunities = await nav.locator('#nav-communities a').allInnerTexts();
        assert.deepEqual(navCommunities, ['Parcours personnes âgées GHT–ARS']);
        if (name === 'phone') await p.keyboard.press('Escape');

        // The communities page: mine only, nothing to discover, no creation.
        await visit(p, app.url, '/communautes');
        await p.locator('.community-card').first().waitFor();
        const main = await p.locator('main').innerText();
        assert.match(main, /Parcours personnes âgées GHT–ARS/);
        for (const hidden of ['Soins palliatifs Vaucluse', 'Qualité et gestion des risques', 'Comité de direction', 'À découvrir', 'Créer une communauté']) {
          assert.ok(!main.includes(hidden), `a partner does not see "${hidden}"`);
        }

        // The directory: only the people of that community.
        await visit(p, app.url, '/annuaire');
        await p.locator('.people-list').waitFor();
        const people = await p.locator('.people-list .list__title').allInnerTexts();
        assert.ok(people.includes('Claire Martin'), 'the animator, a co-member, is listed');
        assert.ok(!people.includes('Julien Roux') && !people.includes('Nadia Benali'), `staff outside the community are not listed: ${people}`);
        await p.getByLabel('Nom, fonction ou organisation').fill('Roux');
        await p.getByText('Aucune personne ne correspond').waitFor();
        await p.getByLabel('Nom, fonction ou organisation').fill('');
        await p.locator('.people-list').waitFor();
        await noHorizontalScroll(p);
        await p.screenshot({ path: screenshotPath(`directory-guest-${name}`), fullPage: true });

        // Other spaces' addresses answer like addresses that do not exist.
        for (const c of [world.board, world.palliative, world.quality]) {
          await visit(p, app.url, `/communautes/${c.id}`);
          assert.equal(await p.locator('h1').innerText(), 'Page introuvable', `community ${c.name}`);
          assert.ok(!(await p.locator('main').innerText()).includes(c.name));
        }
        // And so do the profiles of staff outside the community.
        await visit(p, app.url, `/personnes/${newcomer.id}`);
        assert.equal(await p.locator('h1').innerText(), 'Page introuvable');
        dropExpectedHttpErrors(partner.problems, [
          { path: /\/api\/communities\/\d+\)/, status: 404 },
          { path: `/api/users/${newcomer.id}`, status: 404 },
        ]);
        assert.deepEqual(partner.problems, []);
      } finally {
        await partner.context.close();
      }
    }
    assert.equal(await sql(app, `SELECT u.kind || ' ' || m.role FROM users u JOIN memberships m ON m.user_id = u.id WHERE u.email = '${partnerEmail}'`), 'guest guest');
    // The invitation worked once.
    const again = await openPage(browser, { viewport: DESKTOP });
    try {
      await visit(again.page, app.url, `/invitation/${token}`);
      assert.equal(await again.page.locator('h1').innerText(), 'Invitation introuvable');
      dropExpectedHttpErrors(again.problems, [{ path: /\/api\/invitations\//, status: 404 }]);
      assert.deepEqual(again.problems, []);
    } finally {
      await again.context.close();
    }
  });

  test('staff directory: search as you type, organisation filter, profile page; screenshots', async () => {
    for (const [name, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
      const { context, page, problems } = await openPage(browser, { viewport });
      try {
        await signInThroughPage(page, app.url, newcomer, '/connexion?suite=%2Fannuaire');
        assert.equal(new URL(page.url()).pathname, '/annuaire');
        await page.locator('.people-list').waitFor();
        const everyone = await page.locator('.people-list .list__title').allInnerTexts();
        for (const person of ['Claire Martin', 'Julien Roux', 'Nadia Benali']) assert.ok(everyone.includes(person), `${person} in ${everyone}`);
        assert.ok(!everyone.includes('Sophie Leclerc'), 'a partner is not in the staff directory unless one shares a community');
        await noHorizontalScroll(page);
        await page.screenshot({ path: screenshotPath(`directory-${name}`), fullPage: true });

        // Accents and case do not matter; the status line counts the results.
        await page.getByLabel('Nom, fonction ou organisation').fill('benali');
        await page.waitForFunction(() => document.querySelectorAll('.people-list .list__title').length === 1);
        assert.equal(await page.locator('.people-list .list__title').innerText(), 'Nadia Benali');
        assert.match(await page.locator('.results-status').innerText(), /1 personne pour «\u00a0benali\u00a0»/);
        assert.equal(new URL(page.url()).searchParams.get('q'), 'benali', 'the URL keeps the search');

        await page.getByRole('link', { name: 'Nadia Benali' }).click();
        await page.waitForURL(`${app.url}/personnes/${other.id}`);
        await waitForPage(page);
        assert.equal(await page.locator('h1').innerText(), 'Nadia Benali');
        const profile = await page.locator('main').innerText();
        assert.match(profile, /Chargée de mission parcours/);
        assert.match(profile, /ARS Provence-Alpes-Côte d’Azur/);
        assert.match(profile, /nadia\.benali@ars-paca\.fr/);

        // Filtering by organisation.
        await visit(page, app.url, '/annuaire');
        await page.getByLabel('Organisation', { exact: true }).selectOption({ label: 'GHT Vaucluse (GHT)' });
        await page.waitForFunction(() => ![...document.querySelectorAll('.people-list .list__title')].some((el) => el.textContent === 'Nadia Benali'));
        const ght = await page.locator('.people-list .list__title').allInnerTexts();
        assert.ok(ght.includes('Claire Martin') && ght.includes('Julien Roux'));
        assert.deepEqual(problems, []);
      } finally {
        await context.close();
      }
    }
  });
});
