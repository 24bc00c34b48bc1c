import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { asciiRegExps } from './ascii-regexps.js';
import { zodEnglishOnly } from './zod-locales.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Packages left to Node to load from `node_modules`: those that read their own files by path (pdfkit's font
 * metrics, agendash's pages), large ones loaded only when configured or first used (MongoDB, unpdf's PDF.js),
 * development-only ones (pino-pretty; esbuild, for the widget when run from source), and those that call APIs
 * Node deprecates (`url.parse`, `new Buffer`, the `punycode` module) and warns about only outside
 * `node_modules`: grammY (through its node-fetch 2) and nodemailer. And packages of data that Node loads as
 * JSON, parsed and then dropped, but a bundle would keep as source text: iconv-lite's code pages (Express's body
 * parser), most of them never used, and mime-db. Each of these is installed in one version only (`npm ls`), so
 * the bundle's `require` of it from `dist/` finds the copy its importer was written for.
 */
export const SERVICE_EXTERNAL = [
  'grammy',
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
  plugins: [asciiRegExps, zodEnglishOnly],
  metafile: true,
  logLevel: 'warning',
} satisfies BuildOptions;

/** Bundles the service into `outdir` (`main.js`, `chunks/`, their source maps), replacing earlier chunks. */
export async function bundleService(outdir: string): Promise<Metafile> {
  rmSync(join(outdir, 'chunks'), { recursive: true, force: true });
  const result = await build({ ...SERVICE_BUILD_OPTIONS, outdir });
  return result.metafile;
}
