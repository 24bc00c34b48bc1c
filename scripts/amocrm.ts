/** `npm run amocrm`: checks the Node version, then runs scripts/amocrm/main.ts (see there). */
import { requireNodeFloor } from '../src/node-floor.js';

requireNodeFloor('npm run amocrm');
await import('./amocrm/main.js');
