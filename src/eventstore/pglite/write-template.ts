// Part of `npm run build`: an empty PGlite cluster for quick first starts (see cluster-template.ts).
import { writeClusterTemplate } from './cluster-template.js';

const { dir, written } = await writeClusterTemplate();
if (written) console.log(`wrote the PGlite cluster template ${dir}`);
