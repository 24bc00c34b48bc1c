import type { Locale } from '../texts/index.js';
import type { Logger } from '../logger.js';
import type { DraftSource, ListingFacts } from '../models/records.js';
import type { Store } from '../store/port.js';
import {
  type Ask,
  askedIn,
  answersAsk,
  type Cover,
  coverIn,
  listingMayAnswer,
  namingOf,
  type Passage,
  relatedWords,
  whyUnanswered,
} from './coverage.js';
import { ModelUnavailableError } from './errors.js';
import { detectEscalation, type EscalationReason } from './escalation.js';
import { unansweredFinding, unsupportedFinding } from './findings.js';
import { checkGrounding } from './guard.js';
import type { LocalHit, LocalIndex } from './local-index.js';
import type { GivenPassage, LlmProvider, RetrievalStage } from './models/port.js';
import type { ModelRouter } from './models/router.js';
import {
  buildSystemInstruction,
  buildTurns,
  type HistoryMessage,
  isNoAnswer,
  listingFactsText,
} from './prompt.js';
import { composeReply } from './reply.js';
import { checkSupport, DEFAULT_SUPPORT_THRESHOLD } from './support.js';

/** What the responder asks: the unanswered buyer messages in their chat's context. */
export interface AnswerInput {
  /** The unanswered buyer messages, oldest first. */
  questions: string[];
  /** The last N messages of the chat, oldest first. */
  history: HistoryMessage[];
  listing: (ListingFacts & { itemId: string | null }) | null;
  locale?: Locale;
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

/** Where an answer came from: item documents, general documents (a model), or the local index. */
export type AnswerStrategy = 'item' | 'general' | 'local';

/** The model that wrote an answer, or said the documents do not cover the question. */
export interface ProducedBy {
  provider?: LlmProvider;
  model?: string;
}

/**
 * The answerer's verdict. `answer` with `grounded: false` or strategy `local` must go to the owner
 * for review; `fallback` carries exactly the configured fallback text; `escalate` carries no text.
 */
export type Decision =
  | ({
      kind: 'answer';
      text: string;
      sources: DraftSource[];
      grounded: boolean;
      findings: string[];
      strategy: AnswerStrategy;
    } & ProducedBy)
  | ({
      kind: 'fallback';
      text: string;
      reason: 'nothing_found' | 'not_covered' | 'unavailable';
      sources: DraftSource[];
      strategy: 'none';
      /** For `unavailable`: what failed (e.g. the daily quota), for the owner's card. */
      detail?: string;
    } & ProducedBy)
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
  /**
   * The providers of LLM_PROVIDERS behind their router; null without any (the local index quotes
   * passages, always for review).
   */
  models: Pick<ModelRouter, 'generate'> | null;
  /** Passages for the quoting path and for providers without File Search. */
  localIndex: Pick<LocalIndex, 'search'>;
  /** Passages a provider without File Search gets per stage. Default 5. */
  passageLimit?: number;
  /** Share of a sentence's words the sources must hold (`SUPPORT_THRESHOLD`); see {@link checkSupport}. */
  supportThreshold?: number;
}

const SNIPPET_CHARS = 300;

const snippet = (text: string) => {
  const clean = text.replace(/\s+/g, ' ').trim();
  return clean.length > SNIPPET_CHARS ? `${clean.slice(0, SNIPPET_CHARS - 1)}…` : clean;
};

