// A person's profile (/personnes/:id): photo, job, organisation, how to reach them, their presentation and the communities of theirs I may see.
import { h } from '../dom.js';
import { t, formatDateTime } from '../i18n.js';
import { api } from '../api.js';
import { guarded } from '../guard.js';
import { currentUser } from '../session.js';
import { errorPage } from '../errors.js';
import { icon } from '../ui/icons.js';
import { avatar } from '../ui/avatar.js';
import { linkButton } from '../ui/button.js';
import { emptyState } from '../ui/states.js';
import { orgKindLabel, roleLabel, visibilityLabel, visibilityIcon, statusLabel } from '../labels.js';

export function render(ctx) {
  return guarded(ctx, async () => {
    let person;
    try {
      if (!/^\d+$/.test(ctx.params.id)) throw Object.assign(new Error('not an id'), { name: 'NotAnId' });
      person = await api.get(`/api/users/${ctx.params.id}`, { signal: ctx.signal });
    } catch (err) {
      if (err.name === 'AbortError') throw err;
      if (err.name === 'NotAnId') return (await import('./notfound.js')).render(ctx);
      return errorPage(err, ctx);
    }
    const me = currentUser()?.id === person.id;
    const org = person.organisation;
    const node = h('div', { class: 'page' },
      h('section', { class: 'card person-hero', 'aria-labelledby': 'person-name' },
        avatar(person, { size: 'xl' }),
        h('div', { class: 'person-hero__body' },
          h('h1', { class: 'person-hero__name', id: 'person-name' }, person.display_name),
          person.job_title ? h('p', { class: 'person-hero__job' }, person.job_title) : null,
          h('p', { class: 'person-hero__meta' },
            org ? h('span', { class: 'cluster' }, icon('building'), h('span', {}, org.name), h('span', { class: 'badge' }, orgKindLabel(org.kind))) : null,
            person.kind === 'guest' ? h('span', { class: 'badge badge--accent' }, t('person.kind.guest')) : null,
            person.status && person.status !== 'active' ? h('span', { class: 'badge badge--warning' }, statusLabel(person.status)) : null),
          me ? h('div', { class: 'button-row' }, linkButton({ label: t('person.edit_mine'), href: '/profil', variant: 'secondary', icon: 'edit', size: 'sm' })) : null)),
      h('div', { class: 'person-grid' },
        contact(person),
        communities(person)));
    return { title: person.display_name, node };
  });
}

function contact(person) {
  const facts = [
    [t('person.email'), 'mail', h('a', { href: `mailto:${person.email}` }, person.email)],
    person.phone ? [t('person.phone'), 'phone', h('a', { href: `tel:${person.phone.replace(/[^+\d]/g, '')}` }, person.phone)] : null,
    person.place ? [t('person.place'), 'pin', person.place] : null,
    person.created_at ? [t('person.since'), 'info', formatDateTime(new Date(person.created_at), { dateStyle: 'long' })] : null,
  ].filter(Boolean);
  return h('section', { class: 'card', 'aria-labelledby': 'person-contact' },
    h('h2', { class: 'card__title', id: 'person-contact' }, t('person.contact')),
    h('dl', { class: 'contact-facts' }, facts.map(([label, iconName, value]) => h('div', { class: 'contact-facts__row' },
      h('dt', {}, icon(iconName), h('span', {}, label)),
      h('dd', {}, value)))),
    person.bio ? h('div', { class: 'person-bio' },
      h('h3', { class: 'person-bio__title' }, t('person.bio')),
      person.bio.split(/\n{2,}/).map((para) => h('p', {}, para))) : null);
}

function communities(person) {
  const items = person.communities ?? [];
  return h('section', { class: 'card', 'aria-labelledby': 'person-communities' },
    h('h2', { class: 'card__title', id: 'person-communities' }, t('person.communities', { count: items.length })),
    items.length
      ? h('ul', { class: 'compact-list' }, items.map((c) => h('li', { class: 'compact-list__item' },
        icon(visibilityIcon(c.visibility)),
        h('a', { href: `/communautes/${c.id}` }, c.name),
        h('span', { class: 'visually-hidden' }, ` (${visibilityLabel(c.visibility)})`),
        h('span', { class: 'compact-list__aside' },
          c.archived ? h('span', { class: 'badge badge--warning' }, t('community.archived')) : null,
          h('span', { class: ['badge', c.role === 'animator' ? 'badge--info' : ''] }, roleLabel(c.role))))))
      : emptyState({ icon: 'users', title: t('person.no_communities'), compact: true, headingLevel: 3 }));
}
