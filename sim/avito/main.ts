/**
 * Runs the Avito simulator as a process, for trying the whole product locally:
 *
 *   npx tsx sim/avito/main.ts            # random port
 *   AVITO_SIM_PORT=8081 npx tsx sim/avito/main.ts
 *
 * Prints the environment for the service, seeds two listings and mounts `/__sim/*` so a human can play
 * the buyer: `curl -XPOST $AVITO_API_BASE/__sim/buyer-writes -H 'content-type: application/json'
 * -d '{"buyer":{"name":"Иван"},"text":"Здравствуйте! Ещё продаёте?"}'`.
 */
import { startAvitoSim } from './index.js';

const port = Number(process.env.AVITO_SIM_PORT ?? 0);
const clientId = process.env.AVITO_CLIENT_ID ?? 'sim-client';
const clientSecret = process.env.AVITO_CLIENT_SECRET ?? 'sim-secret';
const expired = process.env.AVITO_SIM_EXPIRED_TOKEN_STATUS === '401' ? 401 : 403;

const sim = await startAvitoSim({
  port,
  clients: [{ clientId, clientSecret }],
  expiredTokenStatus: expired,
  tariff: process.env.AVITO_SIM_TARIFF !== 'false',
  messagesShape: process.env.AVITO_SIM_MESSAGES_SHAPE === 'object' ? 'object' : 'array',
  controlRoutes: true,
  listings: [
    { title: 'Ноутбук Lenovo ThinkPad T14', price: 54_900 },
    { title: 'Монитор Dell 27"', price: 18_500 },
  ],
});

process.stdout.write(`Avito simulator on ${sim.url}\n`);
for (const [key, value] of Object.entries(sim.env)) process.stdout.write(`${key}=${value}\n`);
process.stdout.write(
  `Play the buyer: POST ${sim.url}/__sim/buyer-writes {"buyer":{"name":"Иван"},"text":"…"}\n`,
);

const stop = async (): Promise<void> => {
  await sim.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
