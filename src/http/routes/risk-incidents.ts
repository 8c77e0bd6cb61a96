import express, { type Request, type Router } from 'express';
import { updateIncident } from '../../commands/risk/update-incident.js';
import type { IncidentState } from '../../domain/risk/state.js';
import { eachIncident, findIncident, listIncidents, riskKpis, type IncidentFilter, type IncidentOrdering, type IncidentRow } from '../../projections/risk/incident-queries.js';
import { requestContext } from '../auth/request-context.js';
import { flattenRow, sendCsv, wantsCsv } from '../csv-export.js';
import type { AppDeps } from '../deps.js';
import { requireStaff } from '../middleware/auth-guards.js';
import { pageOf, pageResult } from '../pagination.js';
import { notFoundProblem } from '../problem.js';

interface Step {
  by: string;
  note: string;
  at: string;
}

export interface IncidentView {
  id: string;
  rule: string;
  severity: string;
  status: string;
  user_id: string | null;
  account_number: string | null;
  ip: string | null;
  country: string | null;
  evidence: Record<string, unknown>;
  raised_at: string;
  acknowledged: Step | null;
  resolved: Step | null;
}

const iso = (d: Date | string | null) => (d === null ? '' : new Date(d).toISOString());
const step = (by: string | null, note: string | null, at: Date | null): Step | null => (by === null ? null : { by, note: note ?? '', at: iso(at) });

function rowView(r: IncidentRow): IncidentView {
  return {
    id: r.incident_id,
    rule: r.rule,
    severity: r.severity,
    status: r.status,
    user_id: r.user_id,
    account_number: r.account_number,
    ip: r.ip,
    country: r.country,
    evidence: r.evidence,
    raised_at: iso(r.raised_at),
    acknowledged: step(r.acknowledged_by, r.acknowledged_note, r.acknowledged_at),
    resolved: step(r.resolved_by, r.resolved_note, r.resolved_at),
  };
}

function stateView(s: IncidentState): IncidentView {
  const c = s.evidence.new_country ?? s.evidence.country;
  return {
    id: s.incident_id,
    rule: s.rule,
    severity: s.severity,
    status: s.status,
    user_id: s.user_id,
    account_number: s.account_number,
    ip: s.ip,
    country: typeof c === 'string' && c !== '' ? c : null,
    evidence: s.evidence,
    raised_at: s.raised_at,
    acknowledged: s.acknowledged,
    resolved: s.resolved,
  };
}

const q = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function incidentFilterOf(req: Request): IncidentFilter {
  return {
    rule: q(req.query.rule),
    severity: q(req.query.severity),
    status: q(req.query.status),
    user_id: q(req.query.user),
    country: q(req.query.country),
    from: q(req.query.date_from),
    to: q(req.query.date_to),
  };
}

/** The CSV export's columns: an IncidentView with its steps flattened and its evidence as JSON text. */
const INCIDENT_COLUMNS = [
  'id', 'rule', 'severity', 'status', 'user_id', 'account_number', 'ip', 'country', 'evidence', 'raised_at',
  'acknowledged_by', 'acknowledged_note', 'acknowledged_at', 'resolved_by', 'resolved_note', 'resolved_at',
];

/** Risk dashboards for staff: incidents (filters, cursor pages), their handling, and KPIs. */
export function riskIncidentRoutes(deps: AppDeps): Router {
  const router = express.Router();

  router.get('/risk/incidents', requireStaff, async (req, res) => {
    const filter = incidentFilterOf(req);
    // The contract's enum has refused any other value with a 400.
    const ordering = q(req.query.ordering) as IncidentOrdering | undefined;
    if (wantsCsv(req)) {
      const rows = (async function* () {
        for await (const row of eachIncident(deps.db, filter, ordering)) yield flattenRow(rowView(row), ['evidence']);
      })();
      await sendCsv(res, `risk-incidents_${new Date().toISOString().slice(0, 10)}.csv`, INCIDENT_COLUMNS, rows);
      return;
    }
    const page = pageOf(req);
    const rows = await listIncidents(deps.db, filter, page.limit, page.before, ordering);
    res.json(pageResult(rows, page, (r) => BigInt(r.position), rowView));
  });

  router.get('/risk/incidents/:id', requireStaff, async (req, res) => {
    const row = await findIncident(deps.db, String(req.params.id));
    if (!row) throw notFoundProblem('Incident not found.');
    res.json(rowView(row));
  });

  router.patch('/risk/incidents/:id', requireStaff, async (req, res) => {
    const body = req.body as { status: 'acknowledged' | 'resolved'; note?: string };
    const decided = await updateIncident(deps.repo, requestContext(req), String(req.params.id), body.status, body.note ?? '');
    res.json({ ...stateView(decided.state), position: (decided.result?.position ?? 0n).toString() });
  });

  router.get('/risk/kpis', requireStaff, async (_req, res) => {
    res.json(await riskKpis(deps.db));
  });

  return router;
}
