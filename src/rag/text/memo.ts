/**
 * `fn` remembered by its string argument, for pure functions of a word or a text that the same shop's
 * messages and documents call again and again. At most `limit` entries: when full it starts over, which is
 * cheaper than evicting one by one and bounds the memory of a long-running service.
 */
export function memoized<V>(limit: number, fn: (key: string) => V): (key: string) => V {
  const kept = new Map<string, V>();
  return (key) => {
    if (kept.has(key)) return kept.get(key) as V;
    const value = fn(key);
    if (kept.size >= limit) kept.clear();
    kept.set(key, value);
    return value;
  };
}
