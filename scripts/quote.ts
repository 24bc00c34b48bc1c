/** `npm run quote`: checks the Node version, then runs scripts/quote/main.ts (see there). */
import { requireNodeFloor } from '../src/node-floor.js';

requireNodeFloor('npm run quote');
await import('./quote/main.js');
