import { badRequest, Errors } from './errors.js';
import { type Entity, type HtmlOptions, parseHtml, sortEntities } from './html.js';

/** Bot API limits the simulator enforces (documented in api/telegram.md). */
export const Limits = {
  messageText: 4096,
  caption: 1024,
  callbackAnswerText: 200,
  callbackData: 64,
  downloadBytes: 20 * 1024 * 1024,
  uploadBytes: 50 * 1024 * 1024,
} as const;

export interface FormattedText {
  text: string;
  entities: Entity[];
}

/** Length in Unicode code points (how Telegram counts the 4096/1024 limits). */
export function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/**
 * Turns `text` + `parse_mode` (or explicit `entities`) into what Telegram stores: entities parsed,
 * surrounding whitespace trimmed (entities shifted/clipped like Telegram does).
 */
export function formatText(
  raw: string,
  parseMode: string | undefined,
  explicit: Entity[] | undefined,
  html: HtmlOptions,
): FormattedText {
  let parsed: FormattedText;
  if (parseMode === undefined || parseMode === '') {
    parsed = { text: raw, entities: explicit ?? [] };
  } else {
    const mode = parseMode.toLowerCase();
    if (mode === 'html') parsed = parseHtml(raw, html);
    else if (mode === 'markdownv2' || mode === 'markdown')
      parsed = parseMarkdownLoose(raw, mode === 'markdownv2');
    else throw badRequest('unsupported parse_mode');
  }
  return trim(parsed);
}

function trim({ text, entities }: FormattedText): FormattedText {
  const lead = /^\s*/u.exec(text)?.[0].length ?? 0;
  const body = text.slice(lead).replace(/\s+$/u, '');
  const end = body.length;
  const shifted: Entity[] = [];
  for (const e of entities) {
    const from = Math.max(0, e.offset - lead);
    const to = Math.min(end, e.offset + e.length - lead);
    if (to > from) shifted.push({ ...e, offset: from, length: to - from });
  }
  return { text: body, entities: sortEntities(shifted) };
}

/** Validates a message text after parsing: `message text is empty` / `message is too long`. */
export function checkMessageText(formatted: FormattedText): void {
  if (formatted.text.length === 0) throw Errors.textEmpty();
  if (codePoints(formatted.text) > Limits.messageText) throw Errors.textTooLong();
}

/** Validates a caption after parsing: `message caption is too long`. */
export function checkCaption(formatted: FormattedText): void {
  if (codePoints(formatted.text) > Limits.caption) throw Errors.captionTooLong();
}

const RESERVED_V2 = '_*[]()~`>#+-=|{}.!';

/**
 * MarkdownV2 is not the project's parse mode; the simulator only enforces its best-known rule (reserved
 * characters must be escaped) and strips escapes and the simple markers without producing entities.
 */
function parseMarkdownLoose(raw: string, v2: boolean): FormattedText {
  if (!v2) return { text: raw.replace(/[*_`]/g, ''), entities: [] };
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    if (ch === '\\' && i + 1 < raw.length) {
      out += raw[i + 1];
      i++;
      continue;
    }
    if ('.!-=+#>{}|()'.includes(ch)) {
      throw Errors.cantParseEntities(
        `Character '${ch}' is reserved and must be escaped with the preceding '\\'`,
      );
    }
    if (!RESERVED_V2.includes(ch)) out += ch;
  }
  return { text: out, entities: [] };
}

/** `bot_command` entities for `/cmd` or `/cmd@bot` tokens, as Telegram marks them in incoming messages. */
export function commandEntities(text: string): Entity[] {
  const entities: Entity[] = [];
  const re = /(^|\s)(\/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?)(?=$|\s|[.,!?;:])/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    entities.push({ type: 'bot_command', offset: m.index + m[1]!.length, length: m[2]!.length });
  }
  return entities;
}
