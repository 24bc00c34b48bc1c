import type { Interface } from 'node:readline';
import { type Command, parseCommand } from './commands.js';

export interface PromptOptions {
  rl: Interface;
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
  const lines = o.rl[Symbol.asyncIterator]();
  if (o.interactive) o.rl.prompt();
  for (;;) {
    const next = await lines.next();
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
