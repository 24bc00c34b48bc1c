/** Sizes for the local index's chunks, in characters. */
export interface ChunkOptions {
  /** Target (and, except for one unbreakable word, maximum) chunk length. Default 800. */
  size?: number;
  /** How much of the previous chunk's end starts the next one. Default 150. */
  overlap?: number;
}

/** Breaks a block longer than `size` at sentence ends, then at spaces, then anywhere. */
function splitLong(block: string, size: number): string[] {
  const sentences = block.match(/[^.!?…\n]+(?:[.!?…]+|\n|$)\s*/g) ?? [block];
  const out: string[] = [];
  let current = '';
  const push = (piece: string) => {
    if (current && current.length + piece.length > size) {
      out.push(current.trim());
      current = '';
    }
    current += piece;
  };
  for (const sentence of sentences) {
    if (sentence.length <= size) {
      push(sentence);
      continue;
    }
    for (const word of sentence.split(/(?<=\s)/)) {
      if (word.length <= size) push(word);
      else for (let i = 0; i < word.length; i += size) push(word.slice(i, i + size));
    }
  }
  if (current.trim()) out.push(current.trim());
  return out;
}

/** The end of `text`, at most `overlap` characters, starting at a word boundary. */
function tail(text: string, overlap: number): string {
  if (overlap <= 0 || text.length <= overlap) return overlap <= 0 ? '' : text;
  const cut = text.slice(text.length - overlap);
  const space = cut.search(/\s/);
  return space >= 0 ? cut.slice(space + 1) : cut;
}

/**
 * Splits extracted text into chunks for the local index: whole paragraphs packed up to `size`
 * characters, long paragraphs broken at sentences, and each chunk after the first starting with the
 * previous chunk's last `overlap` characters so a fact on a boundary is found whole in one of them.
 */
export function chunkText(text: string, options: ChunkOptions = {}): string[] {
  const size = options.size ?? 800;
  const overlap = Math.min(options.overlap ?? 150, Math.floor(size / 2));
  const blocks = text
    .split(/\n\s*\n/)
    .map((b) => b.trim())
    .filter(Boolean)
    .flatMap((b) => (b.length > size ? splitLong(b, size - overlap) : [b]));
  const chunks: string[] = [];
  let current = '';
  for (const block of blocks) {
    if (current && current.length + block.length + 2 > size) {
      chunks.push(current);
      const carried = tail(current, overlap);
      current = carried && carried.length + block.length + 2 <= size ? `${carried}\n\n${block}` : block;
    } else {
      current = current ? `${current}\n\n${block}` : block;
    }
  }
  if (current) chunks.push(current);
  return chunks;
}
