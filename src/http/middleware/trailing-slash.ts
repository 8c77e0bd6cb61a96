import type { RequestHandler } from 'express';

/** A trailing slash is optional on every path: routes are declared without one. */
export const stripTrailingSlash: RequestHandler = (req, _res, next) => {
  const q = req.url.indexOf('?');
  const path = q === -1 ? req.url : req.url.slice(0, q);
  if (path.length > 1 && path.endsWith('/')) {
    req.url = path.replace(/\/+$/, '') + (q === -1 ? '' : req.url.slice(q));
  }
  next();
};
