// Home page: a welcome card explaining Relais, what its spaces hold, and the live state of the server (/healthz).
import { h } from '../dom.js';
import { t, formatDateTime } from '../i18n.js';
import { api, ApiError, CLIENT_ERRORS } from '../api.js';
import { icon } from '../ui/icons.js';
import { button, linkButton, setBusy } from '../ui/button.js';
import { currentUser } from '../session.js';

export function render({ signal }) {
  const node = h('div', { class: 'page' },
    welcome(),
    features(),
    statusCard(signal));
  return { title: t('home.title'), node };
}

function welcome() {
  return h('section', { class: 'hero', 'aria-labelledby': 'home-heading' },
    h('p', { class: 'eyebrow' }, t('home.eyebrow')),
    h('h1', { class: 'hero__title', id: 'home-heading' }, t('home.heading')),
    h('p', { class: 'lead' }, t('home.lead')),
    h('p', { class: 'hero__rights' }, icon('shield'), h('span', {}, t('home.rights'))),
    callToAction());
}

/* What to do next: sign in, or go to one's communities and the directory. */
function callToAction() {
  const user = currentUser();
  if (!user) {
    return h('div', { class: 'button-row' },
      linkButton({ label: t('home.cta.sign_in'), href: '/connexion', variant: 'primary', icon: 'user' }),
      linkButton({ label: t('home.cta.forgot'), href: '/mot-de-passe-oublie', variant: 'tertiary' }));
  }
  return h('div', { class: 'hero__welcome' },
    h('p', { class: 'hero__hello' }, t('home.cta.hello', { name: user.display_name })),
    h('div', { class: 'button-row' },
      linkButton({ label: t('home.cta.communities'), href: '/communautes', variant: 'primary', icon: 'users' }),
      linkButton({ label: t('home.cta.directory'), href: '/annuaire', variant: 'secondary', icon: 'book' })));
}

function features() {
  const items = [
    { icon: 'file', title: t('home.features.documents.title'), text: t('home.features.documents.text') },
    { icon: 'chat', title: t('home.features.forums.title'), text: t('home.features.forums.text') },
    { icon: 'activity', title: t('home.features.feed.title'), text: t('home.features.feed.text') },
    { icon: 'book', title: t('home.features.directory.title'), text: t('home.features.directory.text') },
  ];
  return h('section', { class: 'section', 'aria-labelledby': 'home-features' },
    h('h2', { class: 'section__title', id: 'home-features' }, t('home.features.title')),
    h('ul', { class: 'grid grid--4', role: 'list' }, items.map((item) =>
      h('li', { class: 'card card--feature' },
        h('span', { class: 'card__icon' }, icon(item.icon)),
        h('h3', { class: 'card__title' }, item.title),
        h('p', { class: 'card__text' }, item.text)))));
}

/* Server status: asks /healthz and says in words what it answered. */
function statusCard(signal) {
  // role=status: the result replaces "checking…" in place and is announced without moving focus.
  const result = h('div', { class: 'status-card__result', role: 'status' });
  const recheck = button({ label: t('home.status.recheck'), icon: 'refresh', variant: 'secondary', size: 'sm', onClick: () => check() });

  async function check() {
    setBusy(recheck, true);
    result.replaceChildren(statusLine('pending', t('home.status.checking')));
    try {
      const health = await api.get('/healthz', { signal });
      const dbOk = health?.database === 'ok';
      result.replaceChildren(
        statusLine(dbOk ? 'ok' : 'down', dbOk ? t('home.status.ok') : t('home.status.degraded')),
        ...facts(t('home.status.running'), dbOk ? t('home.status.db_ok') : t('home.status.db_down'), health?.version));
    } catch (err) {
      if (err.name === 'AbortError') return;
      result.replaceChildren(statusLine('down', t('home.status.degraded')), ...failure(err));
    } finally {
      if (!signal.aborted) setBusy(recheck, false);
    }
  }

  check();
  return h('section', { class: 'card section', 'aria-labelledby': 'home-status' },
    h('div', { class: 'status-card__head' },
      h('h2', { id: 'home-status' }, t('home.status.title')),
      recheck),
    result);
}

function statusLine(state, text) {
  return h('p', { class: ['status', `status--${state}`] }, h('span', { class: 'status__dot', 'aria-hidden': 'true' }), text);
}

function facts(serverText, databaseText, version) {
  return [
    h('dl', { class: 'facts' },
      h('dt', {}, t('home.status.server')), h('dd', {}, serverText),
      h('dt', {}, t('home.status.database')), h('dd', {}, databaseText),
      typeof version === 'string' ? [h('dt', {}, t('home.status.version')), h('dd', {}, version)] : null),
    h('p', { class: 'muted' }, t('home.status.checked_at', { time: formatDateTime(new Date(), { timeStyle: 'medium' }) })),
  ];
}

function failure(err) {
  if (err instanceof ApiError && err.code === CLIENT_ERRORS.network) {
    return facts(t('home.status.unreachable'), t('home.status.unknown'));
  }
  // The server answered but not "ok": with a 503 /healthz says the database is the problem.
  const database = err instanceof ApiError && err.status === 503 ? t('home.status.db_down') : t('home.status.unknown');
  return facts(t('home.status.answered_error', { status: err.status ?? '?' }), database);
}
