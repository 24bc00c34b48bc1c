import { createRequire } from 'node:module';
import { join, relative, sep } from 'node:path';
import type { Plugin } from 'esbuild';

/**
 * grammY is bundled, but the node-fetch 2 and abort-controller it calls stay in `node_modules`, required by path
 * from the chunks: node-fetch checks an `AbortSignal`'s class by name (a bundle may rename it), and it and its URL
 * parser call APIs (`url.parse`, `new Buffer()`, `punycode`) Node warns about only outside `node_modules`. The
 * path is relative to `dist/src/chunks/`, where code reached through lazy imports lands.
 */
export const grammyFetch: Plugin = {
  name: 'grammy-fetch',
  setup(build) {
    const chunks = join(build.initialOptions.outdir ?? '', 'chunks');
    build.onResolve({ filter: /^(node-fetch|abort-controller)$/ }, ({ path, importer }) => {
      if (!importer.includes(`${sep}node_modules${sep}grammy${sep}`)) return undefined;
      const file = createRequire(importer).resolve(path);
      return { path: relative(chunks, file).split(sep).join('/'), external: true };
    });
  },
};
