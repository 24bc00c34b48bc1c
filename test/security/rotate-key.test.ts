import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DataKeyError,
  isSealed,
  isSealedBytes,
  sealedBytesKeyId,
  sealedKeyId,
} from '../../src/security/cipher.js';
import { encryptStore, protectStore } from '../../src/security/encrypted-store.js';
import { dataKey } from '../../src/security/keys.js';
import { rotateProtected } from '../../src/security/rotate.js';
import { PROTECTED_FIELDS, type ProtectedField, type Store } from '../../src/store/port.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { base64Key, hexKey, PII, plaintextIn, ring, sqliteBytes, writePii } from './helpers.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'rotate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

/** What each stored protected value is: a key id, or `plain`. Read raw, without decrypting. */
async function rawState(store: Store): Promise<Map<ProtectedField, Set<string>>> {
  const seen = new Map<ProtectedField, Set<string>>();
  await store.maintenance.rewriteProtected((field, value) => {
    const state = isSealed(value)
      ? (sealedKeyId(value) ?? 'bad')
      : isSealedBytes(value)
        ? sealedBytesKeyId(value)
        : 'plain';
    seen.set(field, (seen.get(field) ?? new Set()).add(state));
    return undefined;
  });
  return seen;
}

const only = (states: Map<ProtectedField, Set<string>>) =>
  new Set([...states.values()].flatMap((s) => [...s]));

describe('rotateProtected (SQLite)', () => {
  it('when values are under the old key and in plaintext, then one run moves all of them to the new key and a second run has nothing to do', async () => {
    const path = join(dir, `r-${++n}.sqlite`);
    const oldKey = base64Key();
    const newKey = hexKey();
    const plain = openSqliteStore({ path });
    await writePii(plain, '-plain');
    await plain.close();
    const old = await protectStore(openSqliteStore({ path }), ring(oldKey));
    await writePii(old, '-old');
    await old.close();

    const raw = openSqliteStore({ path });
    expect(only(await rawState(raw))).toEqual(new Set(['plain', dataKey(oldKey).id]));
    const progress: Array<[number, number]> = [];
    const report = await rotateProtected(raw, ring(newKey, oldKey), (done, total) =>
      progress.push([done, total]),
    );
    expect(report.target).toBe(`key ${dataKey(newKey).id}`);
    expect(report.rewritten).toBe(report.visited);
    expect(report.skipped).toBe(0);
    expect(report.compacted).toBe(true);
    expect(progress.at(-1)).toEqual([report.visited, report.visited]);
    const states = await rawState(raw);
    expect(only(states)).toEqual(new Set([dataKey(newKey).id]));
    expect([...states.keys()].sort()).toEqual([...PROTECTED_FIELDS].sort());

    const again = await rotateProtected(raw, ring(newKey, oldKey));
    expect(again.rewritten).toBe(0);
    await raw.close();

    // The old key is no longer needed.
    const fresh = encryptStore(openSqliteStore({ path }), ring(newKey));
    expect((await fresh.chats.get('u2i-pii-old'))?.buyerName).toBe(PII.name);
    expect((await fresh.messages.get('m-pii-plain'))?.content).toEqual({ location: { title: PII.content } });
    expect(await fresh.kv.get('kv-pii-plain')).toEqual({ token: PII.kv });
    const pdf = await fresh.salesDocuments.getFile('invoice', 'СЧ-pii-old');
    expect(Buffer.from(pdf!.pdf).toString('utf8')).toContain(PII.pdf);
    // The buyer is still found by phone and e-mail under the new key alone (plaintext and old-key leads).
    const byPhone = await fresh.leads.findOpenByContact({ phone: PII.leadPhone });
    expect(byPhone.map((l) => l.conversationId).sort()).toEqual(['u2i-pii-old', 'u2i-pii-plain']);
    expect(byPhone[0]?.contact).toEqual({ name: PII.leadName, phone: PII.leadPhone, email: PII.leadEmail });
    expect(await fresh.leads.findOpenByContact({ email: PII.leadEmail })).toHaveLength(2);
    await fresh.close();
    expect(plaintextIn(sqliteBytes(path))).toEqual([]);
  });

  it('when only the previous key is given, then everything is decrypted back to plaintext', async () => {
    const path = join(dir, `r-${++n}.sqlite`);
    const key = hexKey();
    const store = await protectStore(openSqliteStore({ path }), ring(key));
    await writePii(store);
    await store.close();

    const raw = openSqliteStore({ path });
    const report = await rotateProtected(raw, ring(undefined, key));
    expect(report.target).toBe('plaintext');
    expect(only(await rawState(raw))).toEqual(new Set(['plain']));
    expect((await raw.messages.get('m-pii'))?.content).toEqual({ location: { title: PII.content } });
    expect(await raw.kv.get('kv-pii')).toEqual({ token: PII.kv });
    const pdf = await raw.salesDocuments.getFile('invoice', 'СЧ-pii');
    expect(Buffer.from(pdf!.pdf).toString('utf8')).toContain(PII.pdf);
    await raw.close();
  });

  it('when a value is sealed with a key that is not configured, then the run stops with DataKeyError', async () => {
    const path = join(dir, `r-${++n}.sqlite`);
    const store = encryptStore(openSqliteStore({ path }), ring(hexKey()));
    await writePii(store);
    await store.close();
    const raw = openSqliteStore({ path });
    await expect(rotateProtected(raw, ring(hexKey()))).rejects.toThrow(DataKeyError);
    await raw.close();
  });

  it('when a value is written while the rewrite runs, then the newer value wins', async () => {
    const path = join(dir, `r-${++n}.sqlite`);
    const raw = openSqliteStore({ path });
    await raw.kv.set('race', 'old');
    let written: Promise<void> | undefined;
    const report = await raw.maintenance.rewriteProtected((field, value) => {
      if (field !== 'kv.value') return undefined;
      // The application writes meanwhile: it commits after the rewrite's batch and must not be undone by it.
      written = raw.kv.set('race', 'newer');
      return `${String(value)} (rewritten)`;
    });
    await written;
    expect(report).toMatchObject({ visited: 1 });
    expect(await raw.kv.get('race')).toBe('newer');
    await raw.close();
  });
});

