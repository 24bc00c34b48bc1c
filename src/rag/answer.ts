import type { Logger } from '../logger.js';
import type { DraftSource, ListingFacts } from '../models/records.js';
import type { Store } from '../store/port.js';
import { type Passage, whyUnanswered } from './coverage.js';
import { GeminiError } from './errors.js';
import { detectEscalation, type EscalationReason } from './escalation.js';
import type { GeneratedAnswer, GenerateRequest, GroundingChunk } from './gemini/generate.js';
import { checkGrounding } from './guard.js';
import type { LocalHit, LocalIndex } from './local-index.js';
import {
  buildContents,
  buildSystemInstruction,
  type HistoryMessage,
  isNoAnswer,
  listingFactsText,
} from './prompt.js';
import { tokenize } from './text/tokens.js';

/** What the responder asks: the unanswered buyer messages in their chat's context. */
export interface AnswerInput {
  /** The unanswered buyer messages, oldest first. */
  questions: string[];
  /** The last N messages of the chat, oldest first. */
  history: HistoryMessage[];
  listing: (ListingFacts & { itemId: string | null }) | null;
  locale?: 'ru' | 'en';
  /**
   * Passages computed for this question rather than retrieved: the calculator's quote for a price question.
   * The answer is written from them as from the documents, and the grounding guard counts them as sources.
   */
  computed?: readonly ComputedPassage[];
}

/** A source made for the question (a computed quote): a title the card shows and the text it states. */
export interface ComputedPassage {
  title: string;
  text: string;
  /**
   * The figure the answer must state («32 900 ₽»): an answer of the model's without it (another price, none,
   * or no answer) is replaced by the passage itself, so a price question always gets the computed figure.
   */
  figure?: string;
}

/** Where an answer came from: item documents, general documents (Gemini), or the local index. */
export type AnswerStrategy = 'item' | 'general' | 'local';

/**
 * The answerer's verdict. `answer` with `grounded: false` or strategy `local` must go to the owner
 * for review; `fallback` carries exactly the configured fallback text; `escalate` carries no text.
 */
export type Decision =
  | {
      kind: 'answer';
      text: string;
      sources: DraftSource[];
      grounded: boolean;
      findings: string[];
      strategy: AnswerStrategy;
    }
  | {
      kind: 'fallback';
      text: string;
      reason: 'nothing_found' | 'not_covered' | 'unavailable';
      sources: DraftSource[];
      strategy: 'none';
      /** For `unavailable`: what failed (e.g. the daily quota), for the owner's card. */
      detail?: string;
    }
  | { kind: 'escalate'; reason: EscalationReason; matched: string };

export interface AnswerOptions {
  /** Owner keywords set at run time (/settings), on top of ESCALATION_KEYWORDS. */
  keywords?: readonly string[];
  /** The owner chose «🤖 Пусть отвечает ИИ» on an escalation: answer from the sources this once. */
  skipEscalation?: boolean;
}

export interface AnswererDeps {
  store: Store;
  logger: Logger;
  fallbackText: string;
  escalationKeywords: readonly string[];
  /** Gemini with File Search; null without a key (the local index answers). */
  generate: ((req: GenerateRequest) => Promise<GeneratedAnswer>) | null;
  localIndex: Pick<LocalIndex, 'search'>;
}

const SNIPPET_CHARS = 300;

const snippet = (text: string) => {
  const clean = text.replace(/\s+/g, ' ').trim();
  return clean.length > SNIPPET_CHARS ? `${clean.slice(0, SNIPPET_CHARS - 1)}…` : clean;
};

/** AIP-160 string literal. */
const quoteFilterValue = (value: string) => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

function priceNumber(price: string | null | undefined): number | null {
  const digits = price?.replace(/[\s\u00a0]/g, '').match(/\d+(?:[.,]\d+)?/)?.[0];
  return digits ? Number(digits.replace(',', '.')) : null;
}

