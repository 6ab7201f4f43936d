/** Canned coach text for chat; every reply says it comes from the simulator. */
export function chatReply(question: string): string {
  const topic = question.trim().split(/\s+/).slice(0, 8).join(' ');
  return [
    `(Simulated coach) You asked: "${topic}".`,
    'Start with ten minutes of easy traversing, then pick two problems that match the weakness in your log.',
    'Film one attempt, watch where your hips drift from the wall, and try again with quieter feet.',
    'Rest three minutes between hard tries, and stop the session while your movement is still crisp.',
  ].join(' ');
}

/** A recommendation that passes the coach schema. */
export function coachAnswer(): Record<string, unknown> {
  return {
    weekly_focus: 'Footwork precision on vertical and slab terrain (simulated coach)',
    drills: [
      drill(
        'Silent feet',
        'Climb 5 easy problems placing each foot without a sound.',
        3,
        '5 problems',
        '2 min',
      ),
      drill(
        'Hover hands',
        'Before each hand move, hover 2 s over the hold to rehearse body position.',
        4,
        '6 moves',
        '90 s',
      ),
      drill(
        'Flag ladder',
        'On a vertical wall, practise inside and outside flags on each move.',
        3,
        '8 moves',
        '2 min',
      ),
    ],
    projecting_focus: [
      project(
        'Slab balance',
        'Project one slab a grade below your max.',
        'One grade below your max',
        'Most failures cite bad feet.',
      ),
      project(
        'Compression',
        'Try a compression boulder twice a session.',
        'At your flash grade',
        'Builds body tension.',
      ),
      project(
        'Redemption',
        'Return to a failed project from last month.',
        'Your project grade',
        'Redemptions show progress.',
      ),
    ],
  };
}

function drill(name: string, description: string, sets: number, reps: string, rest: string) {
  return { name, description, sets, reps, rest, measurable_outcome: `Complete all ${sets} sets cleanly` };
}

function project(focus_area: string, description: string, grade_guidance: string, rationale: string) {
  return { focus_area, description, grade_guidance, rationale };
}

/** Content for a JSON request in the requested shape. */
export function jsonContent(output: 'valid' | 'invalid_json' | 'schema_invalid'): string {
  if (output === 'invalid_json') return '{"weekly_focus": "Footwork", "drills": [ {"name": "Silent feet"'; // truncated
  const answer = coachAnswer();
  if (output === 'schema_invalid') answer.drills = (answer.drills as unknown[]).slice(0, 2);
  return JSON.stringify(answer);
}
