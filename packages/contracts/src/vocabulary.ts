/** Every allowed value of a climb's fields (served by `GET /v1/vocabulary`). */
export const CLIMB_TYPES = ['boulder', 'sport'] as const;
export const GRADE_SCALES = ['font', 'v_scale', 'color_circuit'] as const;
export const OUTCOMES = ['Sent', 'Fail'] as const;
export const STYLES = [
  'Slab',
  'Vert',
  'Overhang',
  'Roof',
  'Dyno',
  'Crimp',
  'Sloper',
  'Pinch',
  'Compression',
  'Tension',
] as const;
export const FAILURE_REASONS = [
  'Pumped',
  'Finger Strength',
  'Core',
  'Power',
  'Bad Feet',
  'Body Position',
  'Beta Error',
  'Precision',
  'Fear',
  'Commitment',
  'Focus',
  'Flexibility',
  'Skin',
  'Conditions',
] as const;

export type ClimbType = (typeof CLIMB_TYPES)[number];
export type GradeScale = (typeof GRADE_SCALES)[number];
export type Outcome = (typeof OUTCOMES)[number];
export type Style = (typeof STYLES)[number];
export type FailureReason = (typeof FAILURE_REASONS)[number];
