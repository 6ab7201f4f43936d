import { profileSchema, profileUpdateSchema } from '../profile.ts';
import { jsonBody, ok, type RouteContract } from './contract.ts';

/** The `profile` operations. */
export const PROFILE_ROUTES = [
  {
    id: 'getProfile',
    method: 'get',
    path: '/v1/profile',
    tag: 'profile',
    summary: "The caller's profile",
    auth: true,
    success: ok(profileSchema),
  },
  {
    id: 'updateProfile',
    method: 'put',
    path: '/v1/profile',
    tag: 'profile',
    summary: 'Change the profile (fields left out keep their value)',
    auth: true,
    body: jsonBody(profileUpdateSchema),
    success: ok(profileSchema),
  },
] as const satisfies readonly RouteContract[];
