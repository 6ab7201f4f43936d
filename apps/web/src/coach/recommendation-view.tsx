import type { Recommendation } from '@crux/contracts';
import { formatDateTime } from '../shared/format.ts';

/** A week of training: the focus, three drills and the projecting plan. */
export function RecommendationView({ recommendation }: { recommendation: Recommendation }) {
  const { content } = recommendation;
  return (
    <article className="card recommendation" aria-labelledby="focus-heading">
      <p className="muted small">
        Written <time dateTime={recommendation.created_at}>{formatDateTime(recommendation.created_at)}</time>
      </p>
      <h3 id="focus-heading">Weekly focus</h3>
      <p className="focus">{content.weekly_focus}</p>
      <h3>Drills</h3>
      <ol className="drills">
        {content.drills.map((drill) => (
          <li key={drill.name}>
            <strong>{drill.name}</strong>: {drill.description}
            <p className="small muted">
              {drill.sets} sets × {drill.reps}, rest {drill.rest}. Goal: {drill.measurable_outcome}
            </p>
          </li>
        ))}
      </ol>
      <h3>Projecting focus</h3>
      <ul className="projecting">
        {content.projecting_focus.map((item) => (
          <li key={item.focus_area}>
            <strong>{item.focus_area}</strong> ({item.grade_guidance}): {item.description}
            <p className="small muted">{item.rationale}</p>
          </li>
        ))}
      </ul>
    </article>
  );
}
