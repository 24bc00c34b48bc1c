import { seededRandom } from './faults.js';

/**
 * A simulator's clock and random source: real time plus whatever `advance` added (token expiry, rate
 * windows, key lifetimes), and a seeded generator so a run's ids repeat. Each simulator's state extends it.
 */
export class SimulatorClock {
  readonly random: () => number;
  private clockOffsetMs = 0;

  constructor(seed: number) {
    this.random = seededRandom(seed);
  }

  /** Epoch ms on the simulator clock. */
  nowMs(): number {
    return Date.now() + this.clockOffsetMs;
  }

  /** Unix seconds on the simulator clock. */
  now(): number {
    return Math.floor(this.nowMs() / 1000);
  }

  /** Moves the simulator clock forward. */
  advance(ms: number): void {
    this.clockOffsetMs += ms;
  }

  /** Random string over `alphabet`, from the seeded generator. */
  randomString(length: number, alphabet = '0123456789abcdef'): string {
    let out = '';
    for (let i = 0; i < length; i += 1) out += alphabet[Math.floor(this.random() * alphabet.length)];
    return out;
  }
}
