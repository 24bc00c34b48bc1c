import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { BuildOptions } from 'esbuild';

/** `widget.js` as served: the bundle, its gzip and an entity tag. */
export interface WidgetScript {
  js: Buffer;
  gzip: Buffer;
  etag: string;
}

/** The browser code's entry point. */
export const WIDGET_ENTRY = fileURLToPath(new URL('./client/main.ts', import.meta.url));

/**
 * Where `npm run build` puts the widget's bundle: `dist/widget/widget.js`, found from the `dist/` this module
 * runs from, wherever in it the service's bundle put this code (scripts/build-service.ts).
 */
export function builtWidgetPath(moduleUrl: string): string {
  const here = fileURLToPath(moduleUrl);
  const dist = here.lastIndexOf(`${sep}dist${sep}`);
  return dist === -1
    ? fileURLToPath(new URL('../../widget/widget.js', moduleUrl))
    : join(here.slice(0, dist), 'dist', 'widget', 'widget.js');
}

/**
 * esbuild options shared by `npm run build` (`scripts/build-widget.ts`) and the in-memory build used when
 * the service runs from source: one IIFE, minified, for browsers since 2019.
 */
export const WIDGET_BUILD_OPTIONS: BuildOptions = {
  entryPoints: [WIDGET_ENTRY],
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'es2019',
  legalComments: 'none',
  charset: 'utf8',
  logLevel: 'silent',
};

/**
 * Loads `widget.js`: from the build output when the service runs compiled (`dist/`), otherwise (tsx, tests)
 * bundled in memory with esbuild, a development dependency that production installs never need.
 */
export async function loadWidgetScript(): Promise<WidgetScript> {
  const compiled = import.meta.url.endsWith('.js');
  const js = compiled ? await readBuiltBundle() : await bundleInMemory();
  return {
    js,
    gzip: gzipSync(js, { level: 9 }),
    etag: `"${createHash('sha256').update(js).digest('base64url').slice(0, 22)}"`,
  };
}

async function readBuiltBundle(): Promise<Buffer> {
  const path = builtWidgetPath(import.meta.url);
  try {
    return await readFile(path);
  } catch (err) {
    throw new Error(`${path} is missing: run \`npm run build\` (it bundles the widget)`, {
      cause: err,
    });
  }
}

async function bundleInMemory(): Promise<Buffer> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({ ...WIDGET_BUILD_OPTIONS, write: false });
  const file = result.outputFiles?.[0];
  if (!file) throw new Error('esbuild produced no widget bundle');
  return Buffer.from(file.contents);
}
