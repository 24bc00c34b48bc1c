/**
 * HTML helpers for Telegram's `parse_mode: 'HTML'`. Every buyer, AI and document text goes through
 * {@link escapeHtml}; a raw `<` otherwise makes Telegram refuse the whole message.
 */

/** Escapes the three characters Telegram's HTML parser treats specially. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Length in Unicode code points, the unit of Telegram's 4096-character limit. */
export function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/**
 * Cuts plain (unescaped) text to at most `max` code points, ending with «…» and `marker` when it was cut, so
 * the owner sees that something is missing. One «…» only: a marker that is or starts with one is not given
 * another, nor is a kept part that already ends with one. Never splits a surrogate pair.
 */
export function cutText(text: string, max: number, marker: string): string {
  if (codePoints(text) <= max) return text;
  const suffix = marker.startsWith('…') ? marker : marker ? `… ${marker}` : '…';
  const keep = Math.max(0, max - codePoints(suffix));
  const kept = Array.from(text).slice(0, keep).join('').trimEnd().replace(/…+$/u, '').trimEnd();
  return `${kept}${suffix}`;
}

/** The text Telegram will count for an HTML message: tags removed, entities decoded. */
export function visibleLength(html: string): number {
  const plain = html
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
  return codePoints(plain.trim());
}

/** Telegram's limit is 4096; we keep a margin for the status lines added around the variable parts. */
export const MESSAGE_BUDGET = 3800;