function priceNumber(price: string | null | undefined): number | null {
  const digits = price?.replace(/[\s\u00a0]/g, '').match(/\d+(?:[.,]\d+)?/)?.[0];
  return digits ? Number(digits.replace(',', '.')) : null;
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

const givenPassage = (p: GivenPassage): Passage => ({
  text: p.text,
  listingDocument: p.origin === 'listing',
});
const hitGiven = (h: LocalHit): GivenPassage => ({
  docId: h.docId,
  title: h.title,
  itemId: h.itemId,
  scope: h.scope,
  origin: h.origin,
  text: h.text,
});
/** Whether a passage belongs to the stage's filter (this listing's documents, or general ones). */
const ownedBy = (stage: RetrievalStage) => (p: GivenPassage) =>
  stage.strategy === 'item' ? p.itemId === stage.itemId : p.scope === 'general';

/** The first reply in a chat greets the buyer; later ones go straight to the point. */
const firstReply = (history: readonly HistoryMessage[]) =>
  !history.some((m) => m.author === 'ai' || m.author === 'owner');

/** What the guard concluded about an answer: grounded only with nothing to object to. */
interface GuardVerdict {
  grounded: boolean;
  findings: string[];
}

/**
 * The grounding guard on an answer before anyone may send it on its own: every fact (number, contact,
 * link, date) in the sources, every sentence backed by them, and no question of the buyer's (a sentence
 * ending with «?») left without an answer. Findings list what failed; any finding keeps the draft in
 * review.
 */
function guardAnswer(
  text: string,
  sources: readonly string[],
  open: readonly Ask[],
  supportThreshold: number,
): GuardVerdict {
  const facts = checkGrounding(text, sources);
  const support = checkSupport(text, sources, supportThreshold);
  const findings = [
    ...facts.findings,
    ...support.unsupported.map(unsupportedFinding),
    ...open.filter((a) => a.question).map((a) => unansweredFinding(a.text)),
  ];
  return { grounded: findings.length === 0, findings };
}

/**
 * Builds `answer(input)`: escalation rules first, then the retrieval cascade (this listing's
 * documents → general documents → fallback), the model's answer checked by the grounding guard.
 * A stage ends the search only with a text that answers the question (see {@link whyUnanswered}):
 * the no-answer marker, a restatement of the listing's own facts or an off-topic passage searches on.
 * A model answers through the router (see `ModelRouter`): Gemini retrieves with File Search, the other
 * providers get the local index's passages; the answer and the fallback name the provider and model.
 * Without a model the local index answers with the sentences that cover the question (strategy `local`,
 * always for review). Every answer passes the grounding guard (facts, sentence support, questions left
 * open). Never throws for model failures: they become a fallback with reason `unavailable`.
 */
export function createAnswerer(deps: AnswererDeps) {
  const { logger, fallbackText } = deps;
  const supportThreshold = deps.supportThreshold ?? DEFAULT_SUPPORT_THRESHOLD;
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

  /** One source per document of the passages given, titled as the store knows it. */
  async function sourcesOf(passages: readonly GivenPassage[]): Promise<DraftSource[]> {
    const out = new Map<string, DraftSource>();
    for (const p of passages) {
      const key = p.docId ?? `title:${p.title}`;
      if (out.has(key)) continue;
      const doc = p.docId ? await deps.store.documents.get(p.docId) : null;
      out.set(key, {
        title: doc?.title ?? p.title,
        docId: p.docId,
        itemId: doc?.itemId ?? p.itemId,
        snippet: snippet(p.text),
      });
    }
    return [...out.values()];
  }

  /**
   * When this listing's only documents are the one made from its facts, and those cannot answer the buyer
   * (`listingMayAnswer`), the item stage's model call would end refused whatever it said: its sources then,
   * for the card. Null when the stage must be asked.
   */
  async function listingCannotAnswer(
    itemId: string,
    input: AnswerInput,
  ): Promise<{ sources: DraftSource[] } | null> {
    const docs = await deps.store.documents.list({ scope: 'item', itemId });
    if (docs.some((d) => d.origin !== 'listing')) return null;
    const chunks = docs.length > 0 ? await deps.store.documents.chunks({ scope: 'item', itemId }) : [];
    const passages = chunks.map((c) => ({ text: c.text, listingDocument: true }));
    if (listingMayAnswer(input.questions, input.listing, passages)) return null;
    const byDoc = new Map(chunks.map((c) => [c.docId, c]));
    return {
      sources: [...byDoc.values()].map((c) => ({
        title: c.title,
        docId: c.docId,
        itemId: c.itemId,
        snippet: snippet(c.text),
      })),
    };
  }

  async function withModels(
    models: NonNullable<AnswererDeps['models']>,
    input: AnswerInput,
  ): Promise<Decision> {
    const itemId = input.listing?.itemId ?? null;
    const stages: RetrievalStage[] = itemId
      ? [{ strategy: 'item', itemId }, { strategy: 'general' }]
      : [{ strategy: 'general' }];
    const turns = buildTurns(input.history, input.questions);
    const facts = listingFactsText(input.listing);
    const question = input.questions.join('\n');
    const computed = input.computed ?? [];
    const computedTexts = computed.flatMap((c) => [c.text, c.title]);
    let notCovered: { sources: DraftSource[]; by: ProducedBy } | null = null;
    for (const stage of stages) {
      if (stage.strategy === 'item' && computed.length === 0) {
        const skip = await listingCannotAnswer(stage.itemId, input);
        if (skip) {
          logger.debug(
            { itemId: stage.itemId },
            'item stage skipped: only the listing facts, which cannot answer',
          );
          if (skip.sources.length > 0) notCovered = { sources: skip.sources, by: {} };
          continue;
        }
      }
      const filter =
        stage.strategy === 'item'
          ? { scope: 'item' as const, itemId: stage.itemId }
          : { scope: 'general' as const };
      let answer: Awaited<ReturnType<typeof models.generate>>;
      try {
        answer = await models.generate({
          stage,
          turns,
          system: (passages) => buildSystemInstruction(input.listing, input.locale, passages, computed),
          passages: async () =>
            (await deps.localIndex.search(question, { filter, limit: deps.passageLimit ?? 5 })).map(hitGiven),
        });
      } catch (err) {
        if (!(err instanceof ModelUnavailableError)) throw err;
        logger.warn({ kind: err.kind, strategy: stage.strategy }, 'answer unavailable: no model answered');
        return fallback('unavailable', [], err.message);
      }
      // A price question gets the computed figure: an answer that does not state it is replaced by the quote.
      const quote = computed.find((c) => c.figure && !(answer && states(answer.text, c.figure)));
      if (quote) {
        const by: ProducedBy = answer ? { provider: answer.provider, model: answer.model } : {};
        return { ...quoteAnswer(quote, input.locale, stage.strategy), ...by };
      }
      if (answer && answer.passages.length === 0 && computed.length > 0 && !isNoAnswer(answer.text)) {
        // The computed quote answers although no document was retrieved.
        const guard = checkGrounding(answer.text, [...computedTexts, facts]);
        return {
          kind: 'answer',
          text: answer.text,
          sources: computed.map(computedSource),
          grounded: guard.grounded,
          findings: guard.findings,
          strategy: stage.strategy,
          provider: answer.provider,
          model: answer.model,
        };
      }
      if (!answer || answer.passages.length === 0) continue;
      if (!answer.passages.every(ownedBy(stage))) {
        // The filter should make this impossible; if the backend ever ignores it, use nothing.
        logger.error({ strategy: stage.strategy }, 'retrieval returned passages outside the stage filter');
        continue;
      }
      const by: ProducedBy = { provider: answer.provider, model: answer.model };
      const sources = [...computed.map(computedSource), ...(await sourcesOf(answer.passages))];
      const given = answer.passages.map(givenPassage);
      const retrieved = [...computed.map((c) => ({ text: c.text, listingDocument: false })), ...given];
      const cited = answer.cited.flatMap((i) => (given[i] ? [given[i]] : []));
      const unanswered = whyUnanswered({
        questions: input.questions,
        answer: answer.text,
        evidence: cited.length > 0 ? cited : retrieved,
        retrieved,
        listing: input.listing,
      });
      if (unanswered) {
        logger.debug({ strategy: stage.strategy, unanswered }, 'no answer at this stage: searching on');
        notCovered = { sources, by };
        continue;
      }
      const said = [answer.text, ...(cited.length > 0 ? cited : retrieved).map((p) => p.text)].join('\n');
      const open = askedIn(input.questions, namingOf(input.listing, retrieved)).filter(
        (ask) => !answersAsk(ask, said),
      );
      const guard = guardAnswer(
        answer.text,
        [
          ...computedTexts,
          ...answer.passages.map((p) => p.text),
          ...answer.passages.map((p) => p.title),
          facts,
        ],
        open,
        supportThreshold,
      );
      return {
        kind: 'answer',
        text: answer.text,
        sources,
        grounded: guard.grounded,
        findings: guard.findings,
        strategy: stage.strategy,
        ...by,
      };
    }
    return notCovered
      ? { ...fallback('not_covered', notCovered.sources), ...notCovered.by }
      : fallback('nothing_found');
  }

  /**
   * Without a model: each thing the buyer asks is looked up stage by stage (this listing's documents,
   * then general ones), and answered only by sentences of a passage that cover its key terms. The
   * draft is those sentences, politely framed; asks nothing covers are named in the findings, and when
   * nothing is covered the fallback is the answer.
   */
  async function withLocalIndex(input: AnswerInput): Promise<Decision> {
    // Without a model the computed quote is the passage quoted: its figures are the calculator's.
    const [quote] = input.computed ?? [];
    if (quote) return quoteAnswer(quote, input.locale, 'local');
    const itemId = input.listing?.itemId ?? null;
    const filters: Array<{ scope: 'item'; itemId: string } | { scope: 'general' }> = itemId
      ? [{ scope: 'item', itemId }, { scope: 'general' }]
      : [{ scope: 'general' }];
    const asks = askedIn(input.questions, namingOf(input.listing, []));
    const answered = new Map<Ask, { cover: Cover; hit: LocalHit }>();
    const seen: LocalHit[] = [];
    // One search per stage for all the asks (with the document words for what they mean); each ask then
    // takes the best sentence any of the passages offers.
    const query = asks.flatMap((a) => [a.text, relatedWords(a)]).join('\n');
    for (const filter of filters) {
      const open = asks.filter((a) => !answered.has(a));
      if (open.length === 0) break;
      const hits = await deps.localIndex.search(query, {
        filter,
        limit: Math.min(6, 2 + asks.length),
        fill: true,
      });
      // What retrieval found; a chunk only topped up counts once it answers.
      seen.push(...hits.filter((h) => h.score > 0));
      for (const ask of open) {
        let best: { cover: Cover; hit: LocalHit } | null = null;
        for (const hit of hits) {
          if (ask.another && hit.scope === 'item') continue;
          const cover = coverIn(ask, { text: hit.text, title: hit.title });
          if (cover && (!best || cover.quality > best.cover.quality)) best = { cover, hit };
        }
        if (best) answered.set(ask, best);
      }
    }
    const sourcesFrom = (hits: readonly LocalHit[]): DraftSource[] => {
      const docs = new Set<string>();
      return hits
        .filter((h) => !docs.has(h.docId) && docs.add(h.docId))
        .map((h) => ({ title: h.title, docId: h.docId, itemId: h.itemId, snippet: snippet(h.text) }));
    };
    if (answered.size === 0) {
      return seen.length > 0 ? fallback('not_covered', sourcesFrom(seen)) : fallback('nothing_found');
    }
    const quoted = new Set<string>();
    const sentences: string[] = [];
    for (const ask of asks) {
      const found = answered.get(ask);
      for (const s of found?.cover.sentences ?? []) {
        const key = `${found!.hit.docId}:${found!.hit.chunkIndex}:${s.start}`;
        if (!quoted.has(key) && quoted.add(key)) sentences.push(s.text);
      }
    }
    const text = composeReply(sentences, { locale: input.locale ?? 'ru', greet: firstReply(input.history) });
    const used = asks.flatMap((a) => answered.get(a)?.hit ?? []);
    const given = [...seen, ...used];
    const guard = guardAnswer(
      text,
      [...given.map((h) => h.text), ...given.map((h) => h.title), listingFactsText(input.listing)],
      asks.filter((a) => !answered.has(a)),
      supportThreshold,
    );
    return {
      kind: 'answer',
      text,
      sources: sourcesFrom([...used, ...seen]),
      grounded: guard.grounded,
      findings: guard.findings,
      strategy: 'local',
    };
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
    return deps.models ? withModels(deps.models, normalized) : withLocalIndex(normalized);
  };
}

/** The answer function {@link createAnswerer} returns. */
export type Answerer = ReturnType<typeof createAnswerer>;