/** The passage's sentences (at most two) that share the most words with the question. */
function quotePassage(hit: LocalHit, question: string): string {
  const wanted = new Set(tokenize(question).map((t) => t.stem));
  const sentences = (hit.text.match(/[^.!?…\n]+[.!?…]*/g) ?? [hit.text])
    .map((s) => s.replace(/^[\s#>*•-]+/, '').trim())
    .filter(Boolean);
  const scored = sentences.map((s, i) => ({
    s,
    i,
    overlap: new Set(
      tokenize(s)
        .filter((t) => wanted.has(t.stem) && t.word.length > 2)
        .map((t) => t.stem),
    ).size,
  }));
  return (
    [...scored]
      .sort((a, b) => b.overlap - a.overlap || a.i - b.i)
      .slice(0, 2)
      // A second sentence only when it is nearly as relevant as the first.
      .filter((p, k, all) => k === 0 || p.overlap * 2 > all[0]!.overlap)
      .sort((a, b) => a.i - b.i)
      .map((p) => p.s)
      .join(' ')
  );
}

const computedSource = (c: ComputedPassage): DraftSource => ({
  title: c.title,
  docId: null,
  itemId: null,
  snippet: snippet(c.text),
});

/** Whether an answer states `figure` (its amount, however written). */
const states = (answer: string, figure: string) =>
  !isNoAnswer(answer) && checkGrounding(figure, [answer]).grounded;

/** The computed passage itself as the answer (checked by the guard like any other). */
function quoteAnswer(
  quote: ComputedPassage,
  locale: AnswerInput['locale'],
  strategy: AnswerStrategy,
): Decision {
  const text = locale === 'en' ? `From the price list: “${quote.text}”` : quote.text;
  const guard = checkGrounding(text, [quote.text, quote.title]);
  return {
    kind: 'answer',
    text,
    sources: [computedSource(quote)],
    grounded: guard.grounded,
    findings: guard.findings,
    strategy,
  };
}

const chunkPassage = (c: GroundingChunk): Passage => ({
  text: c.text,
  listingDocument: c.metadata.origin === 'listing',
});
const hitPassage = (h: LocalHit): Passage => ({ text: h.text, listingDocument: h.origin === 'listing' });

/**
 * Builds `answer(input)`: escalation rules first, then the retrieval cascade (this listing's
 * documents → general documents → fallback), the model's answer checked by the grounding guard.
 * A stage ends the search only with a text that answers the question (see {@link whyUnanswered}):
 * the no-answer marker, a restatement of the listing's own facts or an off-topic passage searches on.
 * Without Gemini the local index quotes the best passage that answers (strategy `local`, always for
 * review). Never throws for Gemini failures: they become a fallback with reason `unavailable`.
 */
export function createAnswerer(deps: AnswererDeps) {
  const { logger, fallbackText } = deps;
  const fallback = (
    reason: 'nothing_found' | 'not_covered' | 'unavailable',
    sources: DraftSource[] = [],
    detail?: string,
  ): Decision => ({
    kind: 'fallback',
    text: fallbackText,
    reason,
    sources,
    strategy: 'none',
    ...(detail ? { detail } : {}),
  });

  async function sourcesOf(chunks: GroundingChunk[]): Promise<DraftSource[]> {
    const out = new Map<string, DraftSource>();
    for (const c of chunks) {
      const docId = c.metadata.doc_id ?? null;
      const key = docId ?? `title:${c.title}`;
      if (out.has(key)) continue;
      const doc = docId ? await deps.store.documents.get(docId) : null;
      out.set(key, {
        title: doc?.title ?? c.title,
        docId,
        itemId: doc?.itemId ?? c.metadata.item_id ?? null,
        snippet: snippet(c.text),
      });
    }
    return [...out.values()];
  }

  async function withGemini(
    generate: NonNullable<AnswererDeps['generate']>,
    input: AnswerInput,
  ): Promise<Decision> {
    const itemId = input.listing?.itemId ?? null;
    const stages: Array<{
      strategy: 'item' | 'general';
      filter: string;
      owns: (c: GroundingChunk) => boolean;
    }> = [];
    if (itemId) {
      stages.push({
        strategy: 'item',
        filter: `item_id = ${quoteFilterValue(itemId)}`,
        owns: (c) => c.metadata.item_id === itemId,
      });
    }
    stages.push({
      strategy: 'general',
      filter: 'scope = "general"',
      owns: (c) => c.metadata.scope === 'general',
    });
    const computed = input.computed ?? [];
    const systemInstruction = buildSystemInstruction(input.listing, input.locale, computed);
    const contents = buildContents(input.history, input.questions);
    const facts = listingFactsText(input.listing);
    const computedTexts = computed.flatMap((c) => [c.text, c.title]);
    let notCovered: DraftSource[] | null = null;
    for (const stage of stages) {
      let generated: GeneratedAnswer;
      try {
        generated = await generate({ systemInstruction, contents, metadataFilter: stage.filter });
      } catch (err) {
        if (!(err instanceof GeminiError)) throw err;
        logger.warn({ kind: err.kind, strategy: stage.strategy }, 'answer unavailable: gemini failed');
        return fallback('unavailable', [], err.message);
      }
      const quote = computed.find((c) => c.figure && !states(generated.text, c.figure));
      if (quote) return quoteAnswer(quote, input.locale, stage.strategy);
      if (generated.chunks.length === 0) {
        // A computed quote answers a price question although no document was retrieved.
        if (computed.length === 0 || isNoAnswer(generated.text)) continue;
        const guard = checkGrounding(generated.text, [...computedTexts, facts]);
        return {
          kind: 'answer',
          text: generated.text,
          sources: computed.map(computedSource),
          grounded: guard.grounded,
          findings: guard.findings,
          strategy: stage.strategy,
        };
      }
      if (!generated.chunks.every(stage.owns)) {
        // The filter should make this impossible; if the backend ever ignores it, use nothing.
        logger.error({ strategy: stage.strategy }, 'File Search returned chunks outside the metadata filter');
        continue;
      }
      const sources = [...computed.map(computedSource), ...(await sourcesOf(generated.chunks))];
      const retrieved = [
        ...computed.map((c) => ({ text: c.text, listingDocument: false })),
        ...generated.chunks.map(chunkPassage),
      ];
      const cited = generated.supportedChunks.map((i) => retrieved[i + computed.length]!);
      const unanswered = whyUnanswered({
        questions: input.questions,
        answer: generated.text,
        evidence: cited.length > 0 ? cited : retrieved,
        retrieved,
        listing: input.listing,
      });
      if (unanswered) {
        logger.debug({ strategy: stage.strategy, unanswered }, 'no answer at this stage: searching on');
        notCovered = sources;
        continue;
      }
      const guard = checkGrounding(generated.text, [
        ...computedTexts,
        ...generated.chunks.map((c) => c.text),
        ...generated.chunks.map((c) => c.title),
        facts,
      ]);
      return {
        kind: 'answer',
        text: generated.text,
        sources,
        grounded: guard.grounded,
        findings: guard.findings,
        strategy: stage.strategy,
      };
    }
    return notCovered ? fallback('not_covered', notCovered) : fallback('nothing_found');
  }

  async function withLocalIndex(input: AnswerInput): Promise<Decision> {
    // Without a model the computed quote is the passage quoted: its figures are the calculator's.
    const [quote] = input.computed ?? [];
    if (quote) return quoteAnswer(quote, input.locale, 'local');
    const question = input.questions.join('\n');
    const itemId = input.listing?.itemId ?? null;
    const filters: Array<{ scope: 'item'; itemId: string } | { scope: 'general' }> = itemId
      ? [{ scope: 'item', itemId }, { scope: 'general' }]
      : [{ scope: 'general' }];
    let notCovered: DraftSource[] | null = null;
    for (const filter of filters) {
      const hits = await deps.localIndex.search(question, { filter, limit: 3 });
      const retrieved = hits.map(hitPassage);
      const sourcesFrom = (first: LocalHit): DraftSource[] => {
        const seen = new Set<string>();
        return [first, ...hits]
          .filter((h) => !seen.has(h.docId) && seen.add(h.docId))
          .map((h) => ({ title: h.title, docId: h.docId, itemId: h.itemId, snippet: snippet(h.text) }));
      };
      // Best first; a passage that only names the item does not end the search.
      const answering = hits
        .map((hit, i) => ({ hit, quote: quotePassage(hit, question), passage: retrieved[i]! }))
        .find(
          (c) =>
            whyUnanswered({
              questions: input.questions,
              answer: c.quote,
              evidence: [c.passage],
              retrieved,
              listing: input.listing,
            }) === null,
        );
      if (!answering) {
        if (hits.length > 0) notCovered = sourcesFrom(hits[0]!);
        continue;
      }
      const { hit, quote } = answering;
      const text =
        input.locale === 'en' ? `From “${hit.title}”: “${quote}”` : `Из документа «${hit.title}»: «${quote}»`;
      const guard = checkGrounding(text, [...hits.map((h) => h.text), ...hits.map((h) => h.title)]);
      return {
        kind: 'answer',
        text,
        sources: sourcesFrom(hit),
        grounded: guard.grounded,
        findings: guard.findings,
        strategy: 'local',
      };
    }
    return notCovered ? fallback('not_covered', notCovered) : fallback('nothing_found');
  }

  /** Decides what to do with the buyer's unanswered messages. */
  return async function answer(input: AnswerInput, options: AnswerOptions = {}): Promise<Decision> {
    const questions = input.questions.map((q) => q.trim()).filter(Boolean);
    const escalation = options.skipEscalation
      ? null
      : detectEscalation(questions, {
          keywords: [...deps.escalationKeywords, ...(options.keywords ?? [])],
          listingPrice: priceNumber(input.listing?.price),
        });
    if (escalation) return { kind: 'escalate', reason: escalation.reason, matched: escalation.matched };
    if (questions.length === 0) return fallback('nothing_found');
    const normalized = { ...input, questions };
    return deps.generate ? withGemini(deps.generate, normalized) : withLocalIndex(normalized);
  };
}

/** The answer function {@link createAnswerer} returns. */
export type Answerer = ReturnType<typeof createAnswerer>;
