import { z } from 'zod';

export const credentialsSchema = z.strictObject({
  email: z.email({ error: 'email must be a valid e-mail address' }).max(320),
  password: z
    .string({ error: 'password is required' })
    .min(8, { error: 'password must be at least 8 characters' })
    .max(1024, { error: 'password must be at most 1024 characters' }),
});
