import type { z } from 'zod';

export interface IssueDetail {
  path: string;
  message: string;
}

/** A zod error as the API reports it: one `{path, message}` per problem, unknown fields named. */
export function describeIssues(error: z.ZodError): IssueDetail[] {
  return error.issues.map((issue) => ({
    path: issue.path.join('.'),
    message:
      issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message,
  }));
}

/** `path: message`, or the message alone for a problem with the whole value. */
export const issueText = (issue: IssueDetail): string =>
  issue.path ? `${issue.path}: ${issue.message}` : issue.message;
