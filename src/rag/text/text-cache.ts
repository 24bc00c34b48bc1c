/**
 * Values made from texts, kept by text up to a number of characters of the texts (the values' own size
 * grows with their text's): the least recently used go first, and a text longer than a tenth of the bound is
 * made each time rather than push out everything else for one use.
 */
export class TextCache<V> {
  private readonly entries = new Map<string, V>();
  private held = 0;

  constructor(readonly maxChars: number) {}

  /** The value for `text`, made by `make` unless kept. */
  get(text: string, make: (text: string) => V): V {
    const kept = this.entries.get(text);
    if (kept !== undefined) {
      this.entries.delete(text);
      this.entries.set(text, kept);
      return kept;
    }
    const value = make(text);
    if (text.length > this.maxChars / 10) return value;
    while (this.held + text.length > this.maxChars) {
      const [oldest] = this.entries.keys();
      if (oldest === undefined) break;
      this.entries.delete(oldest);
      this.held -= oldest.length;
    }
    this.entries.set(text, value);
    this.held += text.length;
    return value;
  }

  /** How many texts and characters are kept. */
  get size(): { texts: number; chars: number } {
    return { texts: this.entries.size, chars: this.held };
  }
}
