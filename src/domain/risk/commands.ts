import type { Evidence, Severity } from './events.js';

export type IncidentCommand =
  | {
      type: 'RaiseIncident';
      incident_id: string;
      rule: string;
      severity: Severity;
      user_id: string | null;
      account_number: string | null;
      ip: string | null;
      evidence: Evidence;
      /** When the fact that raised it happened (a replay raises the same incident, at the same time). */
      raised_at: Date;
    }
  | { type: 'AcknowledgeIncident'; by: string; note: string }
  | { type: 'ResolveIncident'; by: string; note: string };
