// Shared fixtures for the browser tests: the server under test, Debian's Chromium driven by playwright-core, and a watch on each page for console errors and CSP violations.
import os from 'node:os';
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const WEB_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web');

// Chromium from Debian, never a downloaded build. The flags keep a headless run quiet and
// self-contained: no sandbox (we run as root), no GPU, no background calls to Google services.
const CHROMIUM_PATH = process.env.RELAIS_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run',
];

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };
export const SMALL_PHONE = { width: 360, height: 740 };

/**
 * The server under test: the real one from tests/lib/harness.mjs, or, when RELAIS_URL is set,
 * a server already running there (e.g. scripts/start on http://127.0.0.1:8080) — handy while
 * working on the web app; journeys that need the database then read RELAIS_DATABASE_URL.
 * Returns { url, databaseUrl, env, stop() }; env is what `relais` needs to reach the same database.
 */
export async function startApp({ env = {} } = {}) {
  if (process.env.RELAIS_URL) {
    const databaseUrl = process.env.RELAIS_DATABASE_URL ?? null;
    return { url: process.env.RELAIS_URL.replace(/\/$/, ''), databaseUrl, env: { RELAIS_DATABASE_URL: databaseUrl }, stop: async () => {} };
  }
  const { startServer } = await import('../lib/harness.mjs');
  const server = await startServer({ env });
  return {
    url: server.url,
    databaseUrl: server.databaseUrl,
    env: { RELAIS_DATABASE_URL: server.databaseUrl, RELAIS_DATA_DIR: server.dataDir, ...env },
    server,
    stop: async () => {
      await server.stop();
      await server.database?.drop();
    },
  };
}

export function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** Where screenshots go: ctest's build folder (RELAIS_SCREENSHOT_DIR) or the system temp dir. */
export function screenshotPath(name) {
  const dir = process.env.RELAIS_SCREENSHOT_DIR || path.join(os.tmpdir(), 'relais-screenshots');
  mkdirSync(dir, { recursive: true });
  return path.join(dir, `${name}.png`);
}

/**
 * A new page in its own context (fresh storage) with problems recorded:
 * console errors, uncaught exceptions, CSP violations (seen from inside the page, where the
 * browser reports them as securitypolicyviolation events), failed requests and i18n warnings.
 * Returns { context, page, problems }, problems being a live array of strings.
 */
export async function openPage(browser, { viewport = DESKTOP, reducedMotion = 'reduce' } = {}) {
  // Reduced motion: the drawer and dialogs appear at once, so tests and screenshots need no waits.
  const context = await browser.newContext({ viewport, reducedMotion, locale: 'fr-FR' });
  const page = await context.newPage();
  const problems = [];

  await context.exposeBinding('__relaisReportViolation', (_source, text) => problems.push(`CSP: ${text}`));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      window.__relaisReportViolation(`${event.violatedDirective} blocked ${event.blockedURI || 'inline'} (${event.sourceFile}:${event.lineNumber})`);
    });
  });
  page.on('console', (msg) => {
    if (msg.type() === 'error' && isExpectedHttpError(msg)) return;
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}${httpErrorUrl(msg)}`);
    if (msg.type() === 'warning' && msg.text().startsWith('i18n:')) problems.push(`console warning: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => {
    // Requests cut short by a navigation are the router doing its job, not a fault.
    if (req.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`request failed: ${req.url()} ${req.failure()?.errorText}`);
  });
  return { context, page, problems };
}

// The browser logs every 4xx answer as a console error. The app asks GET /api/me at boot to learn
// whether someone is signed in: its 401 for a visitor is the expected answer, not a fault.
const EXPECTED_HTTP_ERRORS = [{ path: '/api/me', status: 401 }];

function isExpectedHttpError(msg) {
  const { url } = msg.location();
  if (!url || !msg.text().startsWith('Failed to load resource')) return false;
  const { pathname } = new URL(url);
  return EXPECTED_HTTP_ERRORS.some((e) => e.path === pathname && msg.text().includes(`status of ${e.status}`));
}

function httpErrorUrl(msg) {
  const { url } = msg.location();
  return msg.text().startsWith('Failed to load resource') && url ? ` (${url})` : '';
}

