/**
 * Values made from texts, kept by text up to a number of characters of the texts (the values' own size
 * grows with their text's). Two generations, each up to half the bound: when the young one fills up it
 * becomes the old one and the old one is dropped; a text found among the old is kept young again. So what
 * is used stays and the rest goes, without the deletions that make a large Map slow to scan. A text longer
 * than a tenth of the bound is made each time rather than push out everything else for one use.
 */
export class TextCache<V> {
  private young = new Map<string, V>();
  private old = new Map<string, V>();
  private youngChars = 0;
  private oldChars = 0;

  constructor(readonly maxChars: number) {}

  /** The value for `text`, made by `make` unless kept. */
  get(text: string, make: (text: string) => V): V {
    const young = this.young.get(text);
    if (young !== undefined) return young;
    let value = this.old.get(text);
    if (value === undefined) {
      value = make(text);
      if (text.length > this.maxChars / 10) return value;
    }
    if (this.youngChars + text.length > this.maxChars / 2) {
      this.old = this.young;
      this.oldChars = this.youngChars;
      this.young = new Map();
      this.youngChars = 0;
    }
    this.young.set(text, value);
    this.youngChars += text.length;
    return value;
  }

  /** How many entries and characters are kept (a text in both generations counts twice). */
  get size(): { texts: number; chars: number } {
    return { texts: this.young.size + this.old.size, chars: this.youngChars + this.oldChars };
  }
}
