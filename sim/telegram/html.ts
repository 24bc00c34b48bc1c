import { Errors } from './errors.js';

/** A Bot API MessageEntity (offsets and lengths in UTF-16 code units). */
export interface Entity {
  type:
    | 'bold'
    | 'italic'
    | 'underline'
    | 'strikethrough'
    | 'spoiler'
    | 'code'
    | 'pre'
    | 'text_link'
    | 'text_mention'
    | 'blockquote'
    | 'expandable_blockquote'
    | 'custom_emoji'
    | 'bot_command'
    | 'mention'
    | 'url'
    | 'hashtag'
    | 'cashtag'
    | 'email'
    | 'phone_number';
  offset: number;
  length: number;
  url?: string;
  language?: string;
  user?: { id: number; is_bot: boolean; first_name: string };
  custom_emoji_id?: string;
}

const ALLOWED_TAGS = new Set([
  'a',
  'b',
  'strong',
  'i',
  'em',
  's',
  'strike',
  'del',
  'u',
  'ins',
  'tg-spoiler',
  'tg-emoji',
  'span',
  'pre',
  'code',
  'blockquote',
]);

export interface HtmlOptions {
  /**
   * Telegram keeps a `&` that does not start a supported entity as a literal character. `true` rejects it
   * instead — stricter than Telegram, for catching unescaped buyer text in our own code.
   */
  strictAmpersand?: boolean;
}

const isSpace = (c: number) =>
  c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0c || c === 0x0b;
const isAlpha = (c: number) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isHex = (c: number) => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);

/**
 * Decodes `&…` at `pos` the way tdlib does (`&lt; &gt; &amp; &quot;` and numeric references, the `;`
 * optional). Returns the code point and the position after it, or undefined when it is not an entity.
 */
function decodeEntity(bytes: Uint8Array, pos: number): { cp: number; end: number } | undefined {
  const at = (i: number) => bytes[i] ?? 0;
  let end = pos + 1;
  let cp = 0;
  if (at(end) === 0x23 /* # */) {
    end++;
    if (at(end) === 0x78 /* x */) {
      end++;
      while (isHex(at(end))) cp = cp * 16 + Number.parseInt(String.fromCharCode(at(end++)), 16);
    } else {
      while (isDigit(at(end))) cp = cp * 10 + (at(end++) - 0x30);
    }
    if (cp === 0 || cp >= 0x10ffff || end - pos >= 10) return undefined;
  } else {
    while (isAlpha(at(end))) end++;
    const name = Buffer.from(bytes.subarray(pos + 1, end)).toString('latin1');
    const named: Record<string, number> = { lt: 0x3c, gt: 0x3e, amp: 0x26, quot: 0x22 };
    const value = named[name];
    if (value === undefined) return undefined;
    cp = value;
  }
  return { cp, end: at(end) === 0x3b /* ; */ ? end + 1 : end };
}

function checkUrl(url: string): string | undefined {
  const candidate = /^[a-z][a-z0-9+.-]*:/i.test(url) ? url : `http://${url}`;
  try {
    const parsed = new URL(candidate);
    if (!['http:', 'https:', 'tg:', 'ton:', 'ftp:'].includes(parsed.protocol)) return undefined;
    return /^[a-z][a-z0-9+.-]*:/i.test(url) ? url : parsed.toString();
  } catch {
    return undefined;
  }
}

interface Open {
  tag: string;
  argument: string;
  offset: number;
  /** Byte position in the output where the entity's text starts (for `<a>` without href). */
  outPos: number;
}

/**
 * Parses a `parse_mode: "HTML"` text like Telegram (a port of tdlib's rules and error texts): returns the
 * plain text and its entities, or throws `Bad Request: can't parse entities: …`.
 */
