import { readFileSync } from 'node:fs';
import { fromPackageRoot } from '../../infra/package-root.js';
import type { OpenApiDocument } from './bundle.js';

/** The bundle as `npm run openapi` writes it (a test keeps it equal to the YAML fragments). */
export const BUNDLE_FILE = fromPackageRoot('openapi', 'openapi.json');

/**
 * The contract the service serves and validates against: openapi/openapi.json.
 * Parsing it takes milliseconds; bundling the YAML fragments took most of a second.
 */
export function loadOpenApi(file = BUNDLE_FILE): OpenApiDocument {
  return JSON.parse(readFileSync(file, 'utf8')) as OpenApiDocument;
}
