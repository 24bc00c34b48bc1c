import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { lines, destination };
}

describe('logger', () => {
  it('when secrets appear in fields, messages, errors, bindings and URLs, then none reaches the output', () => {
    const { lines, destination } = capture();
    const secrets = ['avito-client-secret-1', 'gemini-key-abcdef'];
    const log = createLogger({ level: 'info', secrets, destination });
    const token = '123456789:AAHfiqksKZ8WmR2zSjiQ7_v4TMAKdiHm9T0';
    log.child({ url: 'https://x/?key=gemini-key-abcdef' }).info(
      {
        clientSecret: 'anything',
        nested: { access_token: 'tok', note: 'has avito-client-secret-1 inside' },
      },
      `downloading https://api.telegram.org/file/bot${token}/documents/file_1.pdf`,
    );
    log.error({ err: new Error('failed with Bearer abcdefghijklmnop and gemini-key-abcdef') }, 'call failed');
    const out = lines.join('\n');
    for (const leaked of [...secrets, token, 'abcdefghijklmnop', '"tok"', 'anything'])
      expect(out).not.toContain(leaked);
    expect(out).toContain('[redacted]');
    expect(out).toContain('documents/file_1.pdf');
  });

  it('when a level is configured, then lower levels are dropped', () => {
    const { lines, destination } = capture();
    const log = createLogger({ level: 'warn', destination });
    log.info('quiet');
    log.warn('loud');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ level: 40, msg: 'loud' });
  });
});
