/** How `/ask` shows what a buyer would get: the answer, the fallback or the escalation, nothing sent. */
import type { Decision } from '../deps.js';
import { cutText, escapeHtml, MESSAGE_BUDGET } from '../html.js';
import type { Texts } from '../../texts/index.js';
import { groundingLines } from './render.js';

export function renderDecision(
  question: string,
  listingTitle: string | null,
  decision: Decision,
  t: Texts,
): string {
  const head = `❓ <b>${escapeHtml(cutText(question, 500, t.cutMarker))}</b>${
    listingTitle ? `\n🛒 ${escapeHtml(cutText(listingTitle, 150, t.cutMarker))}` : ''
  }`;
  const body = (text: string) => escapeHtml(cutText(text, MESSAGE_BUDGET - 1200, t.cutMarker));
  const sources = (d: { sources: { title: string }[] }) =>
    d.sources.length > 0
      ? `${t.card.sources} ${escapeHtml(cutText([...new Set(d.sources.map((s) => s.title))].join(', '), 300, t.cutMarker))}`
      : t.card.noSources;
  let parts: string[];
  switch (decision.kind) {
    case 'answer':
      parts = [
        t.ask.answer(decision.strategy),
        body(decision.text),
        '',
        sources(decision),
        ...groundingLines(decision, t, 300),
      ];
      break;
    case 'fallback':
      parts = [
        t.ask.fallback,
        body(decision.text),
        '',
        t.card.notFound(
          decision.reason,
          decision.detail ? escapeHtml(cutText(decision.detail, 300, '…')) : null,
        ),
        ...(decision.sources.length > 0 ? [sources(decision)] : []),
      ];
      break;
    case 'escalate':
      parts = [t.ask.escalate(decision.reason, escapeHtml(cutText(decision.matched, 100, '…')))];
      break;
  }
  return [head, '', ...parts, '', `<i>${t.ask.nothingSent}</i>`].join('\n');
}
