/**
 * Runs the OpenAI-compatible API simulator as a process (for trying the service by hand):
 *   tsx sim/openai/main.ts [--port 8084] [--api-key KEY] [--seed N]
 * Environment fallbacks: OPENAI_SIM_PORT, OPENAI_SIM_API_KEY. Prints the environment that points the
 * service at it and stops cleanly on SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { startOpenAISim } from './index.js';

const { values } = parseArgs({
  options: { port: { type: 'string' }, 'api-key': { type: 'string' }, seed: { type: 'string' } },
});

const sim = await startOpenAISim({
  port: Number(values.port ?? process.env.OPENAI_SIM_PORT ?? 0),
  apiKey: values['api-key'] ?? process.env.OPENAI_SIM_API_KEY ?? 'sim-openai-key',
  seed: Number(values.seed ?? 1),
});

const env = Object.entries(sim.env()).map(([k, v]) => `${k}=${v}`);
process.stdout.write(`OpenAI-compatible simulator listening on ${sim.url}\n${env.join('\n')}\n`);

const stop = async () => {
  await sim.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
