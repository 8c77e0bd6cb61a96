import { incidentDecider, incidentStream } from '../../domain/risk/decider.js';
import type { Finding } from '../../domain/risk/facts.js';
import type { AggregateRepository, Decided } from '../shared/aggregate-repository.js';
import type { CommandContext } from '../shared/command-context.js';
import { deterministicId, idsFrom } from '../shared/ids.js';
import type { IncidentState } from '../../domain/risk/state.js';

export const incidentAggregate = { decider: incidentDecider, snapshotVersion: 1 };
export { incidentStream };

/** The incident id of a rule firing on an event: a replay finds the same incident. */
export const incidentIdFor = (triggerId: string, rule: string): string => deterministicId('incident', triggerId, rule);

/** Raises the incident (nothing when it exists already). */
export async function raiseIncident(
  repo: AggregateRepository,
  ctx: CommandContext,
  incidentId: string,
  finding: Finding,
  at: Date,
): Promise<Decided<IncidentState>> {
  return repo.execute(
    incidentAggregate,
    incidentStream(incidentId),
    { type: 'RaiseIncident', incident_id: incidentId, ...finding, raised_at: at },
    ctx,
    idsFrom(`incident/${incidentId}`),
  );
}
