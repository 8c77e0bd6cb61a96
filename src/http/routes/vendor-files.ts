import { fromPackageRoot } from '../../infra/package-root.js';

/** redoc's standalone bundle, copied by `npm run build` (redoc itself is a development dependency). */
export const REDOC_BUNDLE = fromPackageRoot('dist', 'vendor', 'redoc.standalone.js');

export const VENDOR_FILES = [
  { from: 'redoc/bundles/redoc.standalone.js', to: REDOC_BUNDLE },
  { from: 'redoc/bundles/redoc.standalone.js.LICENSE.txt', to: `${REDOC_BUNDLE}.LICENSE.txt` },
];
