/**
 * Bundles the service (`src/main.ts`) into `dist/src/main.js` (part of `npm run build`, after `tsc`, whose
 * `dist/src/main.js` it replaces): one minified ES module, the code it imports lazily in chunks beside it
 * (`dist/src/chunks/`), a source map next to each. An idle service keeps every loaded module's source text in its
 * heap; bundled and minified, it keeps far fewer and smaller ones (docs/reports/performance.md). The operator
 * commands (`dist/scripts/*.js`) stay `tsc`'s output.
 */
import { resolve } from 'node:path';
import { bundleService } from './build-service/bundle.js';

const outdir = resolve('dist/src');
const meta = await bundleService(outdir);
const outputs = Object.entries(meta.outputs).filter(([file]) => file.endsWith('.js'));
const kib = outputs.reduce((sum, [, output]) => sum + output.bytes, 0) / 1024;
console.log(`service: ${resolve(outdir, 'main.js')} and ${outputs.length - 1} chunks, ${kib.toFixed(0)} KiB`);
