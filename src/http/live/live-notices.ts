import type { RecordedEvent } from '../../eventstore/port.js';
import { accountNotice, accountOf, adminAlert, cardBlockedNotice, cardOf, isAccountNoticeEvent, isAdminAlertEvent, type Notice } from '../../projections/notifications/notices.js';
import type { LogFacts } from './log-facts.js';

/** What one event means to the live sockets. */
export interface LiveEffect {
  /** The notification its owner receives. */
  owner?: { user_id: string; notice: Notice };
  /** The ADMIN_ALERT every staff user receives (but the owner above, who got their own). */
  staff?: Notice;
  /** Sockets to close: a revoked session, or every session of a user who can no longer use their tokens. */
  close?: { session_id?: string; user_id?: string; reason: string };
}

const USER_CLOSES: Record<string, string> = {
  UserBlocked: 'user_blocked',
  PasswordChanged: 'credentials_changed',
  UserErased: 'user_erased',
};

/**
 * The same notifications the read model derives from the event (same notice,
 * same recipients, the owner's notice first), read from the log as it is
 * written, plus the events that end a session.
 */
export async function liveEffect(e: RecordedEvent, facts: LogFacts): Promise<LiveEffect> {
  facts.learn(e);
  if (e.type === 'SessionRevoked') return { close: { session_id: e.stream_id.slice('session-'.length), reason: 'session_revoked' } };
  const effect: LiveEffect = {};
  const closing = USER_CLOSES[e.type];
  if (closing && e.stream_id.startsWith('user-')) effect.close = { user_id: e.stream_id.slice('user-'.length), reason: closing };
  if (isAccountNoticeEvent(e)) {
    const account = accountOf(e);
    const owner = await facts.account(account);
    // As the read model: nothing at all for an unknown or bank-owned account.
    if (!owner || owner.system) return effect;
    const notice = accountNotice(e, owner.currency, account);
    if (notice) effect.owner = { user_id: owner.owner_id, notice };
  } else if (e.type === 'CardBlocked') {
    const card = await facts.card(cardOf(e));
    if (card) effect.owner = { user_id: card.owner_id, notice: cardBlockedNotice(cardOf(e), card) };
  }
  const alert = isAdminAlertEvent(e) ? adminAlert(e) : null;
  if (alert) effect.staff = alert;
  return effect;
}
