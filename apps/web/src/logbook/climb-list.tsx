import type { ClimbType, Outcome, Vocabulary } from '@crux/contracts';
import { useState } from 'react';
import { ErrorText } from '../shared/error-text.tsx';
import { ClimbCard } from './climb-card.tsx';
import { type ClimbFilters, useClimbs } from './use-climbs.ts';

/** The logbook list: filters, newest first, "Show older" for the next page. */
export function ClimbList({ vocabulary, holdColors }: { vocabulary: Vocabulary; holdColors: string[] }) {
  const [filters, setFilters] = useState<ClimbFilters>({});
  const climbs = useClimbs(filters);
  const all = climbs.data?.pages.flatMap((page) => page.climbs) ?? [];
  return (
    <section aria-labelledby="climbs-heading">
      <h2 id="climbs-heading">Your climbs</h2>
      <div className="filters">
        <label className="field">
          <span>Outcome</span>
          <select
            value={filters.outcome ?? ''}
            onChange={(e) =>
              setFilters({ ...filters, outcome: (e.target.value || undefined) as Outcome | undefined })
            }
          >
            <option value="">All</option>
            {vocabulary.outcome.map((o) => (
              <option key={o}>{o}</option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Type</span>
          <select
            value={filters.climb_type ?? ''}
            onChange={(e) =>
              setFilters({ ...filters, climb_type: (e.target.value || undefined) as ClimbType | undefined })
            }
          >
            <option value="">All</option>
            {vocabulary.climb_type.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
      </div>
      <ErrorText error={climbs.error} />
      {climbs.isPending && <p className="muted">Loading…</p>}
      {climbs.isSuccess && all.length === 0 && <p className="muted">No climbs here yet.</p>}
      <ul className="climb-list" aria-label="Climbs, newest first">
        {all.map((climb) => (
          <ClimbCard key={climb.id} climb={climb} vocabulary={vocabulary} holdColors={holdColors} />
        ))}
      </ul>
      {climbs.hasNextPage && (
        <button
          type="button"
          onClick={() => void climbs.fetchNextPage()}
          disabled={climbs.isFetchingNextPage}
        >
          {climbs.isFetchingNextPage ? 'Loading…' : 'Show older climbs'}
        </button>
      )}
    </section>
  );
}
