import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { asciiRegExps } from './ascii-regexps.js';
import { grammyFetch } from './grammy-fetch.js';
import { zodEnglishOnly } from './zod-locales.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Packages left to Node to load from `node_modules`: those that read their own files by path (pdfkit's font
 * metrics, agendash's pages), large ones loaded only when configured or first used (MongoDB, unpdf's PDF.js),
 * development-only ones (pino-pretty; esbuild, for the widget when run from source), and nodemailer, which calls
 * `url.parse`, an API Node warns about only outside `node_modules` (grammY's node-fetch: `./grammy-fetch.ts`).
 * And packages of data that Node loads as JSON, parsed and then dropped, but a bundle would keep as source text:
 * iconv-lite's code pages (Express's body parser), most of them never used, and mime-db. Each of these is
 * installed in one version only (`npm ls`), so the bundle's `require` of it from `dist/` finds the copy its
 * importer was written for.
 */
export const SERVICE_EXTERNAL = [
  'nodemailer',
  'iconv-lite',
  'mime-db',
  'pdfkit',
  'agendash',
  'mongoose',
  'mongodb',
  '@agendajs/mongo-backend',
  'unpdf',
  'pino-pretty',
  'esbuild',
];

/**
 * Bundled CommonJS packages call `require` for Node's built-ins, which an ES module does not have: each output
 * file gets one of its own.
 */
const REQUIRE_SHIM =
  "import{createRequire as __createRequire}from'node:module';const require=__createRequire(import.meta.url);";

export const SERVICE_BUILD_OPTIONS = {
  absWorkingDir: ROOT,
  entryPoints: { main: 'src/main.ts' },
  bundle: true,
  // Lazy `import()`s stay lazy: what they load is in a chunk of its own, read only when first imported.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  format: 'esm',
  platform: 'node',
  target: 'node22.16',
  minifyWhitespace: true,
  minifySyntax: true,
  minifyIdentifiers: true,
  keepNames: true,
  sourcemap: 'linked',
  sourcesContent: false,
  legalComments: 'none',
  external: SERVICE_EXTERNAL,
  banner: { js: REQUIRE_SHIM },
  plugins: [asciiRegExps, zodEnglishOnly, grammyFetch],
  metafile: true,
  logLevel: 'warning',
} satisfies BuildOptions;

/** Bundles the service into `outdir` (`main.js`, `chunks/`, their source maps), replacing earlier chunks. */
export async function bundleService(outdir: string): Promise<Metafile> {
  rmSync(join(outdir, 'chunks'), { recursive: true, force: true });
  const result = await build({ ...SERVICE_BUILD_OPTIONS, outdir });
  // Paths into node_modules (grammy-fetch.ts) are relative to chunks/: main.js must not hold any.
  const [, main] = Object.entries(result.metafile.outputs).find(([file]) => file.endsWith('main.js'))!;
  const byPath = main.imports.filter((i) => i.external && i.path.includes('node_modules/'));
  if (byPath.length > 0) throw new Error(`main.js requires by path: ${byPath.map((i) => i.path).join(', ')}`);
  return result.metafile;
}
