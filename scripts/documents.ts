/** `npm run documents`: checks the Node version, then runs scripts/documents/main.ts (see there). */
import { requireNodeFloor } from '../src/node-floor.js';

requireNodeFloor('npm run documents');
await import('./documents/main.js');
