import type { ErrorRequestHandler, RequestHandler } from 'express';
import { DomainError } from '../../domain/shared/domain-error.js';
import { WrongExpectedRevisionError } from '../../eventstore/errors.js';
import { isDatabaseUnavailable, ServiceStoppingError, unavailableReason } from '../../infra/database-unavailable.js';
import type { Logger } from '../../infra/logger.js';
import { HttpProblem, problemBody, type ProblemBody } from '../problem.js';
import { requestIdOf, requestLogFields } from './request-id.js';

export const PROBLEM_JSON = 'application/problem+json';

/** Seconds a client is asked to wait before retrying an Idempotency-Key another request still holds. */
export const IN_PROGRESS_RETRY_AFTER_SECONDS = 1;

/** Seconds a client is asked to wait after a 503 `service_unavailable` (database restarting, process stopping). */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 2;

/** The body of a 503 `service_unavailable`: nothing the request asked for can be relied on to have happened; retry (with the same Idempotency-Key). */
export function serviceUnavailableBody(detail: string, instance?: string): ProblemBody {
  return problemBody(503, 'service_unavailable', `${detail} Try again after Retry-After (with the same Idempotency-Key).`, instance);
}

export function sendProblem(res: Parameters<RequestHandler>[1], status: number, body: object, headers: Record<string, string> = {}): void {
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  const id = requestIdOf(res);
  res.status(status).type(PROBLEM_JSON).send(JSON.stringify(id ? { ...body, request_id: id } : body));
}

/** Unknown routes: 404 problem. */
export const notFoundHandler: RequestHandler = (req, res) => {
  sendProblem(res, 404, problemBody(404, 'not_found', `No route for ${req.method} ${req.path}.`, req.originalUrl));
};

/** The headers some problems carry: the challenge of a 401, when a locked login or a busy Idempotency-Key may try again. */
const DOMAIN_HEADERS: Record<string, (error: DomainError) => Record<string, string>> = {
  token_not_valid: () => ({ 'WWW-Authenticate': 'Bearer realm="api", error="invalid_token"' }),
  no_active_account: () => ({ 'WWW-Authenticate': 'Bearer realm="api"' }),
  login_locked: (error) => ({ 'Retry-After': String(error.details.retry_after) }),
  idempotency_in_progress: () => ({ 'Retry-After': String(IN_PROGRESS_RETRY_AFTER_SECONDS) }),
};

/**
 * Maps every thrown error to problem+json, in this one place: an HttpProblem
 * as it says, the DomainError family (business rules, credentials, tokens,
 * lockouts) by its code, status and details; anything unexpected is a logged
 * 500 with no internals leaked. Routes never catch to translate.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    if (res.headersSent) return;
    if (error instanceof HttpProblem) {
      sendProblem(res, error.status, error.body(req.originalUrl), error.headers);
      return;
    }
    if (error instanceof DomainError) {
      sendProblem(res, error.status, problemBody(error.status, error.code, error.message, req.originalUrl, error.details), DOMAIN_HEADERS[error.code]?.(error));
      return;
    }
    if (error instanceof WrongExpectedRevisionError) {
      // Another process kept winning the race for this stream: nothing was written, a retry is safe.
      sendProblem(res, 503, problemBody(503, 'concurrent_update', 'The resource is being changed by another request; try again.', req.originalUrl), { 'Retry-After': '1' });
      return;
    }
    if (isDatabaseUnavailable(error)) {
      // A restart or outage of the database, or a process stopping: honest and retryable, not a 500.
      const stopping = error instanceof ServiceStoppingError;
      logger.warn({ reason: unavailableReason(error), ...requestLogFields(req, res) }, stopping ? 'refused while stopping' : 'database unavailable');
      const detail = stopping ? 'The service is shutting down.' : 'The database is unavailable.';
      sendProblem(res, 503, serviceUnavailableBody(detail, req.originalUrl), { 'Retry-After': String(UNAVAILABLE_RETRY_AFTER_SECONDS) });
      return;
    }
    const status = (error as { status?: unknown; statusCode?: unknown }).status ?? (error as { statusCode?: unknown }).statusCode;
    const type = (error as { type?: unknown }).type;
    if (type === 'entity.too.large') {
      sendProblem(res, 413, problemBody(413, 'payload_too_large', 'Request body is too large.', req.originalUrl));
      return;
    }
    if (type === 'entity.parse.failed' || type === 'encoding.unsupported' || type === 'charset.unsupported') {
      sendProblem(res, 400, problemBody(400, 'malformed_body', 'Request body is not valid JSON.', req.originalUrl));
      return;
    }
    if (typeof status === 'number' && status >= 400 && status < 500) {
      sendProblem(res, status, problemBody(status, 'bad_request', 'The request could not be processed.', req.originalUrl));
      return;
    }
    logger.error({ err: error, ...requestLogFields(req, res) }, 'unhandled error');
    sendProblem(res, 500, problemBody(500, 'internal_error', 'An unexpected error occurred.', req.originalUrl));
  };
}
