import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isSealedBytes } from '../../src/security/cipher.js';
import { protectStore } from '../../src/security/encrypted-store.js';
import { openStore } from '../../src/store/index.js';
import { LEGACY_KV_PREFIXES } from '../../src/store/legacy-kv.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { hexKey, ring } from '../security/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'legacy-kv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PDF = '%PDF-1.7\n(Счёт для Лидии Контактовой, +79165550123)\n%%EOF';

describe('openStore and the integrations’ records of earlier versions', () => {
  it('when an encrypted installation kept them in kv, then opening moves them (sealed values opened, the PDF sealed as bytes) and opening again changes nothing', async () => {
    const path = join(dir, 'sealed.sqlite');
    const key = hexKey();
    const before = await protectStore(openSqliteStore({ path }), ring(key));
    await before.kv.set('document-pdf:offer:КП-2026-0007', Buffer.from(PDF).toString('base64'));
    await before.kv.set('amocrm:deal:lead-7', {
      dealId: 7007,
      contactId: null,
      tags: ['avito-lead'],
      status: { stage: 'offer_sent', statusId: 143, confirmed: true },
    });
    await before.kv.set('amocrm:lead-of:7007', 'lead-7');
    await before.close();

    const storage = { kind: 'sqlite' as const, path, encryption: { key, previousKey: undefined } };
    const store = await openStore(storage);
    const file = await store.salesDocuments.getFile('offer', 'КП-2026-0007');
    expect(Buffer.from(file!.pdf).toString('utf8')).toBe(PDF);
    expect(await store.crmDeals.leadOf(7007)).toBe('lead-7');
    await store.close();

    const raw = openSqliteStore({ path });
    for (const prefix of LEGACY_KV_PREFIXES) expect(await raw.kv.keys(prefix)).toEqual([]);
    expect(isSealedBytes((await raw.salesDocuments.getFile('offer', 'КП-2026-0007'))?.pdf)).toBe(true);
    const deal = await raw.crmDeals.get('lead-7');
    await raw.close();

    const again = await openStore(storage);
    expect(await again.crmDeals.get('lead-7')).toEqual(deal);
    expect(Buffer.from((await again.salesDocuments.getFile('offer', 'КП-2026-0007'))!.pdf).toString()).toBe(
      PDF,
    );
    await again.close();
  });
});
