import type { SiteState } from '@/db/domain';

/** A site's state as colour and as a word, so it reads without colour too (and to screen readers). */
export function StateBadge({ state }: { state: SiteState }) {
  return (
    <span className={`state-badge state-${state}`} data-state={state}>
      <span className="state-dot" aria-hidden="true" />
      {state}
    </span>
  );
}
