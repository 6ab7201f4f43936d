import type { UsageLimits } from '@crux/contracts';
import { formatResetTime, formatUsd } from '../shared/format.ts';

/** What is left today: chat messages, plans, and the budget when there is one. */
export function LimitsCard({ limits }: { limits: UsageLimits }) {
  const { chat, recommendations, budget_usd } = limits;
  return (
    <dl className="card stats">
      <div>
        <dt>Chat messages left</dt>
        <dd>
          {Math.max(0, chat.limit - chat.used)} <small className="muted">of {chat.limit}</small>
        </dd>
      </div>
      <div>
        <dt>Plans left</dt>
        <dd>
          {Math.max(0, recommendations.limit - recommendations.used)}{' '}
          <small className="muted">of {recommendations.limit}</small>
        </dd>
      </div>
      <div>
        <dt>Spent today</dt>
        <dd data-testid="spent-today">
          {formatUsd(budget_usd.spent)}
          {budget_usd.limit && <small className="muted"> of {formatUsd(budget_usd.limit)}</small>}
        </dd>
      </div>
      {budget_usd.left !== undefined && budget_usd.left !== null && (
        <div>
          <dt>Budget left</dt>
          <dd>{formatUsd(budget_usd.left)}</dd>
        </div>
      )}
      <div className="wide">
        <dt>Resets</dt>
        <dd className="small">{formatResetTime(chat.resets_at)}</dd>
      </div>
    </dl>
  );
}
