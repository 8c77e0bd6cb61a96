import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { fromPackageRoot } from '../../infra/package-root.js';

export interface OpenApiDocument {
  openapi: string;
  info: Record<string, unknown>;
  paths: Record<string, Record<string, unknown>>;
  components: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

const FRAGMENTS_DIR = fromPackageRoot('openapi');
const BASE = 'common.yaml';

/**
 * Merges openapi/common.yaml with every other openapi/*.yaml fragment (their
 * paths and components). A path or component defined twice is an error.
 */
export function bundleOpenApi(dir = FRAGMENTS_DIR): OpenApiDocument {
  const doc = parse(readFileSync(join(dir, BASE), 'utf8')) as OpenApiDocument;
  doc.paths ??= {};
  doc.components ??= {};
  const fragments = readdirSync(dir).filter((f) => f.endsWith('.yaml') && f !== BASE).sort();
  for (const file of fragments) {
    const fragment = parse(readFileSync(join(dir, file), 'utf8')) as Partial<OpenApiDocument> | null;
    if (!fragment) continue;
    for (const [path, item] of Object.entries(fragment.paths ?? {})) {
      if (doc.paths[path]) throw new Error(`${file}: path ${path} is already defined`);
      doc.paths[path] = item;
    }
    for (const [section, entries] of Object.entries(fragment.components ?? {})) {
      const target = (doc.components[section] ??= {});
      for (const [name, value] of Object.entries(entries)) {
        if (target[name] !== undefined) throw new Error(`${file}: components.${section}.${name} is already defined`);
        target[name] = value;
      }
    }
    if (Array.isArray(fragment.tags)) doc.tags = [...((doc.tags as unknown[]) ?? []), ...fragment.tags];
  }
  withIdempotencyKeys(doc);
  withSharedResponses(doc);
  withRequestIdHeader(doc);
  return doc;
}

type Operation = { security?: unknown[]; parameters?: { $ref?: string; name?: string }[]; responses?: Record<string, ResponseObject> };

/**
 * Every authenticated POST, PATCH and DELETE takes an Idempotency-Key
 * (src/http/middleware/idempotent-commands.ts): the parameter, the 422 of a key
 * reused with another body, and Idempotent-Replayed on its successes are
 * declared here for those whose fragment does not already.
 */
function withIdempotencyKeys(doc: OpenApiDocument): void {
  const param = { $ref: '#/components/parameters/IdempotencyKey' };
  for (const item of Object.values(doc.paths)) {
    for (const method of ['post', 'patch', 'delete']) {
      const op = item[method] as Operation | undefined;
      const anonymous = op?.security !== undefined && op.security.length === 0;
      if (!op || anonymous) continue;
      op.parameters ??= [];
      if (!op.parameters.some((p) => p.$ref === param.$ref || p.name === 'Idempotency-Key')) op.parameters.push(param);
      op.responses ??= {};
      op.responses['422'] ??= { $ref: '#/components/responses/Problem' };
      for (const [status, response] of Object.entries(op.responses)) {
        if (!status.startsWith('2') || response.$ref) continue;
        response.headers = { 'Idempotent-Replayed': { $ref: '#/components/headers/IdempotentReplayed' }, ...response.headers };
      }
    }
  }
}

type ResponseObject = { $ref?: string; headers?: Record<string, unknown> };

/** Every response the service sends carries X-Request-Id (src/http/middleware/request-id.ts): declared once here, not in each fragment. */
function withRequestIdHeader(doc: OpenApiDocument): void {
  const header = { $ref: '#/components/headers/RequestId' };
  const add = (response: ResponseObject) => {
    if (response.$ref) return; // a shared response: it gets the header where it is defined
    response.headers = { 'X-Request-Id': header, ...response.headers };
  };
  for (const item of Object.values(doc.paths)) {
    for (const op of Object.values(item)) {
      const responses = (op as { responses?: Record<string, ResponseObject> } | null)?.responses;
      if (responses) Object.values(responses).forEach(add);
    }
  }
  Object.values((doc.components.responses ?? {}) as Record<string, ResponseObject>).forEach(add);
}

const METHODS = ['get', 'put', 'post', 'patch', 'delete'];
const PROBLEM = '#/components/responses/Problem';
const ref = (name: string) => ({ $ref: `#/components/responses/${name}` });

/**
 * Answers any operation can give, added where a fragment does not name them:
 * 503 `service_unavailable` with Retry-After (database unreachable, process
 * stopping) on every operation, and 409 `idempotency_in_progress` with
 * Retry-After on every operation that takes an Idempotency-Key (a plain
 * Problem 409 becomes the shared IdempotentConflict, which also covers the
 * operation's own conflicts; an inline one gets the header).
 */
function withSharedResponses(doc: OpenApiDocument): void {
  for (const item of Object.values(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method] as Operation | undefined;
      if (!op?.responses) continue;
      op.responses['503'] ??= ref('ServiceUnavailable');
      if (!op.parameters?.some((p) => p.$ref === '#/components/parameters/IdempotencyKey')) continue;
      const conflict = op.responses['409'];
      if (!conflict || conflict.$ref === PROBLEM) op.responses['409'] = ref('IdempotentConflict');
      else if (!conflict.$ref) conflict.headers = { 'Retry-After': { $ref: '#/components/headers/RetryAfterWhenInProgress' }, ...conflict.headers };
    }
  }
}
