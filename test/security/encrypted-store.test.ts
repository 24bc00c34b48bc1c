import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataKeyError, isSealed, open, seal } from '../../src/security/cipher.js';
import { contactKeysOf } from '../../src/security/contact-keys.js';
import { encryptStore, KEY_CHECK_KV, protectStore } from '../../src/security/encrypted-store.js';
import { dataKey, decodeKey } from '../../src/security/keys.js';
import { openStore } from '../../src/store/index.js';
import { openMongoStore } from '../../src/store/mongo/index.js';
import type { Store } from '../../src/store/port.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { describeStoreContract } from '../store/contract.js';
import { base64Key, hexKey, PII, plaintextIn, ring, sqliteBytes, writePii } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'store-enc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const freshPath = () => join(dir, `s-${++n}.sqlite`);

const KEY = hexKey();
const keyring = ring(KEY);
const paths = new WeakMap<Store, string>();

describeStoreContract('sqlite + PII encryption', {
  async open() {
    const path = freshPath();
    const store = encryptStore(openSqliteStore({ path }), keyring);
    paths.set(store, path);
    return store;
  },
  async reopen(store) {
    const path = paths.get(store)!;
    await store.close();
    const again = encryptStore(openSqliteStore({ path }), keyring);
    paths.set(again, path);
    return again;
  },
});

const mongoUri = process.env.MONGODB_URI;
if (mongoUri) {
  describeStoreContract('mongo + PII encryption', {
    async open() {
      const url = new URL(mongoUri);
      url.pathname = `/contract-enc-${randomUUID().slice(0, 8)}`;
      const raw = await openMongoStore({ uri: url.toString() });
      const store = encryptStore(raw, keyring);
      return Object.assign(store, {
        async close() {
          await raw.connection.dropDatabase();
          await raw.close();
        },
      });
    },
  });
}

describe('sealed value format', () => {
  it('when a value is sealed, then it reads enc:v1:<sha256 key id>:<iv>:<tag>:<ciphertext> with a fresh IV each time', () => {
    const key = dataKey(KEY);
    const a = seal(key, PII.text, 'messages.text');
    const b = seal(key, PII.text, 'messages.text');
    const id = createHash('sha256').update(Buffer.from(KEY, 'hex')).digest('hex').slice(0, 8);
    expect(a).toMatch(new RegExp(`^enc:v1:${id}:[A-Za-z0-9+/]{16}:[A-Za-z0-9+/]{22}==:[A-Za-z0-9+/=]+$`));
    expect(a).not.toBe(b);
    expect(open(keyring, a, 'messages.text')).toBe(PII.text);
  });

  it('when a sealed value is moved to another field or altered, then it does not open', () => {
    const sealed = seal(dataKey(KEY), PII.name, 'chats.buyerName');
    expect(() => open(keyring, sealed, 'messages.text')).toThrow(DataKeyError);
    const parts = sealed.split(':');
    const body = Buffer.from(parts[5]!, 'base64');
    body[0] = body[0]! ^ 1;
    parts[5] = body.toString('base64');
    expect(() => open(keyring, parts.join(':'), 'chats.buyerName')).toThrow(/authentication failed/);
  });

  it('when keys are spelled as hex, base64 or base64url, then each decodes to 32 bytes; other lengths do not', () => {
    const b64 = base64Key();
    expect(decodeKey(b64)?.length).toBe(32);
    expect(decodeKey(b64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''))?.length).toBe(32);
    expect(decodeKey(hexKey())?.length).toBe(32);
    expect(decodeKey(Buffer.alloc(16).toString('base64'))).toBeUndefined();
    expect(decodeKey(Buffer.alloc(33).toString('base64'))).toBeUndefined();
    expect(decodeKey('not a key')).toBeUndefined();
  });
});

