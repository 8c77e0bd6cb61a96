import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { int64Of } from '../position-params.js';
import type { OpenApiDocument } from './bundle.js';

// ajv-formats is CommonJS; its default export arrives wrapped under NodeNext.
type AddFormats = (ajv: Ajv2020) => Ajv2020;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ?? addFormatsModule) as unknown as AddFormats;

/** The id under which the contract is registered: compile `{ $ref: 'openapi.json#/...' }`. */
export const CONTRACT_ID = 'openapi.json';

/** A JSON pointer (after `#/`) to the given path of the document. */
export const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/**
 * An ajv (JSON Schema 2020-12, OpenAPI 3.1's dialect) with the standard formats
 * and the contract registered as `openapi.json`. Positions travel as strings, so
 * `format: int64` is checked on strings too (the OpenAPI format registry allows
 * both): a decimal integer within the range of a PostgreSQL bigint.
 */
export function contractAjv(doc: OpenApiDocument): Ajv2020 {
  const ajv = new Ajv2020({ strict: false, allErrors: true, coerceTypes: false, useDefaults: false });
  addFormats(ajv);
  ajv.addFormat('int64', { type: 'string', validate: (s: string) => int64Of(s) !== undefined });
  ajv.addSchema(doc as object, CONTRACT_ID);
  return ajv;
}
