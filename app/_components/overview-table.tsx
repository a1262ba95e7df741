'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useMemo, useRef, useState, type FocusEvent, type KeyboardEvent, type MouseEvent } from 'react';
import styles from './overview.module.css';
import { useRowWindow } from './overview-rows';
import type { OverviewSiteWire } from './overview-types';
import { sortBy, type OverviewView, type SortKey } from './overview-view';
import { SiteRow, type RowAction } from './site-row';

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}

const SORT_LABELS: Record<SortKey, string> = { state: 'State', name: 'Site', latency: 'Latency', uptime: 'Uptime (24 h)' };

/**
 * The table of sites, virtualised: at 10,000 sites only the rows on screen (and a margin) are in the DOM, and
 * the rows above and below are two paddings of the body. The table keeps its semantics: `aria-rowcount` tells
 * how many rows there are in all and each row its `aria-rowindex`, so a screen reader says "row 9,412 of 10,001".
 * Up and Down move between the rows' names (Home and End to the first and last), rendering the row first when
 * it is off screen.
 */
export function OverviewTable({
  sites,
  caption,
  view,
  onView,
  windowEnd,
  checking,
  canWrite,
  onAction,
}: {
  /** The rows the view and the search show, in order. */
  sites: readonly OverviewSiteWire[];
  caption: string;
  view: OverviewView;
  onView: (view: OverviewView) => void;
  windowEnd: number;
  /** Sites waiting for a "check now" result, with the newest result they had when it was asked for. */
  checking: ReadonlyMap<number, string | null>;
  canWrite: boolean;
  onAction: (action: RowAction, site: OverviewSiteWire) => void;
}) {
  const bodyRef = useRef<HTMLTableSectionElement>(null);
  const { start, end, rowPx, reveal } = useRowWindow(sites.length, bodyRef);
  // A row the keyboard moved to before it was rendered: focused once it is.
  const [focusRow, setFocusRow] = useState<number | null>(null);
  // The row holding the focus stays in the DOM when it scrolls out of the window (placed where it belongs), so
  // focus is not dropped to the page and Tab carries on from it.
  const [focusedId, setFocusedId] = useState<number | null>(null);
  const focusedIndex = useMemo(() => (focusedId === null ? -1 : sites.findIndex((s) => s.id === focusedId)), [sites, focusedId]);
  const pinned = focusedIndex >= 0 && (focusedIndex < start || focusedIndex >= end) ? focusedIndex : -1;
  const onFocus = (e: FocusEvent<HTMLTableSectionElement>) => {
    const id = Number((e.target as Element).closest<HTMLElement>('tr[data-site-id]')?.dataset.siteId);
    setFocusedId(Number.isFinite(id) ? id : null);
  };
  const onBlur = (e: FocusEvent<HTMLTableSectionElement>) => {
    if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setFocusedId(null);
  };

  useEffect(() => {
    if (focusRow === null) return;
    const link = bodyRef.current?.querySelector<HTMLElement>(`tr[aria-rowindex="${focusRow + 2}"] a[data-nav]`);
    if (link) {
      link.focus();
      setFocusRow(null);
    }
  }, [focusRow, start, end]);

  // One listener for every row's buttons and links (see SiteRow).
  const router = useRouter();
  const onClick = (e: MouseEvent<HTMLTableSectionElement>) => {
    const el = (e.target as Element).closest<HTMLElement>('button[data-action], a[data-nav]');
    const id = Number(el?.closest<HTMLElement>('tr[data-site-id]')?.dataset.siteId);
    if (!el || !Number.isFinite(id)) return;
    if (el.tagName === 'A') {
      // A plain left click navigates in the app; new tabs and windows are the browser's business.
      if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      e.preventDefault();
      router.push(el.getAttribute('href') ?? '/');
      return;
    }
    const site = sites.find((s) => s.id === id);
    if (!site || el.getAttribute('aria-disabled') === 'true') return;
    onAction(el.dataset.action as RowAction, site);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTableSectionElement>) => {
    const from = Number((e.target as Element).closest<HTMLElement>('tr[aria-rowindex]')?.getAttribute('aria-rowindex')) - 2;
    if (!Number.isInteger(from) || from < 0 || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    const to = { ArrowDown: from + 1, ArrowUp: from - 1, Home: 0, End: sites.length - 1 }[e.key];
    // Up and Down stay with the buttons' own keys elsewhere; only a row's name link moves between rows.
    if (to === undefined || (e.target as Element).tagName !== 'A' || to < 0 || to >= sites.length) return;
    e.preventDefault();
    reveal(to);
    setFocusRow(to);
  };

  const sortHeader = (key: SortKey, className?: string) => {
    const active = view.sort === key;
    const ariaSort = active ? (view.dir === 'asc' ? 'ascending' : 'descending') : undefined;
    return (
      <th role="columnheader" scope="col" className={className} aria-sort={ariaSort}>
        <button type="button" className={styles.sortButton} onClick={() => onView(sortBy(view, key))}>
          {SORT_LABELS[key]}
          <span className={styles.sortMark} aria-hidden="true" data-active={active || undefined}>
            {active ? (view.dir === 'asc' ? '▲' : '▼') : '↕'}
          </span>
        </button>
      </th>
    );
  };

  return (
    <table role="table" className="sites-table" aria-rowcount={sites.length + 1}>
      <caption className="visually-hidden">{caption}</caption>
      <thead role="rowgroup">
        <tr role="row" aria-rowindex={1}>
          {sortHeader('state')}
          {sortHeader('name')}
          <th role="columnheader" scope="col" className="num">
            Status
          </th>
          {sortHeader('latency', 'num')}
          <th role="columnheader" scope="col">Last hour</th>
          {sortHeader('uptime', 'num')}
          <th role="columnheader" scope="col">Checked</th>
          <th role="columnheader" scope="col">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody
        ref={bodyRef}
        role="rowgroup"
        className={styles.rows}
        style={{ paddingTop: start * rowPx, paddingBottom: (sites.length - end) * rowPx }}
        onClick={onClick}
        onKeyDown={onKeyDown}
        onFocus={onFocus}
        onBlur={onBlur}
      >
        {[...(pinned >= 0 && pinned < start ? [pinned] : []), ...range(start, end), ...(pinned >= end ? [pinned] : [])].map((index) => {
          const site = sites[index]!;
          return (
            <SiteRow
              key={site.id}
              site={site}
              rowIndex={index + 2}
              top={index === pinned ? index * rowPx : undefined}
              windowEnd={windowEnd}
              checking={checking.has(site.id) && checking.get(site.id) === (site.lastCheck?.checkedAt ?? null)}
              canWrite={canWrite}
            />
          );
        })}
      </tbody>
    </table>
  );
}
