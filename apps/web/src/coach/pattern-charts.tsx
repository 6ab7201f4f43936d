import type { Patterns } from '@crux/contracts';
import { useMemo } from 'react';
import { BarChart } from '../shared/bar-chart.tsx';

const percent = (rate: number) => `${Math.round(rate * 100)}%`;

/** The patterns in the climber's recent climbs, as charts and a few figures. */
export function PatternCharts({ patterns }: { patterns: Patterns }) {
  const { failure_patterns, style_weaknesses, grade_pyramid, redemption_rate, climbing_frequency } = patterns;
  const failures = useMemo(
    () => ({ labels: failure_patterns.map((f) => f.reason), values: failure_patterns.map((f) => f.count) }),
    [failure_patterns],
  );
  const styles = useMemo(
    () => ({
      labels: style_weaknesses.map((s) => s.style),
      values: style_weaknesses.map((s) => s.fail_rate * 100),
    }),
    [style_weaknesses],
  );
  const pyramid = useMemo(
    () => ({ labels: grade_pyramid.map((g) => g.grade_value), values: grade_pyramid.map((g) => g.sends) }),
    [grade_pyramid],
  );
  const styleLabel = (value: number, i: number) => {
    const s = style_weaknesses[i];
    return s ? `${Math.round(value)}% failed (${s.fail_count} of ${s.attempts})` : `${value}`;
  };
  const failureLabel = (value: number, i: number) =>
    `${value} (${failure_patterns[i]?.percentage ?? 0}% of fails)`;
  const sendsLabel = (value: number) => `${value} send${value === 1 ? '' : 's'}`;

  return (
    <div className="pattern-grid">
      <dl className="card stats">
        <div>
          <dt>Climbs</dt>
          <dd>{climbing_frequency.total_climbs}</dd>
        </div>
        <div>
          <dt>Sessions</dt>
          <dd>{climbing_frequency.sessions}</dd>
        </div>
        <div>
          <dt>Per session</dt>
          <dd>{climbing_frequency.climbs_per_session}</dd>
        </div>
        <div>
          <dt>Per month</dt>
          <dd>{climbing_frequency.climbs_per_month}</dd>
        </div>
        <div>
          <dt>Redemption rate</dt>
          <dd data-testid="redemption-rate">
            {percent(redemption_rate.rate)}{' '}
            <small className="muted">
              ({redemption_rate.redeemed} of {redemption_rate.failed} failed climbs sent later)
            </small>
          </dd>
        </div>
      </dl>
      <div className="card">
        {failures.labels.length ? (
          <BarChart
            title="Why climbs failed"
            {...failures}
            horizontal
            format={failureLabel}
            color="#b5562f"
          />
        ) : (
          <p className="muted">No failed climbs yet.</p>
        )}
      </div>
      <div className="card">
        {styles.labels.length ? (
          <BarChart title="Styles that fail most (fail rate)" {...styles} horizontal format={styleLabel} />
        ) : (
          <p className="muted">No style weaknesses yet.</p>
        )}
      </div>
      <div className="card">
        {pyramid.labels.length ? (
          <BarChart
            title="Grade pyramid (sends by grade, hardest first)"
            {...pyramid}
            horizontal
            format={sendsLabel}
          />
        ) : (
          <p className="muted">No sends yet: your grade pyramid starts with the first one.</p>
        )}
      </div>
    </div>
  );
}
