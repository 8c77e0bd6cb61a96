import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import type { CommandContext } from '../../commands/shared/command-context.js';

const REQUEST_ID = /^[\w.:-]{1,100}$/;

/** The command context of an HTTP request: who acts (caller or anonymous), from where, and its correlation id. */
export function requestContext(req: Request): CommandContext {
  const header = req.headers['x-request-id'];
  const correlation = typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
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
