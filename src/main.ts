/**
 * `node dist/src/main.js` (`npm start`, the image, the systemd unit): checks the Node version, then runs the
 * service. Nothing else is imported statically: on an old Node that would fail before the check runs.
 */
import { setFlagsFromString } from 'node:v8';
import { requireNodeFloor } from './node-floor.js';

// Agenda makes a `debug` logger per job claim and run, and each one asks whether stderr is a terminal (a system
// call, ~1.4 % of the service's CPU in a burst). The service logs with pino; `debug`'s output (DEBUG=agenda:*)
// is only for digging, so it goes uncoloured unless DEBUG_COLORS says otherwise. Set before `debug` loads.
process.env.DEBUG_COLORS ??= 'false';
requireNodeFloor('avito-responder');

// Nearly everything start-up allocates (modules, schemas, configuration) lives on, and V8 answers a young
// generation whose objects survive by growing it: to 32–64 MB that an idle service then keeps committed. So the
// young generation does not grow while the service starts, and grows as usual (V8's factor, 2) once it runs.
setFlagsFromString('--semi-space-growth-factor=1');
try {
  await import('./serve.js');
} finally {
  setFlagsFromString('--semi-space-growth-factor=2');
}
