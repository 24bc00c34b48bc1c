/** `npm run webhook`: checks the Node version, then runs scripts/register-webhook/main.ts (see there). */
import { requireNodeFloor } from '../src/node-floor.js';

requireNodeFloor('npm run webhook');
await import('./register-webhook/main.js');
