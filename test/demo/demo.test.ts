import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TIMEOUT_MS = 60_000;

/** `npm run demo` as a child process; `out`/`err` collect everything it printed. */
class DemoProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly exited: Promise<number | null>;
  out = '';
  err = '';

  constructor(args: string[]) {
    this.child = spawn(
      process.execPath,
      ['--disable-warning=ExperimentalWarning', '--import', 'tsx', 'scripts/demo.ts', ...args],
      { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } },
    );
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      this.out += chunk;
    });
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      this.err += chunk;
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  send(line: string): void {
    this.child.stdin.write(`${line}\n`);
  }

  /** Resolves once stdout matches `pattern`; fails with the output so far after `timeoutMs`. */
  async waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.out)) {
      if (!this.running || Date.now() > deadline) {
        throw new Error(`no ${pattern} in the demo's output:\n${this.out}\n--- stderr:\n${this.err}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

describe('npm run demo', () => {
  let demo: DemoProcess | undefined;

  afterEach(async () => {
    if (demo?.running) {
      demo.child.kill('SIGKILL');
      await demo.exited;
    }
    demo = undefined;
  });

  it(
    'when run with --exit, then the tour shows an approved delivery answer, a fallback card and an escalation card, and exits 0',
    async () => {
      demo = new DemoProcess(['--exit']);
      const code = await demo.exited;
      expect(code, `stdout:\n${demo.out}\nstderr:\n${demo.err}`).toBe(0);
      const out = demo.out;
      const deliveryDoc = readFileSync(`${ROOT}/examples/docs/Доставка и оплата.md`, 'utf8');
      const deliveryFact = 'Доставка по Москве курьером стоит 500 рублей и занимает 1–2 дня.';
      expect(deliveryDoc).toContain(deliveryFact);

      // Step 1: draft card → owner taps ✅ → the buyer receives the grounded answer.
      const step1 = out.slice(out.indexOf('Step 1/3'), out.indexOf('Step 2/3'));
      expect(step1).toMatch(/🤖 Черновик/);
      expect(step1).toContain('[✅ Отправить]');
      expect(step1).toContain('Owner taps [✅ Отправить]');
      expect(step1).toMatch(
        new RegExp(
          `Buyer Анна receives on Avito:\\n\\s+${deliveryFact.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`,
        ),
      );
      expect(step1).toMatch(/✅ отправлено/);

      // Step 2: nothing in the documents → a fallback card, nothing sent; auto mode explained.
      const step2 = out.slice(out.indexOf('Step 2/3'), out.indexOf('Step 3/3'));
      expect(step2).toContain('🤷 Запасной ответ (в документах не нашлось)');
      expect(step2).toContain('Спасибо за вопрос! Уточню детали и скоро вернусь с ответом.');
      expect(step2).toContain('Buyer Игорь has received nothing yet');
      expect(step2).toContain('In auto mode');

      // Step 3: the buyer asks for a person → an escalation card with its three buttons.
      const step3 = out.slice(out.indexOf('Step 3/3'));
      expect(step3).toContain('«Позовите менеджера, пожалуйста»');
      expect(step3).toContain('🙋 Нужен человек');
      expect(step3).toMatch(/\[🙋 Беру на себя\]\n\s+\[✍️ Ответить\] \[🤖 Пусть отвечает ИИ\]/);

      expect(out).toContain('Tour done');
      expect(out).toContain('Demo stopped (--exit).');
      expect(demo.err).not.toContain('tour failed');
    },
    TIMEOUT_MS,
  );

  it(
    'when run with --no-tour, then a person can play the buyer and the owner from stdin and quit',
    async () => {
      demo = new DemoProcess(['--no-tour']);
      await demo.waitFor(/Your turn[\s\S]*printed as they appear/);
      expect(demo.out).not.toContain('Step 1/3');

      demo.send('buyer new Можно забрать самовывозом сегодня?');
      await demo.waitFor(/\[telegram\]\n[\s\S]*Самовывоз бесплатный[\s\S]*\[✅ Отправить\]/);
      demo.send('tap отправить'); // emoji and case optional
      await demo.waitFor(/owner tapped \[✅ Отправить\] on #1/);
      await demo.waitFor(/\[avito\] service → buyer in chat \S+:\n {2}Самовывоз бесплатный/);

      demo.send('quit');
      expect(await demo.exited).toBe(0);
      expect(demo.out).toContain('Demo stopped (quit).');
    },
    TIMEOUT_MS,
  );
});
