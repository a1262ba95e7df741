'use client';

import { useSyncExternalStore } from 'react';
import { THEME_KEY } from './theme';

type Theme = 'light' | 'dark';

const DARK_QUERY = '(prefers-color-scheme: dark)';
const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  const media = window.matchMedia(DARK_QUERY);
  media.addEventListener('change', listener);
  // Another tab changed the choice.
  const onStorage = (e: StorageEvent) => {
    if (e.key !== THEME_KEY) return;
    apply(e.newValue === 'light' || e.newValue === 'dark' ? e.newValue : null);
    listener();
  };
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(listener);
    media.removeEventListener('change', listener);
    window.removeEventListener('storage', onStorage);
  };
}

function currentTheme(): Theme {
  const chosen = document.documentElement.dataset.theme;
  if (chosen === 'light' || chosen === 'dark') return chosen;
  return window.matchMedia(DARK_QUERY).matches ? 'dark' : 'light';
}

function apply(theme: Theme | null) {
  if (theme) document.documentElement.dataset.theme = theme;
  else delete document.documentElement.dataset.theme;
}

/** Switches between light and dark and remembers the choice; until then the page follows the system. */
export function ThemeToggle() {
  // null on the server: the server cannot know, so the button's label settles after hydration; the icon is
  // chosen by CSS from the same attribute the head script set, so it is right from the first paint.
  const theme = useSyncExternalStore<Theme | null>(subscribe, currentTheme, () => null);
  const next: Theme = theme === 'dark' ? 'light' : 'dark';
  const toggle = () => {
    const to = currentTheme() === 'dark' ? 'light' : 'dark';
    // Choosing what the system already shows means "follow the system" again.
    const systemTheme: Theme = window.matchMedia(DARK_QUERY).matches ? 'dark' : 'light';
    try {
      if (to === systemTheme) localStorage.removeItem(THEME_KEY);
      else localStorage.setItem(THEME_KEY, to);
    } catch {
      // storage refused (private mode): the choice lasts for this page only
    }
    apply(to === systemTheme ? null : to);
    for (const listener of listeners) listener();
  };
  return (
    <button
      type="button"
      className="theme-toggle"
      onClick={toggle}
      aria-label={theme === null ? 'Toggle dark theme' : `Switch to ${next} theme`}
      title={theme === null ? undefined : `Switch to ${next} theme`}
    >
      <svg className="theme-icon-moon" width="18" height="18" viewBox="0 0 24 24" aria-hidden="true">
        <path d="M20 14.5A8 8 0 0 1 9.5 4a8 8 0 1 0 10.5 10.5Z" fill="currentColor" />
      </svg>
      <svg className="theme-icon-sun" width="18" height="18" viewBox="0 0 24 24" aria-hidden="true">
        <circle cx="12" cy="12" r="4.5" fill="currentColor" />
        <path
          d="M12 2v2.5M12 19.5V22M2 12h2.5M19.5 12H22M4.9 4.9l1.8 1.8M17.3 17.3l1.8 1.8M4.9 19.1l1.8-1.8M17.3 6.7l1.8-1.8"
          stroke="currentColor"
          strokeWidth="2"
          strokeLinecap="round"
        />
      </svg>
    </button>
  );
}
