import type { Vocabulary } from '@crux/contracts';
import { useState } from 'react';
import { ErrorText } from '../shared/error-text.tsx';
import { SelectField } from '../shared/select-field.tsx';
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
        <SelectField
          label="Show outcome"
          empty="All"
          value={filters.outcome ?? ''}
          options={vocabulary.outcome}
          onChange={(outcome) => setFilters({ ...filters, outcome: outcome || undefined })}
        />
        <SelectField
          label="Show type"
          empty="All"
          value={filters.climb_type ?? ''}
          options={vocabulary.climb_type}
          onChange={(type) => setFilters({ ...filters, climb_type: type || undefined })}
        />
      </div>
      <ErrorText error={climbs.error} />
      {climbs.isPending &&
        (climbs.fetchStatus === 'paused' ? (
          <p className="muted" data-testid="climbs-offline">
            No connection: your climbs show here when you are back online. What you log now is kept on this
            device.
          </p>
        ) : (
          <p className="muted">Loading…</p>
        ))}
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
