import { z } from 'zod';

const email = z.email({ error: 'email must be a valid e-mail address' }).max(320);

/** `POST /v1/auth/signup`: passwords of at least 8 characters. */
export const signupRequestSchema = z
  .strictObject({
    email,
    password: z
      .string({ error: 'password is required' })
      .min(8, { error: 'password must be at least 8 characters' })
      .max(1024, { error: 'password must be at most 1024 characters' }),
  })
  .meta({ id: 'SignupRequest' });

/** `POST /v1/auth/login`: any non-empty password is checked (a wrong one is a 401, whatever its length). */
export const loginRequestSchema = z
  .strictObject({
    email,
    password: z
      .string({ error: 'password is required' })
      .min(1, { error: 'password is required' })
      .max(1024, { error: 'password must be at most 1024 characters' }),
  })
  .meta({ id: 'LoginRequest' });

export const userSchema = z.strictObject({ id: z.uuid(), email: z.string() }).meta({ id: 'User' });

/** A signed-in session: a short-lived access token and the single-use refresh token that renews it. */
export const sessionSchema = z
  .strictObject({
    token: z.string(),
    refresh_token: z.string(),
    /** Seconds the access token lives (15 minutes unless the operator changed it). */
    expires_in: z.number().int().positive(),
    user: userSchema,
  })
  .meta({ id: 'Session' });

const refreshToken = z
  .string({ error: 'refresh_token is required' })
  .min(1, { error: 'refresh_token is required' })
  .max(200, { error: 'refresh_token must be at most 200 characters' });

/** `POST /v1/auth/refresh` and `POST /v1/auth/logout`. */
export const refreshRequestSchema = z
  .strictObject({ refresh_token: refreshToken })
  .meta({ id: 'RefreshRequest' });

/** `PUT /v1/auth/password`: the current password, and a new one of at least 8 characters. */
export const passwordChangeSchema = z
  .strictObject({
    current_password: z
      .string({ error: 'current_password is required' })
      .min(1, { error: 'current_password is required' })
      .max(1024, { error: 'current_password must be at most 1024 characters' }),
    new_password: z
      .string({ error: 'new_password is required' })
      .min(8, { error: 'new_password must be at least 8 characters' })
      .max(1024, { error: 'new_password must be at most 1024 characters' }),
  })
  .meta({ id: 'PasswordChange' });

/** `GET /v1/auth/config`: how the web app may sign in. Both null unless the operator set up Supabase Auth. */
export const authConfigSchema = z
  .strictObject({ supabase_url: z.string().nullable(), supabase_anon_key: z.string().nullable() })
  .meta({ id: 'AuthConfig' });

export type SignupRequest = z.input<typeof signupRequestSchema>;
export type LoginRequest = z.input<typeof loginRequestSchema>;
export type User = z.output<typeof userSchema>;
export type Session = z.output<typeof sessionSchema>;
export type RefreshRequest = z.input<typeof refreshRequestSchema>;
export type PasswordChange = z.input<typeof passwordChangeSchema>;
export type AuthConfig = z.output<typeof authConfigSchema>;
