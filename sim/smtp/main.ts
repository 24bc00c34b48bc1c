/**
 * Runs the capturing SMTP simulator as a process, for trying the service by hand:
 *
 *   npx tsx sim/smtp/main.ts                      # random ports
 *   SMTP_SIM_PORT=2525 SMTP_SIM_CONTROL_PORT=8085 npx tsx sim/smtp/main.ts
 *
 * Prints the environment for the service and the control API: `curl $CONTROL/messages` lists what was
 * "sent", `curl -XPOST $CONTROL/faults -H 'content-type: application/json'
 * -d '{"stage":"rcpt","kind":"reject","code":451}'` makes the next delivery fail transiently.
 */
import { startSmtpSim } from './index.js';

const sim = await startSmtpSim({
  port: Number(process.env.SMTP_SIM_PORT ?? 0),
  controlPort: Number(process.env.SMTP_SIM_CONTROL_PORT ?? 0),
});

process.stdout.write(`SMTP simulator on 127.0.0.1:${sim.port}, control API on ${sim.controlUrl}\n`);
for (const [key, value] of Object.entries(sim.env)) process.stdout.write(`${key}=${value}\n`);
process.stdout.write(`Captured mail: GET ${sim.controlUrl}/messages\n`);

const stop = async (): Promise<void> => {
  await sim.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
