/**
 * Draft cards and notices as Telegram HTML: every buyer, AI and document text escaped, the whole message
 * kept under Telegram's 4096 characters (the draft text gets what the rest leaves, cut with a marker).
 */
import type { InlineKeyboardMarkup } from 'grammy/types';
import type { Chat, Draft, Message } from '../../models/records.js';
import { readFindings } from '../../rag/findings.js';
import { channelOf } from '../../responder/channel.js';
import { decodeDeliveryProblem } from '../../responder/delivery-problem.js';
import type { CardView, Notice } from '../../responder/ports.js';
import { cutText, escapeHtml, MESSAGE_BUDGET, visibleLength } from '../html.js';
import { formatWhen, type Texts } from '../../texts/index.js';
import { cardKeyboard, noticeKeyboard, withLeadButton } from './keyboards.js';

/** A message ready for `sendMessage`/`editMessageText` with `parse_mode: 'HTML'`. */
export interface Rendered {
  text: string;
  replyMarkup: InlineKeyboardMarkup | undefined;
}

const LIMITS = {
  title: 150,
  name: 80,
  buyerTotal: 1200,
  perMessage: 600,
  findings: 400,
  sources: 400,
  error: 300,
};

/** Escaped and cut plain text. */
function safe(text: string, max: number, t: Texts): string {
  return escapeHtml(cutText(text, max, t.cutMarker));
}

/** The listing line: title and price, or the chat id when the listing is unknown. */
export function listingLine(chat: Chat, t: Texts): string {
  const listing = chat.listing;
  if (!listing) return `🛒 <code>${safe(chat.id, 60, t)}</code>`;
  const price = listing.price ? ` · ${safe(listing.price, 40, t)}` : '';
  return `🛒 <b>${safe(listing.title, LIMITS.title, t)}</b>${price}`;
}

/** Who the buyer is and where they write (Avito, the website, Telegram): every card and notice says it. */
function buyerLine(chat: Chat, t: Texts): string {
  const name = safe(chat.buyerName ?? t.card.noName, LIMITS.name, t);
  return `${t.card.buyer} ${name} · ${t.channelName(channelOf(chat.id))}`;
}

/** One buyer message as plain text: its text, or a label for photos, voice messages and the like. */
export function messageText(message: Message, t: Texts): string {
  if (message.type === 'text' && message.text) return message.text;
  if (message.text && message.type === 'link') return `${t.messageType('link')}: ${message.text}`;
  return t.messageType(message.type);
}

/** The buyer messages in a quote, the total capped so the draft keeps most of the room. */
export function buyerBlock(messages: Message[], t: Texts): string {
  if (messages.length === 0) return `${t.card.buyerSays}\n${t.card.noMessages}`;
  let left = LIMITS.buyerTotal;
  const lines: string[] = [];
  for (const message of messages) {
    if (left <= 20) {
      lines.push(escapeHtml(`… ${t.cutMarker}`));
      break;
    }
    const text = cutText(messageText(message, t), Math.min(LIMITS.perMessage, left), t.cutMarker);
    left -= text.length;
    lines.push(escapeHtml(text));
  }
  return `${t.card.buyerSays}\n<blockquote>${lines.join('\n')}</blockquote>`;
}

function sourcesLine(draft: Draft, t: Texts): string {
  if (draft.sources.length === 0) return t.card.noSources;
  const titles = [...new Set(draft.sources.map((s) => s.title))].join(', ');
  return `${t.card.sources} ${safe(titles, LIMITS.sources, t)}`;
}

/**
 * Whether the sources back a draft, and if not, what the guard found: facts the sources lack, sentences
 * they do not support, questions the draft leaves open. Shared by the cards and `/ask`.
 */
