/**
 * Calendar days for the business metrics. Every KPI is keyed by the UTC date
 * of its event's `occurred_at` (a day is 00:00:00Z to 24:00:00Z), written
 * `YYYY-MM-DD`. Weeks start on Monday (ISO 8601); months on their first day.
 */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** An instant as toISOString writes it, in UTC, hour 00 to 23: its day is the one of its date part. */
const UTC_INSTANT = /^(\d{4}-\d{2}-\d{2})T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{3})?Z$/;
/** The last date part computed in full, and its day (the date as Date.parse reads it, e.g. 02-30 is 03-02). */
let cached = { date: '', day: '' };

/** The UTC date of an ISO 8601 instant: "2026-01-05T23:30:00-02:00" → "2026-01-06". */
export function utcDay(instant: string | Date): string {
  // A rebuild asks for every event's day in turn: consecutive UTC instants of one date are answered from the last one.
  const m = typeof instant === 'string' ? UTC_INSTANT.exec(instant) : null;
  if (m && m[1] === cached.date) return cached.day;
  const t = instant instanceof Date ? instant.getTime() : Date.parse(instant);
  if (Number.isNaN(t)) throw new RangeError(`not an instant: ${String(instant)}`);
  const day = new Date(t).toISOString().slice(0, 10);
  if (m) cached = { date: m[1]!, day };
  return day;
}

/** A strict `YYYY-MM-DD` that names a real calendar day, or undefined. */
export function parseIsoDate(text: string): string | undefined {
  const m = ISO_DATE.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1970 || mo < 1 || mo > 12 || d < 1) return undefined;
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCMonth() === mo - 1 && date.getUTCDate() === d ? text : undefined;
}

const toTime = (day: string) => Date.parse(`${day}T00:00:00Z`);
const fromTime = (t: number) => new Date(t).toISOString().slice(0, 10);

export function addDays(day: string, n: number): string {
  return fromTime(toTime(day) + n * DAY_MS);
}

/** Whole days from `a` to `b` (negative when b is earlier). */
export function daysBetween(a: string, b: string): number {
  return Math.round((toTime(b) - toTime(a)) / DAY_MS);
}

/** The Monday of the ISO week holding `day`. */
export function weekStart(day: string): string {
  const weekday = (new Date(toTime(day)).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  return addDays(day, -weekday);
}

export function monthStart(day: string): string {
  return `${day.slice(0, 7)}-01`;
}

export function monthEnd(day: string): string {
  const d = new Date(toTime(monthStart(day)));
  return fromTime(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - DAY_MS);
}

export function addMonths(day: string, n: number): string {
  const d = new Date(toTime(monthStart(day)));
  return fromTime(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1));
}
