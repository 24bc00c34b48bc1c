import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startGeminiSim } from '../../sim/gemini/index.js';
import { readFindings } from '../../src/rag/findings.js';
import type { AnswerInput, Knowledge } from '../../src/rag/index.js';
import type { Store } from '../../src/store/port.js';
import { makeTextPdf } from '../fixtures/docs/pdf.js';
import { FALLBACK, localKnowledge, makeDocx, simKnowledge, tempStore, utf8 } from './helpers.js';

let store: Store;
let dir: string;
let cleanup: () => Promise<void>;
let knowledge: Knowledge;

beforeEach(async () => {
  ({ store, dir, cleanup } = await tempStore());
  knowledge = localKnowledge(store);
});

afterEach(async () => {
  await cleanup();
});

const ask = (question: string, itemId: string | null = null): AnswerInput => ({
  questions: [question],
  history: [],
  listing: itemId ? { itemId, title: '', price: null, url: null } : null,
});

async function seed() {
  await knowledge.ingest({
    origin: 'upload',
    fileName: 'Доставка и оплата.txt',
    bytes: utf8(
      'Доставка по Москве курьером стоит 500 ₽, срок 1–2 дня.\n\nОплата наличными или картой при получении.',
    ),
  });
  await knowledge.ingest({
    origin: 'upload',
    fileName: 'chair.txt',
    title: 'Кресло',
    bytes: utf8('Гарантия на кресло 12 месяцев. Доставка кресла бесплатная.'),
    scope: 'item',
    itemId: '111',
  });
  await knowledge.ingest({
    origin: 'upload',
    fileName: 'table.txt',
    title: 'Стол',
    bytes: utf8('Стол письменный, дуб. Гарантия на стол 24 месяца.'),
    scope: 'item',
    itemId: '222',
  });
}

