import type { RequestHandler } from 'express';
import { IpList } from '../../domain/security/ip-list.js';
import type { HitRecorder } from '../../commands/security/hit-recorder.js';
import { HttpProblem } from '../problem.js';

/** RISK_BLACKLISTED_IPS are refused (403) before routing; each refusal is counted as a `blacklisted_ip` hit. */
export function ipBlacklist(entries: readonly string[], hits: HitRecorder): RequestHandler {
  const list = new IpList(entries);
  return (req, _res, next) => {
    const ip = req.clientIp;
    if (list.size === 0 || !ip || !list.has(ip)) return next();
    hits.add('blacklisted_ip', 'request', ip, ip);
    next(new HttpProblem(403, 'ip_blacklisted', 'Requests from this address are not accepted.'));
  };
}