export function groundingLines(
  draft: Pick<Draft, 'grounded' | 'findings'>,
  t: Texts,
  max: number = LIMITS.findings,
): string[] {
  const lines = [draft.grounded ? t.card.grounded : t.card.ungrounded];
  if (draft.grounded) return lines;
  const found = readFindings(draft.findings);
  const quoted = (items: string[]) => safe(items.map((i) => `«${i}»`).join(' '), max, t);
  if (found.facts.length > 0) lines.push(`${t.card.findings} ${safe(found.facts.join('; '), max, t)}`);
  if (found.unsupported.length > 0) lines.push(t.card.unsupported(quoted(found.unsupported)));
  if (found.unanswered.length > 0) lines.push(t.card.unanswered(quoted(found.unanswered)));
  return lines;
}

/** Why a fallback was chosen: nothing found, found but not answering, or the model unavailable. */
function notFoundLine(draft: Draft, t: Texts): string {
  const [reason = 'nothing_found', detail] = draft.findings;
  return t.card.notFound(reason, detail ? safe(detail, LIMITS.error, t) : null);
}

/** Which model wrote the draft (or found the documents silent), when one did. */
function modelLines(draft: Draft, t: Texts): string[] {
  return draft.provider && draft.model
    ? [t.card.model(safe(draft.provider, 40, t), safe(draft.model, LIMITS.name, t))]
    : [];
}

/**
 * What the owner learns about the search behind a draft: where it was found, whether the sources back it and
 * which model wrote it (an answer), or why nothing was found (a fallback). The owner's own words have no
 * search behind them.
 */
function searchLines(draft: Draft, t: Texts): string[] {
  if (draft.kind === 'reply' || draft.kind === 'escalation') return [];
  if (draft.kind === 'fallback')
    return [
      notFoundLine(draft, t),
      ...(draft.sources.length > 0 ? [sourcesLine(draft, t)] : []),
      ...modelLines(draft, t),
    ];
  return [
    sourcesLine(draft, t),
    ...groundingLines(draft, t),
    t.card.found(draft.strategy),
    ...modelLines(draft, t),
  ];
}

/** Who approved a draft, as the card says it; `names` maps Telegram ids to names we know. */
export function whoApproved(approvedBy: string | null, t: Texts, names: ReadonlyMap<string, string>): string {
  if (!approvedBy || approvedBy === 'auto') return t.whoAuto;
  const id = approvedBy.replace(/^tg:/, '');
  return t.whoOwner(names.get(id) ?? id);
}

function statusLine(view: CardView, t: Texts, names: ReadonlyMap<string, string>): string {
  const { draft, takenOver } = view;
  if (takenOver) {
    const who = escapeHtml(whoApproved(takenOver.by, t, names));
    const handedBack = view.chat.state === 'ai' ? `\n${t.card.handedBack}` : '';
    return `\n<b>${t.card.takenOver(who, formatWhen(t, takenOver.at))}</b>${handedBack}`;
  }
  const problem = decodeDeliveryProblem(draft.error);
  const error = problem
    ? t.deliveryProblem(problem, problem.reason ? safe(problem.reason, LIMITS.error, t) : '')
    : '?';
  const line = t.status(
    draft.status,
    escapeHtml(whoApproved(draft.approvedBy, t, names)),
    formatWhen(t, draft.updatedAt),
    error,
  );
  return line ? `\n<b>${line}</b>` : '';
}

/** Fills the draft's text into what the rest of the card leaves of the budget. */
function withDraftText(head: string, label: string, text: string, tail: string, t: Texts): string {
  const room = MESSAGE_BUDGET - visibleLength(`${head}\n${label}\n\n${tail}`) - 4;
  const body = text.trim() ? safe(text, Math.max(200, room), t) : '—';
  return `${head}\n\n${label}\n${body}\n\n${tail}`.trim();
}

