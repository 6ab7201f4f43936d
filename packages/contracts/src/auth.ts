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

export const sessionSchema = z.strictObject({ token: z.string(), user: userSchema }).meta({ id: 'Session' });

export type SignupRequest = z.input<typeof signupRequestSchema>;
export type LoginRequest = z.input<typeof loginRequestSchema>;
export type User = z.output<typeof userSchema>;
export type Session = z.output<typeof sessionSchema>;
