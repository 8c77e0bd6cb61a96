import type { CommandOf } from '../../shared/decider.js';
import type { IncidentCommand } from '../commands.js';
import type { IncidentEvent } from '../events.js';
import type { IncidentState } from '../state.js';

/** Raising an incident that exists yields nothing (the risk process may replay the event that raised it). */
export function raiseIncident(command: CommandOf<IncidentCommand, 'RaiseIncident'>, state: IncidentState): IncidentEvent[] {
  if (state.exists) return [];
  return [{
    type: 'IncidentRaised',
    data: {
      incident_id: command.incident_id,
      rule: command.rule,
      severity: command.severity,
      user_id: command.user_id,
      account_number: command.account_number,
      ip: command.ip,
      evidence: command.evidence,
      raised_at: command.raised_at.toISOString(),
    },
  }];
}
