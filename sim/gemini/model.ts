import type { RetrievedChunk } from './retrieval.js';
import { countTokens, sentences, terms } from './text.js';

/**
 * The marker convention: the first `[[…]]` token (up to 64 characters, no brackets or line breaks) in
 * the system instruction, or failing that in the conversation, is the reply the "model" gives verbatim
 * when retrieval found nothing. Our prompt defines e.g. `[[NO_ANSWER]]` for "not covered by the sources".
 */
export const MARKER_PATTERN = /\[\[[^[\]\n]{1,64}\]\]/;

/** Finds the marker reply defined by the instruction (see MARKER_PATTERN). */
export function findMarker(systemInstruction: string, conversation: string): string | undefined {
  return (MARKER_PATTERN.exec(systemInstruction) ?? MARKER_PATTERN.exec(conversation))?.[0];
}

export interface GroundingSupportJson {
  segment: { startIndex: number; endIndex: number; text: string };
  groundingChunkIndices: number[];
}

export interface GroundingChunkJson {
  retrievedContext: {
    title: string;
    text: string;
    fileSearchStore: string;
    customMetadata?: unknown[];
  };
}

export interface AnswerInput {
  model: string;
  systemInstruction: string;
  /** All conversation text (for the marker search and token counts). */
  conversation: string;
  /** The last user turn: the retrieval query and what the answer must address. */
  question: string;
  retrieved: RetrievedChunk[];
  /** Text forced by a test control; grounding still reflects `retrieved`. */
  scripted?: string;
  maxOutputTokens?: number;
  responseId: string;
  /** When nothing was retrieved: omit groundingMetadata (default) or send it empty. */
  emptyGrounding: 'omit' | 'empty';
  /** How many sentences a grounded answer quotes at most. */
  answerSentences: number;
}

/** The generic reply a real model gives when told nothing about unknown questions: it invents. */
export function genericAnswer(question: string): string {
  return /[а-яё]/i.test(question)
    ? 'Здравствуйте! Да, конечно, товар в наличии. Доставка по всей России занимает 2–3 дня, цена 1500 ₽.'
    : 'Hello! Yes, the item is available. Delivery usually takes 2–3 days and the price is $20.';
}

interface Picked {
  text: string;
  rank: number;
  position: number;
  overlap: number;
}

/** Picks the retrieved sentences that share the most words with the question. */
function groundedAnswer(question: string, retrieved: RetrievedChunk[], max: number): Picked[] {
  const q = new Set(terms(question));
  const all: Picked[] = [];
  retrieved.forEach((chunk, rank) => {
    sentences(chunk.text).forEach((text, position) => {
      const overlap = new Set(terms(text).filter((t) => q.has(t))).size;
      all.push({ text, rank, position, overlap });
    });
  });
  const useful = all.filter((p) => p.overlap > 0);
  const pool = useful.length > 0 ? useful : all.slice(0, 1);
  const seen = new Set<string>();
  const picked = [...pool]
    .sort((a, b) => b.overlap - a.overlap || a.rank - b.rank || a.position - b.position)
    .filter((p) => {
      if (seen.has(p.text)) return false;
      seen.add(p.text);
      return true;
    })
    .slice(0, max);
  return picked.sort((a, b) => a.rank - b.rank || a.position - b.position);
}

/** Byte-offset segments of `answer` for each sentence, with the chunks each one is supported by. */
function supportsFor(
  answer: string,
  parts: Array<{ text: string; chunks: number[] }>,
): GroundingSupportJson[] {
  const out: GroundingSupportJson[] = [];
  let cursor = 0;
  for (const part of parts) {
    const at = answer.indexOf(part.text, cursor);
    if (at < 0) continue;
    cursor = at + part.text.length;
    if (part.chunks.length === 0) continue;
    const startIndex = Buffer.byteLength(answer.slice(0, at));
    out.push({
      segment: { startIndex, endIndex: startIndex + Buffer.byteLength(part.text), text: part.text },
      groundingChunkIndices: part.chunks,
    });
  }
  return out;
}

/** For forced text: a sentence is supported by chunks holding at least half of its words. */
function scriptedParts(text: string, retrieved: RetrievedChunk[]): Array<{ text: string; chunks: number[] }> {
  const chunkTerms = retrieved.map((c) => new Set(terms(c.text)));
  return sentences(text).map((s) => {
    const words = [...new Set(terms(s))];
    const chunks: number[] = [];
    chunkTerms.forEach((set, i) => {
      const hit = words.filter((w) => set.has(w)).length;
      if (words.length > 0 && hit * 2 >= words.length) chunks.push(i);
    });
    return { text: s, chunks };
  });
}

/** Builds the whole generateContent response body for one request. */
export function buildResponse(input: AnswerInput): Record<string, unknown> {
  const { retrieved } = input;
  let text: string;
  let parts: Array<{ text: string; chunks: number[] }> = [];
  if (input.scripted !== undefined) {
    text = input.scripted;
    parts = scriptedParts(text, retrieved);
  } else if (retrieved.length > 0) {
    const picked = groundedAnswer(input.question, retrieved, input.answerSentences);
    text = picked.map((p) => p.text).join(' ');
    parts = picked.map((p) => ({ text: p.text, chunks: [p.rank] }));
  } else {
    text = findMarker(input.systemInstruction, input.conversation) ?? genericAnswer(input.question);
  }

  let finishReason = 'STOP';
  if (input.maxOutputTokens !== undefined && countTokens(text) > input.maxOutputTokens) {
    const words = [...text.matchAll(/\S+/g)];
    const last = words[input.maxOutputTokens - 1];
    text = last ? text.slice(0, last.index + last[0].length) : '';
    finishReason = 'MAX_TOKENS';
  }

  const candidate: Record<string, unknown> = {
    content: { parts: [{ text }], role: 'model' },
    finishReason,
    index: 0,
  };
  if (retrieved.length > 0) {
    const groundingChunks: GroundingChunkJson[] = retrieved.map((c) => ({
      retrievedContext: {
        title: c.doc.displayName,
        text: c.text,
        fileSearchStore: `fileSearchStores/${c.doc.storeId}`,
        ...(c.doc.customMetadata.length > 0 ? { customMetadata: c.doc.customMetadata } : {}),
      },
    }));
    const byteLength = Buffer.byteLength(text);
    const groundingSupports = supportsFor(text, parts).filter((s) => s.segment.endIndex <= byteLength);
    candidate.groundingMetadata = {
      groundingChunks,
      ...(groundingSupports.length > 0 ? { groundingSupports } : {}),
    };
  } else if (input.emptyGrounding === 'empty') {
    candidate.groundingMetadata = {};
  }

  const promptTokens = countTokens(input.systemInstruction) + countTokens(input.conversation);
  const toolTokens = retrieved.reduce((n, c) => n + countTokens(c.text), 0);
  const outputTokens = countTokens(text);
  return {
    candidates: [candidate],
    usageMetadata: {
      promptTokenCount: promptTokens,
      candidatesTokenCount: outputTokens,
      ...(toolTokens > 0 ? { toolUsePromptTokenCount: toolTokens } : {}),
      totalTokenCount: promptTokens + outputTokens + toolTokens,
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: promptTokens }],
    },
    modelVersion: input.model,
    responseId: input.responseId,
  };
}
