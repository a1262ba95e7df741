import type { SiteState } from '@/db/domain';
import type { StateCounts } from './overview-types';

const ITEMS: { key: SiteState; label: string }[] = [
  { key: 'down', label: 'down' },
  { key: 'degraded', label: 'degraded' },
  { key: 'up', label: 'up' },
  { key: 'pending', label: 'pending' },
  { key: 'paused', label: 'paused' },
];

/**
 * How many sites are in each state; down first, because that is what someone opens the page to learn. Each
 * count is a toggle that shows only the sites in that state (several may be on at once; none on shows all).
 */
export function Summary({
  counts,
  total,
  selected,
  onToggle,
}: {
  counts: StateCounts;
  total: number;
  selected: readonly SiteState[];
  onToggle: (state: SiteState) => void;
}) {
  return (
    <ul className="summary" aria-label={`Summary of ${total} ${total === 1 ? 'site' : 'sites'}; show only a state`}>
      {ITEMS.map(({ key, label }) => (
        <li key={key}>
          <button
            type="button"
            className={`summary-item summary-${key}`}
            data-zero={counts[key] === 0 || undefined}
            aria-pressed={selected.includes(key)}
            onClick={() => onToggle(key)}
          >
            <span className="summary-count">{counts[key]}</span> <span className="summary-label">{label}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}
