/**
 * Runs the Gemini simulator as a process (for trying the service by hand):
 *   tsx sim/gemini/main.ts [--port 8082] [--api-key KEY] [--operation-polls N] [--seed N]
 * Environment fallbacks: GEMINI_SIM_PORT, GEMINI_SIM_API_KEY. Prints the environment that points the
 * service at it and stops cleanly on SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { startGeminiSim } from './index.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    'api-key': { type: 'string' },
    'operation-polls': { type: 'string' },
    seed: { type: 'string' },
  },
});

const sim = await startGeminiSim({
  port: Number(values.port ?? process.env.GEMINI_SIM_PORT ?? 0),
  apiKey: values['api-key'] ?? process.env.GEMINI_SIM_API_KEY ?? 'sim-gemini-key',
  operationPolls: Number(values['operation-polls'] ?? 1),
  seed: Number(values.seed ?? 1),
});

process.stdout.write(
  `Gemini simulator listening on ${sim.url}\nGEMINI_BASE_URL=${sim.url}\nGEMINI_API_KEY=${sim.apiKey}\n`,
);

const stop = async () => {
  await sim.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
