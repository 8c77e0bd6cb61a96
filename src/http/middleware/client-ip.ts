import type { RequestHandler } from 'express';
import { normalizeIp } from '../../domain/security/ip-list.js';

/**
 * `req.clientIp`: the socket's peer, or the address X-Forwarded-For gives when
 * that peer is a trusted proxy (Express's `trust proxy`, set from TRUST_PROXY
 * by createApp, walks the header from the right and stops at the first
 * untrusted hop, so a client cannot choose its own address).
 */
export const clientIp: RequestHandler = (req, _res, next) => {
  const ip = req.ip ?? req.socket.remoteAddress;
  if (ip) req.clientIp = normalizeIp(ip);
  next();
};
