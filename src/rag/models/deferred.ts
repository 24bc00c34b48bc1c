import { transportFailure } from './failures.js';
import type { Embedder, ModelAdapter } from './port.js';

/** Runs `load` once, on first use; a failed load is tried again next time. */
function onFirstUse<T>(load: () => Promise<T>): { get(): Promise<T>; loaded(): T | undefined } {
  let value: T | undefined;
  let pending: Promise<T> | undefined;
  return {
    get: () =>
      (pending ??= load().then(
        (v) => (value = v),
        (err: unknown) => {
          pending = undefined;
          throw err;
        },
      )),
    loaded: () => value,
  };
}

/**
 * An adapter whose SDK is imported on its first request: the OpenAI and Anthropic SDKs are some two thousand
 * modules, so a service that never asks them (or lists them only as fallbacks) does not carry them at idle.
 */
export function deferredAdapter(
  head: Pick<ModelAdapter, 'provider' | 'models' | 'retrievesItself'>,
  load: () => Promise<ModelAdapter>,
): ModelAdapter {
  const adapter = onFirstUse(load);
  return {
    ...head,
    generate: async (call, passages) => (await adapter.get()).generate(call, passages),
    // Before the SDK is in, the only failure there can be is its import.
    classify: (err) => adapter.loaded()?.classify(err) ?? transportFailure(err),
  };
}

/** An embedder whose SDK is imported on its first request (see {@link deferredAdapter}). */
export function deferredEmbedder(id: string, load: () => Promise<Embedder>): Embedder {
  const embedder = onFirstUse(load);
  return {
    id,
    embed: async (texts, purpose, signal) => (await embedder.get()).embed(texts, purpose, signal),
  };
}
