/**
 * The positions of the rows on the UTC days a date filter touches, from a
 * table the projection keeps of the lowest and highest position each UTC day
 * (`day`, `min_position`, `max_position`): the same rows, but a newest-first
 * walk of the position index starts at the range's newest row and stops at its
 * oldest instead of filtering every newer row. No day in range: null bounds,
 * no rows, as there is none then. `from` and `to` are SQL expressions of
 * instants (`to` exclusive), e.g. parameters.
 */
export function dayPositionBounds(column: string, daysTable: string, from: string | undefined, to: string | undefined): string {
  const days = [
    ...(from === undefined ? [] : [`day >= (${from}::timestamptz at time zone 'UTC')::date`]),
    // `to` is exclusive: a bound at midnight takes nothing of its day.
    ...(to === undefined ? [] : [`day <= ((${to}::timestamptz - interval '1 microsecond') at time zone 'UTC')::date`]),
  ].join(' and ');
  return `${column} between (select min(min_position) from ${daysTable} where ${days})
                        and (select max(max_position) from ${daysTable} where ${days})`;
}
