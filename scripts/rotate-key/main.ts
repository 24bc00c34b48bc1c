/**
 * `npm run rotate-key` — re-encrypts every stored PII value with DATA_ENCRYPTION_KEY, reading values
 * sealed with it or with DATA_ENCRYPTION_KEY_PREVIOUS; plaintext values (from before encryption) get sealed.
 * With only DATA_ENCRYPTION_KEY_PREVIOUS set it decrypts everything (turning encryption off).
 *
 * Rotation: 1) set DATA_ENCRYPTION_KEY=<new>, DATA_ENCRYPTION_KEY_PREVIOUS=<old> and restart the service
 * (it writes with the new key, reads both); 2) run this (the service may keep running: each value is
 * replaced compare-and-set); 3) remove DATA_ENCRYPTION_KEY_PREVIOUS and restart. Safe to run again.
 */
import { ConfigError, loadConfig, loadDotEnv } from '../../src/config.js';
import { DataKeyError } from '../../src/security/cipher.js';
import { keyringOf } from '../../src/security/keys.js';
import { rotateProtected } from '../../src/security/rotate.js';
import { openStore } from '../../src/store/index.js';

async function main(): Promise<number> {
  loadDotEnv();
  const config = loadConfig();
  const encryption = config.storage.encryption;
  if (!encryption) {
    console.error(
      'Nothing to do: set DATA_ENCRYPTION_KEY (and DATA_ENCRYPTION_KEY_PREVIOUS to the old key when rotating).',
    );
    return 2;
  }
  const keyring = keyringOf(encryption);
  const store = await openStore(config.storage);
  const tty = process.stderr.isTTY;
  let shown = -1;
  try {
    const started = Date.now();
    const report = await rotateProtected(store, keyring, (done, total) => {
      const percent = total > 0 ? Math.min(100, Math.floor((done / total) * 100)) : 100;
      // One line, rewritten in place; piped output gets no progress, only the summary.
      if (!tty || percent === shown) return;
      shown = percent;
      process.stderr.write(`\rrotate-key: ${done}/${total} values (${percent}%)`);
    });
    if (tty && shown >= 0) process.stderr.write('\n');
    const current = report.visited - report.rewritten - report.skipped;
    console.log(
      `rotate-key (${config.storage.kind}): now ${report.target}; ${report.visited} values visited, ` +
        `${report.rewritten} rewritten, ${current} already done, ${report.skipped} changed meanwhile ` +
        `(${Date.now() - started} ms)`,
    );
    if (report.rewritten > 0 && !report.compacted) {
      console.log(
        config.storage.kind === 'sqlite'
          ? 'Old copies could not be purged from the SQLite file (busy): run it again with the service stopped.'
          : 'MongoDB keeps old copies in free space until reused: see docs/reports/security-audit.md.',
      );
    }
    if (report.skipped > 0) console.log('Some values changed during the run: run it once more.');
    else if (keyring.previous)
      console.log('Done: remove DATA_ENCRYPTION_KEY_PREVIOUS from the environment and restart the service.');
    return 0;
  } finally {
    await store.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ConfigError || err instanceof DataKeyError) console.error(err.message);
    else console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
