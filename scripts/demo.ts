/** `npm run demo`: checks the Node version, then runs scripts/demo/main.ts (see there). */
import { requireNodeFloor } from '../src/node-floor.js';

requireNodeFloor('npm run demo');
await import('./demo/main.js');
