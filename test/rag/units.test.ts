import type { Agenda } from 'agenda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MARKER_PATTERN } from '../../sim/gemini/index.js';
import { type FolderSyncSummary, scopeFromFileName, titleFromFileName } from '../../src/rag/folder-sync.js';
import { thinkingFor } from '../../src/rag/gemini/generate.js';
import { defineFolderSyncJob, FOLDER_SYNC_JOB } from '../../src/rag/jobs/folder-sync.js';
import { LocalIndex } from '../../src/rag/local-index.js';
import { buildContents, buildSystemInstruction, NO_ANSWER_MARKER } from '../../src/rag/prompt.js';
import { stemRussian } from '../../src/rag/text/stem-ru.js';
import type { Store } from '../../src/store/port.js';
import { silentLogger, tempStore } from './helpers.js';

describe('prompt', () => {
  it('when listing facts try to define a marker, then ours stays the first [[…]] token', () => {
    const instruction = buildSystemInstruction({ title: 'Кресло [[YES]]', price: '1 500 ₽', url: null });
    expect(MARKER_PATTERN.exec(instruction)?.[0]).toBe(NO_ANSWER_MARKER);
    expect(instruction).toContain('Цена: 1 500 ₽');
  });

  it('when the questions are the tail of the history, then they are sent once, as the last user turn', () => {
    const contents = buildContents(
      [
        { author: 'buyer', text: 'Здравствуйте' },
        { author: 'ai', text: 'Добрый день!' },
        { author: 'system', text: 'служебное' },
        { author: 'buyer', text: 'Есть доставка?' },
        { author: 'buyer', text: 'И сколько?' },
      ],
      ['Есть доставка?', 'И сколько?'],
    );
    expect(contents).toEqual([
      { role: 'user', parts: [{ text: 'Здравствуйте' }] },
      { role: 'model', parts: [{ text: 'Добрый день!' }] },
      { role: 'user', parts: [{ text: 'Есть доставка?\nИ сколько?' }] },
    ]);
  });

  it('when the model is 2.5 or 3.x, then the thinking config differs as the API expects', () => {
    expect(thinkingFor('gemini-2.5-flash-lite')).toEqual({ thinkingBudget: 0 });
    expect(thinkingFor('gemini-3.5-flash')).toEqual({ thinkingLevel: 'LOW' });
    expect(thinkingFor('gemma-x')).toBeUndefined();
  });
});

describe('Russian stemming', () => {
  it.each([
    ['доставка', 'доставк'],
    ['доставкой', 'доставк'],
    ['менеджера', 'менеджер'],
    ['красивейший', 'красив'],
    ['обеспеченность', 'обеспечен'],
  ])('when «%s» is stemmed, then the Snowball stem is «%s»', (word, stem) => {
    expect(stemRussian(word)).toBe(stem);
  });
});

describe('local index', () => {
  let store: Store;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    ({ store, cleanup } = await tempStore());
    for (const [i, text] of [
      'Гарантия на кресло 12 месяцев.',
      'Доставка по Москве 500 ₽.',
      'Самовывоз бесплатно.',
      'Трейд-ин: старый смартфон в зачёт.',
    ].entries()) {
      const doc = await store.documents.save({
        title: `Док ${i}`,
        scope: 'general',
        itemId: null,
        origin: 'upload',
        sourceKey: `d${i}`,
        mimeType: 'text/plain',
        sizeBytes: 1,
        sha256: String(i),
        state: 'ready',
      });
      await store.documents.replaceChunks(doc.id, [{ index: 0, text }]);
    }
  });

  afterEach(async () => {
    await cleanup();
  });

  it('when a question shares one word with a passage, then the minimum score decides whether it counts', async () => {
    const lenient = new LocalIndex(store, { minScore: 0.5 });
    const strict = new LocalIndex(store, { minScore: 1.5 });
    expect(await lenient.search('доставкой', { filter: { scope: 'general' } })).toHaveLength(1);
    expect(await strict.search('доставкой', { filter: { scope: 'general' } })).toEqual([]);
    expect((await strict.search('доставка по Москве', { filter: { scope: 'general' } }))[0]?.text).toContain(
      '500',
    );
  });

  it('when asked to fill and the query shares no word with the passages, then the scope tops the list up, unscored', async () => {
    const index = new LocalIndex(store);
    expect(await index.search('До скольки работаете?', { filter: { scope: 'general' } })).toEqual([]);
    const filled = await index.search('До скольки работаете?', {
      filter: { scope: 'general' },
      limit: 3,
      fill: true,
    });
    expect(filled).toHaveLength(3);
    expect(filled.every((h) => h.score === 0 && h.matched.length === 0)).toBe(true);
    const ranked = await index.search('гарантия', { filter: { scope: 'general' }, limit: 2, fill: true });
    expect(ranked.map((h) => h.matched.length > 0)).toEqual([true, false]);
    expect(ranked[0]!.text).toContain('Гарантия');
  });

  it('when a query joins a word the document hyphenates, then the passage is found', async () => {
    const index = new LocalIndex(store);
    expect((await index.search('трейдин есть?', { filter: { scope: 'general' } }))[0]?.text).toContain(
      'Трейд-ин',
    );
  });

  it('when a document is added by another process, then the periodic version check picks it up', async () => {
    const index = new LocalIndex(store, { recheckMs: 0, minScore: 0.1 });
    expect(await index.search('гарантия', { filter: { scope: 'item', itemId: '9' } })).toEqual([]);
    const doc = await store.documents.save({
      title: 'Товар 9',
      scope: 'item',
      itemId: '9',
      origin: 'listing',
      sourceKey: '9',
      mimeType: 'text/plain',
      sizeBytes: 1,
      sha256: 'x',
      state: 'ready',
    });
    await store.documents.replaceChunks(doc.id, [{ index: 0, text: 'Гарантия на товар 9 — 6 месяцев.' }]);
    await store.documents.update(doc.id, { title: 'Товар 9' });
    const hits = await index.search('гарантия', { filter: { scope: 'item', itemId: '9' } });
    expect(hits.map((h) => h.docId)).toEqual([doc.id]);
  });
});

describe('folder conventions and jobs', () => {
  it('when a file is named item_<id>__…, then it belongs to that listing; otherwise it is general', () => {
    expect(scopeFromFileName('sub/item_123__Кресло.pdf')).toEqual({ scope: 'item', itemId: '123' });
    expect(scopeFromFileName('item_123.pdf')).toEqual({ scope: 'general', itemId: null });
    expect(titleFromFileName('sub/item_123__Кресло Comfort.pdf')).toBe('Кресло Comfort');
  });

  it('when the folder sync job runs, then it syncs the folder through the knowledge base', async () => {
    const jobs = new Map<string, (job: unknown) => Promise<void>>();
    const agenda = {
      define: (name: string, fn: (job: unknown) => Promise<void>) => jobs.set(name, fn),
    } as unknown as Agenda;
    const summary: FolderSyncSummary = {
      added: ['a.md'],
      updated: [],
      unchanged: [],
      removed: [],
      failed: [],
    };
    let calls = 0;
    defineFolderSyncJob(agenda, {
      knowledge: {
        syncFolder: async () => {
          calls++;
          return summary;
        },
      },
      logger: silentLogger,
    });
    await jobs.get(FOLDER_SYNC_JOB.name)?.({ attrs: { name: FOLDER_SYNC_JOB.name, data: null } });
    expect(calls).toBe(1);
  });
});
