/**
 * Runs the amoCRM simulator as a process, for trying the integration locally:
 *
 *   npx tsx sim/amocrm/main.ts                 # random port
 *   AMOCRM_SIM_PORT=8084 npx tsx sim/amocrm/main.ts
 *
 * Prints the environment for the service and mounts `/__sim/*` so a human can play the account's admin and
 * the seller: `curl -XPOST $AMOCRM_BASE_URL/__sim/authorize` returns an authorization code for
 * `npm run amocrm -- connect <code>`; `curl -XPOST $AMOCRM_BASE_URL/__sim/seller-moves-lead
 * -H 'content-type: application/json' -d '{"leadId":31000001,"statusId":142}'` moves a deal and POSTs the
 * webhook to every URL registered (`AMOCRM_SIM_WEBHOOK_URL`, or the service's own `POST /api/v4/webhooks`).
 */
import { startAmoCrmSim } from './index.js';

const port = Number(process.env.AMOCRM_SIM_PORT ?? 0);
const longLived = process.env.AMOCRM_SIM_LONG_LIVED_TOKEN;
const webhook = process.env.AMOCRM_SIM_WEBHOOK_URL;

const sim = await startAmoCrmSim({
  port,
  longLivedTokens: longLived ? [longLived] : [],
  webhooks: webhook ? [webhook] : [],
  controlRoutes: true,
});

process.stdout.write(
  `amoCRM simulator on ${sim.url} (account ${sim.subdomain}, pipeline ${sim.pipeline.id})\n`,
);
for (const [key, value] of Object.entries(sim.env)) process.stdout.write(`${key}=${value}\n`);
if (!longLived) {
  process.stdout.write(
    `Connect: POST ${sim.url}/__sim/authorize → {"code":…}, then npm run amocrm -- connect <code>\n`,
  );
}
process.stdout.write(
  `Play the seller: POST ${sim.url}/__sim/seller-moves-lead {"leadId":…,"statusId":142}\n`,
);

const stop = async (): Promise<void> => {
  await sim.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
