/** A nested value of a PHP-style query string. */
export type QueryTree = string | { [key: string]: QueryTree };

/**
 * Parses PHP-style bracket keys (`filter[statuses][0][pipeline_id]=1`, `filter[id][]=5`) into nested
 * objects, the way amoCRM reads its query strings. Index keys stay object keys ("0", "1"); `[]` appends.
 * A key that is both a value and a branch keeps the branch.
 */
export function parseBracketQuery(params: URLSearchParams): Record<string, QueryTree> {
  const root: Record<string, QueryTree> = {};
  for (const [fullKey, value] of params) {
    const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(fullKey);
    if (!match) continue;
    const parts = [match[1]!, ...[...match[2]!.matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1]!)];
    let node: Record<string, QueryTree> = root;
    for (let i = 0; i < parts.length; i += 1) {
      let key = parts[i]!;
      if (key === '') key = String(Object.keys(node).length);
      if (i === parts.length - 1) {
        if (typeof node[key] !== 'object') node[key] = value;
        break;
      }
      const next = node[key];
      if (typeof next === 'object') node = next;
      else {
        const branch: Record<string, QueryTree> = {};
        node[key] = branch;
        node = branch;
      }
    }
  }
  return root;
}

/** `with=contacts,leads` → its parts (repeated `with` keys joined). */
export function listParam(params: URLSearchParams, key: string): string[] {
  return params
    .getAll(key)
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
}
