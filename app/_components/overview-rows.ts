'use client';

import { useCallback, useLayoutEffect, useState, type RefObject } from 'react';
import { FIRST_ROWS } from './overview-types';

/**
 * Which rows of a long table are in the DOM: the ones on screen plus a margin on each side. The page itself
 * scrolls (the table is in the document flow, header and all), so the window follows the table body's place in
 * the viewport. Every row has one height (the stylesheet fixes it per layout), read from a rendered row, so the
 * space of the rows left out is two paddings and no row needs measuring one by one.
 */

/**
 * Rows rendered before anything is measured: the server's HTML and the first client render agree on these
 * (as many as the server page sends, overview-types.ts FIRST_ROWS).
 */
export const FIRST_WINDOW = FIRST_ROWS;
/** Rows kept beyond each edge of the screen, so a quick scroll or a Tab to the next row finds it rendered. */
export const OVERSCAN = 12;
/** The row height the stylesheet sets on a wide screen, used until a row has been measured. */
const ASSUMED_ROW_PX = 66;

export interface RowWindow {
  start: number;
  end: number;
  /** Height of one row in px. */
  rowPx: number;
}

/** The rows to render for a body whose top is `bodyTop` px from the viewport's top (negative once scrolled past). */
export function windowFor(count: number, bodyTop: number, viewportPx: number, rowPx: number, overscan = OVERSCAN) {
  const first = Math.floor(-bodyTop / rowPx);
  const last = Math.ceil((viewportPx - bodyTop) / rowPx);
  const end = Math.max(0, Math.min(count, last + overscan));
  const start = Math.max(0, Math.min(first - overscan, end));
  return { start, end };
}

/**
 * The window of `count` rows for the body in `bodyRef`, kept current on scroll and resize (once a frame at
 * most). `reveal(i)` scrolls row i into view, for keyboard moves to a row that is not rendered yet.
 */
export function useRowWindow(count: number, bodyRef: RefObject<HTMLElement | null>) {
  const [win, setWin] = useState<RowWindow>(() => ({ start: 0, end: Math.min(count, FIRST_WINDOW), rowPx: ASSUMED_ROW_PX }));

  const measure = useCallback(() => {
    const body = bodyRef.current;
    if (!body) return;
    const row = body.querySelector<HTMLElement>(':scope > tr');
    const rowPx = row ? row.getBoundingClientRect().height || ASSUMED_ROW_PX : ASSUMED_ROW_PX;
    const { start, end } = windowFor(count, body.getBoundingClientRect().top, window.innerHeight, rowPx);
    setWin((w) => (w.start === start && w.end === end && w.rowPx === rowPx ? w : { start, end, rowPx }));
  }, [bodyRef, count]);

  useLayoutEffect(() => {
    let frame = 0;
    const onChange = () => {
      if (frame === 0) {
        frame = requestAnimationFrame(() => {
          frame = 0;
          measure();
        });
      }
    };
    window.addEventListener('scroll', onChange, { passive: true });
    window.addEventListener('resize', onChange);
    return () => {
      cancelAnimationFrame(frame);
      window.removeEventListener('scroll', onChange);
      window.removeEventListener('resize', onChange);
    };
  }, [measure]);

  // A new count (search, filter, rows loaded after hydration) or a newly measured height moves the window now,
  // before paint, so no frame shows a gap.
  useLayoutEffect(measure, [measure, win.rowPx]);

  const reveal = useCallback(
    (index: number) => {
      const body = bodyRef.current;
      if (!body) return;
      const rowTop = body.getBoundingClientRect().top + index * win.rowPx;
      // As far as the scroll must go and no further, with a little room above so the row is not at the edge.
      if (rowTop < 16) window.scrollBy(0, rowTop - 16);
      else if (rowTop + win.rowPx > window.innerHeight) window.scrollBy(0, rowTop + win.rowPx - window.innerHeight);
      measure();
    },
    [bodyRef, measure, win.rowPx],
  );

  const clamped = { start: Math.min(win.start, count), end: Math.min(win.end, count), rowPx: win.rowPx };
  return { ...clamped, reveal };
}
