// "Page not found" for any client route the router does not know, reached by a link or a reloaded deep link.
import { t } from '../i18n.js';
import { errorState } from '../ui/states.js';

export function render({ url }) {
  return {
    title: t('notfound.title'),
    node: errorState({
      code: t('notfound.code'),
      title: t('notfound.title'),
      text: t('notfound.text', { path: url.pathname }),
      actions: [
        { label: t('notfound.home'), href: '/', variant: 'primary', icon: 'home' },
        { label: t('notfound.search'), href: '/recherche', variant: 'secondary', icon: 'search' },
      ],
      page: true,
    }),
  };
}
