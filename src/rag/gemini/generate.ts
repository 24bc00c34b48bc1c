import type { ThinkingConfig, ThinkingLevel } from '@google/genai';
import { z } from 'zod';

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

/** Keeps latency and cost down: 2.5 models take a thinking budget, 3.x models a thinking level. */
export function thinkingFor(model: string): ThinkingConfig | undefined {
  if (/^(models\/)?gemini-2\.5/.test(model)) return { thinkingBudget: 0 };
  if (/^(models\/)?gemini-[3-9]/.test(model)) return { thinkingLevel: 'LOW' as ThinkingLevel.LOW };
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
