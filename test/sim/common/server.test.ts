import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../../sim/common/server.js';

describe('freePort', () => {
  it('when ports are asked for, then each is below the ephemeral range (no client socket can take it) and can be listened on', async () => {
    const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(20_000);
      expect(port).toBeLessThan(32_768);
    }
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(ports[0], '127.0.0.1', () => resolve());
    });
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});
