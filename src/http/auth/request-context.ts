import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import type { CommandContext } from '../../commands/shared/command-context.js';
import { requestIdOf } from '../middleware/request-id.js';


/** The command context of an HTTP request: who acts (caller or anonymous), from where, and its correlation id. */
export function requestContext(req: Request): CommandContext {
  // The request's id (a trusted proxy's, or made by the service) correlates the events it causes.
  const correlation = (req.res && requestIdOf(req.res)) ?? randomUUID();
  const p = req.principal;
  return {
    actor: {
      user_id: p?.user_id ?? null,
      role: p ? (p.is_staff ? 'staff' : 'customer') : 'anonymous',
      ip: req.clientIp ?? req.ip ?? null,
    },
    correlation_id: correlation,
    causation_id: null,
    now: new Date(),
  };
}

/** The caller's User-Agent, recorded with sign-in attempts; null when absent or empty. */
export const userAgentOf = (req: Request): string | null => {
  const ua = req.headers['user-agent'];
  return typeof ua === 'string' && ua.length > 0 ? ua : null;
};
