import { createInterface, type Interface } from 'node:readline';
import { type Command, parseCommand } from './commands.js';

/** A prompt on stdin/stdout whose lines are read from the moment it opens. */
export interface OpenPrompt {
  rl: Interface;
  /** Every line, and the end of input, since the prompt opened, however late {@link runPrompt} starts. */
  lines: AsyncIterator<string>;
  /** stdin is a terminal (else piped: no prompt, input echoed). */
  interactive: boolean;
}

/**
 * Opens the prompt. Its line iterator exists from the start: readline begins reading stdin at once, and a
 * pipe's lines (`printf 'listings\nquit\n' | npm run sim`) or its end, arriving while start-up still awaits,
 * would otherwise be emitted to no one and lost.
 */
export function openPrompt(name: string): OpenPrompt {
  const interactive = process.stdin.isTTY === true;
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: interactive });
  rl.setPrompt(`${name}> `);
  return { rl, lines: rl[Symbol.asyncIterator](), interactive };
}

export interface PromptOptions {
  rl: Interface;
  /** The lines of {@link openPrompt}. */
  lines: AsyncIterator<string>;
  /** Prompt name, echoed before piped input so the output reads as a transcript (`sim`, `demo`). */
  name: string;
  interactive: boolean;
  write(text: string): void;
  log(text: string): void;
  run(command: Command): Promise<string>;
  stop(why: string): Promise<void>;
  /** Whether shutdown has begun (a signal while a command ran). */
  isStopping(): boolean;
}

/** Reads simulator commands until `quit` or end of input; shared by `npm run sim` and `npm run demo`. */
export async function runPrompt(o: PromptOptions): Promise<void> {
  if (o.interactive) o.rl.prompt();
  for (;;) {
    const next = await o.lines.next();
    if (next.done) {
      await o.stop('end of input');
      return;
    }
    // Piped input is not echoed by a terminal: echo it.
    if (!o.interactive && next.value.trim() !== '') o.write(`${o.name}> ${next.value.trim()}\n`);
    const parsed = parseCommand(next.value);
    if (!parsed.ok) {
      o.log(parsed.error);
    } else if (parsed.command.kind === 'quit') {
      await o.stop('quit');
      return;
    } else if (parsed.command.kind !== 'empty') {
      const output = await o.run(parsed.command);
      if (o.isStopping()) return;
      if (output) o.log(output);
    }
    if (o.interactive) o.rl.prompt();
  }
}
