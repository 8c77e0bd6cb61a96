import type { Queryable } from '../../infra/db.js';
import { dayPositionBounds } from '../day-position-bounds.js';

export interface IncidentRow {
  incident_id: string;
  position: string;
  rule: string;
  severity: string;
  status: string;
  user_id: string | null;
  account_number: string | null;
  ip: string | null;
  country: string | null;
  evidence: Record<string, unknown>;
  raised_at: Date;
  raised_by: string | null;
  acknowledged_by: string | null;
  acknowledged_note: string | null;
  acknowledged_at: Date | null;
  resolved_by: string | null;
  resolved_note: string | null;
  resolved_at: Date | null;
}

export interface IncidentFilter {
  rule?: string;
  severity?: string;
  status?: string;
  user_id?: string;
  country?: string;
  from?: string;
  to?: string;
}

const COLUMNS = `incident_id::text as incident_id, position::text as position, rule, severity, status, user_id, account_number, ip, country,
  evidence, raised_at, raised_by, acknowledged_by, acknowledged_note, acknowledged_at, resolved_by, resolved_note, resolved_at`;

/** The original's orderings: by time or by severity (ranked low < medium < high < critical, not alphabetically), either way. */
export const INCIDENT_ORDERINGS = ['timestamp', '-timestamp', 'severity', '-severity'] as const;
export type IncidentOrdering = (typeof INCIDENT_ORDERINGS)[number];

/** Indexed as written (risk-projection.ts): the planner matches the expression. */
export const SEVERITY_RANK = `(case severity when 'low' then 1 when 'medium' then 2 when 'high' then 3 when 'critical' then 4 else 0 end)`;

/** The UTC day of an incident, as `incident_days` keys it (risk-projection.ts). */
export const INCIDENT_DAY = `(raised_at at time zone 'UTC')::date`;

/** A week 100 days back skipped 257k rows before the walk was bounded by `incident_days` (dayPositionBounds). */
const positionBounds = (from: string | undefined, to: string | undefined) => dayPositionBounds('incidents.position', 'rm.incident_days', from, to);

/**
 * Sort keys, most significant first; position breaks ties (newest first within one severity).
 * `incidents.position`, the bigint column: a bare `position` in ORDER BY is the ::text output column.
 */
const ORDER_KEYS: Record<IncidentOrdering | 'position', Array<[expr: string, dir: 'asc' | 'desc']>> = {
  position: [['incidents.position', 'desc']],
  timestamp: [['raised_at', 'asc'], ['incidents.position', 'asc']],
  '-timestamp': [['raised_at', 'desc'], ['incidents.position', 'desc']],
  severity: [[SEVERITY_RANK, 'asc'], ['incidents.position', 'desc']],
  '-severity': [[SEVERITY_RANK, 'desc'], ['incidents.position', 'desc']],
};

/**
 * Rows after the cursor's row in this order: the cursor names a row by its
 * position, and its sort keys are read from that row (keyset paging in any order).
 */
function afterCursor(keys: Array<[string, 'asc' | 'desc']>, cursorParam: string): string {
  const cursorKey = (expr: string) => `(select ${expr} from rm.incidents where position = ${cursorParam}::bigint)`;
  // Keys all one way: the same condition as a row comparison, which an index on the keys reads as a range.
  if (keys.every(([, dir]) => dir === keys[0]![1])) {
    return `((${keys.map(([e]) => e).join(', ')}) ${keys[0]![1] === 'asc' ? '>' : '<'} (${keys.map(([e]) => cursorKey(e)).join(', ')}))`;
  }
  const terms = keys.map(([expr, dir], i) => {
    const equal = keys.slice(0, i).map(([e]) => `${e} = ${cursorKey(e)}`);
    return [...equal, `${expr} ${dir === 'asc' ? '>' : '<'} ${cursorKey(expr)}`].join(' and ');
  });
  return `(${terms.map((t) => `(${t})`).join(' or ')})`;
}

