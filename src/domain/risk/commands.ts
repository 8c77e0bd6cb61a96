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
      at: Date;
    }
  | { type: 'AcknowledgeIncident'; by: string; note: string; at: Date }
  | { type: 'ResolveIncident'; by: string; note: string; at: Date };
