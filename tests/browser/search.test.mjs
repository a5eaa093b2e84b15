// The search of issue 6 in a real browser: the header box's suggestions (WAI-ARIA combobox, keyboard and mouse), the results page (hits, highlighted excerpts, facets, filters kept in the URL, paging, "did you mean", empty and error states) on a desktop and a 360 px phone.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startApp, launchBrowser, openPage, visit, waitForPage, focused, screenshotPath,
  createUser, apiAs, signInThroughPage, dropExpectedHttpErrors, DESKTOP, SMALL_PHONE,
} from './support.mjs';

/*
 * Most journeys here serve /api/search and /api/search/suggest from canned answers (page.route),
 * so that each state of the interface can be reached on purpose; the last one runs against the
 * real index, without any stand-in.
 */

const PASSWORD = 'Olivier-Luberon-Crépuscule';

const SUGGESTIONS = [
  { type: 'document', id: 42, label: 'Protocole qualité des transfusions', detail: 'PDF · 240 Ko', url: '/recherche?q=protocole' },
  { type: 'person', id: 3, label: 'Quentin Allard', detail: 'GHT Vaucluse · Qualiticien', url: '/recherche?author=3' },
  { type: 'tag', id: 5, label: 'qualité', detail: null, url: '/recherche?tag=qualit%C3%A9' },
  { type: 'community', id: 1, label: 'Qualité et gestion des risques', detail: '12 membres', url: '/recherche?community=1' },
  { type: 'tag', id: 6, label: 'qualité de vie au travail', detail: null, url: '/recherche?tag=qualit%C3%A9%20de%20vie%20au%20travail' },
];

/** A results page for the canned answers: 45 hits in all, 20 a page. */
function answer(params, overrides = {}) {
  const page = Number(params.get('page') ?? 1);
  const hits = [
    {
      type: 'document', id: 42, title: 'Protocole qualité des transfusions', url: '/recherche?q=protocole',
      date: '2026-11-20T09:30:00Z',
      community: { id: 1, name: 'Qualité et gestion des risques' }, author: { id: 3, name: 'Quentin Allard' },
      snippet: [
        { text: '… la démarche ', match: false },
        { text: 'qualité', match: true },
        { text: ' du service <img src=x> & <b>non</b> ', match: false },
        { text: 'Qualité', match: true },
        { text: ' …', match: false },
      ],
      detail: 'protocole-transfusions.pdf', media_type: 'application/pdf', size: 245760, status: 'validated', percent: 92,
    },
    {
      type: 'community', id: 1, title: 'Qualité et gestion des risques', url: '/recherche?community=1',
      date: null, community: null, author: null, snippet: [], detail: 'Le réseau des qualiticiens du GHT',
    },
    {
      type: 'person', id: 3, title: 'Quentin Allard', url: '/recherche?author=3',
      date: null, community: null, author: null, snippet: [], detail: 'GHT Vaucluse · Qualiticien',
    },
    {
      type: 'tag', id: 5, title: 'qualité', url: '/recherche?tag=qualit%C3%A9', date: null, community: null, author: null, snippet: [], detail: null,
    },
  ];
  for (let i = hits.length; i < 20; i += 1) {
    hits.push({
      type: 'document', id: 100 + i, title: `Compte rendu ${i + (page - 1) * 20}`, url: `/recherche?q=cr${i}`,
      date: '2026-10-01T08:00:00Z', community: { id: 2, name: 'Soins palliatifs Vaucluse' }, author: null,
      snippet: [{ text: 'Réunion ', match: false }, { text: 'qualité', match: true }], detail: 'DOCX · 18 Ko',
    });
  }
  return {
    query: params.get('q') ?? '', sort: params.get('sort') ?? 'relevance', page, per_page: 20,
    total: 45, total_exact: true, correction: null,
    hits: page === 3 ? hits.slice(0, 5) : hits,
    facets: {
      type: [{ value: 'document', count: 30 }, { value: 'community', count: 8 }, { value: 'person', count: 5 }, { value: 'tag', count: 2 }],
      community: [{ id: 1, name: 'Qualité et gestion des risques', count: 20 }, { id: 2, name: 'Soins palliatifs Vaucluse', count: 16 }],
      author: [{ id: 3, name: 'Quentin Allard', count: 12 }],
      tag: [{ value: 'qualité', count: 9 }, { value: 'certification', count: 4 }],
    },
    ...overrides,
  };
}

/**
 * Serves the search endpoints from canned answers and records what the page asked:
 * search(params) → a JSON body, or { status, body } for an error; suggest(q) → suggestions.
 */
