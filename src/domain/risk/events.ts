import type { DomainEvent, Json } from '../shared/event.js';

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const INCIDENT_STATUSES = ['open', 'acknowledged', 'resolved'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/** Free-form evidence of a rule: the facts that made it fire. */
export type Evidence = { [key: string]: Json };

/**
 * Events of an incident (stream `incident-<incident_id>`). The incident id is
 * derived from the triggering event and the rule, so raising is idempotent.
 */
export type IncidentEvent =
  | DomainEvent<'IncidentRaised', {
      incident_id: string;
      rule: string;
      severity: Severity;
      user_id: string | null;
      account_number: string | null;
      ip: string | null;
      evidence: Evidence;
      raised_at: string;
    }>
  | DomainEvent<'IncidentAcknowledged', { by: string; note: string; at: string }>
  | DomainEvent<'IncidentResolved', { by: string; note: string; at: string }>;
