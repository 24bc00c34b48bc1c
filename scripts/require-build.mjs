// `npm start` (prestart): without a build, say how to make one instead of a module-not-found stack trace.
import { existsSync } from 'node:fs';

if (!existsSync(new URL('../dist/src/main.js', import.meta.url))) {
  console.error(
    'npm start runs the build in dist/, which is not there: run `npm run build` first, or `npm run serve` (build and start).',
  );
  process.exit(1);
}
