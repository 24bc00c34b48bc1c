import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Actors } from './actors.js';
import type { TelegramCore } from './methods.js';
import type { ControlRoute } from './server.js';

/** Which bot a control call is about (its username); the first bot when absent. */
const bot = z.string().min(1).optional();
const SendBody = z.object({
  bot,
  chat: z.number().int(),
  text: z.string().min(1),
  reply_to: z.number().int().optional(),
});
const TapBody = z.object({
  bot,
  chat: z.number().int(),
  message_id: z.number().int(),
  button: z.string().min(1),
});
const StartBody = z.object({ bot, chat: z.number().int(), payload: z.string().optional() });
const KeyboardBody = z.object({ bot, chat: z.number().int(), button: z.string().min(1) });
const DocumentBody = z.object({
  bot,
  chat: z.number().int().optional(),
  file_name: z.string().min(1),
  mime_type: z.string().optional(),
  base64: z.string().optional(),
  size: z.number().int().nonnegative().optional(),
  caption: z.string().optional(),
});

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
}

function reply(res: ServerResponse, status: number, body: unknown): true {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
  return true;
}

/** A bot of the simulator by username (the first one for `undefined`). */
export type BotResolver = (
  username: string | undefined,
) => { core: TelegramCore; actors: Actors } | undefined;

/**
 * `/_sim/*`: lets a person (or another process) play the Telegram user when the simulator runs standalone
 * (`npm run sim`): read a chat, write, start the bot (deep link), press a reply-keyboard button (sharing the
 * phone), tap a button, send a document. `bot` (a username; `?bot=` when reading a chat) picks the bot, the
 * first one by default. Not part of the Bot API.
 */
export function controlRoutes(resolve: BotResolver): ControlRoute {
  return async (req, res, url) => {
    if (!url.pathname.startsWith('/_sim/')) return false;
    try {
      const botOf = (username: string | undefined) => {
        const found = resolve(username);
        if (!found) throw new Error(`unknown bot @${username}`);
        return found;
      };
      const chatView = /^\/_sim\/chats\/(-?\d+)$/.exec(url.pathname);
      if (req.method === 'GET' && chatView) {
        const { core } = botOf(url.searchParams.get('bot') ?? undefined);
        const chat = core.state.chats.get(Number(chatView[1]));
        if (!chat) return reply(res, 404, { error: 'unknown chat' });
        return reply(res, 200, {
          chat: chat.chat,
          blocked: chat.blocked,
          messages: [...chat.messages.values()].map((m) => core.state.render(m)),
        });
      }
      if (req.method === 'POST' && url.pathname === '/_sim/send') {
        const body = SendBody.parse(await readJson(req));
        const opts = body.reply_to !== undefined ? { replyTo: body.reply_to } : {};
        return reply(res, 200, botOf(body.bot).actors.userSends(body.chat, body.text, opts));
      }
      if (req.method === 'POST' && url.pathname === '/_sim/start') {
        const body = StartBody.parse(await readJson(req));
        return reply(res, 200, botOf(body.bot).actors.userStarts(body.chat, body.payload));
      }
      if (req.method === 'POST' && url.pathname === '/_sim/keyboard') {
        const body = KeyboardBody.parse(await readJson(req));
        return reply(res, 200, botOf(body.bot).actors.pressKeyboardButton(body.chat, body.button));
      }
      if (req.method === 'POST' && url.pathname === '/_sim/tap') {
        const body = TapBody.parse(await readJson(req));
        const { core, actors } = botOf(body.bot);
        const handle = actors.tap(body.chat, body.message_id, body.button);
        const answer = await handle.waitForAnswer(core.options.callbackAnswerWindowMs).catch(() => undefined);
        return reply(res, 200, { id: handle.id, answered: answer !== undefined, answer });
      }
      if (req.method === 'POST' && url.pathname === '/_sim/document') {
        const body = DocumentBody.parse(await readJson(req));
        return reply(
          res,
          200,
          botOf(body.bot).actors.userSendsDocument({
            fileName: body.file_name,
            ...(body.chat !== undefined ? { to: body.chat } : {}),
            ...(body.mime_type !== undefined ? { mimeType: body.mime_type } : {}),
            ...(body.base64 !== undefined ? { bytes: Buffer.from(body.base64, 'base64') } : {}),
            ...(body.size !== undefined ? { size: body.size } : {}),
            ...(body.caption !== undefined ? { caption: body.caption } : {}),
          }),
        );
      }
      return reply(res, 404, { error: 'unknown control route' });
    } catch (error) {
      return reply(res, 400, { error: error instanceof Error ? error.message : String(error) });
    }
  };
}
