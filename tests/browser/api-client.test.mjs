// The browser's API client (web/js/api.js) against the real server and against scripted answers: error shape → ApiError, CSRF header on writes, network and malformed answers.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApp, launchBrowser, openPage, visit } from './support.mjs';

describe('API client', () => {
  let app;
  let browser;
  let context;
  let page;
  let problems;

  before(async () => {
    app = await startApp();
    browser = await launchBrowser();
    ({ context, page, problems } = await openPage(browser));
    await visit(page, app.url, '/');
  });

  after(async () => {
    await context?.close();
    await browser?.close();
    await app?.stop();
  });

  /** Runs one call through api.js inside the page; resolves to { ok, value } or { error: { name, status, code, message } }. */
  const call = (method, path, body) => page.evaluate(async ([m, p, b]) => {
    const { api } = await import('/js/api.js');
    try {
      return { ok: true, value: await api[m](p, b) };
    } catch (err) {
      return { error: { name: err.name, status: err.status, code: err.code, message: err.message } };
    }
  }, [method, path, body]);

  test('a JSON answer is returned parsed', async () => {
    const result = await call('get', '/healthz');
    assert.equal(result.ok, true);
    assert.equal(result.value.status, 'ok');
    assert.equal(result.value.database, 'ok');
  });

  test('the server error shape becomes an ApiError with status, code and message', async () => {
    const before = problems.length;
    const result = await call('get', '/api/no-such-route');
    assert.equal(result.error.name, 'ApiError');
    assert.equal(result.error.status, 404);
    assert.equal(result.error.code, 'not_found');
    assert.equal(typeof result.error.message, 'string');
    // The browser logs every 4xx response as a console error; this one was asked for.
    problems.splice(before);
  });

  test('writes carry the CSRF token once the session module has set it, reads never do', async () => {
    const seen = [];
    await page.route('**/api/scripted', (route) => {
      seen.push({ method: route.request().method(), headers: route.request().headers(), body: route.request().postData() });
      route.fulfill({ status: 200, contentType: 'application/json', body: '{"done":true}' });
    });
    try {
      assert.deepEqual(await call('post', '/api/scripted', { a: 1 }), { ok: true, value: { done: true } });
      await page.evaluate(async () => (await import('/js/api.js')).setCsrfToken('tok-123'));
      await call('post', '/api/scripted', { a: 2 });
      await call('get', '/api/scripted');
      await page.evaluate(async () => (await import('/js/api.js')).setCsrfToken(null));
      await call('delete', '/api/scripted');
    } finally {
      await page.unroute('**/api/scripted');
    }
    assert.equal(seen[0].headers['x-csrf-token'], undefined, 'no token before one is set');
    assert.equal(seen[0].headers['content-type'], 'application/json');
    assert.equal(seen[0].body, '{"a":1}');
    assert.equal(seen[1].headers['x-csrf-token'], 'tok-123');
    assert.equal(seen[2].method, 'GET');
    assert.equal(seen[2].headers['x-csrf-token'], undefined, 'safe methods do not need it');
    assert.equal(seen[3].headers['x-csrf-token'], undefined, 'cleared at sign-out');
  });

  test('no answer and answers that are not the documented JSON map to client error codes', async () => {
    await page.route('**/api/offline', (route) => route.abort('connectionrefused'));
    await page.route('**/api/html', (route) => route.fulfill({ status: 502, contentType: 'text/html', body: '<h1>Bad gateway</h1>' }));
    const before = problems.length;
    try {
      const offline = await call('get', '/api/offline');
      assert.equal(offline.error.code, 'network_error');
      assert.equal(offline.error.status, 0);
      const html = await call('get', '/api/html');
      assert.equal(html.error.code, 'bad_response');
      assert.equal(html.error.status, 502);
    } finally {
      await page.unroute('**/api/offline');
      await page.unroute('**/api/html');
    }
    problems.splice(before); // the refused and 502 requests are logged by the browser, as asked
  });

  test('nothing else went wrong in the page', () => {
    assert.deepEqual(problems, []);
  });
});
