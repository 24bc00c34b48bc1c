/**
 * `node dist/src/main.js` (`npm start`, the image, the systemd unit): checks the Node version, then runs the
 * service. Nothing else is imported statically: on an old Node that would fail before the check runs.
 */
import { setFlagsFromString } from 'node:v8';
import { requireNodeFloor } from './node-floor.js';

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
