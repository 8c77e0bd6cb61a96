import { DomainError } from '../shared/domain-error.js';
import { addDays, addMonths, daysBetween, monthEnd, monthStart, parseIsoDate, weekStart } from './calendar.js';

export type Granularity = 'day' | 'week' | 'month';

/** An inclusive range of UTC dates. */
export interface DayRange {
  from: string;
  to: string;
}

export interface RangeQuery {
  /** One day: the same as from = to = date. */
  date?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  /** One week (weekly only): its Monday, `YYYY-MM-DD`. */
  week?: string | undefined;
  /** One month (monthly only): `YYYY-MM`, or any day of it as `YYYY-MM-DD`. */
  month?: string | undefined;
}

/** How many periods a request covers when it names no bound, and the most it may ask for. */
const LIMITS: Record<Granularity, { periods: number; maxDays: number }> = {
  day: { periods: 30, maxDays: 366 },
  week: { periods: 12, maxDays: 53 * 7 * 2 },
  month: { periods: 12, maxDays: 366 * 3 },
};

function dateParam(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const day = parseIsoDate(value);
  if (!day) throw new DomainError('invalid_date', `${name} must be a date written YYYY-MM-DD.`, 400, { field: name });
  return day;
}

const YEAR_MONTH = /^(\d{4})-(\d{2})$/;

/** The one week or month asked for by `week` (a Monday) or `month` (YYYY-MM or a day of it); a bad value is a 400. */
function periodParam(query: RangeQuery): { name: 'week' | 'month'; day: string } | undefined {
  if (query.week !== undefined && query.month !== undefined) {
    throw new DomainError('invalid_range', 'Give either week or month, not both.', 400, { field: 'month' });
  }
  if (query.week !== undefined) {
    const day = parseIsoDate(query.week);
    if (!day || weekStart(day) !== day) throw new DomainError('invalid_week', 'week must be a Monday written YYYY-MM-DD.', 400, { field: 'week' });
    return { name: 'week', day };
  }
  if (query.month !== undefined) {
    const day = parseIsoDate(YEAR_MONTH.test(query.month) ? `${query.month}-01` : query.month);
    if (!day) throw new DomainError('invalid_month', 'month must be written YYYY-MM (or YYYY-MM-DD).', 400, { field: 'month' });
    return { name: 'month', day: monthStart(day) };
  }
  return undefined;
}

/** Widens a range to whole periods: weeks Monday to Sunday, whole months. */
export function alignRange(range: DayRange, granularity: Granularity): DayRange {
  if (granularity === 'week') return { from: weekStart(range.from), to: addDays(weekStart(range.to), 6) };
  if (granularity === 'month') return { from: monthStart(range.from), to: monthEnd(range.to) };
  return range;
}

/**
 * The range a metrics request asks for. Without bounds it ends `today` and
 * covers the last 30 days, 12 weeks or 12 months; a missing bound is filled
 * from the other. Bad dates, `from` after `to`, `date` with `from`/`to`, and
 * ranges longer than the limit are 400s.
 */
export function resolveRange(query: RangeQuery, today: string, granularity: Granularity): DayRange {
  const period = periodParam(query);
  if (period !== undefined) {
    const other = (['date', 'from', 'to'] as const).find((name) => query[name] !== undefined);
    if (other) throw new DomainError('invalid_range', `Give either ${period.name} or ${other}, not both.`, 400, { field: other });
    return alignRange({ from: period.day, to: period.day }, granularity);
  }
  const date = dateParam('date', query.date);
  let from = dateParam('from', query.from);
  let to = dateParam('to', query.to);
  if (date !== undefined) {
    if (from !== undefined || to !== undefined) {
      throw new DomainError('invalid_range', 'Give either date or from/to, not both.', 400, { field: 'date' });
    }
    from = to = date;
  }
  const { periods, maxDays } = LIMITS[granularity];
  const back = (end: string) =>
    granularity === 'day' ? addDays(end, -(periods - 1)) : granularity === 'week' ? addDays(weekStart(end), -7 * (periods - 1)) : addMonths(end, -(periods - 1));
  const forward = (start: string) =>
    granularity === 'day' ? addDays(start, periods - 1) : granularity === 'week' ? addDays(weekStart(start), 7 * periods - 1) : monthEnd(addMonths(start, periods - 1));
  if (to === undefined) to = from === undefined ? today : forward(from);
  if (from === undefined) from = back(to);
  if (daysBetween(from, to) < 0) throw new DomainError('invalid_range', 'from must not be after to.', 400, { field: 'from' });
  const aligned = alignRange({ from, to }, granularity);
  if (daysBetween(aligned.from, aligned.to) + 1 > maxDays) {
    throw new DomainError('range_too_long', `A ${granularity} range may cover at most ${maxDays} days.`, 400, { field: 'from', max_days: maxDays });
  }
  return aligned;
}
