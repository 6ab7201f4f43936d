import { describeError } from '../api/describe-error.ts';

/** An error announced to screen readers, in words a climber can act on. */
export function ErrorText({ error, resetsAt }: { error: unknown; resetsAt?: string | undefined }) {
  if (!error) return null;
  return (
    <p className="error" role="alert">
      {describeError(error, resetsAt)}
    </p>
  );
}
