'use client';

import { useEffect, useId, useRef, useState } from 'react';
import type { PageEntry } from './status-pages-api';
import styles from './status-pages.module.css';

export interface SiteChoice {
  id: number;
  name: string;
  url: string;
}

/**
 * The sites a page shows, in order: add from the owner's sites, move up and down with buttons (focus stays on
 * the button that was pressed, so a keyboard user can press it again), a group and "show URL" per site, remove.
 * `errors` are the API's per-field messages (`sites.2.group`), shown on the row they name.
 */
export function PageSitesEditor({
  sites,
  value,
  errors,
  onChange,
}: {
  sites: readonly SiteChoice[];
  value: readonly PageEntry[];
  errors: Record<string, string>;
  onChange: (next: PageEntry[]) => void;
}) {
  const id = useId();
  const byId = new Map(sites.map((s) => [s.id, s]));
  const remaining = sites.filter((s) => !value.some((e) => e.siteId === s.id));
  const [adding, setAdding] = useState<string>('');
  const chosen = remaining.some((s) => String(s.id) === adding) ? adding : String(remaining[0]?.id ?? '');
  const groups = [...new Set(value.map((e) => e.group.trim()).filter((g) => g !== ''))];
  const refocus = useRef<{ siteId: number; dir: 'up' | 'down' } | null>(null);
  const [announce, setAnnounce] = useState('');

  useEffect(() => {
    const want = refocus.current;
    if (!want) return;
    refocus.current = null;
    const button = (d: string) => document.getElementById(`${id}-${d}-${want.siteId}`) as HTMLButtonElement | null;
    const target = button(want.dir);
    // At the top or bottom the pressed button is disabled: the other one keeps the focus in the row.
    (target && !target.disabled ? target : button(want.dir === 'up' ? 'down' : 'up'))?.focus();
  });

  const move = (index: number, dir: 'up' | 'down') => {
    const to = dir === 'up' ? index - 1 : index + 1;
    if (to < 0 || to >= value.length) return;
    const next = [...value];
    [next[index], next[to]] = [next[to]!, next[index]!];
    refocus.current = { siteId: value[index]!.siteId, dir };
    onChange(next);
    setAnnounce(`${byId.get(value[index]!.siteId)?.name ?? 'Site'} moved to position ${to + 1} of ${value.length}`);
  };
  const patch = (index: number, change: Partial<PageEntry>) =>
    onChange(value.map((e, i) => (i === index ? { ...e, ...change } : e)));

  return (
    <fieldset className={`field ${styles.sitesBox}`}>
      <legend>Sites on the page</legend>
      <p className="field-hint">
        Shown in this order. Sites with the same group appear under its heading; keep a group&apos;s sites next to each
        other. A site&apos;s address stays hidden unless you tick “Show URL”.
      </p>
      {value.length === 0 ? (
        <p className={styles.muted}>No sites yet: add one below.</p>
      ) : (
        <ol className={styles.siteList} aria-label="Sites on the page, in order">
          {value.map((e, i) => {
            const site = byId.get(e.siteId);
            const name = site?.name ?? `Site ${e.siteId}`;
            const rowError = errors[`sites.${i}.siteId`] ?? errors[`sites.${i}.showUrl`];
            return (
              <li key={e.siteId} className={styles.siteRow} data-site={e.siteId}>
                <div className={styles.siteName}>
                  <span className={styles.position} aria-hidden="true">
                    {i + 1}
                  </span>
                  <span>
                    <strong>{name}</strong>
                    {site && <span className={styles.siteUrl}>{site.url}</span>}
                  </span>
                </div>
                <div className={styles.siteControls}>
                  <label className={styles.groupLabel}>
                    <span className="visually-hidden">Group of {name}</span>
                    <input
                      type="text"
                      value={e.group}
                      placeholder="Group (optional)"
                      list={`${id}-groups`}
                      maxLength={60}
                      aria-invalid={errors[`sites.${i}.group`] ? true : undefined}
                      aria-describedby={errors[`sites.${i}.group`] ? `${id}-group-error-${i}` : undefined}
                      onChange={(ev) => patch(i, { group: ev.target.value })}
                    />
                  </label>
                  <label className={styles.showUrl}>
                    <input type="checkbox" checked={e.showUrl} onChange={(ev) => patch(i, { showUrl: ev.target.checked })} />
                    Show URL<span className="visually-hidden"> of {name}</span>
                  </label>
                  <span className={styles.moveButtons}>
                    <button
                      type="button"
                      id={`${id}-up-${e.siteId}`}
                      className="btn btn-small"
                      disabled={i === 0}
                      aria-label={`Move ${name} up`}
                      onClick={() => move(i, 'up')}
                    >
                      ↑
                    </button>
                    <button
                      type="button"
                      id={`${id}-down-${e.siteId}`}
                      className="btn btn-small"
                      disabled={i === value.length - 1}
                      aria-label={`Move ${name} down`}
                      onClick={() => move(i, 'down')}
                    >
                      ↓
                    </button>
                  </span>
                  <button
                    type="button"
                    className="btn btn-small btn-danger-quiet"
                    aria-label={`Remove ${name} from the page`}
                    onClick={() => onChange(value.filter((_, j) => j !== i))}
                  >
                    Remove
                  </button>
                </div>
                {errors[`sites.${i}.group`] && (
                  <p className="field-error" id={`${id}-group-error-${i}`}>
                    Group {errors[`sites.${i}.group`]}
                  </p>
                )}
                {rowError && <p className="field-error">{rowError}</p>}
              </li>
            );
          })}
        </ol>
      )}
      <datalist id={`${id}-groups`}>
        {groups.map((g) => (
          <option key={g} value={g} />
        ))}
      </datalist>
      <p className="visually-hidden" aria-live="polite">
        {announce}
      </p>
      {errors.sites && <p className="field-error">Sites {errors.sites}</p>}
      {remaining.length > 0 ? (
        <div className={styles.addSite}>
          <label htmlFor={`${id}-add`}>Add a site</label>
          <select id={`${id}-add`} value={chosen} onChange={(ev) => setAdding(ev.target.value)}>
            {remaining.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
          <button
            type="button"
            className="btn btn-small"
            onClick={() => {
              const siteId = Number(chosen);
              if (!byId.has(siteId)) return;
              onChange([...value, { siteId, group: '', showUrl: false }]);
              setAnnounce(`${byId.get(siteId)!.name} added at position ${value.length + 1}`);
            }}
          >
            Add
          </button>
        </div>
      ) : (
        sites.length === 0 && <p className={styles.muted}>Add sites to Upbeat first; then choose them here.</p>
      )}
    </fieldset>
  );
}
