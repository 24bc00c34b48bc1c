/**
 * Runs the YooKassa simulator as a process, for trying payments locally:
 *
 *   YOOKASSA_SIM_NOTIFICATION_URL=http://127.0.0.1:3000/yookassa/notifications npx tsx sim/yookassa/main.ts
 *   YOOKASSA_SIM_PORT=8085 YOOKASSA_SIM_SOURCE_ADDRESS=127.0.0.2 npx tsx sim/yookassa/main.ts
 *
 * Prints the environment for the service. Open a payment's `confirmation_url` in a browser to pay or cancel
 * as the buyer, or from a shell: `curl -XPOST $URL/__sim/payments/<id>/pay` (`…/cancel` with an optional
 * `{"reason":"insufficient_funds"}`). Notifications leave from YOOKASSA_SIM_SOURCE_ADDRESS when set.
 */
import { startYooKassaSim } from './index.js';

const port = Number(process.env.YOOKASSA_SIM_PORT ?? 0);
const source = process.env.YOOKASSA_SIM_SOURCE_ADDRESS;

const sim = await startYooKassaSim({
  port,
  notificationUrl: process.env.YOOKASSA_SIM_NOTIFICATION_URL,
  notificationSourceAddress: source,
  receiptsRequired: process.env.YOOKASSA_SIM_RECEIPTS === 'true',
  controlRoutes: true,
});

process.stdout.write(`YooKassa simulator on ${sim.url}\n`);
for (const [key, value] of Object.entries(sim.env)) process.stdout.write(`${key}=${value}\n`);
if (source)
  process.stdout.write(`Notifications leave from ${source}: trust it with the notification allowlist\n`);
process.stdout.write(`Play the buyer: open a confirmation_url, or POST ${sim.url}/__sim/payments/<id>/pay\n`);

const stop = async (): Promise<void> => {
  await sim.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
