// `npm run openapi`: writes the bundled contract to openapi/openapi.json.
import { writeFileSync } from 'node:fs';
import { bundleOpenApi } from './bundle.js';
import { BUNDLE_FILE } from './load.js';

const doc = bundleOpenApi();
writeFileSync(BUNDLE_FILE, `${JSON.stringify(doc, null, 2)}\n`);
console.log(`openapi/openapi.json: ${Object.keys(doc.paths).length} paths`);