async function mockSearch(page, { search = (params) => answer(params), searchDelay = () => 0, suggest = () => SUGGESTIONS, suggestDelay = () => 0 } = {}) {
  const asked = { search: [], suggest: [] };
  await page.route((url) => url.pathname === '/api/search/suggest', async (route) => {
    const q = new URL(route.request().url()).searchParams.get('q');
    asked.suggest.push(q);
    const delay = suggestDelay(q);
    if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
    try {
      await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ suggestions: suggest(q) }) });
    } catch {
      // The page gave up on this request (a newer keystroke aborted it).
    }
  });
  await page.route((url) => url.pathname === '/api/search', async (route) => {
    const params = new URL(route.request().url()).searchParams;
    asked.search.push(params);
    const delay = searchDelay(params);
    if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
    const reply = search(params);
    if (reply === 'network') {
      await route.abort('internetdisconnected');
      return;
    }
    const { status, body } = reply?.status ? reply : { status: 200, body: reply };
    await route.fulfill({ status, contentType: 'application/json', body: JSON.stringify(body) });
  });
  return asked;
}

/** Uploads a file through the API as who (multipart/form-data, as the library page sends it): { status, json }. */
async function upload(app, who, urlPath, fields, file) {
  const { request } = await import('../lib/harness.mjs');
  const login = await request(`${app.url}/api/session`, { method: 'POST', body: { email: who.email, password: who.password }, headers: { Origin: app.url } });
  assert.equal(login.status, 200, login.text());
  const cookie = [].concat(login.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ');
  const boundary = `----relais${Date.now().toString(16)}`;
  const parts = Object.entries(fields).map(([name, value]) => Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`));
  parts.push(file.data, Buffer.from(`\r\n--${boundary}--\r\n`));
  const res = await request(`${app.url}${urlPath}`, {
    method: 'POST',
    body: Buffer.concat(parts),
    headers: { Cookie: cookie, 'X-CSRF-Token': login.json().csrf_token, Origin: app.url, 'Content-Type': `multipart/form-data; boundary=${boundary}` },
  });
  const text = res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

const lastSearch = (asked) => Object.fromEntries(asked.search.at(-1) ?? []);

/** Waits (5 s at most) until the last search the page asked passes check, which throws until then. */
async function expectSearch(asked, check) {
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      check(lastSearch(asked));
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

async function noHorizontalScroll(page) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
  assert.ok(scrollWidth <= innerWidth, `page is ${scrollWidth}px wide in a ${innerWidth}px viewport`);
}

/** The query string of the page's URL as a plain object. */
const urlParams = (page) => Object.fromEntries(new URL(page.url()).searchParams);

describe('search (issue 6)', () => {
  let app;
  let browser;
  let person;

  before(async () => {
    app = await startApp();
    browser = await launchBrowser();
    person = await createUser(app, {
      email: 'lea.fournier@ght-vaucluse.fr', name: 'Léa Fournier', password: PASSWORD,
      org: 'GHT Vaucluse', orgKind: 'ght', jobTitle: 'Responsable qualité',
    });
  });

  after(async () => {
    await browser?.close();
    await app?.stop();
  });

  /** A signed-in page with the search endpoints mocked; runs fn, then checks the console stayed clean. */
  async function journey({ viewport = DESKTOP, mock = {}, expectedHttpErrors = [], signedIn = true } = {}, fn) {
    const { context, page, problems } = await openPage(browser, { viewport });
    try {
      const asked = await mockSearch(page, mock);
      if (signedIn) await signInThroughPage(page, app.url, person);
      await fn(page, asked, problems);
      dropExpectedHttpErrors(problems, expectedHttpErrors);
      assert.deepEqual(problems, [], 'console errors, page errors or CSP violations');
    } finally {
      await context.close();
    }
  }

  test('header box: suggestions grouped by kind, driven by the keyboard as a WAI-ARIA combobox', () => journey({
    // The answer for the first keystroke comes late: it must never replace the list for the full word.
    mock: { suggestDelay: (q) => (q === 'q' ? 600 : 0), suggest: (q) => (q === 'q' ? [{ type: 'document', id: 9, label: 'Vieux résultat', detail: null, url: '/' }] : SUGGESTIONS) },
  }, async (page, asked) => {
    const box = page.getByRole('combobox', { name: 'Rechercher dans Relais' });
    const listbox = page.getByRole('listbox', { name: 'Suggestions' });
    assert.equal(await box.getAttribute('aria-expanded'), 'false');
    assert.equal(await box.getAttribute('aria-controls'), 'site-search-listbox');
    assert.equal(await listbox.isVisible(), false);

    await box.click();
    await box.pressSequentially('q');
    await page.waitForTimeout(200); // the request for "q" is on its way
    await box.pressSequentially('ual');
    await listbox.waitFor();
    assert.equal(await box.getAttribute('aria-expanded'), 'true');
    // Debounced: not one request per keystroke; the last one is for the whole text.
    assert.ok(asked.suggest.length <= 3, `asked ${asked.suggest.join(', ')}`);
    assert.equal(asked.suggest.at(-1), 'qual');
    await page.waitForTimeout(700); // long after the stale answer for "q" would have arrived
    assert.equal(await listbox.getByText('Vieux résultat').count(), 0, 'a stale answer never shows');

    // Groups in a fixed order (keywords, communities, people, documents), each labelled.
    const groups = listbox.getByRole('group');
    assert.deepEqual(await groups.evaluateAll((els) => els.map((g) => document.getElementById(g.getAttribute('aria-labelledby')).textContent)),
      ['Mots-clés', 'Communautés', 'Personnes', 'Documents']);
    const options = listbox.getByRole('option');
    assert.equal(await options.count(), 5);
    assert.deepEqual(await options.evaluateAll((els) => els.map((o) => o.querySelector('.search-suggest__label').textContent)),
      ['qualité', 'qualité de vie au travail', 'Qualité et gestion des risques', 'Quentin Allard', 'Protocole qualité des transfusions']);
    // The typed letters are marked at the start of words, whatever the case or the accents.
    assert.deepEqual(await options.nth(2).locator('mark').allTextContents(), ['Qual']);
    assert.deepEqual(await options.nth(4).locator('mark').allTextContents(), ['qual']);
    assert.match(await page.locator('#site-search-status').textContent(), /5 suggestions/);

    // ↓ moves the highlight (aria-activedescendant), focus stays in the box.
    const activeText = () => page.evaluate(() => {
      const input = document.getElementById('site-search-input');
      const id = input.getAttribute('aria-activedescendant');
      return id ? document.getElementById(id).querySelector('.search-suggest__label').textContent : null;
    });
    assert.equal(await activeText(), null);
    await box.press('ArrowDown');
    assert.equal(await activeText(), 'qualité');
    assert.equal(await options.nth(0).getAttribute('aria-selected'), 'true');
    assert.equal((await focused(page)).id, 'site-search-input');
    await box.press('ArrowDown');
    await box.press('ArrowDown');
    assert.equal(await activeText(), 'Qualité et gestion des risques');
    assert.equal(await options.nth(0).getAttribute('aria-selected'), 'false');
    await box.press('ArrowUp');
    await box.press('ArrowUp');
    await box.press('ArrowUp');
    assert.equal(await activeText(), 'Protocole qualité des transfusions', '↑ from the first goes round to the last');
    await box.press('ArrowDown');
    assert.equal(await activeText(), 'qualité', '↓ from the last goes round to the first');

    // Escape closes the list and keeps the text; a second Escape empties the box.
    await box.press('Escape');
    assert.equal(await box.getAttribute('aria-expanded'), 'false');
    assert.equal(await box.getAttribute('aria-activedescendant'), null);
    assert.equal(await box.inputValue(), 'qual');
    await box.press('ArrowDown'); // reopens on the first option
    assert.equal(await box.getAttribute('aria-expanded'), 'true');
    assert.equal(await activeText(), 'qualité');
    await box.press('Escape');
    await box.press('Escape');
    assert.equal(await box.inputValue(), '');

    // Enter on a highlighted suggestion goes where it points (a keyword: its search).
    await box.pressSequentially('qual');
    await listbox.waitFor();
    await box.press('ArrowDown');
    await box.press('Enter');
    await page.waitForURL((url) => url.pathname === '/recherche' && url.searchParams.get('tag') === 'qualité');
    await waitForPage(page);
    assert.equal(await box.getAttribute('aria-expanded'), 'false');
    assert.equal(await box.inputValue(), '', 'the box shows the query of the page, and a keyword search has none');
    await expectSearch(asked, (last) => assert.equal(last.tag, 'qualité'));

    // Enter with nothing highlighted searches for the text.
    await box.pressSequentially('qual');
    await listbox.waitFor();
    await box.press('Enter');
    await page.waitForURL((url) => url.pathname === '/recherche' && url.searchParams.get('q') === 'qual' && !url.searchParams.has('tag'));
    await waitForPage(page);
    assert.equal(await box.inputValue(), 'qual');
    assert.equal(await listbox.isVisible(), false);

    // Tab closes the list and moves on.
    await box.fill('');
    await box.pressSequentially('qua');
    await listbox.waitFor();
    await box.press('Tab');
    assert.equal(await listbox.isVisible(), false);
    assert.notEqual((await focused(page)).id, 'site-search-input');

    // The mouse: a click on a suggestion follows it.
    await box.fill('');
    await box.pressSequentially('quen');
    await listbox.waitFor();
    await listbox.getByRole('option', { name: /Quentin Allard/ }).click();
    await page.waitForURL((url) => url.searchParams.get('author') === '3');
    await waitForPage(page);
  }));

  test('results page: hits with kind, links, community, author, date, detail and a marked excerpt; HTML in data stays text', () => journey({}, async (page, asked) => {
    await visit(page, app.url, '/recherche?q=qualit%C3%A9');
    const hits = page.locator('.search-hit');
    await hits.first().waitFor();
    assert.equal(await page.title(), 'Recherche «\u00a0qualité\u00a0» · Relais');
    assert.equal(await page.locator('h1').count(), 1);
    await expectSearch(asked, (last) => assert.deepEqual(last, { q: 'qualité', sort: 'relevance', page: '1', per_page: '20' }));
    // The count is in a polite live region, so it is announced when the results arrive.
    const status = page.getByRole('status').filter({ hasText: 'résultats' });
    assert.equal(await status.innerText(), '45 résultats pour «\u00a0qualité\u00a0»');
    assert.equal(await status.getAttribute('aria-live'), 'polite');
    assert.equal(await hits.count(), 20);
    assert.equal(await page.getByRole('searchbox', { name: 'Mots recherchés' }).inputValue(), 'qualité');

    const first = hits.first();
    assert.match(await first.locator('.search-hit__kind').textContent(), /^Document/);
    const title = first.getByRole('heading', { level: 3 }).getByRole('link');
    assert.equal(await title.innerText(), 'Protocole qualité des transfusions');
    assert.equal(await title.getAttribute('href'), '/recherche?q=protocole');
    assert.equal(await first.getByRole('link', { name: 'Qualité et gestion des risques' }).getAttribute('href'), '/communautes/1');
    assert.equal(await first.getByRole('link', { name: 'Quentin Allard' }).getAttribute('href'), '/personnes/3');
    assert.equal(await first.locator('time').getAttribute('datetime'), '2026-11-20T09:30:00Z');
    assert.equal(await first.locator('time').innerText(), '20 nov. 2026');
    // A document's line: its type and size (from media_type and size), then its file name.
    assert.equal(await first.locator('.search-hit__detail').innerText(), 'PDF · 240\u00a0Ko · protocole-transfusions.pdf');
    assert.equal(await first.locator('.search-hit__kind .badge').innerText(), 'Validé');
    // The excerpt: matched words in <mark>, and the markup inside the text shown as characters.
    const snippet = first.locator('.search-hit__snippet');
    assert.deepEqual(await snippet.locator('mark').allTextContents(), ['qualité', 'Qualité']);
    assert.equal(await snippet.textContent(), '… la démarche qualité du service <img src=x> & <b>non</b> Qualité …');
    assert.equal(await page.locator('main img, main b').count(), 0, 'no element was made from the data');
    // Each kind says what it is.
    assert.deepEqual(await hits.locator('.search-hit__kind').evaluateAll((els) => els.slice(0, 4).map((e) => e.firstChild.textContent)),
      ['Document', 'Communauté', 'Personne', 'Mot-clé']);
    assert.equal(await hits.nth(1).locator('.search-hit__detail').innerText(), 'Le réseau des qualiticiens du GHT');
    assert.equal(await hits.nth(1).locator('.search-hit__snippet').count(), 0, 'an empty excerpt shows nothing');
    await page.screenshot({ path: screenshotPath('search-results-desktop'), fullPage: true });

    // In English.
    await page.getByRole('button', { name: 'English' }).click();
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    await page.getByRole('status').filter({ hasText: 'results for' }).waitFor();
    assert.equal(await page.getByRole('status').filter({ hasText: 'results for' }).innerText(), '45 results for “qualité”');
    assert.equal(await page.title(), 'Search “qualité” · Relais');
    assert.deepEqual(await page.getByRole('group', { name: 'Sort by' }).getByRole('button').allInnerTexts(), ['Relevance', 'Date']);
    assert.equal(await hits.first().locator('time').innerText(), 'Nov 20, 2026');
    assert.ok(await page.locator('.search-filters').getByRole('list', { name: 'Community' }).isVisible());
    await page.getByRole('button', { name: 'Français' }).click();
    await page.waitForFunction(() => document.documentElement.lang === 'fr');
  }));

  test('results page: facets filter, filters live in the URL (Back, Forward, shared links), sort and paging', () => journey({}, async (page, asked) => {
    await visit(page, app.url, '/recherche?q=qualit%C3%A9');
    await page.locator('.search-hit').first().waitFor();
    const filters = page.locator('.search-filters');
    assert.equal(await filters.getAttribute('open'), '', 'the filters are unfolded on a wide screen');

    // A facet value is a link with its count; following it filters and keeps focus on it.
    const typeFacet = filters.getByRole('list', { name: 'Type' });
    const documents = typeFacet.getByRole('link', { name: /^Documents\s*\(\s*30\s*\)/ });
    await documents.click();
    await page.waitForURL((url) => url.searchParams.get('type') === 'document');
    await page.locator('.search-chip').first().waitFor();
    assert.deepEqual(urlParams(page), { q: 'qualité', type: 'document' });
    await expectSearch(asked, (last) => assert.equal(last.type, 'document'));
    const activeDocuments = filters.getByRole('list', { name: 'Type' }).getByRole('link', { name: /^Documents/ });
    assert.equal(await activeDocuments.getAttribute('aria-current'), 'true');
    await page.waitForFunction(() => document.activeElement?.dataset.focusKey === 'facet:type:document');
    assert.equal(await page.locator('.search-chip').innerText(), 'Type\u00a0: Documents');

    await filters.getByRole('list', { name: 'Communauté' }).getByRole('link', { name: /Soins palliatifs Vaucluse/ }).click();
    await page.waitForURL((url) => url.searchParams.get('community') === '2');
    await page.locator('.search-chip').nth(1).waitFor();
    assert.deepEqual(urlParams(page), { q: 'qualité', type: 'document', community: '2' });
    assert.deepEqual(await page.locator('.search-chip').allInnerTexts(), ['Type\u00a0: Documents', 'Communauté\u00a0: Soins palliatifs Vaucluse']);
    assert.equal(await page.getByRole('link', { name: 'Retirer le filtre Communauté\u00a0: Soins palliatifs Vaucluse' }).count(), 1);

    // Back and Forward step through the filters.
    await page.goBack();
    await page.waitForURL((url) => !url.searchParams.has('community'));
    await waitForPage(page);
    await page.waitForFunction(() => document.querySelectorAll('.search-chip').length === 1);
    await expectSearch(asked, (last) => assert.equal(last.community, undefined));
    await page.goForward();
    await page.waitForURL((url) => url.searchParams.get('community') === '2');
    await waitForPage(page);
    await page.locator('.search-chip').nth(1).waitFor();

    // Removing a chip drops that filter only; "remove all" keeps the words.
    await page.getByRole('link', { name: 'Retirer le filtre Type\u00a0: Documents' }).click();
    await page.waitForURL((url) => !url.searchParams.has('type'));
    assert.deepEqual(urlParams(page), { q: 'qualité', community: '2' });
    await waitForPage(page);
    await page.locator('.search-hit').first().waitFor();

    // Sort by date: a toggle button whose state is announced.
    const byDate = page.getByRole('group', { name: 'Trier par' }).getByRole('button', { name: 'Date' });
    assert.equal(await byDate.getAttribute('aria-pressed'), 'false');
    await byDate.click();
    await page.waitForURL((url) => url.searchParams.get('sort') === 'date');
    await page.waitForFunction(() => document.activeElement?.dataset.focusKey === 'sort:date');
    assert.equal(await page.getByRole('group', { name: 'Trier par' }).getByRole('button', { name: 'Date' }).getAttribute('aria-pressed'), 'true');
    await expectSearch(asked, (last) => assert.equal(last.sort, 'date'));

    // Paging: the shared pager; the page is in the URL and focus goes to the results.
    const pagerNav = page.getByRole('navigation', { name: 'Pages de résultats' });
    assert.equal(await pagerNav.locator('.pager__position').innerText(), 'Page 1 sur 3');
    await pagerNav.getByRole('button', { name: 'Suivante' }).click();
    await page.waitForURL((url) => url.searchParams.get('page') === '2');
    await page.getByRole('navigation', { name: 'Pages de résultats' }).getByText('Page 2 sur 3').waitFor();
    await expectSearch(asked, (last) => assert.equal(last.page, '2'));
    assert.equal(await page.locator('ol.search-hits').getAttribute('start'), '21');
    await page.waitForFunction(() => document.activeElement?.textContent === 'Résultats');
    // A new filter starts again at page 1.
    await page.locator('.search-filters').getByRole('list', { name: 'Mot-clé' }).getByRole('link', { name: /certification/ }).click();
    await page.waitForURL((url) => url.searchParams.get('tag') === 'certification');
    assert.equal(new URL(page.url()).searchParams.has('page'), false);

    // Dates: checked here first (the end after the start), then kept in the URL.
    await waitForPage(page);
    await page.locator('.search-hit').first().waitFor();
    const from = page.getByLabel('Du', { exact: true });
    const to = page.getByLabel('Au', { exact: true });
    await from.fill('2026-11-30');
    await to.fill('2026-11-01');
    await page.getByRole('button', { name: 'Appliquer les dates' }).click();
    await page.getByText('La date de fin doit être postérieure à la date de début.').waitFor();
    assert.equal(await to.getAttribute('aria-invalid'), 'true');
    await from.fill('2026-01-01');
    await page.getByRole('button', { name: 'Appliquer les dates' }).click();
    await page.waitForURL((url) => url.searchParams.get('from') === '2026-01-01');
    await page.locator('.search-chip').first().waitFor();
    assert.deepEqual(urlParams(page), { q: 'qualité', sort: 'date', community: '2', tag: 'certification', from: '2026-01-01', to: '2026-11-01' });
    assert.deepEqual(await page.locator('.search-chip').allInnerTexts(), [
      'Communauté\u00a0: Soins palliatifs Vaucluse', 'Mot-clé\u00a0: certification', 'Depuis le\u00a0: 1 janv. 2026', 'Jusqu’au\u00a0: 1 nov. 2026',
    ]);

    // A shared link opens the same search; malformed values are dropped, not sent.
    const shared = '/recherche?q=qualit%C3%A9&type=person&author=3&community=abc&from=2026-02-30&page=2&sort=date';
    await visit(page, app.url, shared);
    await page.locator('.search-hit').first().waitFor();
    await expectSearch(asked, (last) => assert.deepEqual(last, { q: 'qualité', sort: 'date', type: 'person', author: '3', page: '2', per_page: '20' }));
    assert.deepEqual(await page.locator('.search-chip').allInnerTexts(), ['Type\u00a0: Personnes', 'Auteur\u00a0: Quentin Allard']);
    await page.getByRole('link', { name: 'Retirer tous les filtres' }).click();
    await page.waitForURL((url) => url.search === '?q=qualit%C3%A9&sort=date');
  }));

  test('"did you mean", no results with and without filters, a page past the end', () => journey({
    mock: {
      search: (params) => {
        if (params.get('q') === 'qualiter') return answer(params, { total: 0, hits: [], facets: {}, correction: 'qualité' });
        if (params.get('q') === 'zzz') return answer(params, { total: 0, hits: [], facets: {}, correction: null });
        if (params.get('page') === '9') return answer(params, { hits: [] });
        return answer(params, { correction: params.get('q') === 'qualite' ? 'qualité' : null });
      },
    },
  }, async (page, asked) => {
    await visit(page, app.url, '/recherche?q=qualiter');
    const empty = page.locator('.search-empty');
    await empty.waitFor();
    assert.equal(await page.getByRole('status').filter({ hasText: 'résultat' }).innerText(), '0 résultat pour «\u00a0qualiter\u00a0»');
    assert.match(await empty.innerText(), /Aucun résultat pour «\u00a0qualiter\u00a0»/);
    assert.match(await empty.innerText(), /Vérifiez l’orthographe/);
    const didYouMean = page.locator('.search-correction');
    assert.equal(await didYouMean.innerText(), 'Vouliez-vous dire «\u00a0qualité\u00a0»\u00a0?');
    await didYouMean.getByRole('link', { name: 'qualité' }).click();
    await page.waitForURL((url) => url.searchParams.get('q') === 'qualité');
    await page.locator('.search-hit').first().waitFor();
    assert.equal(await page.locator('.search-correction').innerText(), '');

    // A correction also shows above results, when there are few.
    await visit(page, app.url, '/recherche?q=qualite');
    await page.locator('.search-hit').first().waitFor();
    await page.locator('.search-correction').getByRole('link', { name: 'qualité' }).waitFor();

    // Nothing found under filters: the way out is to remove them.
    await visit(page, app.url, '/recherche?q=zzz&type=document&tag=qualit%C3%A9');
    await empty.waitFor();
    assert.match(await empty.innerText(), /Des filtres limitent la recherche/);
    await empty.getByRole('link', { name: 'Retirer les filtres' }).click();
    await page.waitForURL((url) => url.search === '?q=zzz');
    await page.locator('.search-empty').waitFor();
    assert.match(await page.locator('.search-empty').innerText(), /Vérifiez l’orthographe/);

    // An old link to a page that no longer exists.
    await visit(page, app.url, '/recherche?q=qualit%C3%A9&page=9');
    await page.getByText('Cette page de résultats n’existe plus').waitFor();
    await page.getByRole('link', { name: 'Revenir à la première page' }).click();
    await page.waitForURL((url) => !url.searchParams.has('page'));
    await page.locator('.search-hit').first().waitFor();

    // No words and no filter: nothing is asked, the page says what to do.
    const before = asked.search.length;
    await visit(page, app.url, '/recherche');
    await page.getByText('Que cherchez-vous\u00a0?').waitFor();
    assert.equal(asked.search.length, before);
  }));

  test('loading, then error states: index unavailable (503) with retry, connection lost, refused query (400)', () => {
    let failures = 0;
    return journey({
      mock: {
        searchDelay: (params) => (params.get('q') === 'lent' ? 1500 : 0),
        search: (params) => {
          const q = params.get('q');
          if (q === 'indisponible' && failures++ === 0) return { status: 503, body: { error: { code: 'service_unavailable', message: 'the search index is not available' } } };
          if (q === 'coupure') return 'network';
          if (q === 'refus') return { status: 400, body: { error: { code: 'bad_request', message: 'unbalanced quotes' } } };
          return answer(params);
        },
      },
      expectedHttpErrors: [{ path: /\/api\/search\?/, status: 503 }, { path: /\/api\/search\?/, status: 400 }],
    }, async (page, _asked, problems) => {
      // While the answer is on its way: a busy results area and a spoken "searching".
      await visit(page, app.url, '/recherche?q=lent');
      await page.locator('.results[aria-busy="true"]').waitFor();
      assert.equal(await page.locator('.results [role="status"]').innerText(), 'Recherche en cours…');
      await page.locator('.search-hit').first().waitFor();
      assert.equal(await page.locator('.results[aria-busy]').count(), 0);

      await visit(page, app.url, '/recherche?q=indisponible');
      const error = page.locator('.search-error');
      await error.waitFor();
      assert.equal(await error.getAttribute('role'), 'alert');
      assert.match(await error.innerText(), /La recherche est momentanément indisponible/);
      await error.getByRole('button', { name: 'Réessayer' }).click();
      await page.locator('.search-hit').first().waitFor();
      assert.equal(await page.locator('.search-error').count(), 0);

      await visit(page, app.url, '/recherche?q=coupure');
      await error.waitFor();
      assert.match(await error.innerText(), /La recherche n’a pas abouti/);
      assert.match(await error.innerText(), /connexion|serveur/i);
      // The aborted request is what this step is about.
      for (let i = problems.length - 1; i >= 0; i -= 1) if (problems[i].includes('ERR_INTERNET_DISCONNECTED')) problems.splice(i, 1);

      await visit(page, app.url, '/recherche?q=refus&type=document');
      await error.waitFor();
      assert.match(await error.innerText(), /Cette recherche n’a pas pu être comprise/);
      await error.getByRole('link', { name: 'Retirer les filtres' }).waitFor();
    });
  });

  test('a visitor is asked to sign in, and the header box asks nothing', () => journey({ signedIn: false }, async (page, asked) => {
    await visit(page, app.url, '/recherche?q=%3Cimg%20src%3Dx%3E');
    assert.equal(await page.locator('h1').innerText(), 'Recherche');
    const main = await page.locator('main').innerText();
    assert.match(main, /Connectez-vous pour rechercher/);
    assert.match(main, /<img src=x>/);
    assert.equal(await page.locator('main img').count(), 0);
    const signIn = page.getByRole('main').getByRole('link', { name: 'Se connecter' });
    assert.equal(await signIn.getAttribute('href'), `/connexion?suite=${encodeURIComponent('/recherche?q=%3Cimg%20src%3Dx%3E')}`);

    const box = page.getByRole('combobox', { name: 'Rechercher dans Relais' });
    await box.pressSequentially('qual');
    await page.waitForTimeout(400);
    assert.equal(asked.suggest.length, 0);
    assert.equal(await box.getAttribute('aria-expanded'), 'false');
    assert.equal(asked.search.length, 0);
  }));

  test('on a 360 px phone: the suggestions fit the screen, the filters fold away, nothing scrolls sideways', () => journey({ viewport: SMALL_PHONE }, async (page) => {
    const box = page.getByRole('combobox', { name: 'Rechercher dans Relais' });
    await box.click();
    await box.pressSequentially('qual');
    const listbox = page.getByRole('listbox', { name: 'Suggestions' });
    await listbox.waitFor();
    const rect = await listbox.boundingBox();
    assert.ok(rect.x >= 0 && rect.x + rect.width <= SMALL_PHONE.width, `the list spans ${rect.x}–${rect.x + rect.width}px`);
    await noHorizontalScroll(page);
    await page.screenshot({ path: screenshotPath('search-suggestions-phone') });
    // A finger on a suggestion follows it.
    await listbox.getByRole('option', { name: /Qualité et gestion des risques/ }).click();
    await page.waitForURL((url) => url.searchParams.get('community') === '1');
    await waitForPage(page);

    await visit(page, app.url, '/recherche?q=qualit%C3%A9&type=document');
    await page.locator('.search-hit').first().waitFor();
    const filters = page.locator('.search-filters');
    assert.equal(await filters.getAttribute('open'), '', 'folded open when a filter is active, so it can be seen');
    await visit(page, app.url, '/recherche?q=qualit%C3%A9');
    await page.locator('.search-hit').first().waitFor();
    assert.equal(await filters.getAttribute('open'), null, 'folded on a phone');
    await noHorizontalScroll(page);
    await page.screenshot({ path: screenshotPath('search-results-phone'), fullPage: true });
    await filters.locator('summary').click();
    assert.ok(await filters.getByRole('list', { name: 'Type' }).isVisible());
    await noHorizontalScroll(page);
    await page.screenshot({ path: screenshotPath('search-filters-phone') });
  }));

  test('end to end, real index: a document uploaded to a community is suggested in the header, then found with its words marked', async (t) => {
    const api = await apiAs(app, person);
    // Until the server's search lands, the journey has nothing to run against.
    const probe = await api.call('GET', '/api/search?q=essai');
    if (probe.status === 404 && probe.json?.error?.code === 'not_found') {
      t.skip('GET /api/search is not served by this server yet');
      return;
    }
    const community = await api.call('POST', '/api/communities', {
      name: 'Bientraitance en EHPAD', visibility: 'restricted',
      description: 'Les équipes des EHPAD du territoire partagent leurs pratiques.',
    });
    assert.equal(community.status, 201, JSON.stringify(community.json));
    const text = 'Charte de bientraitance des résidents.\n\nChaque soignant veille à la sérendipité des rencontres : '
      + 'les résidents choisissent leurs activités, et la bientraitance se vérifie chaque semaine en équipe.\n';
    const doc = await upload(app, person, `/api/communities/${community.json.id}/documents`,
      { title: 'Charte de bientraitance des résidents', tags: 'bientraitance, EHPAD' },
      { name: 'charte-bientraitance.txt', type: 'text/plain', data: Buffer.from(text) });
    assert.equal(doc.status, 201, JSON.stringify(doc.json));

    // Indexing may follow the upload by a moment: wait until the index answers for the word.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const found = await api.call('GET', '/api/search?q=s%C3%A9rendipit%C3%A9');
      if (found.status === 200 && found.json.total > 0) break;
      assert.ok(Date.now() < deadline, `the document was not indexed in time: ${found.status} ${JSON.stringify(found.json)}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }

    const { context, page, problems } = await openPage(browser, { viewport: DESKTOP });
    try {
      await signInThroughPage(page, app.url, person);
      const box = page.getByRole('combobox', { name: 'Rechercher dans Relais' });
      await box.click();
      await box.pressSequentially('bientraitance', { delay: 20 });
      const listbox = page.getByRole('listbox', { name: 'Suggestions' });
      const suggestion = listbox.getByRole('option', { name: /Charte de bientraitance des résidents/ });
      await suggestion.waitFor();
      assert.equal(await box.getAttribute('aria-expanded'), 'true');
      await page.screenshot({ path: screenshotPath('search-e2e-suggestions') });

      // Enter with nothing highlighted: the full search for the words typed.
      await box.press('Enter');
      await page.waitForURL((url) => url.pathname === '/recherche' && url.searchParams.get('q') === 'bientraitance');
      await waitForPage(page);
      const hit = page.locator('.search-hit').filter({ hasText: 'Charte de bientraitance des résidents' });
      await hit.first().waitFor();
      assert.match(await page.getByRole('status').filter({ hasText: 'résultat' }).innerText(), /^\d+ résultats? pour «\u00a0bientraitance\u00a0»$/);
      const marks = await hit.first().locator('.search-hit__snippet mark').allTextContents();
      assert.ok(marks.length > 0, 'the excerpt marks the words found');
      assert.ok(marks.every((m) => /bientraitance/i.test(m)), `marked: ${marks.join(', ')}`);
      assert.equal(await hit.first().getByRole('link', { name: 'Bientraitance en EHPAD' }).count(), 1, 'the community is named');
      // Nothing said twice (a tag's community, a community's description and its excerpt), nothing left unfilled.
      const main = await page.locator('main').innerText();
      assert.doesNotMatch(main, /\bnull\b|\bundefined\b|\[object Object\]|NaN/);
      for (const row of await page.locator('.search-hit').all()) {
        const detail = row.locator('.search-hit__detail');
        if (!(await detail.count())) continue;
        const said = await detail.innerText();
        assert.ok(!(await row.locator('.search-hit__snippet, .search-hit__meta').allInnerTexts()).some((other) => other.includes(said)),
          `the detail line "${said}" repeats what the hit already shows`);
      }
      await page.screenshot({ path: screenshotPath('search-e2e-results'), fullPage: true });

      // The hit's title leads to the document.
      const title = hit.first().getByRole('heading', { level: 3 }).getByRole('link');
      assert.equal(await title.getAttribute('href'), `/documents/${doc.json.id}`);
      assert.deepEqual(problems, [], 'console errors, page errors or CSP violations');
    } finally {
      await context.close();
    }
  });
});
