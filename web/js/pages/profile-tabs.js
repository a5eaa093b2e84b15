// The tabs shared by my profile, my sessions and my API tokens.
import { t } from '../i18n.js';
import { tabs } from '../ui/tabs.js';

export function profileTabs(current) {
  return tabs({
    label: t('profile.tabs'),
    items: [
      { href: '/profil', label: t('profile.tab.profile'), icon: 'user', current: current === 'profile' },
      { href: '/profil/sessions', label: t('profile.tab.sessions'), icon: 'devices', current: current === 'sessions' },
      { href: '/profil/jetons', label: t('profile.tab.tokens'), icon: 'key', current: current === 'tokens' },
    ],
  });
}
