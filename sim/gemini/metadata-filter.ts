/**
 * AIP-160 filter parser and evaluator for File Search `metadataFilter`, as far as custom metadata goes.
 *
 * Grammar (AIP-160, note that OR binds tighter than AND):
 *   expression := sequence { "AND" sequence }
 *   sequence   := factor { factor }            (juxtaposition = AND)
 *   factor     := term { "OR" term }
 *   term       := [ "NOT" | "-" ] simple
 *   simple     := "(" expression ")" | key comparator value
 *   comparator := "=" | "!=" | "<" | "<=" | ">" | ">=" | ":"
 *   value      := "quoted string" | 'quoted string' | number | bare word
 * Keywords are upper case only. A bare value without key and comparator (AIP-160 global search) is
 * rejected. Keys may carry a `chunk.custom_metadata.` or `custom_metadata.` prefix, which is dropped.
 */

/** A custom metadata entry as the API stores it. */
export interface MetadataEntry {
  key: string;
  stringValue?: string;
  numericValue?: number;
  stringListValue?: { values: string[] };
}

export type Comparator = '=' | '!=' | '<' | '<=' | '>' | '>=' | ':';

export interface FilterValue {
  /** The literal as written (quotes removed). */
  text: string;
  /** Set when the literal is an unquoted number. */
  number?: number;
  quoted: boolean;
}

/** Parsed filter tree. */
export type FilterNode =
  | { type: 'and'; children: FilterNode[] }
  | { type: 'or'; children: FilterNode[] }
  | { type: 'not'; child: FilterNode }
  | { type: 'cmp'; key: string; op: Comparator; value: FilterValue };

/** Thrown for a filter that does not parse; the route turns it into 400 INVALID_ARGUMENT. */
export class FilterSyntaxError extends Error {}

type Token =
  | { t: 'lparen' | 'rparen' | 'minus' | 'and' | 'or' | 'not'; pos: number }
  | { t: 'cmp'; op: Comparator; pos: number }
  | { t: 'string'; value: string; pos: number }
  | { t: 'word'; value: string; pos: number };

const NUMBER = /^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const pos = i;
    if (c === '(' || c === ')') {
      tokens.push({ t: c === '(' ? 'lparen' : 'rparen', pos });
      i++;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (two === '<=' || two === '>=' || two === '!=') {
      tokens.push({ t: 'cmp', op: two, pos });
      i += 2;
      continue;
    }
    if (c === '=' || c === '<' || c === '>' || c === ':') {
      tokens.push({ t: 'cmp', op: c, pos });
      i++;
      continue;
    }
    if (c === '!') throw new FilterSyntaxError(`unexpected "!" at ${pos}`);
    if (c === '"' || c === "'") {
      let value = '';
      i++;
      let closed = false;
      while (i < src.length) {
        const d = src[i]!;
        if (d === '\\' && i + 1 < src.length) {
          value += src[i + 1];
          i += 2;
          continue;
        }
        if (d === c) {
          closed = true;
          i++;
          break;
        }
        value += d;
        i++;
      }
      if (!closed) throw new FilterSyntaxError(`unterminated string starting at ${pos}`);
      tokens.push({ t: 'string', value, pos });
      continue;
    }
    if (c === '-' && !NUMBER.test(src.slice(i).split(/[\s()=<>!:]/)[0] ?? '')) {
      tokens.push({ t: 'minus', pos });
      i++;
      continue;
    }
    let word = '';
    while (i < src.length && !/[\s()=<>!:"']/.test(src[i]!)) {
      word += src[i];
      i++;
    }
    if (word === 'AND') tokens.push({ t: 'and', pos });
    else if (word === 'OR') tokens.push({ t: 'or', pos });
    else if (word === 'NOT') tokens.push({ t: 'not', pos });
    else tokens.push({ t: 'word', value: word, pos });
  }
  return tokens;
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): FilterNode {
    const node = this.expression();
    const rest = this.peek();
    if (rest) throw new FilterSyntaxError(`unexpected ${describe(rest)} at ${rest.pos}`);
    return node;
  }

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }

  private next(): Token | undefined {
    return this.tokens[this.i++];
  }

  private expression(): FilterNode {
    const children = [this.sequence()];
    while (this.peek()?.t === 'and') {
      this.next();
      children.push(this.sequence());
    }
    return children.length === 1 ? children[0]! : { type: 'and', children };
  }

  private sequence(): FilterNode {
    const children = [this.factor()];
    for (;;) {
      const t = this.peek();
      if (!t || t.t === 'and' || t.t === 'rparen' || t.t === 'or') break;
      children.push(this.factor());
    }
    return children.length === 1 ? children[0]! : { type: 'and', children };
  }

  private factor(): FilterNode {
    const children = [this.term()];
    while (this.peek()?.t === 'or') {
      this.next();
      children.push(this.term());
    }
    return children.length === 1 ? children[0]! : { type: 'or', children };
  }

  private term(): FilterNode {
    const t = this.peek();
    if (t?.t === 'not' || t?.t === 'minus') {
      this.next();
      return { type: 'not', child: this.simple() };
    }
    return this.simple();
  }

  private simple(): FilterNode {
    const t = this.next();
    if (!t) throw new FilterSyntaxError('unexpected end of filter');
    if (t.t === 'lparen') {
      const inner = this.expression();
      const close = this.next();
      if (close?.t !== 'rparen') throw new FilterSyntaxError(`missing ")" for "(" at ${t.pos}`);
      return inner;
    }
    if (t.t !== 'word')
      throw new FilterSyntaxError(`expected a metadata key at ${t.pos}, got ${describe(t)}`);
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(t.value)) throw new FilterSyntaxError(`invalid key "${t.value}"`);
    const cmp = this.next();
    if (cmp?.t !== 'cmp') {
      throw new FilterSyntaxError(
        `expected a comparator after "${t.value}" at ${cmp?.pos ?? 'end'} (bare values are not supported)`,
      );
    }
    return { type: 'cmp', key: normaliseKey(t.value), op: cmp.op, value: this.value() };
  }

  private value(): FilterValue {
    const t = this.next();
    if (!t) throw new FilterSyntaxError('expected a value at end of filter');
    if (t.t === 'string') return { text: t.value, quoted: true };
    if (t.t === 'word') {
      return NUMBER.test(t.value)
        ? { text: t.value, number: Number(t.value), quoted: false }
        : { text: t.value, quoted: false };
    }
    throw new FilterSyntaxError(`expected a value at ${t.pos}, got ${describe(t)}`);
  }
}

