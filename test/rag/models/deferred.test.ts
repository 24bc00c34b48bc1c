import { describe, expect, it } from 'vitest';
import { deferredAdapter, deferredEmbedder } from '../../../src/rag/models/deferred.js';
import type { ModelAdapter, ModelCall, ModelFailure } from '../../../src/rag/models/port.js';

const call: ModelCall = {
  model: 'm',
  system: 's',
  turns: [{ role: 'user', text: 'Есть доставка?' }],
  stage: { strategy: 'general' },
  signal: new AbortController().signal,
};

const quota: ModelFailure = { kind: 'quota', status: 429, retryAfterMs: undefined, message: 'quota' };

function sdkAdapter(text: string): ModelAdapter {
  return {
    provider: 'openai',
    models: ['m'],
    retrievesItself: false,
    generate: async () => ({ text, passages: [], cited: [], finishReason: undefined }),
    classify: () => quota,
  };
}

describe('an adapter whose SDK is imported on first use', () => {
  const head = { provider: 'openai', models: ['m'], retrievesItself: false } as const;

  it('when nothing has been asked, then nothing is loaded; when asked three times at once, then it loads once', async () => {
    let loads = 0;
    const adapter = deferredAdapter(head, async () => {
      loads++;
      return sdkAdapter('Да, доставляем.');
    });
    expect(loads).toBe(0);
    const outputs = await Promise.all([1, 2, 3].map(() => adapter.generate(call, [])));
    expect(outputs.map((o) => o.text)).toEqual(['Да, доставляем.', 'Да, доставляем.', 'Да, доставляем.']);
    expect(loads).toBe(1);
  });

  it('when the import fails, then that failure is a transport failure and the next request tries again', async () => {
    let loads = 0;
    const adapter = deferredAdapter(head, async () => {
      if (++loads === 1) throw new Error('Cannot find package openai');
      return sdkAdapter('ok');
    });
    const err = await adapter.generate(call, []).catch((e: unknown) => e);
    expect(adapter.classify(err)).toMatchObject({
      kind: 'unavailable',
      message: 'Cannot find package openai',
    });
    expect((await adapter.generate(call, [])).text).toBe('ok');
    // Once loaded, the SDK's own classification applies.
    expect(adapter.classify(new Error('429'))).toBe(quota);
  });

  it('when an embedder is deferred, then it keeps its id before loading and loads once', async () => {
    let loads = 0;
    const embedder = deferredEmbedder('openai:e', async () => {
      loads++;
      return { id: 'openai:e', embed: async (texts) => texts.map(() => Float32Array.of(1, 0)) };
    });
    expect(embedder.id).toBe('openai:e');
    expect(loads).toBe(0);
    await embedder.embed(['a'], 'query');
    expect(await embedder.embed(['a', 'b'], 'document')).toHaveLength(2);
    expect(loads).toBe(1);
  });
});
