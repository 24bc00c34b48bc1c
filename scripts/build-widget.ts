/**
 * Bundles the website widget's browser code into `dist/widget/widget.js` (part of `npm run build`), where the
 * compiled service serves it from. Prints its size and gzipped size.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { WIDGET_BUILD_OPTIONS } from '../src/web/script.js';

const outfile = resolve('dist/widget/widget.js');
mkdirSync(dirname(outfile), { recursive: true });
const result = await build({ ...WIDGET_BUILD_OPTIONS, outfile, write: false });
const file = result.outputFiles?.[0];
if (!file) throw new Error('esbuild produced no widget bundle');
writeFileSync(outfile, file.contents);
const gzip = gzipSync(file.contents, { level: 9 }).length;
console.log(`widget: ${outfile} ${file.contents.length} bytes, ${gzip} bytes gzipped`);
