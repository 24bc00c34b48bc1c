/** `npm run ask`: checks the Node version, then runs scripts/ask/main.ts (see there). */
import { requireNodeFloor } from '../src/node-floor.js';

requireNodeFloor('npm run ask');
await import('./ask/main.js');
