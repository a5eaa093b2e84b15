// Design system page (/design): every component of the shell's kit, live, in both themes, to review and to copy from.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { icon } from '../ui/icons.js';
import { button, linkButton, setBusy } from '../ui/button.js';
import { field, choiceGroup, showErrors } from '../ui/form.js';
import { loadingState, emptyState, errorState } from '../ui/states.js';
import { toast } from '../ui/toast.js';
import { openDialog, confirmDialog } from '../ui/dialog.js';

export function render() {
  const sections = [
    ['colours', t('design.colours.title'), colours],
    ['typography', t('design.typography.title'), typography],
    ['buttons', t('design.buttons.title'), buttons],
    ['forms', t('design.forms.title'), forms],
    ['lists', t('design.lists.title'), lists],
    ['cards', t('design.cards.title'), cards],
    ['badges', t('design.badges.title'), badges],
    ['alerts', t('design.alerts.title'), alerts],
    ['dialogs', t('design.dialogs.title'), dialogs],
    ['toasts', t('design.toasts.title'), toasts],
    ['loading', t('design.loading.title'), loading],
    ['empty', t('design.empty.title'), empty],
    ['errors', t('design.errors.title'), errors],
  ];

  const node = h('div', { class: 'page' },
    h('div', { class: 'page-header' },
      h('p', { class: 'eyebrow' }, t('design.eyebrow')),
      h('h1', {}, t('design.title')),
      h('p', { class: 'lead' }, t('design.lead'))),
    themePicker(),
    h('nav', { class: 'section', 'aria-labelledby': 'design-toc' },
      h('h2', { class: 'visually-hidden', id: 'design-toc' }, t('design.toc')),
      h('ul', { class: 'design-toc' }, sections.map(([id, title]) =>
        h('li', {}, h('a', { class: 'tag', href: `#design-${id}` }, title))))),
    sections.map(([id, title, build]) => h('section', { class: 'design-section', id: `design-${id}`, 'aria-labelledby': `design-${id}-title` },
      h('h2', { id: `design-${id}-title` }, title),
      build())));
  return { title: t('design.title'), node };
}

/* Theme preview: sets data-theme on <html> for this visit only, to check that components use tokens. */
function themePicker() {
  const current = document.documentElement.dataset.theme ?? 'light';
  const choose = (event) => {
    if (event.target.value === 'light') delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = event.target.value;
  };
  const group = choiceGroup({
    legend: t('design.theme.legend'),
    name: 'design-theme',
    type: 'radio',
    hint: t('design.theme.hint'),
    options: [
      { value: 'light', label: t('design.theme.light'), checked: current === 'light' },
      { value: 'dark', label: t('design.theme.dark'), checked: current === 'dark' },
    ],
  });
  group.addEventListener('change', choose);
  return h('div', { class: 'design-demo' }, group);
}

function note(text) {
  return h('p', { class: 'muted' }, text);
}

function colours() {
  const swatches = [
    ['primary', t('design.colours.primary'), '--color-primary'],
    ['accent', t('design.colours.accent'), '--color-accent'],
    ['text', t('design.colours.text'), '--color-text'],
    ['muted', t('design.colours.muted'), '--color-text-muted'],
    ['bg', t('design.colours.bg'), '--color-bg'],
    ['surface', t('design.colours.surface'), '--color-surface'],
    ['border', t('design.colours.border'), '--color-border-strong'],
    ['focus', t('design.colours.focus'), '--color-focus'],
    ['info', t('design.colours.info'), '--color-info'],
    ['success', t('design.colours.success'), '--color-success'],
    ['warning', t('design.colours.warning'), '--color-warning'],
    ['error', t('design.colours.error'), '--color-error'],
  ];
  return [
    note(t('design.colours.note')),
    h('ul', { class: 'swatches' }, swatches.map(([key, name, token]) =>
      h('li', { class: 'swatch' },
        h('span', { class: ['swatch__chip', `swatch__chip--${key}`] }),
        h('span', { class: 'swatch__name' }, name),
        h('code', { class: 'swatch__token' }, token)))),
  ];
}

function typography() {
  return h('div', { class: 'design-demo type-sample' },
    h('p', { class: 'eyebrow' }, t('design.typography.eyebrow')),
    // Paragraphs styled as headings, so the samples do not enter the page's outline.
    h('p', { class: 'type-h1' }, t('design.typography.h1')),
    h('p', { class: 'type-h2' }, t('design.typography.h2')),
    h('p', { class: 'type-h3' }, t('design.typography.h3')),
    h('p', { class: 'lead' }, t('design.typography.lead')),
    h('p', {}, t('design.typography.body'), ' ', h('a', { href: '/design' }, t('design.typography.link')), '.'),
    h('p', { class: 'muted' }, h('small', {}, t('design.typography.small'))));
}

