import type { StateCounts } from './overview-types';

/** How many sites are in each state; down first, because that is what someone opens the page to learn. */
export function Summary({ counts, total }: { counts: StateCounts; total: number }) {
  const items: { key: keyof StateCounts; label: string }[] = [
    { key: 'down', label: 'down' },
    { key: 'up', label: 'up' },
    { key: 'pending', label: 'pending' },
    { key: 'paused', label: 'paused' },
  ];
  return (
    <ul className="summary" aria-label={`Summary of ${total} ${total === 1 ? 'site' : 'sites'}`}>
      {items.map(({ key, label }) => (
        <li key={key} className={`summary-item summary-${key}`} data-zero={counts[key] === 0 || undefined}>
          <span className="summary-count">{counts[key]}</span> <span className="summary-label">{label}</span>
        </li>
      ))}
    </ul>
  );
}
