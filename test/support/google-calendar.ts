import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type GoogleCalendarSim, startGoogleCalendarSim } from '../../sim/google-calendar/index.js';
import { type CalendarClient, createCalendarClient } from '../../src/integrations/calendar/client.js';
import { loadServiceAccountKey } from '../../src/integrations/calendar/config.js';

/** A service account made for one test with node:crypto: the public half is for the simulator. */
export interface TestServiceAccount {
  clientEmail: string;
  publicKeyPem: string;
  privateKeyPem: string;
  /** Writes a Google-style key file (`token_uri` = `tokenUri`, plus `extra` fields) and returns its path. */
  writeKeyFile(tokenUri: string, extra?: Record<string, unknown>): string;
}

export function makeServiceAccount(
  dir: string,
  clientEmail = 'booking@test-project.iam.gserviceaccount.com',
): TestServiceAccount {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return {
    clientEmail,
    privateKeyPem,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    writeKeyFile(tokenUri, extra = {}) {
      const path = join(dir, `${clientEmail.split('@')[0]}.json`);
      writeFileSync(
        path,
        JSON.stringify({
          type: 'service_account',
          project_id: 'test-project',
          private_key_id: 'k1',
          private_key: privateKeyPem,
          client_email: clientEmail,
          client_id: '1',
          token_uri: tokenUri,
          ...extra,
        }),
      );
      return path;
    },
  };
}

/** A Calendar simulator that knows one freshly generated service account, and our client on it. */
export interface CalendarRig {
  sim: GoogleCalendarSim;
  account: TestServiceAccount;
  keyFile: string;
  client: CalendarClient;
  dir: string;
  close(): Promise<void>;
}

export const TEST_CALENDAR_ID = 'sales@group.calendar.google.com';

export async function startCalendarRig(
  opts: { timeZone?: string; listPageCap?: number } = {},
): Promise<CalendarRig> {
  const dir = mkdtempSync(join(tmpdir(), 'gcal-'));
  const timeZone = opts.timeZone ?? 'Europe/Moscow';
  const account = makeServiceAccount(dir);
  const sim = await startGoogleCalendarSim({
    serviceAccounts: [
      { clientEmail: account.clientEmail, publicKey: account.publicKeyPem, privateKeyId: 'k1' },
    ],
    calendars: [{ id: TEST_CALENDAR_ID, summary: 'Консультации', timeZone }],
    ...(opts.listPageCap ? { listPageCap: opts.listPageCap } : {}),
  });
  const keyFile = account.writeKeyFile(sim.tokenUrl);
  const client = createCalendarClient({
    key: await loadServiceAccountKey(keyFile),
    calendarId: sim.calendarId,
    apiBase: sim.url,
    timeZone,
    timeoutMs: 5000,
  });
  return {
    sim,
    account,
    keyFile,
    client,
    dir,
    async close() {
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
