import { type Content, type GoogleGenAI, type ThinkingConfig, ThinkingLevel } from '@google/genai';
import { z } from 'zod';
import type { DomainMetrics } from '../../domain-metrics.js';
import type { Logger } from '../../logger.js';
import type { GeminiError } from '../errors.js';
import {
  GeminiAttemptsExhausted,
  type GeminiHealth,
  type RetryPolicy,
  toGeminiError,
  withRetries,
} from './caller.js';
import { classifyGeminiFailure } from './failures.js';

/** One retrieved chunk as the grounding metadata reports it, with our customMetadata flattened. */
export interface GroundingChunk {
  title: string;
  text: string;
  metadata: Record<string, string>;
}

export interface GeneratedAnswer {
  text: string;
  model: string;
  finishReason: string | undefined;
  /** Empty when File Search retrieved nothing. */
  chunks: GroundingChunk[];
  /** Indices into `chunks` that the answer's grounding supports cite; empty when none are reported. */
  supportedChunks: number[];
}

export interface GenerateRequest {
  systemInstruction: string;
  contents: Content[];
  /** AIP-160 filter on customMetadata, e.g. `item_id = "123"`. */
  metadataFilter: string;
}

/** Keeps latency and cost down: 2.5 models take a thinking budget, 3.x models a thinking level. */
export function thinkingFor(model: string): ThinkingConfig | undefined {
  if (/^(models\/)?gemini-2\.5/.test(model)) return { thinkingBudget: 0 };
  if (/^(models\/)?gemini-[3-9]/.test(model)) return { thinkingLevel: ThinkingLevel.LOW };
  return undefined;
}

// Only the fields we rely on; the rest of the response may change freely.
const metadataEntry = z.looseObject({
  key: z.string(),
  stringValue: z.string().optional(),
  numericValue: z.number().optional(),
});
const responseSchema = z.looseObject({
  candidates: z
    .array(
      z.looseObject({
        content: z
          .looseObject({ parts: z.array(z.looseObject({ text: z.string().optional() })).optional() })
          .optional(),
        finishReason: z.string().optional(),
        groundingMetadata: z
          .looseObject({
            groundingChunks: z
              .array(
                z.looseObject({
                  retrievedContext: z
                    .looseObject({
                      title: z.string().optional(),
                      text: z.string().optional(),
                      customMetadata: z.array(metadataEntry).optional(),
                    })
                    .optional(),
                }),
              )
              .optional(),
            groundingSupports: z
              .array(z.looseObject({ groundingChunkIndices: z.array(z.number().int()).optional() }))
              .optional(),
          })
          .optional(),
      }),
    )
    .optional(),
});

/** Reads the answer text and grounding chunks out of a generateContent response. */
export function parseGeneration(raw: unknown, model: string): GeneratedAnswer {
  const parsed = responseSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`unexpected generateContent response: ${parsed.error.message}`);
  const candidate = parsed.data.candidates?.[0];
  const text = (candidate?.content?.parts ?? []).map((p) => p.text ?? '').join('');
  const chunks: GroundingChunk[] = [];
  // Supports cite positions in groundingChunks; chunks without a retrieved context are left out here.
  const position = new Map<number, number>();
  (candidate?.groundingMetadata?.groundingChunks ?? []).forEach((c, i) => {
    const ctx = c.retrievedContext;
    if (!ctx) return;
    const metadata: Record<string, string> = {};
    for (const m of ctx.customMetadata ?? []) {
      const value = m.stringValue ?? (m.numericValue !== undefined ? String(m.numericValue) : undefined);
      if (value !== undefined) metadata[m.key] = value;
    }
    position.set(i, chunks.length);
    chunks.push({ title: ctx.title ?? '', text: ctx.text ?? '', metadata });
  });
  const cited = (candidate?.groundingMetadata?.groundingSupports ?? []).flatMap((s) =>
    (s.groundingChunkIndices ?? []).flatMap((i) => {
      const at = position.get(i);
      return at === undefined ? [] : [at];
    }),
  );
  const supportedChunks = [...new Set(cited)].sort((a, b) => a - b);
  return { text: text.trim(), model, finishReason: candidate?.finishReason, chunks, supportedChunks };
}

export interface GeneratorDeps {
  ai: GoogleGenAI;
  storeName: () => Promise<string>;
  /** The configured model first, then the fallbacks. */
  models: readonly string[];
  logger: Logger;
  health: GeminiHealth;
  retry: RetryPolicy;
  temperature: number;
  topK: number;
  /** Each request (every retry counts) is timed here for `/metrics`. */
  metrics?: Pick<DomainMetrics, 'modelCall'>;
}

/** Runs one model request and reports its latency with `ok` or the failure kind. */
async function timed<T>(deps: GeneratorDeps, model: string, request: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  try {
    const result = await request();
    deps.metrics?.modelCall(model, 'ok', seconds());
    return result;
  } catch (err) {
    deps.metrics?.modelCall(model, classifyGeminiFailure(err).kind, seconds());
    throw err;
  }
}

/**
 * generateContent with the fileSearch tool, our retries, and the model fallback list tried in order on
 * 404 / 429 / 5xx / timeouts. A per-day quota or another 4xx stops at once. Throws {@link GeminiError}.
 */
export async function generateGrounded(deps: GeneratorDeps, req: GenerateRequest): Promise<GeneratedAnswer> {
  const storeName = await deps.storeName();
  let lastError: GeminiError | undefined;
  for (const [i, model] of deps.models.entries()) {
    const thinking = thinkingFor(model);
    try {
      const response = await withRetries(
        `generate ${model}`,
        () =>
          timed(deps, model, () =>
            deps.ai.models.generateContent({
              model,
              contents: req.contents,
              config: {
                systemInstruction: req.systemInstruction,
                temperature: deps.temperature,
                ...(thinking ? { thinkingConfig: thinking } : {}),
                tools: [
                  {
                    fileSearch: {
                      fileSearchStoreNames: [storeName],
                      metadataFilter: req.metadataFilter,
                      topK: deps.topK,
                    },
                  },
                ],
              },
            }),
          ),
        { policy: deps.retry, logger: deps.logger },
      );
      deps.health.succeeded();
      return parseGeneration(response, model);
    } catch (err) {
      lastError = toGeminiError(err, `answer with ${model}`);
      deps.health.failed(lastError.kind, lastError.message);
      const canFallBack = err instanceof GeminiAttemptsExhausted && err.failure.tryNextModel;
      if (!canFallBack || i === deps.models.length - 1) throw lastError;
      deps.logger.warn({ model, next: deps.models[i + 1], kind: lastError.kind }, 'gemini model fallback');
    }
  }
  throw lastError ?? new Error('no Gemini model configured');
}
