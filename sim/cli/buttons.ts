import { buttonTexts } from './format.js';
import type { TgMessage } from '../telegram/index.js';

/** Letters and digits only, lower case: "✅ Отправить" and "отправить" compare equal. */
function loose(text: string): string {
  return text
    .normalize('NFC')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .toLowerCase();
}

/**
 * The exact text of the button a person means by `typed` (emoji and case optional, a unique start is
 * enough), looking at the newest messages first; undefined when nothing matches. The simulator's `tap`
 * needs the exact text, which is awkward to type with emoji.
 */
export function resolveButton(typed: string, messages: readonly TgMessage[]): string | undefined {
  const wanted = loose(typed);
  if (wanted === '') return undefined;
  const newestFirst = [...messages].reverse().map(buttonTexts);
  for (const texts of newestFirst) {
    const exact = texts.find((b) => b === typed || loose(b) === wanted);
    if (exact) return exact;
  }
  for (const texts of newestFirst) {
    const starts = texts.filter((b) => loose(b).startsWith(wanted));
    if (starts.length === 1) return starts[0];
  }
  return undefined;
}
