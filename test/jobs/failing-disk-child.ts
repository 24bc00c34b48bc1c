/**
 * A process whose disk the test breaks (test/jobs/sqlite-backend.test.ts): it connects a SqliteBackend on the
 * file in argv[2] and saves a job due now, prints `ready`, waits for `go` on stdin (the test makes its writes
 * fail meanwhile), then either claims the job three times straight from the repository (`claims`) or runs Agenda
 * for a second (`agenda`), and prints what happened as one JSON line.
 */
import { createInterface } from 'node:readline';
import { Agenda } from 'agenda';
import { SqliteBackend } from '../../src/jobs/sqlite-backend/index.js';

const [path, mode] = process.argv.slice(2) as [string, 'claims' | 'agenda'];
const backend = new SqliteBackend({ path, busyTimeoutMs: 1000 });
const agenda = new Agenda({ backend, processEvery: 50 });
let runs = 0;
agenda.define('x', async () => {
  runs += 1;
});
await agenda.ready;
await agenda.now('x', {});
console.log('ready');
await new Promise<void>((resolve) => createInterface({ input: process.stdin }).once('line', () => resolve()));

if (mode === 'claims') {
  const claims: Array<{ id: string | null; error: string | null }> = [];
  for (let i = 0; i < 3; i += 1) {
    try {
      const job = await backend.repository.getNextJobToRun(
        'x',
        new Date(Date.now() + 1000),
        new Date(0),
        undefined,
        {
          lastModifiedBy: 'child',
        },
      );
      claims.push({ id: job?._id ? String(job._id) : null, error: null });
    } catch (err) {
      claims.push({ id: null, error: (err as Error).message });
    }
  }
  console.log(JSON.stringify({ claims }));
} else {
  const errors: string[] = [];
  agenda.on('error', (err: Error) => errors.push(err.message));
  await agenda.start();
  // Agenda's claims loop through microtasks: were a claim to succeed without sticking, this timer would never fire.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  console.log(JSON.stringify({ runs, errors }));
}
process.exit(0);
