import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef } from 'react';
import { crux } from '../api/crux.ts';
import { PageTitle } from '../app/page-title.tsx';
import { ErrorText } from '../shared/error-text.tsx';
import { formatResetTime, formatUsd } from '../shared/format.ts';
import { newKey } from '../shared/new-key.ts';
import { keys, useLimits } from '../shared/queries.ts';
import { PatternCharts } from './pattern-charts.tsx';
import { RecommendationView } from './recommendation-view.tsx';

export default function CoachPage() {
  const client = useQueryClient();
  const patterns = useQuery({ queryKey: keys.patterns, queryFn: () => crux.coach.patterns() });
  const latest = useQuery({ queryKey: keys.latestRecommendation, queryFn: () => crux.coach.latest() });
  const limits = useLimits();
  // One key per press: a retry of the same press never bills twice.
  const pressKey = useRef<string | null>(null);
  const generate = useMutation({
    mutationFn: () => {
      pressKey.current = pressKey.current ?? newKey();
      return crux.coach.generate({ idempotencyKey: pressKey.current });
    },
    onSuccess: (result) => {
      pressKey.current = null;
      client.setQueryData(keys.latestRecommendation, { recommendation: result.recommendation });
    },
    onSettled: () => void client.invalidateQueries({ queryKey: keys.usage }),
  });
  const recLimit = limits.data?.recommendations;
  const left = recLimit ? Math.max(0, recLimit.limit - recLimit.used) : undefined;
  const recommendation = generate.data?.recommendation ?? latest.data?.recommendation;

  return (
    <section>
      <PageTitle title="Coach" />
      <section aria-labelledby="plan-heading">
        <div className="section-head">
          <h2 id="plan-heading">This week's plan</h2>
          <div className="generate">
            <button
              type="button"
              className="primary"
              onClick={() => generate.mutate()}
              disabled={generate.isPending || left === 0}
            >
              {generate.isPending ? 'The coach is writing…' : 'Generate a new plan'}
            </button>
            {recLimit && (
              <p className="small muted" data-testid="recs-left">
                {left} of {recLimit.limit} left today
                {left === 0 && `; resets ${formatResetTime(recLimit.resets_at)}`}
              </p>
            )}
          </div>
        </div>
        <ErrorText error={generate.error} resetsAt={recLimit?.resets_at} />
        {generate.data?.is_cached && (
          <p className="warning" role="alert">
            {generate.data.warning ?? 'The coach could not write a new plan; this is your previous one.'}
          </p>
        )}
        {generate.data && !generate.data.is_cached && (
          <p className="small muted" role="status">
            New plan written for {formatUsd(generate.data.usage.cost_usd)} ({generate.data.usage.total_tokens}{' '}
            tokens).
          </p>
        )}
        {recommendation ? (
          <RecommendationView recommendation={recommendation} />
        ) : (
          latest.isSuccess && (
            <p className="muted">No plan yet. Log a few climbs, then ask the coach for one.</p>
          )
        )}
        <ErrorText error={latest.error} />
      </section>
      <section aria-labelledby="patterns-heading">
        <h2 id="patterns-heading">Your patterns</h2>
        <ErrorText error={patterns.error} />
        {patterns.isPending && <p className="muted">Loading…</p>}
        {patterns.data && <PatternCharts patterns={patterns.data} />}
      </section>
    </section>
  );
}
