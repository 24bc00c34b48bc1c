import { SIM_BUYER_BOT } from './buyer-bot.js';
import { startTelegramSim } from './index.js';

/**
 * Runs the Telegram simulator as its own process: `tsx sim/telegram/main.ts [port]` (or
 * `TELEGRAM_SIM_PORT`). Prints the environment that points the service at it.
 */
async function main(): Promise<void> {
  const arg = process.argv.slice(2).find((a) => /^\d+$/.test(a) || a.startsWith('--port='));
  const port = Number(arg?.replace('--port=', '') ?? process.env.TELEGRAM_SIM_PORT ?? 0);
  const ownerId = Number(process.env.TELEGRAM_SIM_OWNER_ID ?? 1001);
  const sim = await startTelegramSim({
    port,
    user: { id: ownerId, first_name: 'Owner' },
    ...(process.env.TELEGRAM_BOT_TOKEN ? { token: process.env.TELEGRAM_BOT_TOKEN } : {}),
    flood: process.env.TELEGRAM_SIM_FLOOD === '1',
    // The seller's optional second bot, which buyers write to (TELEGRAM_BUYER_BOT_TOKEN).
    bots: [
      {
        ...SIM_BUYER_BOT,
        ...(process.env.TELEGRAM_BUYER_BOT_TOKEN ? { token: process.env.TELEGRAM_BUYER_BOT_TOKEN } : {}),
      },
    ],
  });
  const buyerBot = sim.botNamed(SIM_BUYER_BOT.bot.username)!;
  console.log(`Telegram Bot API simulator on ${sim.url}`);
  console.log(`TELEGRAM_API_ROOT=${sim.url}`);
  console.log(`TELEGRAM_BOT_TOKEN=${sim.token}`);
  console.log(`TELEGRAM_OWNER_IDS=${sim.user.id}`);
  console.log(`TELEGRAM_BUYER_BOT_TOKEN=${buyerBot.token}`);
  console.log(`Act as the owner: POST ${sim.url}/_sim/send {"chat":${sim.user.id},"text":"/start"}`);
  console.log(
    `Act as a buyer: POST ${sim.url}/_sim/start {"bot":"${buyerBot.bot.username}","chat":${buyerBot.user.id},"payload":"<listing id>"}`,
  );
  const stop = () => {
    void sim.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
