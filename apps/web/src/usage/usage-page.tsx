import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { CruxApiError, crux } from '../api/crux.ts';
import { PageTitle } from '../app/page-title.tsx';
import { BarChart } from '../shared/bar-chart.tsx';
import { ErrorText } from '../shared/error-text.tsx';
import { formatUsd } from '../shared/format.ts';
import { FRESH, keys, useLimits } from '../shared/queries.ts';
import { LimitsCard } from './limits-card.tsx';
import { RecordsTable } from './records-table.tsx';
import { SummaryTable } from './summary-table.tsx';

function useSummary(group_by: 'day' | 'endpoint' | 'model') {
  return useQuery({
    queryKey: [...keys.usage, group_by],
    queryFn: () => crux.usage.summary({ group_by }),
    ...FRESH,
  });
}

export default function UsagePage() {
  const limits = useLimits();
  const byDay = useSummary('day');
  const byEndpoint = useSummary('endpoint');
  const byModel = useSummary('model');
  const admin = useQuery({
    queryKey: [...keys.usage, 'admin'],
    queryFn: () => crux.admin.usage({ group_by: 'user' }),
    retry: false,
    ...FRESH,
  });
  const days = useMemo(
    () => ({
      labels: byDay.data?.rows.map((r) => r.key) ?? [],
      // Bar heights only; every amount shown as text is the exact string.
      values: byDay.data?.rows.map((r) => Number(r.cost_usd)) ?? [],
    }),
    [byDay.data],
  );
  const dayCost = (_value: number, index: number) => formatUsd(byDay.data?.rows[index]?.cost_usd);
  const forbidden = admin.error instanceof CruxApiError && admin.error.status === 403;

  return (
    <section>
      <PageTitle title="Usage and cost" />
      {byDay.data && (
        <p className="total">
          Total spent <strong data-testid="usage-total">{formatUsd(byDay.data.total.cost_usd)}</strong> over{' '}
          {byDay.data.total.requests} calls ({byDay.data.total.tokens} tokens), exactly as OpenRouter billed
          it.
        </p>
      )}
      <ErrorText error={limits.error ?? byDay.error ?? byEndpoint.error ?? byModel.error} />
      {limits.data && <LimitsCard limits={limits.data} />}
      <div className="card">
        {days.labels.length ? (
          <BarChart title="Cost per day (UTC, USD)" {...days} format={dayCost} integers={false} />
        ) : (
          byDay.isSuccess && <p className="muted">No spend yet: chat with the coach or ask for a plan.</p>
        )}
      </div>
      <div className="split">
        {byEndpoint.data && (
          <SummaryTable caption="By endpoint" keyLabel="Endpoint" summary={byEndpoint.data} />
        )}
        {byModel.data && <SummaryTable caption="By model" keyLabel="Model" summary={byModel.data} />}
      </div>
      <RecordsTable />
      {admin.data && (
        <section aria-labelledby="admin-heading" className="card">
          <h2 id="admin-heading">Everyone's usage (admin)</h2>
          <SummaryTable caption="By user" keyLabel="User id" summary={admin.data} />
        </section>
      )}
      {admin.error && !forbidden && <ErrorText error={admin.error} />}
    </section>
  );
}
