import OpenAI, { APIError } from 'openai';
import { z } from 'zod';
import type { Config } from '../../config.js';
import { httpFailure, transportFailure } from './failures.js';
import { jsonInstruction, jsonText } from './json.js';
import type { Embedder, ModelAdapter, ModelFailure } from './port.js';

/** OpenAI's own API; gateways (OpenRouter, DeepSeek, YandexGPT/GigaChat proxies, Ollama, vLLM) set OPENAI_BASE_URL. */
export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

/**
 * The official client for an OpenAI-compatible API, with everything from configuration: nothing is read
 * from the environment by the SDK, and its own retries are off (the router retries and falls back).
 */
export function createOpenAIClient(openai: Config['openai'], timeoutMs: number): OpenAI {
  if (!openai.apiKey) throw new Error('createOpenAIClient: OPENAI_API_KEY is not set.');
  return new OpenAI({
    apiKey: openai.apiKey,
    baseURL: openai.baseUrl ?? OPENAI_DEFAULT_BASE_URL,
    organization: null,
    project: null,
    timeout: timeoutMs,
    maxRetries: 0,
  });
}

// Only the fields we rely on: gateways add their own.
const completionSchema = z.looseObject({
  choices: z
    .array(
      z.looseObject({
        message: z.looseObject({ content: z.string().nullish() }),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
});

const embeddingsSchema = z.looseObject({
  data: z.array(
    z.looseObject({
      index: z.number().int().min(0),
      embedding: z.union([z.array(z.number()), z.instanceof(Float32Array)]),
    }),
  ),
});

/** An OpenAI SDK error in the router's terms: `insufficient_quota` is money, not a rate limit. */
export function classifyOpenAI(err: unknown): ModelFailure {
  if (err instanceof APIError && err.status !== undefined) {
    const outOfQuota = err.code === 'insufficient_quota' || err.type === 'insufficient_quota';
    const message = typeof err.message === 'string' ? err.message.replace(/^\d{3}\s+/, '') : String(err);
    return httpFailure({ status: err.status, message, headers: err.headers, outOfQuota });
  }
  return transportFailure(err);
}

/**
 * Chat Completions over an OpenAI-compatible API: the passages from the local index are in the system
 * message (see `buildSystemInstruction`), the chat follows as user/assistant messages. A JSON answer is asked
 * with `response_format: json_object` and the schema in the system message: DeepSeek, Ollama and most
 * gateways take `json_object`, not all take `json_schema`.
 */
export function openaiAdapter(deps: {
  client: OpenAI;
  models: readonly string[];
  temperature: number;
}): ModelAdapter {
  return {
    provider: 'openai',
    models: deps.models,
    retrievesItself: false,
    classify: classifyOpenAI,
    async generate(call, passages) {
      const raw: unknown = await deps.client.chat.completions.create(
        {
          model: call.model,
          messages: [
            { role: 'system', content: call.json ? jsonInstruction(call.system, call.json) : call.system },
            ...call.turns.map((t) => ({ role: t.role, content: t.text })),
          ],
          temperature: call.json ? 0 : deps.temperature,
          ...(call.json ? { response_format: { type: 'json_object' as const } } : {}),
        },
        { signal: call.signal },
      );
      const parsed = completionSchema.safeParse(raw);
      if (!parsed.success) throw new Error(`unexpected chat completion: ${parsed.error.message}`);
      const choice = parsed.data.choices[0]!;
      const text = (choice.message.content ?? '').trim();
      return {
        text: call.json ? jsonText(text) : text,
        passages: [...passages],
        cited: [],
        finishReason: choice.finish_reason ?? undefined,
      };
    },
  };
}

/** The `/embeddings` endpoint as floats (asked for explicitly: some gateways cannot send base64). */
export function openaiEmbedder(deps: { client: OpenAI; model: string }): Embedder {
  return {
    id: `openai:${deps.model}`,
    async embed(texts, _purpose, signal) {
      const raw: unknown = await deps.client.embeddings.create(
        { model: deps.model, input: [...texts], encoding_format: 'float' },
        signal ? { signal } : {},
      );
      const parsed = embeddingsSchema.safeParse(raw);
      if (!parsed.success) throw new Error(`unexpected embeddings response: ${parsed.error.message}`);
      const out: Float32Array[] = new Array(texts.length);
      for (const d of parsed.data.data) {
        if (d.index < texts.length) out[d.index] = Float32Array.from(d.embedding);
      }
      for (let i = 0; i < texts.length; i++) {
        if (!out[i]?.length) throw new Error(`the embeddings response has no vector for input ${i}`);
      }
      return out;
    },
  };
}