/** The label above the text: whose words these are and what kind of answer. */
function draftLabel(draft: Draft, t: Texts, names: ReadonlyMap<string, string>): string {
  const edited = draft.text !== draft.originalText;
  const who = () => escapeHtml(whoApproved(draft.approvedBy, t, names));
  if (draft.kind === 'reply') return t.card.ownerReply(who());
  if (draft.kind === 'fallback') {
    // The owner rewrote the fallback: it is the owner's text now, not the fallback.
    if (edited) return t.card.ownerFallback(who());
    return draft.findings[0] === 'unavailable' ? t.card.fallbackUnavailable : t.card.fallbackDraft;
  }
  return t.card.draft;
}

/** The lead a draft's chat belongs to, as its card shows it (stage, and a button to the lead card). */
export interface CardLead {
  id: string;
  stage: string;
}

/** The card for a draft in its current state, with the buttons that state allows. */
export function renderCard(
  view: CardView,
  t: Texts,
  names: ReadonlyMap<string, string> = new Map(),
  lead: CardLead | null = null,
): Rendered {
  const { draft, chat } = view;
  const head = [
    listingLine(chat, t),
    buyerLine(chat, t),
    ...(lead ? [t.sales.draftLead(t.sales.stage(lead.stage))] : []),
    '',
    buyerBlock(view.buyerMessages, t),
  ].join('\n');
  const status = statusLine(view, t, names);
  let text: string;
  if (draft.kind === 'escalation') {
    const reason = t.card.escalation(safe(draft.findings[0] ?? '?', LIMITS.findings, t));
    text = draft.text.trim()
      ? withDraftText(head, reason, draft.text, status, t)
      : `${head}\n\n${reason}${status ? `\n${status}` : ''}`;
  } else {
    const edited = draft.kind === 'answer' && draft.text !== draft.originalText ? t.card.edited : '';
    const tail = [...searchLines(draft, t), edited, status.trim()].filter(Boolean).join('\n');
    text = withDraftText(head, draftLabel(draft, t, names), draft.text, tail, t);
  }
  // The 📇 button while the owner decides on the draft; a settled card keeps only its stage line.
  const leadButton = draft.status === 'pending' ? lead : null;
  return { text, replyMarkup: withLeadButton(cardKeyboard(view, t), leadButton, t) };
}

/** A notice that is not a draft card (auto-sent log entry, paused chat, buyer in a human chat). */
export function renderNotice(
  notice: Notice,
  t: Texts,
): Rendered & { avitoChatId: string; draftId: string | null } {
  switch (notice.kind) {
    case 'auto-sent':
    case 'fallback-sent': {
      const { draft, chat } = notice.view;
      const title = notice.kind === 'auto-sent' ? t.notice.autoSent : t.notice.fallbackSent;
      const head = [
        title,
        listingLine(chat, t),
        buyerLine(chat, t),
        '',
        buyerBlock(notice.view.buyerMessages, t),
      ].join('\n');
      const tail = [
        ...searchLines(draft, t),
        ...(notice.kind === 'fallback-sent' ? [t.notice.replyHint] : []),
      ].join('\n');
      return {
        text: withDraftText(head, t.notice.answer, draft.text, tail, t),
        replyMarkup: noticeKeyboard(notice, t),
        avitoChatId: chat.id,
        draftId: draft.id,
      };
    }
    case 'chat-paused':
      return {
        text: [
          t.notice.chatPaused(formatWhen(t, notice.until)),
          listingLine(notice.chat, t),
          buyerLine(notice.chat, t),
        ].join('\n'),
        replyMarkup: noticeKeyboard(notice, t),
        avitoChatId: notice.chat.id,
        draftId: null,
      };
    case 'buyer-in-human-chat':
      return {
        text: [
          t.notice.buyerInHumanChat,
          listingLine(notice.chat, t),
          buyerLine(notice.chat, t),
          '',
          buyerBlock(notice.messages, t),
          '',
          t.notice.replyHint,
        ].join('\n'),
        replyMarkup: noticeKeyboard(notice, t),
        avitoChatId: notice.chat.id,
        draftId: null,
      };
  }
}
