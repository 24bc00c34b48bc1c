/** `npm run chaos`: checks the Node version, then runs scripts/chaos/main.ts (see there). */
import { requireNodeFloor } from '../src/node-floor.js';

requireNodeFloor('npm run chaos');
await import('./chaos/main.js');