function buttons() {
  const busy = button({
    label: t('design.buttons.save'),
    variant: 'primary',
    onClick: () => {
      setBusy(busy, true);
      setTimeout(() => setBusy(busy, false), 1500);
    },
  });
  return [
    note(t('design.buttons.note')),
    h('div', { class: 'design-demo stack' },
      h('div', { class: 'cluster' },
        button({ label: t('design.buttons.primary'), variant: 'primary' }),
        button({ label: t('design.buttons.secondary'), variant: 'secondary' }),
        button({ label: t('design.buttons.tertiary'), variant: 'tertiary' }),
        button({ label: t('design.buttons.ghost'), variant: 'ghost' }),
        button({ label: t('design.buttons.danger'), variant: 'danger', icon: 'trash' }),
        button({ label: t('design.buttons.disabled'), variant: 'primary', disabled: true })),
      h('div', { class: 'cluster' },
        button({ label: t('design.buttons.with_icon'), variant: 'primary', icon: 'plus' }),
        linkButton({ label: t('design.buttons.link'), href: '/', variant: 'secondary', icon: 'arrowRight', iconAfter: true }),
        button({ label: t('design.buttons.small'), variant: 'secondary', size: 'sm' }),
        button({ label: t('design.buttons.icon_only'), variant: 'ghost', icon: 'search', iconOnly: true }),
        busy)),
  ];
}

function forms() {
  const form = h('form', { class: 'form', novalidate: true },
    field({ label: t('design.forms.name'), name: 'name', required: true, attrs: { autocomplete: 'name' } }),
    field({ label: t('design.forms.email'), name: 'email', type: 'email', required: true, hint: t('design.forms.email_hint'), attrs: { autocomplete: 'email' } }),
    field({
      label: t('design.forms.org'),
      name: 'org',
      control: 'select',
      options: [
        { value: 'ght', label: t('design.forms.org_ght') },
        { value: 'ars', label: t('design.forms.org_ars') },
        { value: 'esms', label: t('design.forms.org_esms') },
      ],
    }),
    field({ label: t('design.forms.message'), name: 'message', control: 'textarea', hint: t('design.forms.message_hint') }),
    choiceGroup({
      legend: t('design.forms.notify'),
      name: 'notify',
      options: [
        { value: 'digest', label: t('design.forms.notify_digest'), checked: true },
        { value: 'mentions', label: t('design.forms.notify_mentions') },
      ],
    }),
    h('div', { class: 'cluster' }, button({ label: t('design.forms.submit'), variant: 'primary', type: 'submit' })));

  // The demo validates like real forms will: errors next to the fields, focus on the first one.
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const problems = {};
    if (!String(data.get('name')).trim()) problems.name = t('design.forms.error_name');
    const email = String(data.get('email')).trim();
    if (!email) problems.email = t('design.forms.error_email_missing');
    else if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) problems.email = t('design.forms.error_email_format');
    if (showErrors(form, problems)) toast(t('design.forms.sent'), { type: 'success' });
  });
  return [note(t('design.forms.note')), h('div', { class: 'design-demo' }, form)];
}

function lists() {
  const items = [
    { icon: 'file', title: t('design.lists.item1'), meta: t('design.lists.item1_meta'), badge: ['success', t('design.lists.validated')] },
    { icon: 'chat', title: t('design.lists.item2'), meta: t('design.lists.item2_meta'), badge: ['info', t('design.lists.replies', { count: 12 })] },
    { icon: 'file', title: t('design.lists.item3'), meta: t('design.lists.item3_meta'), badge: ['warning', t('design.lists.draft')] },
  ];
  return [
    note(t('design.lists.note')),
    h('ul', { class: 'list' }, items.map((item) =>
      h('li', { class: 'list__item' },
        h('span', { class: 'list__icon' }, icon(item.icon)),
        h('div', { class: 'list__body' },
          h('a', { class: 'list__title', href: '/design' }, item.title),
          h('span', { class: 'list__meta' }, item.meta)),
        h('span', { class: 'list__aside' }, h('span', { class: ['badge', `badge--${item.badge[0]}`] }, item.badge[1]))))),
  ];
}

