/**
 * Splits a long answer into messages of at most `limit` characters (a channel's `maxTextLength`), cutting after
 * sentence ends (. ! ? … and line breaks) where possible, then at spaces, and only mid-word as a last resort.
 * Counts code points so an emoji is never cut in half. The sender and whoever recognises the sent parts later
 * (an echo, a reconciliation) must split with the same limit.
 */
export function splitText(text: string, limit: number): string[] {
  const trimmed = text.trim();
  if ([...trimmed].length <= limit) return trimmed ? [trimmed] : [];
  const parts: string[] = [];
  let rest = [...trimmed];
  while (rest.length > limit) {
    const window = rest.slice(0, limit + 1).join('');
    const cut = lastBoundary(window, limit);
    parts.push(rest.slice(0, cut).join('').trim());
    rest = [...rest.slice(cut).join('').trimStart()];
  }
  if (rest.length) parts.push(rest.join('').trim());
  return parts.filter(Boolean);
}

/** Code-point index to cut at: after the last sentence end within the limit, else the last space. */
function lastBoundary(window: string, limit: number): number {
  const chars = [...window];
  const minimum = Math.floor(limit / 3); // never leave a tiny first part
  for (let i = limit; i > minimum; i -= 1) {
    const prev = chars[i - 1] ?? '';
    const next = chars[i] ?? ' ';
    if (prev === '\n' || (/[.!?…]/.test(prev) && /\s/.test(next))) return i;
  }
  for (let i = limit; i > minimum; i -= 1) if (/\s/.test(chars[i] ?? '')) return i;
  return limit;
}