export function parseHtml(input: string, options: HtmlOptions = {}): { text: string; entities: Entity[] } {
  const bytes = new Uint8Array(Buffer.from(input, 'utf8'));
  const at = (i: number) => bytes[i] ?? 0;
  const out: number[] = [];
  const entities: Entity[] = [];
  const stack: Open[] = [];
  let utf16 = 0;
  const fail = (why: string) => Errors.cantParseEntities(why);
  const pushCodePoint = (cp: number) => {
    if (cp >= 0xd800 && cp <= 0xdfff) {
      throw fail(
        'Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units',
      );
    }
    out.push(...Buffer.from(String.fromCodePoint(cp), 'utf8'));
    utf16 += cp > 0xffff ? 2 : 1;
  };

  for (let i = 0; i < bytes.length; i++) {
    const c = at(i);
    if (c === 0x26 /* & */) {
      const decoded = decodeEntity(bytes, i);
      if (decoded) {
        pushCodePoint(decoded.cp);
        i = decoded.end - 1;
        continue;
      }
      if (options.strictAmpersand) throw fail(`Unescaped "&" at byte offset ${i}`);
    }
    if (c !== 0x3c /* < */) {
      if ((c & 0xc0) !== 0x80) utf16 += c >= 0xf0 ? 2 : 1;
      out.push(c);
      continue;
    }

    const begin = i++;
    if (at(i) !== 0x2f /* / */) {
      while (i < bytes.length && !isSpace(at(i)) && at(i) !== 0x3e) i++;
      if (i >= bytes.length) throw fail(`Unclosed start tag at byte offset ${begin}`);
      const tag = Buffer.from(bytes.subarray(begin + 1, i))
        .toString('utf8')
        .toLowerCase();
      if (!ALLOWED_TAGS.has(tag)) throw fail(`Unsupported start tag "${tag}" at byte offset ${begin}`);

      let argument = '';
      while (at(i) !== 0x3e /* > */) {
        while (i < bytes.length && isSpace(at(i))) i++;
        if (at(i) === 0x3e) break;
        const attrBegin = i;
        while (i < bytes.length && !isSpace(at(i)) && at(i) !== 0x3d && at(i) !== 0x3e) i++;
        const attr = Buffer.from(bytes.subarray(attrBegin, i)).toString('utf8').toLowerCase();
        if (attr.length === 0) {
          throw fail(`Empty attribute name in the tag "${tag}" at byte offset ${begin}`);
        }
        while (i < bytes.length && isSpace(at(i))) i++;
        if (at(i) !== 0x3d /* = */) {
          if (tag === 'blockquote' && attr === 'expandable') {
            argument = 'expandable';
            continue;
          }
          throw fail(
            `Expected equal sign in declaration of an attribute of the tag "${tag}" at byte offset ${begin}`,
          );
        }
        i++;
        while (i < bytes.length && isSpace(at(i))) i++;
        if (i >= bytes.length) throw fail(`Unclosed start tag "${tag}" at byte offset ${begin}`);
        let value: string;
        const q = at(i);
        if (q !== 0x27 && q !== 0x22) {
          const tokenBegin = i;
          while (isAlpha(at(i)) || isDigit(at(i)) || at(i) === 0x2e || at(i) === 0x2d) i++;
          value = Buffer.from(bytes.subarray(tokenBegin, i)).toString('utf8').toLowerCase();
          if (!isSpace(at(i)) && at(i) !== 0x3e) {
            throw fail(`Unexpected end of name token at byte offset ${tokenBegin}`);
          }
        } else {
          i++;
          const valueBytes: number[] = [];
          while (i < bytes.length && at(i) !== q) {
            if (at(i) === 0x26) {
              const decoded = decodeEntity(bytes, i);
              if (decoded) {
                valueBytes.push(...Buffer.from(String.fromCodePoint(decoded.cp), 'utf8'));
                i = decoded.end;
                continue;
              }
            }
            valueBytes.push(at(i++));
          }
          if (at(i) === q) i++;
          value = Buffer.from(valueBytes).toString('utf8');
        }
        if (i >= bytes.length) throw fail(`Unclosed start tag at byte offset ${begin}`);
        if (tag === 'a' && attr === 'href') argument = value;
        if (tag === 'code' && attr === 'class' && value.startsWith('language-')) argument = value.slice(9);
        if (tag === 'span' && attr === 'class') argument = value;
        if (tag === 'tg-emoji' && attr === 'emoji-id') argument = value;
      }
      if (tag === 'span' && argument !== 'tg-spoiler') {
        throw fail(`Tag "span" must have class "tg-spoiler" at byte offset ${begin}`);
      }
      stack.push({ tag, argument, offset: utf16, outPos: out.length });
    } else {
      if (stack.length === 0) throw fail(`Unexpected end tag at byte offset ${begin}`);
      while (i < bytes.length && !isSpace(at(i)) && at(i) !== 0x3e) i++;
      const endName = Buffer.from(bytes.subarray(begin + 2, i))
        .toString('utf8')
        .toLowerCase();
      while (i < bytes.length && isSpace(at(i))) i++;
      if (at(i) !== 0x3e) throw fail(`Unclosed end tag at byte offset ${begin}`);
      const open = stack.pop()!;
      if (endName.length > 0 && endName !== open.tag) {
        throw fail(
          `Unmatched end tag at byte offset ${begin}, expected "</${open.tag}>", found "</${endName}>"`,
        );
      }
      if (utf16 > open.offset) {
        const entity = toEntity(
          open,
          utf16 - open.offset,
          Buffer.from(out.slice(open.outPos)).toString('utf8'),
        );
        if (entity) mergeOrPush(entities, entity);
      }
    }
  }
  if (stack.length > 0) {
    throw fail(`Can't find end tag corresponding to start tag "${stack[stack.length - 1]!.tag}"`);
  }
  const text = Buffer.from(out).toString('utf8');
  const plain = entities.map((e) => {
    if (e.type !== 'code' || e.language === undefined) return e;
    const { language: _language, ...rest } = e;
    return rest;
  });
  return { text, entities: sortEntities(dropInsideCode(plain)) };
}

