import { randomUUID } from 'node:crypto';
import type { IncidentState } from '../../domain/risk/state.js';
import type { AggregateRepository, Decided } from '../shared/aggregate-repository.js';
import type { CommandContext } from '../shared/command-context.js';
import { idsFrom } from '../shared/ids.js';
import { incidentAggregate, incidentStream } from './incident-aggregate.js';

/** Acknowledges or resolves an incident as the acting staff member (404 unknown, 409 illegal). */
export async function updateIncident(
  repo: AggregateRepository,
  ctx: CommandContext,
  incidentId: string,
  status: 'acknowledged' | 'resolved',
  note: string,
): Promise<Decided<IncidentState>> {
  const by = ctx.actor.user_id ?? ctx.actor.role;
  const command = status === 'acknowledged'
    ? { type: 'AcknowledgeIncident' as const, by, note }
    : { type: 'ResolveIncident' as const, by, note };
  return repo.execute(incidentAggregate, incidentStream(incidentId), command, ctx, idsFrom(randomUUID()));
}
