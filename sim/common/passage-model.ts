import { countTokens, sentences, terms } from '../gemini/text.js';

/**
 * The deterministic "model" of the chat simulators (OpenAI-compatible, Anthropic), the counterpart of
 * the Gemini simulator's File Search model for APIs without retrieval: the caller puts the passages into
 * the prompt, the model quotes them.
 *
 * - **Passage convention**: text between `"""` fences in the system prompt or the messages is source
 *   material; instructions outside fences are never quoted.
 * - Question = the text of the last user message. The reply quotes up to `maxSentences` passage
 *   sentences that share the most words with it (a second only when nearly as relevant as the first).
 * - Nothing shares a word: **marker convention** as in the Gemini simulator, the first `[[…]]` token
 *   (≤ 64 characters) of the system prompt, else of the conversation, verbatim. No marker: a generic
 *   answer with invented numbers in it (what a real model does when not forbidden).
 */

/** The first `[[…]]` token (marker convention, see the Gemini simulator's model). */
export const MARKER_PATTERN = /\[\[[^[\]\n]{1,64}\]\]/;

/** Texts between `"""` fences, in order. */
export function fencedPassages(text: string): string[] {
  const out: string[] = [];
  const re = /"""\n?([\s\S]*?)\n?"""/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m[1]?.trim()) out.push(m[1].trim());
  }
  return out;
}

/** The reply a real model gives when told nothing about unknown questions: it invents. */
export function inventedAnswer(question: string): string {
  return /[а-яё]/i.test(question)
    ? 'Здравствуйте! Да, конечно, товар в наличии. Доставка по всей России занимает 2–3 дня, цена 1500 ₽.'
    : 'Hello! Yes, the item is available. Delivery usually takes 2–3 days and the price is $20.';
}

/** What the passage model reads: the system prompt and the messages. */
export interface PassageModelInput {
  system: string;
  /** Every message text in order (the conversation). */
  messages: ReadonlyArray<{ role: string; text: string }>;
  /** Text forced by a test (sim.scriptNextAnswer). */
  scripted?: string;
  maxSentences?: number;
}

/** The passage model's answer and what it saw. */
export interface PassageModelReply {
  text: string;
  /** The fenced passages the model saw. */
  passages: string[];
  question: string;
  /** Whether it answered from the passages (false: marker, invention or script). */
  grounded: boolean;
}

/** The "model": quotes the passages that answer the last user message, else the marker. */
export function passageModelReply(input: PassageModelInput): PassageModelReply {
  const conversation = input.messages.map((m) => m.text).join('\n');
  const question = [...input.messages].reverse().find((m) => m.role === 'user')?.text ?? '';
  const passages = fencedPassages(`${input.system}\n${conversation}`);
  if (input.scripted !== undefined) return { text: input.scripted, passages, question, grounded: false };
  const wanted = new Set(terms(question));
  const scored = passages.flatMap((p, rank) =>
    sentences(p).map((text, position) => ({
      text,
      rank,
      position,
      overlap: new Set(terms(text).filter((t) => wanted.has(t))).size,
    })),
  );
  const seen = new Set<string>();
  const best = scored
    .filter((s) => s.overlap > 0)
    .sort((a, b) => b.overlap - a.overlap || a.rank - b.rank || a.position - b.position)
    .filter((s) => !seen.has(s.text) && Boolean(seen.add(s.text)));
  const top = best[0];
  if (!top) {
    const marker = (MARKER_PATTERN.exec(input.system) ?? MARKER_PATTERN.exec(conversation))?.[0];
    return { text: marker ?? inventedAnswer(question), passages, question, grounded: false };
  }
  const picked = best
    .slice(0, input.maxSentences ?? 2)
    .filter((s) => s === top || s.overlap * 2 > top.overlap)
    .sort((a, b) => a.rank - b.rank || a.position - b.position);
  return { text: picked.map((s) => s.text).join(' '), passages, question, grounded: true };
}

/** Cuts a reply to `maxTokens` whitespace tokens; says whether it had to. */
export function truncateTokens(text: string, maxTokens: number | undefined): { text: string; cut: boolean } {
  if (maxTokens === undefined || countTokens(text) <= maxTokens) return { text, cut: false };
  const words = [...text.matchAll(/\S+/g)];
  const last = words[maxTokens - 1];
  return { text: last ? text.slice(0, last.index + last[0].length) : '', cut: true };
}

/**
 * Deterministic unit-length "embedding": a hashed bag of stemmed words, so texts sharing words are
 * close and unrelated texts are nearly orthogonal.
 */
export function hashedEmbedding(text: string, dims: number): number[] {
  const v = new Array<number>(dims).fill(0);
  for (const t of terms(text)) {
    let h = 2166136261;
    for (let i = 0; i < t.length; i++) h = Math.imul(h ^ t.charCodeAt(i), 16777619);
    v[(h >>> 0) % dims]! += (h & 1) === 0 ? 1 : -1;
  }
  const norm = Math.hypot(...v) || 1;
  return v.map((x) => x / norm);
}

export { countTokens };
