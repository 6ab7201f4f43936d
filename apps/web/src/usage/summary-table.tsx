import type { UsageSummary } from '@crux/contracts';
import { formatUsd } from '../shared/format.ts';
import { ScrollRegion } from '../shared/scroll-region.tsx';

/** Requests, tokens and exact cost per group, with the total. */
export function SummaryTable({
  caption,
  keyLabel,
  summary,
}: {
  caption: string;
  keyLabel: string;
  summary: UsageSummary;
}) {
  return (
    <ScrollRegion label={caption}>
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{keyLabel}</th>
            <th scope="col" className="num">
              Cost
            </th>
            <th scope="col" className="num">
              Requests
            </th>
            <th scope="col" className="num">
              Tokens
            </th>
          </tr>
        </thead>
        <tbody>
          {summary.rows.map((row) => (
            <tr key={row.key}>
              <th scope="row">{row.key}</th>
              <td className="num">{formatUsd(row.cost_usd)}</td>
              <td className="num">{row.requests}</td>
              <td className="num">{row.tokens}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Total</th>
            <td className="num">{formatUsd(summary.total.cost_usd)}</td>
            <td className="num">{summary.total.requests}</td>
            <td className="num">{summary.total.tokens}</td>
          </tr>
        </tfoot>
      </table>
    </ScrollRegion>
  );
}
