import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import type { OpenApiDocument } from '../../src/http/openapi/bundle.js';
import { CONTRACT_ID, contractAjv, pointer } from '../../src/http/openapi/contract-ajv.js';

interface Reference {
  $ref: string;
}
interface HeaderObject {
  required?: boolean;
  schema?: { type?: string | string[] };
}
interface ResponseObject {
  description?: string;
  headers?: Record<string, HeaderObject | Reference>;
  content?: Record<string, { schema?: object }>;
}

/** What came back from the service (or a sample of what it sends). */
export interface Answer {
  status: number;
  headers: Headers | Record<string, string>;
  body: unknown;
}

/** The bundled contract, as served and as clients generate code from it. */
export const contract = JSON.parse(readFileSync('openapi/openapi.json', 'utf8')) as OpenApiDocument;
const ajv = contractAjv(contract);
const compiled = new Map<string, ValidateFunction>();

function validatorAt(path: string[]): ValidateFunction {
  const ref = `${CONTRACT_ID}#/${pointer(...path)}`;
  let validate = compiled.get(ref);
  if (!validate) {
    validate = ajv.compile({ $ref: ref });
    compiled.set(ref, validate);
  }
  return validate;
}

/** Follows a local `$ref` to where it points (its location and the object). */
function deref<T>(at: string[], value: T | Reference): { at: string[]; value: T } {
  if (value && typeof value === 'object' && '$ref' in value) {
    const parts = value.$ref.replace(/^#\//, '').split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    let target: unknown = contract;
    for (const p of parts) target = (target as Record<string, unknown>)[p];
    return deref(parts, target as T | Reference);
  }
  return { at, value: value as T };
}

/** The contract's response for an operation and status (else its `4XX`/`5XX` or `default`), and where it lives. */
export function documentedResponse(method: string, template: string, status: number): { at: string[]; response: ResponseObject } | undefined {
  const m = method.toLowerCase();
  const responses = (contract.paths[template]?.[m] as { responses?: Record<string, ResponseObject | Reference> } | undefined)?.responses;
  if (!responses) return undefined;
  const key = [String(status), `${String(status)[0]}XX`, 'default'].find((k) => responses[k] !== undefined);
  if (key === undefined) return undefined;
  const { at, value } = deref(['paths', template, m, 'responses', key], responses[key]!);
  return { at, response: value };
}

const headerOf = (headers: Answer['headers'], name: string): string | null =>
  headers instanceof Headers ? headers.get(name) : (Object.entries(headers).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1] ?? null);

/** A header value as its schema's type: integers and numbers as numbers, the rest as the string sent. */
function typedHeader(value: string, schema: HeaderObject['schema']): unknown {
  const types = [schema?.type ?? []].flat();
  return (types.includes('integer') || types.includes('number')) && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
}

const describeErrors = (validate: ValidateFunction) => (validate.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''}`).join('; ');

/**
 * Every way an answer departs from the contract (empty when it conforms): the
 * status is not documented for the operation, the media type is not declared,
 * the body does not match the schema, or a required header is missing or
 * does not match its schema.
 */
export function contractErrors(method: string, template: string, answer: Answer): string[] {
  const where = `${method.toUpperCase()} ${template} ${answer.status}`;
  if (!contract.paths[template]?.[method.toLowerCase()]) return [`${method.toUpperCase()} ${template} is not an operation of the contract`];
  const found = documentedResponse(method, template, answer.status);
  if (!found) return [`${where}: status not documented`];
  const { at, response } = found;
  const errors: string[] = [];
  const hasBody = answer.body !== undefined && answer.body !== '';
  if (hasBody) {
    const media = (headerOf(answer.headers, 'content-type') ?? '').split(';')[0]!.trim();
    if (!response.content?.[media]) errors.push(`${where}: media type "${media}" not declared (${Object.keys(response.content ?? {}).join(', ') || 'no body'})`);
    else if (response.content[media].schema) {
      const validate = validatorAt([...at, 'content', media, 'schema']);
      if (!validate(answer.body)) errors.push(`${where}: body ${describeErrors(validate)}`);
    }
  }
  for (const [name, declared] of Object.entries(response.headers ?? {})) {
    const { at: headerAt, value: header } = deref([...at, 'headers', name], declared);
    const value = headerOf(answer.headers, name);
    if (value === null) {
      if (header.required) errors.push(`${where}: header ${name} missing`);
      continue;
    }
    if (header.schema) {
      const validate = validatorAt([...headerAt, 'schema']);
      if (!validate(typedHeader(value, header.schema))) errors.push(`${where}: header ${name}: ${JSON.stringify(value)} ${describeErrors(validate)}`);
    }
  }
  return errors;
}

/** Asserts that an answer conforms to the contract for the operation `method template`. */
export function expectConforms(method: string, template: string, answer: Answer): void {
  expect(contractErrors(method, template, answer), `${method} ${template} ${answer.status}: ${JSON.stringify(answer.body)}`).to.deep.equal([]);
}
