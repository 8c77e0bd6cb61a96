/**
 * The service's Prometheus metrics (prom-client), one registry per process.
 * GET /metrics serves them (src/http/routes/health.ts); the layers that count
 * import the metric they move from here.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry });

const SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Every answered request, by contract operation (its path template) and status. */
export const httpDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request latency by method, contract path template and status.',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: SECONDS,
  registers: [registry],
});

/** Commands (every POST, PATCH, PUT and DELETE of the contract) by outcome: ok (2xx), refused (4xx), failed (5xx). */
export const commandOutcomes = new Counter({
  name: 'commands_total',
  help: 'Commands by contract operation and outcome (ok, refused, failed).',
  labelNames: ['route', 'outcome'] as const,
  registers: [registry],
});

export const appendDuration = new Histogram({
  name: 'eventstore_append_duration_seconds',
  help: 'Time of one batched append to the SQL event store (one round trip).',
  buckets: SECONDS,
  registers: [registry],
});

export const appendBatchSize = new Histogram({
  name: 'eventstore_append_batch_appends',
  help: 'Appends (each to one stream) written together by one batched append.',
  buckets: [1, 2, 4, 8, 16, 32, 50],
  registers: [registry],
});

export const idempotencyReplays = new Counter({
  name: 'idempotency_replays_total',
  help: 'Requests answered from the stored response of an earlier request with the same Idempotency-Key.',
  registers: [registry],
});

export const securityHits = new Counter({
  name: 'security_hits_total',
  help: 'Refusals by the security layer: rate_limited, blacklisted_ip, bad_api_key.',
  labelNames: ['kind', 'scope'] as const,
  registers: [registry],
});

export const loginLockouts = new Counter({
  name: 'login_lockouts_total',
  help: 'Sign-in attempts refused because the IP or the email and IP pair is locked.',
  labelNames: ['scope'] as const,
  registers: [registry],
});

/** Set on each scrape from the projection runtime's checkpoints. */
export const projectionLagEvents = new Gauge({
  name: 'projection_lag_events',
  help: 'Events between a read model checkpoint and the head of the log.',
  labelNames: ['projection'] as const,
  registers: [registry],
});

export const projectionLagSeconds = new Gauge({
  name: 'projection_lag_seconds',
  help: 'Age of the oldest event a read model has not applied (0 when caught up).',
  labelNames: ['projection'] as const,
  registers: [registry],
});

/** Open live-notification WebSockets in this process (GET /ws/notifications). */
export const liveSockets = new Gauge({
  name: 'live_notification_sockets',
  help: 'Open live-notification WebSockets in this process.',
  registers: [registry],
});

/** Notification frames for the live sockets: pushed as their event is written, or replayed for a resuming client. */
export const liveFrames = new Counter({
  name: 'live_notification_frames_total',
  help: 'Notification frames for live sockets, by source (live, replay).',
  labelNames: ['source'] as const,
  registers: [registry],
});
