import { randomUUID } from 'node:crypto';
import type { ResponderDeps } from './deps.js';

/**
 * How long a run holds its chat without renewing: after a crash, the dead process's chats are answered again
 * this long after its last renewal (short, so a restart resumes within seconds; renewed well before it runs out).
 */
export const CHAT_LEASE_MS = 10_000;
const RENEW_EVERY_MS = 3_000;
/** How often a run waiting for a busy chat looks again. */
const WAIT_STEP_MS = 250;

export interface ChatLease {
  /** Renews the lease now; false when it was lost (the store was unreachable longer than the lease). */
  stillHeld(): Promise<boolean>;
  release(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Takes the chat for one `respond` run, renewing it in the background while the run lasts. When another run
 * has the chat, waits up to one lease time: either it finishes (and this run looks at what is left) or its
 * process died and its lease runs out. Null when the other run still holds it after that: it is alive, and it
 * answers every message stored before it lets go.
 */
export async function takeChatLease(
  deps: Pick<ResponderDeps, 'store' | 'logger' | 'sleep'>,
  chatId: string,
): Promise<ChatLease | null> {
  const name = `respond:${chatId}`;
  const holder = randomUUID();
  const wait = deps.sleep ?? sleep;
  let waited = 0;
  while (!(await deps.store.leases.acquire(name, holder, CHAT_LEASE_MS))) {
    if (waited > CHAT_LEASE_MS) return null;
    await wait(WAIT_STEP_MS);
    waited += WAIT_STEP_MS;
  }

  let lost = false;
  const renew = async () => {
    const held = await deps.store.leases.renew(name, holder, CHAT_LEASE_MS);
    if (!held) lost = true;
    return held;
  };
  const timer = setInterval(() => {
    renew().catch((err: unknown) => deps.logger.warn({ err, chatId }, 'could not renew the chat lease'));
  }, RENEW_EVERY_MS);
  // A run in progress must not keep an otherwise idle process alive.
  timer.unref();
  return {
    stillHeld: async () => !lost && (await renew()),
    async release() {
      clearInterval(timer);
      await deps.store.leases.release(name, holder);
    },
  };
}
