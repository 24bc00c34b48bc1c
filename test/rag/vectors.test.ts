import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type GeminiSim, startGeminiSim } from '../../sim/gemini/index.js';
import { type OpenAISim, startOpenAISim } from '../../sim/openai/index.js';
import { providerEnvFor } from '../../sim/providers-env.js';
import { createKnowledge, type Knowledge } from '../../src/rag/index.js';
import type { Store } from '../../src/store/port.js';
import { silentLogger, tempStore, testConfig, utf8 } from './helpers.js';

let openai: OpenAISim;
let store: Store;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  openai = await startOpenAISim();
  ({ store, cleanup } = await tempStore());
});
afterEach(async () => {
  await openai.close();
  await cleanup();
});

const knowledge = (env: Record<string, string> = {}): Knowledge =>
  createKnowledge({
    config: testConfig({ ...providerEnvFor({ openai }), ...env }),
    store,
    logger: silentLogger,
    // One paragraph per chunk.
    options: { chunking: { size: 45, overlap: 0 }, timeoutMs: 2000 },
  });

const PARAGRAPHS = [
  'Доставка по Москве стоит 500 рублей.',
  'Самовывоз со склада бесплатно.',
  'Оплата картой или наличными.',
];
const doc = (paragraphs: string[]) => ({
  origin: 'folder' as const,
  fileName: 'Условия.md',
  bytes: utf8(paragraphs.join('\n\n')),
});
const embeddingCalls = () => openai.calls.find('/v1/embeddings', 'POST');
const inputsOf = (i: number) => (embeddingCalls()[i]?.body as { input: string[] }).input;

describe('chunk embeddings', () => {
  it('when a document is ingested, then every chunk is embedded in one request and stored with its model and hash', async () => {
    const k = knowledge();
    await k.ingest(doc(PARAGRAPHS));
    expect(embeddingCalls()).toHaveLength(1);
    expect(inputsOf(0)).toHaveLength(3);
    expect(embeddingCalls()[0]?.body).toMatchObject({
      model: 'text-embedding-3-small',
      encoding_format: 'float',
    });
    const stored = await store.documents.embeddings();
    expect(stored.map((e) => [e.index, e.model, e.vector.length])).toEqual([
      [0, 'openai:text-embedding-3-small', 1536],
      [1, 'openai:text-embedding-3-small', 1536],
      [2, 'openai:text-embedding-3-small', 1536],
    ]);
    expect(new Set(stored.map((e) => e.textHash)).size).toBe(3);
  });

  it('when the same document comes again, then nothing is embedded; when one chunk changes, exactly that one is', async () => {
    const k = knowledge();
    await k.ingest(doc(PARAGRAPHS));
    await k.ingest(doc(PARAGRAPHS));
    expect(embeddingCalls()).toHaveLength(1);
    await k.ingest(doc([PARAGRAPHS[0]!, 'Самовывоз со склада стоит 100 рублей.', PARAGRAPHS[2]!]));
    expect(embeddingCalls()).toHaveLength(2);
    expect(inputsOf(1)).toEqual(['Условия\n\nСамовывоз со склада стоит 100 рублей.']);
  });

  it('when a paragraph is inserted and the chunks shift, then the moved ones keep their vectors', async () => {
    const k = knowledge();
    await k.ingest(doc(PARAGRAPHS));
    await k.ingest(doc(['Работаем с 9 до 18 без выходных.', ...PARAGRAPHS]));
    expect(embeddingCalls()).toHaveLength(2);
    expect(inputsOf(1)).toEqual(['Условия\n\nРаботаем с 9 до 18 без выходных.']);
    expect((await store.documents.embeddings()).map((e) => e.index)).toEqual([0, 1, 2, 3]);
  });

  it('when the service restarts, then the stored vectors are used; when the embedding model changes, all are made again', async () => {
    await knowledge().ingest(doc(PARAGRAPHS));
    const restarted = knowledge();
    const decision = await restarted.answer({
      questions: ['Сколько стоит доставка по Москве?'],
      history: [],
      listing: null,
    });
    expect(decision).toMatchObject({ kind: 'answer', provider: 'openai' });
    // Only the question was embedded.
    expect(embeddingCalls().map((c) => (c.body as { input: string[] }).input.length)).toEqual([3, 1]);

    const otherModel = knowledge({ OPENAI_EMBEDDING_MODEL: 'text-embedding-3-large' });
    await otherModel.answer({ questions: ['Оплата картой?'], history: [], listing: null });
    expect(inputsOf(2)).toHaveLength(3);
    expect(new Set((await store.documents.embeddings()).map((e) => e.model))).toEqual(
      new Set(['openai:text-embedding-3-large']),
    );
  });

  it('when embeddings fail, then the document is still ready and answers come from BM25 alone', async () => {
    openai.faults.add({ match: '/v1/embeddings', fault: { kind: 'status', status: 500 } });
    const k = knowledge();
    const result = await k.ingest(doc(PARAGRAPHS));
    expect(result.document.state).toBe('ready');
    expect(await store.documents.embeddings()).toEqual([]);
    const decision = await k.answer({
      questions: ['Сколько стоит доставка по Москве?'],
      history: [],
      listing: null,
    });
    expect(decision).toMatchObject({ kind: 'answer', provider: 'openai' });
  });

  it('when EMBEDDINGS=off, then no embedding is ever asked for', async () => {
    const off = knowledge({ EMBEDDINGS: 'off' });
    expect(off.embeddings).toBeNull();
    await off.ingest(doc(PARAGRAPHS));
    await off.answer({ questions: ['Оплата картой?'], history: [], listing: null });
    expect(embeddingCalls()).toHaveLength(0);
  });
});

describe('Gemini embeddings for another provider', () => {
  let gemini: GeminiSim;
  beforeEach(async () => {
    gemini = await startGeminiSim({ operationPolls: 1 });
  });
  afterEach(async () => {
    await gemini.close();
  });

  it('when Gemini and OpenAI are listed, then the vectors come from Gemini embedContent (batchEmbedContents)', async () => {
    const k = createKnowledge({
      config: testConfig(providerEnvFor({ gemini, openai }, ['gemini', 'openai'])),
      store,
      logger: silentLogger,
      options: {
        chunking: { size: 45, overlap: 0 },
        poll: { intervalMs: 5, maxIntervalMs: 20, deadlineMs: 3000 },
      },
    });
    expect(k.embeddings).toBe('gemini:gemini-embedding-001:768');
    await k.ingest(doc(PARAGRAPHS));
    const batches = gemini.calls.find(':batchEmbedContents', 'POST');
    expect(batches).toHaveLength(1);
    const requests = (
      batches[0]?.body as { requests: Array<{ taskType: string; outputDimensionality: number }> }
    ).requests;
    expect(requests).toHaveLength(3);
    expect(requests[0]).toMatchObject({ taskType: 'RETRIEVAL_DOCUMENT', outputDimensionality: 768 });
    expect((await store.documents.embeddings())[0]?.vector).toHaveLength(768);
    expect(embeddingCalls()).toHaveLength(0);
  });
});
