import { describe, expect, it } from 'vitest';
import { canLimitFileSize } from '../support/file-size-limit.js';
import { ioError } from './scenarios.js';

describe('fault suite: the disk fails every write (service as a child process)', () => {
  it.skipIf(!canLimitFileSize)(
    'when every commit fails with an I/O error, then webhooks get 503, /health answers, the owner is told once, and after the disk recovers every buyer message is answered exactly once',
    async () => {
      const result = await ioError({ chats: 6, outageMs: 6000 });
      expect(result.problems).toEqual([]);
      expect(result.figures.refused503).toBeGreaterThan(0);
      expect(result.figures.ownerStorageAlerts).toBe(1);
    },
    150_000,
  );
});
