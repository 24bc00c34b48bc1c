import { GeminiError } from '../errors.js';
import type { GenAI } from '../gemini/client.js';
import { classifyGeminiFailure } from '../gemini/failures.js';
import { parseGeneration, thinkingFor } from '../gemini/generate.js';
import type {
  ChatTurn,
  Embedder,
  GivenPassage,
  ModelAdapter,
  ModelFailure,
  ModelFailureKind,
  RetrievalStage,
} from './port.js';

/** AIP-160 string literal. */
const quoteFilterValue = (value: string) => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** The File Search metadata filter of a cascade stage. */
export function stageFilter(stage: RetrievalStage): string {
  return stage.strategy === 'item' ? `item_id = ${quoteFilterValue(stage.itemId)}` : 'scope = "general"';
}

const contents = (turns: readonly ChatTurn[]) =>
  turns.map((t) => ({ role: t.role === 'assistant' ? 'model' : 'user', parts: [{ text: t.text }] }));

/** Gemini's failures in the router's terms; a per-day quota keeps Gemini's own kind (it resets tomorrow). */
export function classifyGemini(err: unknown): ModelFailure {
  if (err instanceof GeminiError) {
    return { kind: err.kind, status: err.status, retryAfterMs: undefined, message: err.message };
  }
  const f = classifyGeminiFailure(err);
  let kind: ModelFailureKind = f.kind;
  let message = f.message;
  if (f.kind === 'quota_per_day') message = `Gemini daily quota is used up; it resets tomorrow: ${f.message}`;
  else if (f.kind === 'rejected') {
    if (f.status === 404) kind = 'not_found';
    else if (f.status === 409) kind = 'unavailable';
    else if (f.status === 401 || f.status === 403 || /API key not valid|API_KEY_INVALID/.test(f.message))
      kind = 'auth';
  }
  return { kind, status: f.status, retryAfterMs: f.retryDelayMs, message };
}

/** What the Gemini adapter is built from. */
export interface GeminiAdapterDeps {
  ai: GenAI;
  /** The File Search store (created on first use). */
  storeName: () => Promise<string>;
  models: readonly string[];
  temperature: number;
  topK: number;
  health?: ModelAdapter['health'];
}

/**
 * Gemini with the File Search tool: it retrieves from our store itself, filtered to the stage (this
 * listing's documents, or general ones), and reports what it retrieved in its grounding metadata. Without a
 * stage (the brief) it answers from the instruction and turns alone, as JSON of the call's schema when asked.
 */
export function geminiAdapter(deps: GeminiAdapterDeps): ModelAdapter {
  return {
    provider: 'gemini',
    models: deps.models,
    retrievesItself: true,
    ...(deps.health ? { health: deps.health } : {}),
    classify: classifyGemini,
    async generate(call) {
      const thinking = thinkingFor(call.model);
      // File Search only for a retrieval stage; a JSON answer is held to its schema by the API itself.
      const tools = call.stage
        ? [
            {
              fileSearch: {
                fileSearchStoreNames: [await deps.storeName()],
                metadataFilter: stageFilter(call.stage),
                topK: deps.topK,
              },
            },
          ]
        : undefined;
      const response = await (
        await deps.ai()
      ).models.generateContent({
        model: call.model,
        contents: contents(call.turns),
        config: {
          systemInstruction: call.system,
          temperature: call.json ? 0 : deps.temperature,
          abortSignal: call.signal,
          ...(thinking ? { thinkingConfig: thinking } : {}),
          ...(tools ? { tools } : {}),
          ...(call.json
            ? { responseMimeType: 'application/json', responseJsonSchema: call.json.schema }
            : {}),
        },
      });
      const parsed = parseGeneration(response, call.model);
      const passages: GivenPassage[] = parsed.chunks.map((c) => ({
        docId: c.metadata.doc_id ?? null,
        title: c.title,
        itemId: c.metadata.item_id ?? null,
        scope: c.metadata.scope === 'item' || c.metadata.scope === 'general' ? c.metadata.scope : null,
        origin:
          c.metadata.origin === 'upload' || c.metadata.origin === 'folder' || c.metadata.origin === 'listing'
            ? c.metadata.origin
            : null,
        text: c.text,
      }));
      return {
        text: parsed.text,
        passages,
        cited: parsed.supportedChunks,
        finishReason: parsed.finishReason,
      };
    },
  };
}

/** Gemini `embedContent` (sent as batchEmbedContents): task-typed, cut to `dimensions`. */
export function geminiEmbedder(deps: { ai: GenAI; model: string; dimensions?: number }): Embedder {
  const dimensions = deps.dimensions ?? 768;
  return {
    id: `gemini:${deps.model}:${dimensions}`,
    async embed(texts, purpose, signal) {
      const response = await (
        await deps.ai()
      ).models.embedContent({
        model: deps.model,
        contents: [...texts],
        config: {
          taskType: purpose === 'query' ? 'RETRIEVAL_QUERY' : 'RETRIEVAL_DOCUMENT',
          outputDimensionality: dimensions,
          ...(signal ? { abortSignal: signal } : {}),
        },
      });
      const vectors = (response.embeddings ?? []).map((e) => Float32Array.from(e.values ?? []));
      if (vectors.length !== texts.length || vectors.some((v) => v.length === 0)) {
        throw new Error(`Gemini returned ${vectors.length} embeddings for ${texts.length} texts`);
      }
      return vectors;
    },
  };
}