describe('PII at rest in the SQLite file', () => {
  it('when PII is written through the encrypted store, then the file holds none of it in plaintext and it reads back', async () => {
    const path = freshPath();
    const store = encryptStore(openSqliteStore({ path }), keyring);
    await writePii(store);
    const chat = await store.chats.get('u2i-pii');
    const [message] = await store.messages.lastN('u2i-pii', 5);
    const [draft] = await store.drafts.listForChat('u2i-pii');
    const [audit] = await store.audit.query({ action: 'draft.sent' });
    expect(chat?.buyerName).toBe(PII.name);
    expect(message).toMatchObject({ text: PII.text, content: { location: { title: PII.content } } });
    expect((await store.events.get('e-pii'))?.payload).toEqual({ value: { content: { text: PII.payload } } });
    expect(draft).toMatchObject({ text: PII.draft, originalText: PII.original });
    expect(audit).toMatchObject({ before: PII.audit, after: PII.draft });
    expect(await store.kv.get('kv-pii')).toEqual({ token: PII.kv });
    const [lead] = await store.leads.findOpenByContact({ phone: PII.leadPhone });
    expect(lead).toMatchObject({
      contact: { name: PII.leadName, phone: PII.leadPhone, email: PII.leadEmail },
      brief: { address: { value: PII.brief, quote: PII.brief } },
    });
    expect((await store.leads.findOpenByContact({ email: PII.leadEmail })).map((l) => l.id)).toEqual([
      lead!.id,
    ]);
    const [lost] = (await store.leads.listByStage(['lost'])).leads;
    expect(lost?.lostReason).toBe(PII.lost);
    await store.close();

    const bytes = sqliteBytes(path);
    expect(plaintextIn(bytes)).toEqual([]);
    // Lookup keys are keyed digests: neither the phone's digits nor their keyless digest is in the file.
    expect(bytes.includes(Buffer.from(PII.leadPhone.slice(2)))).toBe(false);
    const keyless = contactKeysOf({ phone: PII.leadPhone, email: PII.leadEmail }, [undefined]);
    for (const k of keyless) expect(bytes.includes(Buffer.from(k.split(':')[1]!))).toBe(false);
    const keyed = contactKeysOf({ phone: PII.leadPhone }, [dataKey(KEY)]);
    expect(bytes.includes(Buffer.from(keyed[0]!))).toBe(true);
  });

  it('when the same PII is written without encryption, then the file check does find it (the check can fail)', async () => {
    const path = freshPath();
    const store = openSqliteStore({ path });
    await writePii(store);
    await store.close();
    expect(plaintextIn(sqliteBytes(path))).toEqual(Object.values(PII));
  });

  it('when rows were written before encryption was turned on, then they read as they are next to sealed ones', async () => {
    const path = freshPath();
    const plain = openSqliteStore({ path });
    await writePii(plain, '-old');
    await plain.close();
    const store = encryptStore(openSqliteStore({ path }), keyring);
    await writePii(store, '-new');
    expect((await store.chats.get('u2i-pii-old'))?.buyerName).toBe(PII.name);
    expect((await store.chats.get('u2i-pii-new'))?.buyerName).toBe(PII.name);
    expect((await store.messages.get('m-pii-old'))?.content).toEqual({ location: { title: PII.content } });
    expect(await store.kv.get('kv-pii-old')).toEqual({ token: PII.kv });
    await store.close();
  });
});

describe('keys', () => {
  it('when the store is opened with a different key, then opening fails naming the key it needs', async () => {
    const path = freshPath();
    const first = await protectStore(openSqliteStore({ path }), ring(KEY));
    await writePii(first);
    await first.close();

    const other = openSqliteStore({ path });
    const error = await protectStore(other, ring(hexKey())).catch((e: unknown) => e);
    await other.close();
    expect(error).toBeInstanceOf(DataKeyError);
    expect((error as Error).message).toContain(`encrypted with key ${dataKey(KEY).id}`);
    expect((error as Error).message).toContain('DATA_ENCRYPTION_KEY');
    expect((error as Error).message).not.toContain(KEY);

    // The same when reads hit a sealed row directly (no start-up check).
    const direct = encryptStore(openSqliteStore({ path }), ring(hexKey()));
    await expect(direct.chats.get('u2i-pii')).rejects.toThrow(DataKeyError);
    await direct.close();
  });

  it('when encryption is turned off but the store holds sealed data, then opening fails instead of serving ciphertext', async () => {
    const path = freshPath();
    const storage = { kind: 'sqlite' as const, path };
    const first = await openStore({ ...storage, encryption: { key: KEY, previousKey: undefined } });
    await writePii(first);
    await first.close();
    await expect(openStore(storage)).rejects.toThrow(/configured keys are none/);
  });

  it('when the key changes and the old one is kept as previous, then old values read and new ones use the new key', async () => {
    const path = freshPath();
    const oldKey = base64Key();
    const newKey = hexKey();
    const first = await protectStore(openSqliteStore({ path }), ring(oldKey));
    await writePii(first, '-1');
    await first.close();

    const raw = openSqliteStore({ path });
    const store = await protectStore(raw, ring(newKey, oldKey));
    await writePii(store, '-2');
    expect((await store.chats.get('u2i-pii-1'))?.buyerName).toBe(PII.name);
    expect((await store.messages.get('m-pii-1'))?.text).toBe(PII.text);
    const stored = (await raw.chats.get('u2i-pii-2'))?.buyerName;
    expect(isSealed(stored)).toBe(true);
    expect(stored).toContain(`:${dataKey(newKey).id}:`);
    expect(await raw.kv.get(KEY_CHECK_KV)).toContain(`:${dataKey(oldKey).id}:`);
    await store.close();
  });
});