function toEntity(open: Open, length: number, inner: string): Entity | undefined {
  const base = { offset: open.offset, length };
  switch (open.tag) {
    case 'b':
    case 'strong':
      return { type: 'bold', ...base };
    case 'i':
    case 'em':
      return { type: 'italic', ...base };
    case 'u':
    case 'ins':
      return { type: 'underline', ...base };
    case 's':
    case 'strike':
    case 'del':
      return { type: 'strikethrough', ...base };
    case 'tg-spoiler':
    case 'span':
      return { type: 'spoiler', ...base };
    case 'blockquote':
      return { type: open.argument === 'expandable' ? 'expandable_blockquote' : 'blockquote', ...base };
    case 'tg-emoji':
      return open.argument ? { type: 'custom_emoji', ...base, custom_emoji_id: open.argument } : undefined;
    case 'pre':
      return { type: 'pre', ...base };
    case 'code':
      return open.argument ? { type: 'code', ...base, language: open.argument } : { type: 'code', ...base };
    case 'a': {
      const raw = open.argument || inner;
      const mention = /^tg:\/\/user\?id=(\d+)$/i.exec(raw);
      if (mention) {
        return {
          type: 'text_mention',
          ...base,
          user: { id: Number(mention[1]), is_bot: false, first_name: '' },
        };
      }
      const url = checkUrl(raw);
      return url ? { type: 'text_link', ...base, url } : undefined;
    }
    default:
      return undefined;
  }
}

/** `<pre><code class="language-x">` becomes one `pre` entity with a language, as in Telegram. */
function mergeOrPush(entities: Entity[], entity: Entity): void {
  const last = entities[entities.length - 1];
  const same = last !== undefined && last.offset === entity.offset && last.length === entity.length;
  if (same && entity.type === 'pre' && last.type === 'code' && last.language) {
    entities.pop();
    entities.push({ ...entity, language: last.language });
    return;
  }
  if (same && entity.type === 'code' && last.type === 'pre' && entity.language) {
    last.language = entity.language;
    return;
  }
  entities.push(entity);
}

/** Telegram drops formatting nested inside code and pre. */
function dropInsideCode(entities: Entity[]): Entity[] {
  const code = entities.filter((e) => e.type === 'code' || e.type === 'pre');
  return entities.filter(
    (e) =>
      !code.some(
        (c) =>
          c !== e && e.offset >= c.offset && e.offset + e.length <= c.offset + c.length && e.type !== c.type,
      ),
  );
}

/** Entities ordered by offset, longer first, as the Bot API returns them. */
export function sortEntities(entities: Entity[]): Entity[] {
  return [...entities].sort((a, b) => a.offset - b.offset || b.length - a.length);
}

/** Escapes `& < >` for HTML parse mode (handy for tests and actors). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
