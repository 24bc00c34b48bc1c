/** `npm run rotate-key`: checks the Node version, then runs scripts/rotate-key/main.ts (see there). */
import { requireNodeFloor } from '../src/node-floor.js';

requireNodeFloor('npm run rotate-key');
await import('./rotate-key/main.js');
