import type { Plugin } from 'esbuild';

/**
 * zod exports its ~50 error-message locales as a namespace (`z.locales`), which the bundle cannot leave out
 * although the service sets none of them: a quarter of a megabyte of source kept in the heap. The bundle's
 * `zod/v4/locales/index.js` exports only English, zod's default. A package that imports another locale by name
 * fails the build (esbuild: no matching export) rather than at run time.
 */
export const zodEnglishOnly: Plugin = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, ({ importer, resolveDir }) =>
      /[\\/]node_modules[\\/]zod[\\/]v4[\\/]/.test(importer)
        ? { path: 'zod-locales', namespace: 'zod-english-only', pluginData: resolveDir }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, ({ pluginData }) => ({
      contents: "export { default as en } from '../locales/en.js';",
      resolveDir: pluginData as string,
      loader: 'js',
    }));
  },
};
