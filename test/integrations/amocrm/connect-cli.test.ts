import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AmoCrmSim, startAmoCrmSim } from '../../../sim/amocrm/index.js';
import { AMOCRM_TOKENS_KV_KEY } from '../../../src/integrations/amocrm/index.js';
import { openStore } from '../../../src/store/index.js';
import { openSqliteStore } from '../../../src/store/sqlite/index.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../../..');
const KEY = 'a'.repeat(64);

describe('npm run amocrm', () => {
  let sim: AmoCrmSim;
  let dir: string;

  beforeEach(async () => {
    sim = await startAmoCrmSim();
    dir = mkdtempSync(join(tmpdir(), 'amo-cli-'));
  });
  afterEach(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The script in a folder without a .env, with only the variables given. */
  const amocrm = (args: string[]) =>
    run(
      join(ROOT, 'node_modules/.bin/tsx'),
      ['--disable-warning=ExperimentalWarning', join(ROOT, 'scripts/amocrm.ts'), ...args],
      {
        cwd: dir,
        env: { PATH: process.env.PATH, DATA_DIR: dir, DATA_ENCRYPTION_KEY: KEY, ...sim.env },
        timeout: 30_000,
      },
    );

  it('when connect is given the redirect URL, then the pair is stored encrypted where the service reads it', async () => {
    const { code, referer } = sim.authorize();
    const redirect = `${sim.integrations[0]!.redirectUri}?code=${code}&referer=${referer}&state=x`;
    const { stdout } = await amocrm(['connect', redirect]);
    expect(stdout).toMatch(
      /amoCRM connected \(sqlite store\): token pair saved, access token valid until \d{4}-/,
    );
    expect(sim.grants().authorization_code).toBe(1);

    const path = join(dir, 'avito-responder.sqlite');
    const store = await openStore({ kind: 'sqlite', path, encryption: { key: KEY, previousKey: undefined } });
    const saved = await store.kv.get<{ accessToken: string }>(AMOCRM_TOKENS_KV_KEY);
    await store.close();
    expect(saved?.accessToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const raw = openSqliteStore({ path });
    expect(JSON.stringify(await raw.kv.get(AMOCRM_TOKENS_KV_KEY))).not.toContain(saved!.accessToken);
    await raw.close();

    const status = await amocrm(['status']);
    expect(status.stdout).toContain(
      'amoCRM: account Тестовый аккаунт (example), OAuth, access token valid until',
    );
  });

  it('when the code was already used, then it exits 1 with amoCRM’s reason and the stored pair stays', async () => {
    const { code } = sim.authorize();
    await amocrm(['connect', code]);
    const path = join(dir, 'avito-responder.sqlite');
    const read = async () => {
      const store = await openStore({
        kind: 'sqlite',
        path,
        encryption: { key: KEY, previousKey: undefined },
      });
      const value = await store.kv.get(AMOCRM_TOKENS_KV_KEY);
      await store.close();
      return value;
    };
    const before = await read();
    const failed = await amocrm(['connect', code]).catch((e: unknown) => e);
    expect(failed).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('Authorization code has been revoked'),
    });
    expect(await read()).toEqual(before);
  });

  it('when no code is given, then it prints the usage and exits 2', async () => {
    await expect(amocrm(['connect'])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('usage: npm run amocrm'),
    });
  });
});
