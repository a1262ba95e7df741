'use client';

import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import styles from './toast.module.css';

/** How long a confirmation stays on screen. Long enough to read twice; it never needs dismissing. */
const SHOW_MS = 6000;
/** A confirmation that outlives a page change (a delete that returns to the overview). */
const FLASH_KEY = 'upbeat:flash';

export type ToastTone = 'ok' | 'warn';

/** Leaves a confirmation for the next page this tab opens (read by its useToast). */
export function flashToast(text: string): void {
  try {
    sessionStorage.setItem(FLASH_KEY, text);
  } catch {
    // Storage off (private mode): the next page just says nothing.
  }
}

/**
 * A short confirmation after an action ("Saved Shop API"), visible for a few seconds and announced politely:
 * the region is a `role="status"` live region that is always in the page, so a screen reader hears each
 * message. Returns the region to render once, and `show`.
 */
export function useToast(): { region: ReactNode; show: (text: string, tone?: ToastTone) => void } {
  const [message, setMessage] = useState<{ text: string; tone: ToastTone; n: number } | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const show = useCallback((text: string, tone: ToastTone = 'ok') => {
    if (timer.current !== null) clearTimeout(timer.current);
    setMessage((m) => ({ text, tone, n: (m?.n ?? 0) + 1 }));
    timer.current = setTimeout(() => setMessage(null), SHOW_MS);
  }, []);

  useEffect(() => {
    let flash: string | null = null;
    try {
      flash = sessionStorage.getItem(FLASH_KEY);
      sessionStorage.removeItem(FLASH_KEY);
    } catch {
      flash = null;
    }
    // A message left by the page before this one, shown once it is hydrated.
    if (flash) queueMicrotask(() => show(flash));
    return () => {
      if (timer.current !== null) clearTimeout(timer.current);
    };
  }, [show]);

  const region = (
    <div className={styles.region} role="status" aria-live="polite" data-testid="toast">
      {message && (
        <p key={message.n} className={styles.toast} data-tone={message.tone}>
          {message.text}
        </p>
      )}
    </div>
  );
  return { region, show };
}
