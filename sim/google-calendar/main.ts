/**
 * Runs the Google Calendar simulator as a process, for trying the service by hand:
 *
 *   npx tsx sim/google-calendar/main.ts            # random port
 *   GOOGLE_CALENDAR_SIM_PORT=8084 npx tsx sim/google-calendar/main.ts
 *
 * Generates a service account, writes its key file (token_uri → this simulator) to a temporary folder
 * and prints the environment for the service. Play the seller taking a slot:
 * `curl -XPOST $GOOGLE_API_BASE/__sim/seller-adds-event -H 'content-type: application/json'
 * -d '{"start":"2026-06-01T10:00:00+03:00","end":"2026-06-01T11:00:00+03:00","summary":"Занято"}'`.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGoogleCalendarSim } from './index.js';

const sim = await startGoogleCalendarSim({
  port: Number(process.env.GOOGLE_CALENDAR_SIM_PORT ?? 0),
  controlRoutes: true,
});
const dir = await mkdtemp(join(tmpdir(), 'google-calendar-sim-'));
const keyFile = join(dir, 'service-account.json');
await writeFile(keyFile, `${JSON.stringify(sim.serviceAccountKey, null, 2)}\n`, { mode: 0o600 });

process.stdout.write(`Google Calendar simulator on ${sim.url}\n`);
for (const [key, value] of Object.entries({ ...sim.env, GOOGLE_SERVICE_ACCOUNT_FILE: keyFile })) {
  process.stdout.write(`${key}=${value}\n`);
}
process.stdout.write(`Play the seller: POST ${sim.url}/__sim/seller-adds-event {"start":"…","end":"…"}\n`);

const stop = async (): Promise<void> => {
  await sim.close();
  await rm(dir, { recursive: true, force: true });
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
