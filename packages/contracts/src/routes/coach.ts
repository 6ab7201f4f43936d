import {
  generatedRecommendationSchema,
  generateRecommendationRequestSchema,
  latestRecommendationSchema,
  patternsSchema,
} from '../coach.ts';
import { jsonBody, ok, type RouteContract } from './contract.ts';

/** The `coach` operations. */
export const COACH_ROUTES = [
  {
    id: 'patterns',
    method: 'get',
    path: '/v1/coach/patterns',
    tag: 'coach',
    summary: 'Patterns in the newest 100 climbs',
    auth: true,
    success: ok(patternsSchema),
  },
  {
    id: 'generateRecommendation',
    method: 'post',
    path: '/v1/coach/recommendations',
    tag: 'coach',
    summary: 'Generate this week’s recommendation (billed; daily limit)',
    auth: true,
    idempotent: true,
    body: jsonBody(generateRecommendationRequestSchema),
    success: ok(generatedRecommendationSchema),
    errors: [409, 429, 502, 503],
  },
  {
    id: 'latestRecommendation',
    method: 'get',
    path: '/v1/coach/recommendations/latest',
    tag: 'coach',
    summary: 'The newest recommendation',
    auth: true,
    success: ok(latestRecommendationSchema),
    errors: [404],
  },
] as const satisfies readonly RouteContract[];
