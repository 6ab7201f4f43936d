const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const date = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const time = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });

export const formatDateTime = (iso: string) => dateTime.format(new Date(iso));
export const formatDate = (iso: string) => date.format(new Date(iso));

/** "today at 01:00" or "on 3 Dec at 01:00", for a limit's reset time. */
export function formatResetTime(iso: string): string {
  const at = new Date(iso);
  const sameDay = at.toDateString() === new Date().toDateString();
  return sameDay ? `today at ${time.format(at)}` : `on ${date.format(at)} at ${time.format(at)}`;
}

/** An exact decimal string from the API shown as dollars, never through a float: "$0.0010275". */
export function formatUsd(amount: string | null | undefined): string {
  if (amount === null || amount === undefined) return 'pending';
  return amount.startsWith('-') ? `-$${amount.slice(1)}` : `$${amount}`;
}

export const GRADE_SCALE_LABELS: Record<string, string> = {
  font: 'Font',
  v_scale: 'V scale',
  color_circuit: 'Colour circuit',
};
