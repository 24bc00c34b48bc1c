import type { Store } from '../../src/store/port.js';

/** A store call after which the process dies (the call itself completes in the store). */
export interface DeathPoint {
  repo: 'drafts';
  method: 'create' | 'transition';
}

/**
 * A process on `store` that dies once `dies` is called, or once the store call `after` names has been made: from
 * then on none of its store calls completes (nor the call that killed it), as when the process is gone.
 * Remembers the chat lease holders it took.
 */
export function dyingProcess(store: Store, after?: DeathPoint) {
  let dead = false;
  const holders: string[] = [];
  const never = new Promise<never>(() => {});
  const guard = <T extends object>(repo: T): T =>
    new Proxy(repo, {
      get(target, key, receiver) {
        const value: unknown = Reflect.get(target, key, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (dead) return never;
          if (repo === store.leases && key === 'acquire') holders.push(args[1] as string);
          const result = (value as (...a: unknown[]) => unknown).apply(target, args);
          if (after && repo === store[after.repo] && key === after.method)
            return Promise.resolve(result).then(() => {
              dead = true;
              return never;
            });
          return result;
        };
      },
    });
  const dyingStore = new Proxy(store, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      return value && typeof value === 'object' ? guard(value) : value;
    },
  });
  return {
    store: dyingStore,
    holders,
    isDead: () => dead,
    dies: (): Promise<never> => {
      dead = true;
      return never;
    },
  };
}