/**
 * Removes from problems the console errors of HTTP answers a journey expects (a wrong password's
 * 401, a secret community's 404): [{ path: '/api/session', status: 401 }, …]. Returns what was removed.
 */
export function dropExpectedHttpErrors(problems, expected) {
  const removed = [];
  for (let i = problems.length - 1; i >= 0; i -= 1) {
    const p = problems[i];
    if (expected.some((e) => p.includes(`status of ${e.status}`) && (e.path instanceof RegExp ? e.path.test(p) : p.includes(`${e.path})`)))) {
      removed.push(p);
      problems.splice(i, 1);
    }
  }
  return removed;
}

/** Goes to path and waits until the shell has booted and the page is rendered (no aria-busy on main). */
export async function visit(page, base, pathname) {
  await page.goto(base + pathname);
  await waitForPage(page);
}

export async function waitForPage(page) {
  await page.locator('main#main:not([aria-busy]) > *').first().waitFor();
}

/** The element that has focus, described for assertions: tag, id, text. */
export function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    return el ? { tag: el.tagName.toLowerCase(), id: el.id, text: el.textContent.trim(), className: el.getAttribute('class') ?? '' } : null;
  });
}

/* ---- people and data for the journeys ------------------------------------------------------ */

/**
 * Creates an account with the real CLI, as an administrator would:
 * `relais admin create-user --email E --name N [--org O --org-kind K] [--job-title J] [--admin|--guest] --password-stdin`.
 * Resolves to { id, email, name, password }.
 */
export async function createUser(app, { email, name, password, org, orgKind, jobTitle, admin = false, guest = false }) {
  const args = ['admin', 'create-user', '--email', email, '--name', name, '--password-stdin'];
  if (org) args.push('--org', org, '--org-kind', orgKind ?? 'other');
  if (jobTitle) args.push('--job-title', jobTitle);
  if (admin) args.push('--admin');
  if (guest) args.push('--guest');
  const { spawn } = await import('node:child_process');
  const out = await new Promise((resolve, reject) => {
    const proc = spawn(process.env.RELAIS_BIN, args, { env: { ...process.env, ...app.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let text = '';
    proc.stdout.on('data', (c) => { text += c; });
    proc.stderr.on('data', (c) => { text += c; });
    proc.on('error', reject);
    proc.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`relais ${args.join(' ')} exited ${code}: ${text}`))));
    proc.stdin.end(`${password}\n`);
  });
  const id = Number(/account (\d+)/.exec(out)?.[1]);
  if (!id) throw new Error(`no account id in: ${out}`);
  return { id, email, name, password };
}

/** One SQL statement against the app's database (harness psql); resolves to its unaligned output. */
export async function sql(app, statement) {
  const { psql } = await import('../lib/harness.mjs');
  return psql(app.databaseUrl, statement);
}

/**
 * A signed-in API client for setting up a journey's world without the browser:
 * call(method, path, body) → { status, json }. Carries the cookie, the CSRF token and the Origin.
 */
export async function apiAs(app, { email, password }) {
  const { request } = await import('../lib/harness.mjs');
  const login = await request(`${app.url}/api/session`, { method: 'POST', body: { email, password }, headers: { Origin: app.url } });
  if (login.status !== 200) throw new Error(`login of ${email}: ${login.status} ${login.text()}`);
  const setCookie = [].concat(login.headers['set-cookie'] ?? []);
  const cookie = setCookie.map((c) => c.split(';')[0]).join('; ');
  const csrf = login.json().csrf_token;
  return {
    user: login.json().user,
    async call(method, path, body) {
      const res = await request(`${app.url}${path}`, { method, body, headers: { Cookie: cookie, 'X-CSRF-Token': csrf, Origin: app.url } });
      const text = res.text();
      return { status: res.status, json: text ? JSON.parse(text) : null };
    },
  };
}

/** Signs in through the login page (the journeys' usual first step) and waits for the next page. */
export async function signInThroughPage(page, base, { email, password }, pathname = '/connexion') {
  await visit(page, base, pathname);
  await page.getByLabel('Adresse électronique').fill(email);
  await page.getByLabel('Mot de passe', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Se connecter', exact: true }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/connexion'));
  await waitForPage(page);
}
