import { sessionStream } from '../../domain/sessions/decider.js';
import type { SessionState } from '../../domain/sessions/state.js';
import { isActive, type UserState } from '../../domain/users/state.js';
import type { AggregateRepository } from '../shared/aggregate-repository.js';
import { loadUser } from '../users/load-user.js';
import { sessionAggregate } from './session-aggregate.js';

export interface SessionStatus {
  /** The session exists, is not revoked, belongs to the user, and the user is active. */
  live: boolean;
  user: UserState;
  session: SessionState;
}

/** Read from the session's and the user's own streams (strongly consistent). */
export async function sessionStatus(repo: AggregateRepository, sessionId: string, userId: string): Promise<SessionStatus> {
  const [session, user] = await Promise.all([repo.load(sessionAggregate, sessionStream(sessionId)), loadUser(repo, userId)]);
  const s = session.state;
  return { live: s.exists && s.revoked === null && s.user_id === userId && isActive(user), user, session: s };
}
