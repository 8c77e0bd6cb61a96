import type { CommandOf, DecisionContext } from '../../shared/decider.js';
import type { IncidentCommand } from '../commands.js';
import type { IncidentEvent } from '../events.js';
import type { IncidentState } from '../state.js';
import { illegalTransition, incidentNotFound } from '../errors.js';

/** open → acknowledged. */
export function acknowledgeIncident(command: CommandOf<IncidentCommand, 'AcknowledgeIncident'>, state: IncidentState, ctx: DecisionContext): IncidentEvent[] {
  if (!state.exists) throw incidentNotFound();
  if (state.status !== 'open') throw illegalTransition(state.status, 'acknowledged');
  return [{ type: 'IncidentAcknowledged', data: { by: command.by, note: command.note, at: ctx.now.toISOString() } }];
}
