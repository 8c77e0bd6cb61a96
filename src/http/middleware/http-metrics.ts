import type { RequestHandler } from 'express';
import { commandOutcomes, httpDuration } from '../../infra/metrics.js';
import { matchedOperation } from '../openapi/matched-operation.js';

const outcomeOf = (status: number) => (status >= 500 ? 'failed' : status >= 400 ? 'refused' : 'ok');

/**
 * Times every request and counts commands, labelled by the contract's path
 * template (never the raw path: ids would make a series per account), as
 * matchOperations found it.
 */
export function httpMetrics(): RequestHandler {
  return (req, res, next) => {
    const stop = httpDuration.startTimer();
    res.once('finish', () => {
      const route = matchedOperation(res)?.entry.template ?? 'unmatched';
      const status = res.statusCode;
      stop({ method: req.method, route, status });
      if (req.method !== 'GET' && req.method !== 'HEAD' && req.method !== 'OPTIONS' && route !== 'unmatched') {
        commandOutcomes.inc({ route: `${req.method} ${route}`, outcome: outcomeOf(status) });
      }
    });
    next();
  };
}