function cards() {
  return h('ul', { class: 'grid', role: 'list' },
    h('li', { class: 'card' },
      h('span', { class: 'card__icon' }, icon('users')),
      h('h3', { class: 'card__title' }, t('design.cards.plain_title')),
      h('p', { class: 'card__text' }, t('design.cards.plain_text'))),
    h('li', { class: 'card card--link' },
      h('span', { class: 'card__icon card__icon--accent' }, icon('activity')),
      h('h3', { class: 'card__title' }, h('a', { href: '/design' }, t('design.cards.link_title'))),
      h('p', { class: 'card__text' }, t('design.cards.link_text'))),
    h('li', { class: 'card' },
      h('h3', { class: 'card__title' }, t('design.cards.footer_title')),
      h('p', { class: 'card__text' }, t('design.cards.footer_text')),
      h('p', { class: 'card__footer' }, t('design.cards.footer_meta'))));
}

function badges() {
  return h('div', { class: 'design-demo stack' },
    h('div', { class: 'cluster' },
      h('span', { class: 'badge' }, t('design.badges.neutral')),
      h('span', { class: 'badge badge--info' }, t('design.badges.info')),
      h('span', { class: 'badge badge--success' }, t('design.badges.success')),
      h('span', { class: 'badge badge--warning' }, t('design.badges.warning')),
      h('span', { class: 'badge badge--error' }, t('design.badges.error')),
      h('span', { class: 'badge badge--accent' }, t('design.badges.accent'))),
    h('div', { class: 'cluster' },
      h('a', { class: 'tag', href: '/design' }, t('design.badges.tag1')),
      h('a', { class: 'tag', href: '/design' }, t('design.badges.tag2')),
      h('a', { class: 'tag', href: '/design' }, t('design.badges.tag3'))));
}

function alerts() {
  const alert = (type, title, text) => h('div', { class: ['alert', `alert--${type}`] },
    icon(type),
    h('div', {}, h('strong', { class: 'alert__title' }, title), h('p', {}, text)));
  return h('div', { class: 'stack' },
    alert('info', t('design.alerts.info_title'), t('design.alerts.info_text')),
    alert('success', t('design.alerts.success_title'), t('design.alerts.success_text')),
    alert('warning', t('design.alerts.warning_title'), t('design.alerts.warning_text')),
    alert('error', t('design.alerts.error_title'), t('design.alerts.error_text')));
}

function dialogs() {
  const info = () => openDialog({
    title: t('design.dialogs.info_title'),
    body: t('design.dialogs.info_text'),
    actions: [{ label: t('design.dialogs.ok'), value: true, variant: 'primary' }],
  });
  const confirm = async () => {
    const confirmed = await confirmDialog({
      title: t('design.dialogs.confirm_title'),
      message: t('design.dialogs.confirm_text'),
      confirmLabel: t('design.dialogs.confirm_action'),
      danger: true,
    });
    toast(confirmed ? t('design.dialogs.confirmed') : t('design.dialogs.cancelled'), { type: confirmed ? 'success' : 'info' });
  };
  return [
    note(t('design.dialogs.note')),
    h('div', { class: 'cluster' },
      button({ label: t('design.dialogs.open_info'), variant: 'secondary', onClick: info }),
      button({ label: t('design.dialogs.open_confirm'), variant: 'danger', icon: 'trash', onClick: confirm })),
  ];
}

function toasts() {
  return [
    note(t('design.toasts.note')),
    h('div', { class: 'cluster' },
      button({ label: t('design.toasts.info'), onClick: () => toast(t('design.toasts.info_text')) }),
      button({ label: t('design.toasts.success'), onClick: () => toast(t('design.toasts.success_text'), { type: 'success' }) }),
      button({ label: t('design.toasts.warning'), onClick: () => toast(t('design.toasts.warning_text'), { type: 'warning' }) }),
      button({ label: t('design.toasts.error'), onClick: () => toast(t('design.toasts.error_text'), { type: 'error' }) })),
  ];
}

function loading() {
  return [
    note(t('design.loading.note')),
    h('div', { class: 'grid grid--wide' },
      h('div', { class: 'card' }, loadingState({ label: t('design.loading.label'), lines: 4 })),
      h('div', { class: 'card' },
        h('p', { class: 'cluster' },
          h('span', { class: 'spinner', 'aria-hidden': 'true' }),
          h('span', {}, t('design.loading.spinner'))))),
  ];
}

function empty() {
  return emptyState({
    icon: 'file',
    title: t('design.empty.demo_title'),
    text: t('design.empty.demo_text'),
    actions: [{ label: t('design.empty.demo_action'), variant: 'primary', icon: 'plus' }],
    headingLevel: 3,
  });
}

function errors() {
  return h('div', { class: 'design-demo' }, errorState({
    code: t('design.errors.demo_code'),
    title: t('design.errors.demo_title'),
    text: t('design.errors.demo_text'),
    actions: [{ label: t('design.errors.demo_action'), variant: 'secondary', icon: 'refresh' }],
    headingLevel: 3,
  }));
}
