import type { UsageSummary } from '@crux/contracts';
import { formatUsd } from '../shared/format.ts';

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
    <div className="table-scroll">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{keyLabel}</th>
            <th scope="col" className="num">
              Requests
            </th>
            <th scope="col" className="num">
              Tokens
            </th>
            <th scope="col" className="num">
              Cost
            </th>
          </tr>
        </thead>
        <tbody>
          {summary.rows.map((row) => (
            <tr key={row.key}>
              <th scope="row">{row.key}</th>
              <td className="num">{row.requests}</td>
              <td className="num">{row.tokens}</td>
              <td className="num">{formatUsd(row.cost_usd)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Total</th>
            <td className="num">{summary.total.requests}</td>
            <td className="num">{summary.total.tokens}</td>
            <td className="num">{formatUsd(summary.total.cost_usd)}</td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
