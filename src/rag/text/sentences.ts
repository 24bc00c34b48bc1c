/** A sentence of a text, with where it stands. */
export interface Sentence {
  text: string;
  start: number;
  end: number;
  /** Index of the paragraph (block between blank lines) it belongs to. */
  paragraph: number;
  /** A Markdown heading (`# …`): context for the sentences under it, not something to quote. */
  heading: boolean;
}

/** Abbreviations that end with a dot inside a sentence: "ул. Малышева", "т. д.", "им. Ленина". */
const ABBREVIATION =
  /(?:^|[\s(«"])(?:ул|д|г|пр|просп|пер|стр|корп|кв|эт|оф|т|им|ст|р|н|макс|прим|напр|вкл|пн|вт|ср|чт|пт|сб|вс|st|no|vs|etc)$/iu;
/** Units after a number end a sentence as often as not: "… 120 × 60 см. Ящики…" is two sentences. */
const UNIT = /\d\s*(?:см|мм|м|кг|гр?|руб|коп|тыс|млн|мин|шт|л|мл|км)$/iu;

/** Markdown decorations that start a line: headings, list markers, quotes. */
const LINE_MARKUP = /^\s*(?:#{1,6}\s+|[-*•–—]\s+|\d+[.)]\s+|>\s*)/u;

/**
 * Splits text into sentences: at `.`, `!`, `?`, `…` followed by a space and a capital, a digit or an
 * opening quote, and at every line break (a line of a document is a unit of its own: a heading, a list
 * item, a labelled field). Decimal points ("27.5"), abbreviations ("ул. Малышева") and initials do not
 * end a sentence. Markdown markup at the start of a line is left out of the sentence.
 */
export function splitSentences(text: string): Sentence[] {
  const out: Sentence[] = [];
  let paragraph = 0;
  let offset = 0;
  for (const line of text.split('\n')) {
    const lineStart = offset;
    offset += line.length + 1;
    if (!line.trim()) {
      paragraph++;
      continue;
    }
    const markup = LINE_MARKUP.exec(line)?.[0].length ?? 0;
    const heading = /^\s*#/.test(line);
    let from = markup;
    const push = (to: number) => {
      const raw = line.slice(from, to);
      const lead = raw.length - raw.trimStart().length;
      const body = raw.trim();
      if (/[\p{L}\p{N}]/u.test(body)) {
        const start = lineStart + from + lead;
        out.push({ text: body, start, end: start + body.length, paragraph, heading });
      }
      from = to;
    };
    for (const m of line.matchAll(/[.!?…]+(?=\s+["«„(]?[\p{Lu}\p{N}])/gu)) {
      const before = line.slice(from, m.index);
      if (m[0] === '.' && ABBREVIATION.test(before) && !UNIT.test(before)) continue;
      // An initial: "А. С. Пушкин".
      if (m[0] === '.' && /(?:^|\s)\p{Lu}$/u.test(before)) continue;
      push(m.index + m[0].length);
    }
    push(line.length);
  }
  return out;
}