describe('npm run rotate-key', () => {
  const script = (env: Record<string, string>) =>
    run(
      process.execPath,
      ['--import', 'tsx', '--disable-warning=ExperimentalWarning', 'scripts/rotate-key.ts'],
      { env: { PATH: process.env.PATH, ...env } },
    );

  it('when run with a new key and the old one as previous, then it reports the summary and the data is under the new key', async () => {
    const dataDir = mkdtempSync(join(dir, 'cli-'));
    const path = join(dataDir, 'avito-responder.sqlite');
    const oldKey = hexKey();
    const newKey = base64Key();
    const store = await protectStore(openSqliteStore({ path }), ring(oldKey));
    await writePii(store);
    await store.close();

    const out = await script({
      DATA_DIR: dataDir,
      DATA_ENCRYPTION_KEY: newKey,
      DATA_ENCRYPTION_KEY_PREVIOUS: oldKey,
    });
    expect(out.stdout).toMatch(
      new RegExp(`now key ${dataKey(newKey).id}; \\d+ values visited, \\d+ rewritten, 0 already done`),
    );
    expect(out.stdout).toContain('remove DATA_ENCRYPTION_KEY_PREVIOUS');
    expect(out.stdout + out.stderr).not.toContain(newKey);
    const raw = openSqliteStore({ path });
    expect(only(await rawState(raw))).toEqual(new Set([dataKey(newKey).id]));
    await raw.close();

    // A wrong key: exit 1 with the key id it needs, and no key material.
    const wrong = hexKey();
    const failed = await script({ DATA_DIR: dataDir, DATA_ENCRYPTION_KEY: wrong }).catch((e: unknown) => e);
    expect(failed).toMatchObject({
      code: 1,
      stderr: expect.stringContaining(`encrypted with key ${dataKey(newKey).id}`),
    });
    expect(String((failed as { stderr: string }).stderr)).not.toContain(wrong);
  });

  it('when no key is configured, then it exits 2 saying what to set', async () => {
    await expect(script({ DATA_DIR: mkdtempSync(join(dir, 'cli-')) })).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('set DATA_ENCRYPTION_KEY'),
    });
  });
});
