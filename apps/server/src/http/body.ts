import { isStorableText, UNSTORABLE_TEXT_MESSAGE } from '@crux/contracts';
import type { Context } from 'hono';
import type { z } from 'zod';
import { AppError } from '../shared/errors.ts';
import { describeIssues, type IssueDetail, issueText } from '../shared/zod-issues.ts';

/** Parses and validates a JSON body: 400 `invalid_json` or `validation_failed`, never a 500. */
export async function readBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  return validate(schema, parseJson(await c.req.text()));
}

/** Like `readBody`, for a request whose body may be left out entirely (then `{}` is validated). */
export async function readOptionalBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const text = await c.req.text();
  return validate(schema, text.trim() ? parseJson(text) : {});
}

/** Validates query parameters the same way. */
export function readQuery<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  return validate(schema, c.req.query());
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError('invalid_json', 'The request body must be valid JSON.');
  }
}

/** Every string (keys too) that Postgres could not store, wherever it sits (walked without recursion). */
function unstorableStrings(input: unknown): IssueDetail[] {
  const issues: IssueDetail[] = [];
  const pending: Array<{ value: unknown; path: string }> = [{ value: input, path: '' }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { value, path } = next;
    if (typeof value === 'string' && !isStorableText(value))
      issues.push({ path, message: UNSTORABLE_TEXT_MESSAGE });
    if (typeof value !== 'object' || value === null) continue;
    for (const [key, item] of Object.entries(value)) {
      if (!isStorableText(key)) issues.push({ path, message: `a field name ${UNSTORABLE_TEXT_MESSAGE}` });
      else pending.push({ value: item, path: path ? `${path}.${key}` : key });
    }
  }
  return issues;
}

function validate<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const unstorable = unstorableStrings(input);
  if (unstorable.length > 0) refuse(unstorable);
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  return refuse(describeIssues(result.error));
}

function refuse(issues: IssueDetail[]): never {
  throw new AppError('validation_failed', issues.map(issueText).join('; '), {}, issues);
}
