import type { IncomingMessage, ServerResponse } from 'node:http';

/** What to do to a matching request instead of (or before) serving it. */
export type Fault =
  /** Answer with this HTTP status in the service's own error shape; `retryAfter` seconds where the service gives a hint. */
  | { kind: 'status'; status: number; retryAfter?: number; message?: string }
  /** Destroy the socket without an answer (the client sees a reset / "socket hang up"). */
  | { kind: 'drop' }
  /** Wait, then serve normally. A tuple picks a uniform random delay in [min, max]. */
  | { kind: 'latency'; ms: number | [number, number] };

export interface FaultRule {
  /** Matches the request path (string = substring, RegExp = test) or a predicate. */
  match: string | RegExp | ((req: IncomingMessage, path: string) => boolean);
  fault: Fault;
  /** Apply to the next N matching calls, then retire the rule. Default: unlimited. */
  times?: number;
  /** Apply to this fraction (0..1) of matching calls. Default: 1. */
  fraction?: number;
}

/** Renders a status fault in the simulated service's own wire format. */
export type StatusRenderer = (res: ServerResponse, fault: Extract<Fault, { kind: 'status' }>) => void;

/** Seeded PRNG (mulberry32) so a fault run can be repeated exactly. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Per-route fault injection shared by the three simulators. Rules are checked in the order added;
 * latency rules stack with a later status/drop rule, so "slow and then 503" is expressible.
 */
export class FaultInjector {
  private rules: Array<FaultRule & { left: number }> = [];
  private readonly random: () => number;

  constructor(seed = 1) {
    this.random = seededRandom(seed);
  }

  add(rule: FaultRule): void {
    this.rules.push({ ...rule, left: rule.times ?? Number.POSITIVE_INFINITY });
  }

  clear(): void {
    this.rules = [];
  }

  /**
   * Applies matching rules. Resolves `true` when the request was answered (or dropped) by a fault
   * and the caller must not serve it.
   */
  async apply(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    render: StatusRenderer,
  ): Promise<boolean> {
    for (const rule of [...this.rules]) {
      if (rule.left <= 0 || !this.matches(rule, req, path)) continue;
      if (rule.fraction !== undefined && this.random() >= rule.fraction) continue;
      rule.left -= 1;
      if (rule.left <= 0) this.rules = this.rules.filter((r) => r !== rule);
      const { fault } = rule;
      if (fault.kind === 'latency') {
        const ms =
          typeof fault.ms === 'number' ? fault.ms : fault.ms[0] + this.random() * (fault.ms[1] - fault.ms[0]);
        await new Promise((resolve) => setTimeout(resolve, ms));
        continue;
      }
      if (fault.kind === 'drop') {
        req.socket.destroy();
        return true;
      }
      render(res, fault);
      return true;
    }
    return false;
  }

  private matches(rule: FaultRule, req: IncomingMessage, path: string): boolean {
    const { match } = rule;
    if (typeof match === 'string') return path.includes(match);
    if (match instanceof RegExp) return match.test(path);
    return match(req, path);
  }
}
