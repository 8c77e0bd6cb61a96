import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';

export const REQUEST_ID_HEADER = 'X-Request-Id';
/** What a proxy's id may be made of: no spaces, quotes or control characters can reach a log line or a header. */
const SAFE_ID = /^[A-Za-z0-9._:@-]{1,128}$/;

/**
 * Every request gets an id: the X-Request-Id a trusted proxy (TRUST_PROXY, the
 * peers Express's `trust proxy` believes) sent, when it is a safe token, or a new
 * UUID. It is echoed in the response header, in every problem body
 * (`request_id`) and in the log lines of the request.
 */
export const requestId: RequestHandler = (req, res, next) => {
  const sent = req.get(REQUEST_ID_HEADER);
  const trusts = req.app.get('trust proxy fn') as ((addr: string, i: number) => boolean) | undefined;
  const fromProxy = sent !== undefined && SAFE_ID.test(sent) && trusts !== undefined && trusts(req.socket.remoteAddress ?? '', 0);
  const id = fromProxy ? sent : randomUUID();
  res.locals.requestId = id;
  res.setHeader(REQUEST_ID_HEADER, id);
  next();
};

/** The request's id (set by `requestId`; undefined before it ran). */
export const requestIdOf = (res: Response): string | undefined => res.locals.requestId as string | undefined;

/** Fields for a log line about this request. */
export const requestLogFields = (req: Request, res: Response) => ({ request_id: requestIdOf(res), method: req.method, path: req.path });
