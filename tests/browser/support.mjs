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