function describe(t: Token): string {
  if (t.t === 'word' || t.t === 'string') return `"${t.value}"`;
  if (t.t === 'cmp') return `"${t.op}"`;
  return t.t.toUpperCase();
}

function normaliseKey(key: string): string {
  return key.replace(/^chunk\.custom_metadata\./, '').replace(/^custom_metadata\./, '');
}

/** Parses a filter; an empty or blank string means "no filter" (undefined). Throws FilterSyntaxError. */
export function parseMetadataFilter(src: string | undefined): FilterNode | undefined {
  if (src === undefined || src.trim() === '') return undefined;
  const tokens = tokenize(src);
  const node = new Parser(tokens).parse();
  validate(node);
  return node;
}

function validate(node: FilterNode): void {
  if (node.type === 'and' || node.type === 'or') node.children.forEach(validate);
  else if (node.type === 'not') validate(node.child);
  else if (['<', '<=', '>', '>='].includes(node.op) && node.value.number === undefined) {
    throw new FilterSyntaxError(`operator "${node.op}" needs a number, got "${node.value.text}"`);
  }
}

function equals(entry: MetadataEntry, value: FilterValue): boolean {
  if (entry.stringValue !== undefined) return entry.stringValue === value.text;
  if (entry.numericValue !== undefined)
    return value.number !== undefined && entry.numericValue === value.number;
  if (entry.stringListValue) return entry.stringListValue.values.includes(value.text);
  return false;
}

function compare(entry: MetadataEntry, op: Comparator, value: FilterValue): boolean {
  switch (op) {
    case '=':
    case ':':
      return equals(entry, value);
    case '!=':
      return !equals(entry, value);
    default: {
      if (entry.numericValue === undefined || value.number === undefined) return false;
      const a = entry.numericValue;
      const b = value.number;
      return op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;
    }
  }
}

/**
 * True when a document's metadata passes the filter. A missing key fails every comparison except
 * `!=` (the negation of equality), so `NOT item_id = "1"` and `item_id != "1"` agree.
 */
export function matchesFilter(node: FilterNode | undefined, metadata: readonly MetadataEntry[]): boolean {
  if (!node) return true;
  switch (node.type) {
    case 'and':
      return node.children.every((c) => matchesFilter(c, metadata));
    case 'or':
      return node.children.some((c) => matchesFilter(c, metadata));
    case 'not':
      return !matchesFilter(node.child, metadata);
    case 'cmp': {
      const entries = metadata.filter((m) => m.key === node.key);
      if (entries.length === 0) return node.op === '!=';
      if (node.op === '!=') return entries.every((e) => compare(e, '!=', node.value));
      return entries.some((e) => compare(e, node.op, node.value));
    }
  }
}
