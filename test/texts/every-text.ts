/**
 * Every text of a texts section as [path, text]: strings, and functions called with sample strings, numbers
 * and lists (those that take them).
 */
export function everyText(texts: unknown, path = ''): Array<[string, string]> {
  if (typeof texts === 'string') return [[path, texts]];
  if (typeof texts === 'function') {
    const samples: Record<string, unknown[]> = {
      strings: ['X', 'Y', 'Z'],
      numbers: [2, 3, 4],
      lists: [['X', 'Y']],
    };
    return Object.entries(samples).flatMap(([kind, args]): Array<[string, string]> => {
      try {
        return [[`${path}(${kind})`, String((texts as (...a: unknown[]) => unknown)(...args))]];
      } catch {
        return [];
      }
    });
  }
  if (texts && typeof texts === 'object')
    return Object.entries(texts).flatMap(([k, v]) => everyText(v, path ? `${path}.${k}` : k));
  return [];
}
