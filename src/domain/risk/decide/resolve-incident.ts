import type { CommandOf, DecisionContext } from '../../shared/decider.js';
import type { IncidentCommand } from '../commands.js';
import type { IncidentEvent } from '../events.js';
import type { IncidentState } from '../state.js';
import { illegalTransition, incidentNotFound } from '../errors.js';

/** open or acknowledged → resolved. */
export function resolveIncident(command: CommandOf<IncidentCommand, 'ResolveIncident'>, state: IncidentState, ctx: DecisionContext): IncidentEvent[] {
  if (!state.exists) throw incidentNotFound();
  if (state.status === 'resolved') throw illegalTransition(state.status, 'resolved');
  return [{ type: 'IncidentResolved', data: { by: command.by, note: command.note, at: ctx.now.toISOString() } }];
}
