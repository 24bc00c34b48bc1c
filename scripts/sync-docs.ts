/** `npm run sync-docs`: checks the Node version, then runs scripts/sync-docs/main.ts (see there). */
import { requireNodeFloor } from '../src/node-floor.js';

requireNodeFloor('npm run sync-docs');
await import('./sync-docs/main.js');
