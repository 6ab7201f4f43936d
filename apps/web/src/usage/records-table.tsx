import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { crux } from '../api/crux.ts';
import { downloadText } from '../shared/download.ts';
import { ErrorText } from '../shared/error-text.tsx';
import { formatDateTime, formatUsd } from '../shared/format.ts';
import { FRESH, keys } from '../shared/queries.ts';
import { ScrollRegion } from '../shared/scroll-region.tsx';
import { recordsCsv } from './records-csv.ts';

const PAGE = 25;

/** The caller's ledger rows, newest first, with a CSV download of all of them. */
export function RecordsTable() {
  const records = useInfiniteQuery({
    queryKey: [...keys.usage, 'records'],
    queryFn: ({ pageParam }) => crux.usage.records({ limit: PAGE, before: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_before,
    ...FRESH,
  });
  const [downloadError, setDownloadError] = useState<unknown>(null);
  const rows = records.data?.pages.flatMap((page) => page.records) ?? [];

  const download = async () => {
    setDownloadError(null);
    try {
      const all = [];
      let before: string | undefined;
      do {
        const page = await crux.usage.records({ limit: 500, before });
        all.push(...page.records);
        before = page.next_before;
      } while (before);
      downloadText('crux-usage.csv', recordsCsv(all), 'text/csv');
    } catch (error) {
      setDownloadError(error);
    }
  };

  return (
    <section aria-labelledby="records-heading">
      <div className="section-head">
        <h2 id="records-heading">Every call</h2>
        <button type="button" className="small" onClick={() => void download()}>
          Download CSV
        </button>
      </div>
      <ErrorText error={records.error ?? downloadError} />
      <ScrollRegion label="Every call">
        <table className="records">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col" className="num">
                Cost
              </th>
              <th scope="col">Endpoint</th>
              <th scope="col">Model</th>
              <th scope="col">Status</th>
              <th scope="col" className="num">
                Tokens
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.id}>
                <td>{formatDateTime(row.created_at)}</td>
                <td className="num">{formatUsd(row.cost_usd)}</td>
                <td>{row.endpoint}</td>
                <td>{row.served_model ?? row.model}</td>
                <td>{row.status}</td>
                <td className="num">{row.total_tokens ?? '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollRegion>
      {records.isSuccess && rows.length === 0 && <p className="muted">No calls yet.</p>}
      {records.hasNextPage && (
        <button
          type="button"
          onClick={() => void records.fetchNextPage()}
          disabled={records.isFetchingNextPage}
        >
          Show older calls
        </button>
      )}
    </section>
  );
}
