import type { Request } from 'express';
import { LoginLocked } from '../../commands/security/guarded-login.js';
import { HttpProblem } from '../problem.js';

/** 423 `login_locked` with Retry-After for a login refused by a lockout; anything else passes through. */
export function lockoutProblem(error: unknown): unknown {
  if (!(error instanceof LoginLocked)) return error;
  const seconds = Math.max(1, Math.ceil((error.lock.until.getTime() - Date.now()) / 1000));
  return new HttpProblem(423, 'login_locked', 'Too many failed login attempts. Try again later.', { retry_after: seconds }, { 'Retry-After': String(seconds) });
}

export const userAgentOf = (req: Request): string | null => {
  const ua = req.headers['user-agent'];
  return typeof ua === 'string' && ua.length > 0 ? ua : null;
};
