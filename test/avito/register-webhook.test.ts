import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AvitoSim, startAvitoSim } from '../../sim/avito/index.js';
import { startTestService, type TestService } from '../support/service.js';

const run = promisify(execFile);

describe('npm run webhook (register / status / unregister against the Avito simulator)', () => {
  let sim: AvitoSim;
  let svc: TestService;

  beforeEach(async () => {
    sim = await startAvitoSim();
    svc = await startTestService(sim.env);
  });
  afterEach(async () => {
    await svc.dispose();
    await sim.close();
  });

  const script = (command: string, env: Record<string, string> = {}) =>
    run(
      process.execPath,
      ['--import', 'tsx', '--disable-warning=ExperimentalWarning', 'scripts/register-webhook.ts', command],
      {
        env: { PATH: process.env.PATH, ...sim.env, DATA_DIR: svc.dataDir, PUBLIC_URL: svc.http.url, ...env },
      },
    );

  it('when register, status and unregister run, then Avito holds exactly our URL and the output masks the secret', async () => {
    const secret = (await svc.store.kv.get<string>('avito:webhook-secret'))!;
    const registered = await script('register');
    expect(registered.stdout).toContain('registered: ');
    expect(registered.stdout).toContain('← this service');
    expect(registered.stdout).not.toContain(secret);
    expect(sim.subscriptions()).toEqual([`${svc.http.url}/avito/webhook/${secret}`]);
    expect(sim.subscriptionChecks.map((c) => c.status)).toEqual([200]);

    expect((await script('status')).stdout).toContain('status: subscribed');
    await script('unregister');
    expect(sim.subscriptions()).toEqual([]);
    expect((await script('status')).stdout).toContain('status: not subscribed');
  });

  it('when a command is unknown or PUBLIC_URL is missing, then it exits 2 with a clear message', async () => {
    await expect(script('frobnicate')).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('usage:'),
    });
    await expect(script('register', { PUBLIC_URL: '' })).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('PUBLIC_URL is required'),
    });
  });
});