/** Newest first (by position) unless `ordering` says otherwise; `before` continues after the cursor's row. Fetches limit+1 rows. */
export async function listIncidents(
  db: Queryable,
  f: IncidentFilter,
  limit: number,
  before: bigint | undefined,
  ordering?: IncidentOrdering,
): Promise<IncidentRow[]> {
  const keys = ORDER_KEYS[ordering ?? 'position'];
  const params: unknown[] = [];
  const where: string[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (f.rule) add('rule = ?', f.rule);
  if (f.severity) add('severity = ?', f.severity);
  if (f.status) add('status = ?', f.status);
  if (f.user_id) add('user_id = ?', f.user_id);
  if (f.country) add('country = ?', f.country);
  if (f.from) add('raised_at >= ?::timestamptz', f.from);
  const fromParam = f.from ? `$${params.length}` : undefined;
  if (f.to) add('raised_at < ?::timestamptz', f.to);
  const toParam = f.to ? `$${params.length}` : undefined;
  if (fromParam || toParam) where.push(positionBounds(fromParam, toParam));
  if (before !== undefined) {
    params.push(before.toString());
    where.push(afterCursor(keys, `$${params.length}`));
  }
  params.push(limit + 1);
  const order = keys.map(([expr, dir]) => `${expr} ${dir}`).join(', ');
  return db.query<IncidentRow>(
    `select ${COLUMNS} from rm.incidents ${where.length ? `where ${where.join(' and ')}` : ''} order by ${order} limit $${params.length}`,
    params,
  );
}

/**
 * Every incident matching the filter, in the list's order, read in keyset pages
 * of `pageSize` (after the last row seen): memory holds one page, and
 * each page is an indexed range read however deep the walk goes.
 */
export async function* eachIncident(db: Queryable, f: IncidentFilter, ordering?: IncidentOrdering, pageSize = 1000): AsyncGenerator<IncidentRow> {
  let before: bigint | undefined;
  for (;;) {
    const rows = await listIncidents(db, f, pageSize, before, ordering);
    yield* rows.slice(0, pageSize);
    if (rows.length <= pageSize) return;
    before = BigInt(rows[pageSize - 1]!.position);
  }
}

export async function findIncident(db: Queryable, incidentId: string): Promise<IncidentRow | undefined> {
  return (await db.query<IncidentRow>(`select ${COLUMNS} from rm.incidents where incident_id = $1::uuid`, [incidentId]))[0];
}

export interface RiskKpis {
  total_incidents: number;
  open_incidents: number;
  critical_alerts: number;
  open_critical_alerts: number;
  failed_logins: number;
  locked_logins: number;
  unique_attack_ips: number;
  admin_actions: number;
  by_severity: Record<string, number>;
  by_status: Record<string, number>;
  by_rule: Record<string, number>;
}

/**
 * The reference's four KPIs with its bugs fixed: failed_logins counts failed
 * sign-ins (not every incident whose name says "failed"), and unique_attack_ips
 * counts distinct known IPs of medium-or-worse incidents other than staff actions.
 * Both read counters the projection keeps (no scan of the incidents).
 */
export async function riskKpis(db: Queryable): Promise<RiskKpis> {
  const [groups, counters] = await Promise.all([
    db.query<{ rule: string; severity: string; status: string; n: string }>(`select rule, severity, status, n::text as n from rm.incident_counts where n > 0`),
    db.query<{ name: string; n: string }>(`select name, n::text as n from rm.risk_counters`),
  ]);
  const ips = counters.filter((c) => c.name === 'attack_ips');
  const k: RiskKpis = {
    total_incidents: 0, open_incidents: 0, critical_alerts: 0, open_critical_alerts: 0,
    failed_logins: 0, locked_logins: 0, unique_attack_ips: Number(ips[0]?.n ?? 0), admin_actions: 0,
    by_severity: { low: 0, medium: 0, high: 0, critical: 0 },
    by_status: { open: 0, acknowledged: 0, resolved: 0 },
    by_rule: {},
  };
  for (const g of groups) {
    const n = Number(g.n);
    k.total_incidents += n;
    if (g.status === 'open') k.open_incidents += n;
    if (g.severity === 'critical') k.critical_alerts += n;
    if (g.severity === 'critical' && g.status === 'open') k.open_critical_alerts += n;
    if (g.rule === 'admin_action') k.admin_actions += n;
    k.by_severity[g.severity] = (k.by_severity[g.severity] ?? 0) + n;
    k.by_status[g.status] = (k.by_status[g.status] ?? 0) + n;
    k.by_rule[g.rule] = (k.by_rule[g.rule] ?? 0) + n;
  }
  for (const c of counters) {
    if (c.name === 'login_failure') k.failed_logins = Number(c.n);
    if (c.name === 'login_locked') k.locked_logins = Number(c.n);
  }
  return k;
}
