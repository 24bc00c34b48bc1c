/**
 * `node dist/src/main.js` (`npm start`, the image, the systemd unit): checks the Node version, then runs the
 * service. Nothing else is imported statically: on an old Node that would fail before the check runs.
 */
import { requireNodeFloor } from './node-floor.js';

requireNodeFloor('avito-responder');
await import('./serve.js');
