// `npm run openapi`: writes the bundled contract to openapi/openapi.json.
import { writeFileSync } from 'node:fs';
import { bundleOpenApi } from './bundle.js';

const doc = bundleOpenApi();
writeFileSync('openapi/openapi.json', `${JSON.stringify(doc, null, 2)}\n`);
console.log(`openapi/openapi.json: ${Object.keys(doc.paths).length} paths`);
