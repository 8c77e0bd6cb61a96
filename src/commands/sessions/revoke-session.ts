import { randomUUID } from 'node:crypto';
import { sessionStream } from '../../domain/sessions/decider.js';
import type { RevokeReason } from '../../domain/sessions/events.js';
import type { AggregateRepository } from '../shared/aggregate-repository.js';
import type { CommandContext } from '../shared/command-context.js';
import { idsFrom } from '../shared/ids.js';
import { sessionAggregate } from './session-aggregate.js';

/** Revokes session `sessionId` when it belongs to `userId`; false when there is no such session of theirs. */
export async function revokeSession(
  repo: AggregateRepository,
  sessionId: string,
  userId: string,
  reason: RevokeReason,
  context: CommandContext,
): Promise<boolean> {
  const { state } = await repo.load(sessionAggregate, sessionStream(sessionId));
  if (!state.exists || state.user_id !== userId) return false;
  await repo.execute(sessionAggregate, sessionStream(sessionId), { type: 'RevokeSession', reason }, context, idsFrom(randomUUID()));
  return true;
}
