'use client';

import styles from './status-strip.module.css';

/** The fields of a check the strip shows (the REST API's check shape fits). */
export interface StripCheck {
  checkedAt: string;
  ok: boolean;
  statusCode: number | null;
  latencyMs: number;
  error: { kind: string; message: string } | null;
}

export interface StatusStripProps {
  /** Oldest first. */
  checks: readonly StripCheck[];
  /** Bar slots: fewer checks leave the oldest slots empty, so bars keep their width as checks arrive. */
  slots: number;
  /** Slots shown on a narrow screen (the newest ones); half the slots by default. */
  narrowSlots?: number;
  formatTime: (iso: string) => string;
  formatLatency: (ms: number) => string;
}

function describeCheck(c: StripCheck, props: StatusStripProps): string {
  const parts = [props.formatTime(c.checkedAt), c.ok ? 'up' : 'down'];
  if (c.statusCode !== null) parts.push(`HTTP ${c.statusCode}`);
  parts.push(props.formatLatency(c.latencyMs));
  if (c.error) parts.push(`${c.error.kind}: ${c.error.message}`);
  return parts.join(' · ');
}

/**
 * One bar per recent check, coloured by result, newest on the right. To assistive technology the strip is one
 * image with a summary; each bar carries its details in `title` for pointer users.
 */
export function StatusStrip(props: StatusStripProps) {
  const { checks, slots } = props;
  const shown = checks.slice(-slots);
  const down = shown.filter((c) => !c.ok).length;
  const summary =
    shown.length === 0
      ? 'No checks yet'
      : `Last ${shown.length} checks, from ${props.formatTime(shown[0]!.checkedAt)} to ` +
        `${props.formatTime(shown[shown.length - 1]!.checkedAt)}: ${shown.length - down} up, ${down} down`;
  const empty = Math.max(0, slots - shown.length);
  // Slots older than the narrow share are hidden on a phone: 90 bars in 340 px would be hairlines.
  const firstNarrow = slots - (props.narrowSlots ?? Math.ceil(slots / 2));
  const slotClass = (slot: number, base: string | undefined) =>
    slot < firstNarrow ? `${base} ${styles.wideOnly}` : base;
  return (
    <div className={styles.strip} role="img" aria-label={summary} data-testid="status-strip">
      {Array.from({ length: empty }, (_, i) => (
        <span key={`empty-${i}`} className={slotClass(i, styles.empty)} />
      ))}
      {shown.map((c, i) => (
        <span
          key={`${c.checkedAt}-${i}`}
          className={slotClass(empty + i, c.ok ? styles.up : styles.down)}
          title={describeCheck(c, props)}
          data-check={c.checkedAt}
          data-ok={c.ok}
        />
      ))}
    </div>
  );
}
