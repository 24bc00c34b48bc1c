import type { Config } from '../../config.js';
import type { GenAI } from '../gemini/client.js';
import { deferredAdapter, deferredEmbedder } from './deferred.js';
import { geminiAdapter, geminiEmbedder } from './gemini.js';
import type { Embedder, ModelAdapter } from './port.js';

export { CircuitBreaker, type BreakerPolicy, DEFAULT_BREAKER } from './breaker.js';
export type {
  Embedder,
  LlmProvider,
  ModelAdapter,
  ModelAlerts,
  ModelFailure,
  ModelFailureKind,
  ModelProviderAlert,
} from './port.js';
export { type ModelAnswer, type ModelRequest, ModelRouter, type ProviderStatus } from './router.js';

/** The configured model first, then its fallbacks without repeats. */
const modelsOf = (model: string, fallbacks: readonly string[]) => [
  model,
  ...fallbacks.filter((m, i) => m !== model && fallbacks.indexOf(m) === i),
];

/** What the adapters need besides configuration. */
export interface AdapterDeps {
  /** The Gemini client, when Gemini is used (answers or embeddings). */
  ai: GenAI | null;
  /** Our File Search store's name (Gemini retrieves from it). */
  storeName: () => Promise<string>;
  geminiHealth?: ModelAdapter['health'];
  timeoutMs: number;
  temperature: number;
  /** Chunks File Search retrieves per question. */
  topK: number;
}

/**
 * The adapter with its key blanked out of failure messages: an upstream that echoes the key ("API key not
 * valid: …") must not put it on the owner's card or in a Telegram alert.
 */
function withoutKey(adapter: ModelAdapter, key: string | undefined): ModelAdapter {
  if (!key) return adapter;
  return {
    ...adapter,
    classify(err) {
      const failure = adapter.classify(err);
      return { ...failure, message: failure.message.split(key).join('[redacted]') };
    },
  };
}

/** A listed provider without its key is a configuration error at start-up, not at the first question. */
function requireKey(key: string | undefined, variable: string): void {
  if (!key) throw new Error(`${variable} is not set.`);
}

/** One adapter per provider of LLM_PROVIDERS, in that order. Makes no request. */
export function createAdapters(config: Config, deps: AdapterDeps): ModelAdapter[] {
  const keys = {
    gemini: config.gemini.apiKey,
    openai: config.openai.apiKey,
    anthropic: config.anthropic.apiKey,
  };
  return config.llm.providers.map((provider) =>
    withoutKey(createAdapter(provider, config, deps), keys[provider]),
  );
}

/** The adapter of one provider, its SDK client made from configuration. */
function createAdapter(
  provider: Config['llm']['providers'][number],
  config: Config,
  deps: AdapterDeps,
): ModelAdapter {
  switch (provider) {
    case 'gemini':
      if (!deps.ai) throw new Error('createAdapters: Gemini is listed but no Gemini client was made');
      return geminiAdapter({
        ai: deps.ai,
        storeName: deps.storeName,
        models: modelsOf(config.gemini.model, config.gemini.fallbackModels),
        temperature: deps.temperature,
        topK: deps.topK,
        ...(deps.geminiHealth ? { health: deps.geminiHealth } : {}),
      });
    case 'openai': {
      const models = modelsOf(config.openai.model, config.openai.fallbackModels);
      requireKey(config.openai.apiKey, 'OPENAI_API_KEY');
      return deferredAdapter({ provider, models, retrievesItself: false }, async () => {
        const { createOpenAIClient, openaiAdapter } = await import('./openai.js');
        return openaiAdapter({
          client: createOpenAIClient(config.openai, deps.timeoutMs),
          models,
          temperature: deps.temperature,
        });
      });
    }
    case 'anthropic': {
      const models = modelsOf(config.anthropic.model, config.anthropic.fallbackModels);
      requireKey(config.anthropic.apiKey, 'ANTHROPIC_API_KEY');
      return deferredAdapter({ provider, models, retrievesItself: false }, async () => {
        const { anthropicAdapter, createAnthropicClient } = await import('./anthropic.js');
        return anthropicAdapter({
          client: createAnthropicClient(config.anthropic, deps.timeoutMs),
          models,
        });
      });
    }
  }
}

/** The embedder EMBEDDINGS chose (see `Config.llm.embeddings`), or null: BM25 alone. */
export function createEmbedder(
  config: Config,
  deps: { ai: GenAI | null; timeoutMs: number },
): Embedder | null {
  switch (config.llm.embeddings) {
    case 'openai': {
      requireKey(config.openai.apiKey, 'OPENAI_API_KEY');
      const model = config.openai.embeddingModel;
      return deferredEmbedder(`openai:${model}`, async () => {
        const { createOpenAIClient, openaiEmbedder } = await import('./openai.js');
        return openaiEmbedder({ client: createOpenAIClient(config.openai, deps.timeoutMs), model });
      });
    }
    case 'gemini':
      if (!deps.ai) throw new Error('createEmbedder: Gemini embeddings need a Gemini client');
      return geminiEmbedder({ ai: deps.ai, model: config.gemini.embeddingModel });
    case null:
      return null;
  }
}
