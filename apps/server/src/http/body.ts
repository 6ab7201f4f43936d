import type { Context } from 'hono';
import type { z } from 'zod';
import { AppError } from '../shared/errors.ts';
import { describeIssues, issueText } from '../shared/zod-issues.ts';

/** Parses and validates a JSON body: 400 `invalid_json` or `validation_failed`, never a 500. */
export async function readBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  let json: unknown;
  try {
    json = JSON.parse(await c.req.text());
  } catch {
    throw new AppError('invalid_json', 'The request body must be valid JSON.');
  }
  return validate(schema, json);
}

/** Like `readBody`, for a request whose body may be left out entirely (then `{}` is validated). */
export async function readOptionalBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const text = await c.req.text();
  if (!text.trim()) return validate(schema, {});
  try {
    return validate(schema, JSON.parse(text));
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('invalid_json', 'The request body must be valid JSON.');
  }
}

/** Validates query parameters the same way. */
export function readQuery<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  return validate(schema, c.req.query());
}

function validate<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = describeIssues(result.error);
  const summary = issues.map(issueText).join('; ');
  throw new AppError('validation_failed', summary, {}, issues);
}
