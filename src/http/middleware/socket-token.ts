import type { RequestHandler } from 'express';

const SOCKET_PATH = /^\/ws\/notifications\/?$/;

/**
 * Browsers cannot set headers on a WebSocket, so the notifications socket
 * takes its access token as `?token=`: it becomes the Authorization header
 * (checked like any other) and leaves the URL (and originalUrl, which problem
 * bodies and error logs name), so no answer or log line carries it.
 */
export const socketToken: RequestHandler = (req, _res, next) => {
  const q = req.url.indexOf('?');
  if (q === -1 || !SOCKET_PATH.test(req.url.slice(0, q))) return next();
  const params = new URLSearchParams(req.url.slice(q + 1));
  const token = params.get('token');
  if (token === null) return next();
  params.delete('token');
  if (req.headers.authorization === undefined) req.headers.authorization = `Bearer ${token}`;
  const rest = params.toString();
  req.url = req.url.slice(0, q) + (rest ? `?${rest}` : '');
  req.originalUrl = req.url;
  next();
};
