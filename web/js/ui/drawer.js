// Phone navigation drawer: below the desktop breakpoint the sidebar slides in over the page, with focus kept inside it and given back to the menu button on close.

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * setupDrawer({ panel, openButton, closeButton, backdrop, inertWhileOpen, desktopQuery })
 * → { open, close, isOpen }.
 * While open, the rest of the page is inert (unreachable by Tab and by screen readers), Tab wraps
 * inside the panel, Escape and the backdrop close it. It closes itself when the viewport grows
 * to the desktop layout, where the same panel is a plain sidebar.
 */
export function setupDrawer({ panel, openButton, closeButton, backdrop, inertWhileOpen, desktopQuery }) {
  const desktop = window.matchMedia(desktopQuery);
  let open = false;

  function show() {
    if (open || desktop.matches) return;
    open = true;
    panel.classList.add('is-open');
    backdrop.hidden = false;
    openButton.setAttribute('aria-expanded', 'true');
    document.body.classList.add('has-drawer-open');
    for (const el of inertWhileOpen) el.inert = true;
    // The panel is made visible in this same frame; focusing its first control announces the menu.
    (panel.querySelector(FOCUSABLE) ?? panel).focus();
  }

  function hide({ returnFocus = true } = {}) {
    if (!open) return;
    open = false;
    panel.classList.remove('is-open');
    backdrop.hidden = true;
    openButton.setAttribute('aria-expanded', 'false');
    document.body.classList.remove('has-drawer-open');
    for (const el of inertWhileOpen) el.inert = false;
    if (returnFocus) openButton.focus();
  }

  function trapTab(event) {
    if (event.key !== 'Tab') return;
    const items = [...panel.querySelectorAll(FOCUSABLE)].filter((el) => el.offsetParent !== null || el === document.activeElement);
    if (!items.length) return;
    const first = items[0];
    const last = items[items.length - 1];
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  }

  openButton.addEventListener('click', () => (open ? hide() : show()));
  closeButton.addEventListener('click', () => hide());
  backdrop.addEventListener('click', () => hide());
  panel.addEventListener('keydown', (event) => {
    if (!open) return;
    if (event.key === 'Escape') {
      event.preventDefault();
      hide();
    } else {
      trapTab(event);
    }
  });
  desktop.addEventListener('change', () => {
    if (desktop.matches) hide({ returnFocus: false });
  });

  return { open: show, close: hide, isOpen: () => open };
}