describe('local index answers (no Gemini key)', () => {
  it('when the listing has a matching document, then its answering sentence is the reply and the source is named apart (strategy local)', async () => {
    await seed();
    const decision = await knowledge.answer(ask('Какая гарантия на кресло?', '111'));
    expect(decision).toMatchObject({
      kind: 'answer',
      strategy: 'local',
      grounded: true,
      text: 'Здравствуйте! Гарантия на кресло 12 месяцев.',
    });
    expect(decision.kind === 'answer' && decision.sources.map((s) => [s.title, s.itemId])).toEqual([
      ['Кресло', '111'],
    ]);
  });

  it('when a question shares no word with the passage that answers it, then the passage is still checked and quoted', async () => {
    await knowledge.ingest({
      origin: 'upload',
      fileName: 'Самовывоз.txt',
      bytes: utf8('Самовывоз: ул. Мира, 5, с 10 до 21 без выходных.'),
    });
    await knowledge.ingest({
      origin: 'upload',
      fileName: 'Оплата.txt',
      bytes: utf8('Оплата наличными или картой.'),
    });
    const decision = await knowledge.answer(ask('До скольки работаете?'));
    expect(decision).toMatchObject({
      kind: 'answer',
      strategy: 'local',
      text: 'Здравствуйте! Самовывоз: ул. Мира, 5, с 10 до 21 без выходных.',
    });
    expect(decision.kind === 'answer' && decision.sources.map((s) => s.title)).toEqual(['Самовывоз']);
  });

  it("when only another listing's document matches, then it is not used; general documents are", async () => {
    await seed();
    const other = await knowledge.answer(ask('Гарантия на стол письменный?', '111'));
    expect(other.kind === 'answer' ? other.sources.every((s) => s.itemId !== '222') : true).toBe(true);
    const general = await knowledge.answer(ask('Сколько стоит доставка по Москве?', '333'));
    expect(general).toMatchObject({ kind: 'answer', strategy: 'local' });
    expect(general.kind === 'answer' && general.text).toContain('500 ₽');
  });

  it('when the question is unrelated, then the minimum score leaves nothing and the fallback is used', async () => {
    await seed();
    expect(await knowledge.answer(ask('Какая погода на Марсе?'))).toEqual({
      kind: 'fallback',
      text: FALLBACK,
      reason: 'nothing_found',
      sources: [],
      strategy: 'none',
    });
  });

  it('when a document is removed or replaced, then the index follows without a restart', async () => {
    await seed();
    expect((await knowledge.answer(ask('Можно картой?'))).kind).toBe('answer');
    await knowledge.ingest({
      origin: 'upload',
      fileName: 'Доставка и оплата.txt',
      bytes: utf8('Самовывоз со склада бесплатно.'),
    });
    expect((await knowledge.answer(ask('Можно картой?'))).kind).toBe('fallback');
    expect((await knowledge.answer(ask('Самовывоз со склада?'))).kind).toBe('answer');
  });

  it('when Gemini is not configured, then status is disabled', () => {
    expect(knowledge.status()).toEqual({ state: 'disabled' });
  });

  it('property: when the decision is a fallback, then its text is exactly the configured fallback text', async () => {
    await seed();
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 60 }),
        fc.constantFrom(null, '111', '222'),
        async (q, item) => {
          const decision = await knowledge.answer(ask(q, item));
          if (decision.kind === 'fallback') {
            expect(decision.text).toBe(FALLBACK);
            if (decision.reason === 'nothing_found') expect(decision.sources).toEqual([]);
          }
          // The reply is the documents' own sentences: only a question left open can keep it unconfirmed.
          if (decision.kind === 'answer') {
            const findings = readFindings(decision.findings);
            expect([...findings.facts, ...findings.unsupported]).toEqual([]);
            expect(decision.grounded).toBe(findings.unanswered.length === 0);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('documents folder sync', () => {
  it('when files are added, changed and deleted, then the summary and the store follow (with File Search)', async () => {
    const sim = await startGeminiSim({ operationPolls: 0 });
    try {
      const k = simKnowledge(sim, store);
      const docs = join(dir, 'docs');
      await mkdir(join(docs, 'sub'), { recursive: true });
      await writeFile(join(docs, 'faq.md'), '# FAQ\n\nГарантия 12 месяцев.');
      await writeFile(join(docs, 'sub', 'price.pdf'), makeTextPdf(['Прайс: кресло 1 500 ₽']));
      await writeFile(join(docs, 'item_111__chair.docx'), makeDocx(['Кресло серое']));
      await writeFile(join(docs, 'photo.jpg'), new Uint8Array([0xff, 0xd8, 0xff, 0xe0]));
      await writeFile(join(docs, '.DS_Store'), 'x');
      const first = await k.syncFolder(docs);
      expect(first).toMatchObject({
        added: ['faq.md', 'item_111__chair.docx', 'sub/price.pdf'],
        updated: [],
        unchanged: [],
        removed: [],
        failed: [{ file: 'photo.jpg', reason: 'unsupported' }],
      });
      const chair = await store.documents.findBySource('folder', 'item_111__chair.docx');
      expect(chair).toMatchObject({ scope: 'item', itemId: '111', state: 'ready' });
      expect(sim.documents()).toHaveLength(3);

      await writeFile(join(docs, 'faq.md'), '# FAQ\n\nГарантия 24 месяца.');
      await rm(join(docs, 'sub', 'price.pdf'));
      const second = await k.syncFolder(docs);
      expect(second).toMatchObject({
        added: [],
        updated: ['faq.md'],
        unchanged: ['item_111__chair.docx'],
        removed: ['sub/price.pdf'],
      });
      expect(sim.documents()).toHaveLength(2);
      expect((await store.documents.list({ origin: 'folder' })).map((d) => d.sourceKey).sort()).toEqual([
        'faq.md',
        'item_111__chair.docx',
      ]);
    } finally {
      await sim.close();
    }
  });

  it('when the folder is missing, then nothing is removed and the summary says why', async () => {
    const docs = join(dir, 'docs');
    await mkdir(docs);
    await writeFile(join(docs, 'a.txt'), 'Текст');
    await knowledge.syncFolder(docs);
    await rm(docs, { recursive: true });
    const summary = await knowledge.syncFolder(docs);
    expect(summary.failed).toMatchObject([{ reason: 'missing_folder' }]);
    expect(await store.documents.list()).toHaveLength(1);
  });
});
