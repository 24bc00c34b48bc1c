/**
 * Whether JSON text nests objects and arrays deeper than `maxDepth`, read from the text without parsing it.
 * `JSON.parse` accepts any depth, but a deep value later overflows the stack of whatever walks it recursively
 * (`JSON.stringify` when it is stored): a body is rejected for its depth before it is parsed.
 */
export function jsonNestedDeeperThan(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i += 1; // a backslash escapes the next character, a quote included
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth += 1;
      if (depth > maxDepth) return true;
    } else if (c === 0x7d || c === 0x5d) depth -= 1;
  }
  return false;
}
