/**
 * The floor of the pipeline case (bench/floor.ts starts it): per buyer message, only the external exchanges the
 * service makes, with the clients it must use, and nothing else. Express 5 + express.json() takes the Avito
 * webhook and answers 200; `fetch` reads the chat from Avito (bearer token fetched once at start); @google/genai
 * makes the brief's JSON call and the File Search answer at the same time, as the service does; grammY's Api
 * sends the owner a card with an inline keyboard. No store, no jobs, no validation, no logs but errors.
 * Plain JavaScript run by `node`: the service runs from its build, without a transform.
 *
 * Env: the service's own variables (PORT, AVITO_*, GEMINI_*, TELEGRAM_*, DOCS_DIR), plus FLOOR_SKIP, a comma
 * list of calls to leave out (`avito`, `brief`, `answer`) to see what each costs; FLOOR_GEMINI=fetch and
 * FLOOR_TELEGRAM=fetch make the same requests with `fetch` instead of the SDK or grammY, to see what the client
 * adds.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GoogleGenAI } from '@google/genai';
import express from 'express';
import { Api } from 'grammy';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`floor: ${name} is not set`);
  return value;
};
const skip = new Set((process.env.FLOOR_SKIP ?? '').split(',').filter(Boolean));
const geminiByFetch = process.env.FLOOR_GEMINI === 'fetch';
const telegramByFetch = process.env.FLOOR_TELEGRAM === 'fetch';

const MODEL = 'gemini-2.5-flash-lite';
const TIMEOUT_MS = 30_000;
const avitoBase = env('AVITO_API_BASE');
const userId = env('AVITO_USER_ID');
const geminiKey = env('GEMINI_API_KEY');
const geminiBase = env('GEMINI_BASE_URL');
const ownerId = env('TELEGRAM_OWNER_IDS').split(',')[0];
const webhookUrl = `${env('PUBLIC_URL')}/avito/webhook/${env('AVITO_WEBHOOK_SECRET')}`;

const ai = new GoogleGenAI({
  apiKey: geminiKey,
  apiVersion: 'v1beta',
  httpOptions: { baseUrl: geminiBase, timeout: TIMEOUT_MS },
});
const telegram = new Api(env('TELEGRAM_BOT_TOKEN'), { apiRoot: env('TELEGRAM_API_ROOT') });

async function avitoToken() {
  const res = await fetch(`${avitoBase}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: env('AVITO_CLIENT_ID'),
      client_secret: env('AVITO_CLIENT_SECRET'),
    }).toString(),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  if (!res.ok) throw new Error(`floor: Avito token → ${res.status}`);
  return (await res.json()).access_token;
}

let token = '';
async function avito(method, path, body) {
  const res = await fetch(`${avitoBase}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`floor: Avito ${method} ${path} → ${res.status}: ${text}`);
  return JSON.parse(text);
}

/** The seller's knowledge (the bench's docs folder) in a File Search store, as the service's ingest leaves it. */
async function knowledgeStore() {
  const store = await ai.fileSearchStores.create({ config: { displayName: 'avito-responder' } });
  const dir = env('DOCS_DIR');
  for (const file of readdirSync(dir)) {
    let op = await ai.fileSearchStores.uploadToFileSearchStore({
      fileSearchStoreName: store.name,
      file: new Blob([readFileSync(join(dir, file))], { type: 'text/markdown' }),
      config: {
        displayName: file.replace(/\.md$/, ''),
        mimeType: 'text/markdown',
        customMetadata: [
          { key: 'doc_id', stringValue: randomUUID() },
          { key: 'scope', stringValue: 'general' },
          { key: 'origin', stringValue: 'folder' },
        ],
      },
    });
    while (!op.response?.documentName) {
      if (op.error) throw new Error(`floor: indexing failed: ${JSON.stringify(op.error)}`);
      await new Promise((r) => setTimeout(r, 100));
      op = await ai.operations.get({ operation: op });
    }
  }
  return store.name;
}

/** The service's prompts, from bench/floor.ts: the brief's instruction, fields and schema, the answer's instruction. */
const prompts = JSON.parse(env('FLOOR_PROMPTS'));
const WEEKDAY = new Intl.DateTimeFormat('en-US', { weekday: 'long', timeZone: 'UTC' });

/** generateContent through the SDK, or (FLOOR_GEMINI=fetch) the same request body through `fetch`. */
async function generate(request) {
  if (!geminiByFetch) {
    const response = await ai.models.generateContent(request);
    return {
      text: response.text ?? '',
      chunks: response.candidates?.[0]?.groundingMetadata?.groundingChunks,
    };
  }
  const { config, model, contents } = request;
  const { systemInstruction, tools, ...generationConfig } = config;
  const res = await fetch(`${geminiBase}/v1beta/models/${model}:generateContent`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-goog-api-key': geminiKey },
    body: JSON.stringify({
      contents,
      systemInstruction: { parts: [{ text: systemInstruction }], role: 'user' },
      ...(tools ? { tools } : {}),
      generationConfig,
    }),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const body = await res.json();
  if (!res.ok) throw new Error(`floor: Gemini → ${res.status}: ${JSON.stringify(body)}`);
  const candidate = body.candidates?.[0];
  return {
    text: (candidate?.content?.parts ?? []).map((p) => p.text ?? '').join(''),
    chunks: candidate?.groundingMetadata?.groundingChunks,
  };
}

const brief = (message) =>
  generate({
    model: MODEL,
    contents: [
      {
        role: 'user',
        parts: [
          {
            text: JSON.stringify({
              today: `${new Date().toISOString().slice(0, 10)} (${WEEKDAY.format(new Date())})`,
              fields: prompts.briefFields,
              current: {},
              messages: [{ id: message.id, text: message.content.text }],
            }),
          },
        ],
      },
    ],
    config: {
      systemInstruction: prompts.briefSystem,
      temperature: 0,
      thinkingConfig: { thinkingBudget: 0 },
      responseMimeType: 'application/json',
      responseJsonSchema: JSON.parse(prompts.briefSchema.replace('$MESSAGE_ID', () => message.id)),
    },
  });

const answer = (message, listing, storeName) =>
  generate({
    model: MODEL,
    contents: [{ role: 'user', parts: [{ text: message.content.text }] }],
    config: {
      systemInstruction: prompts.answerSystem
        .replace('$TITLE', () => listing?.title ?? '')
        .replace('$PRICE', () => listing?.price_string ?? '')
        .replace('$URL', () => listing?.url ?? ''),
      temperature: 0.2,
      thinkingConfig: { thinkingBudget: 0 },
      tools: [
        { fileSearch: { fileSearchStoreNames: [storeName], metadataFilter: 'scope = "general"', topK: 8 } },
      ],
    },
  });

const html = (text) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The owner's card: about the size of the service's draft card, with its keyboard. */
function card(message, chat, reply) {
  const listing = chat?.context?.value;
  const buyer = chat?.users?.find((u) => String(u.id) !== userId);
  const sources = [...new Set((reply?.chunks ?? []).map((c) => c.retrievedContext?.title).filter(Boolean))];
  const draft = randomUUID();
  const lead = randomUUID();
  const button = (text, data) => ({ text, callback_data: data });
  return {
    text: [
      `🛒 <b>${html(listing?.title ?? 'Объявление')}</b> · ${html(listing?.price_string ?? '')}`,
      `👤 ${html(buyer?.name ?? 'Покупатель')} · Avito`,
      '📇 Заявка: 🆕 Новая',
      '',
      '💬 <b>Покупатель:</b>',
      `<blockquote>${html(message.content.text)}</blockquote>`,
      '',
      '🤖 <b>Черновик</b>',
      html(reply?.text ?? ''),
      '',
      `📚 Источники: ${html(sources.join(', '))}`,
      '✅ Подтверждён источниками',
      '🔎 Найдено: общие документы',
      `🧠 Модель: Gemini · ${MODEL}`,
    ].join('\n'),
    keyboard: [
      [button('✅ Отправить', `d:send:${draft}`), button('✏️ Изменить', `d:edit:${draft}`)],
      [
        button('🔄 Заново', `d:regen:${draft}`),
        button('🙋 Беру на себя', `d:take:${draft}`),
        button('✖️ Отклонить', `d:dismiss:${draft}`),
      ],
      [button('📇 Заявка', `l:o:${lead}`)],
    ],
  };
}

async function handle(message, storeName) {
  const chat = skip.has('avito')
    ? undefined
    : await avito('GET', `/messenger/v2/accounts/${userId}/chats/${encodeURIComponent(message.chat_id)}`);
  const [, reply] = await Promise.all([
    skip.has('brief') ? undefined : brief(message),
    skip.has('answer') ? undefined : answer(message, chat?.context?.value, storeName),
  ]);
  const { text, keyboard } = card(message, chat, reply);
  const other = {
    parse_mode: 'HTML',
    link_preview_options: { is_disabled: true },
    reply_markup: { inline_keyboard: keyboard },
  };
  if (!telegramByFetch) {
    await telegram.sendMessage(ownerId, text, other);
    return;
  }
  const res = await fetch(`${env('TELEGRAM_API_ROOT')}/bot${env('TELEGRAM_BOT_TOKEN')}/sendMessage`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ chat_id: ownerId, text, ...other }),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const body = await res.json();
  if (!body.ok) throw new Error(`floor: Telegram sendMessage → ${res.status}: ${JSON.stringify(body)}`);
}

async function main() {
  const storeName = await knowledgeStore();
  token = await avitoToken();
  const app = express();
  app.post('/avito/webhook/:secret', express.json(), (req, res) => {
    res.sendStatus(200);
    const message = req.body?.payload?.type === 'message' ? req.body.payload.value : undefined;
    // Avito's `{}` check on subscribe, and echoes of the seller's own messages, start nothing.
    if (!message || String(message.author_id) === userId || message.type !== 'text') return;
    handle(message, storeName).catch((err) => process.stderr.write(`floor: ${err?.stack ?? err}\n`));
  });
  await new Promise((resolve) => app.listen(Number(env('PORT')), '127.0.0.1', resolve));
  await avito('POST', '/messenger/v3/webhook', { url: webhookUrl });
  process.stdout.write('ready\n');
  // A clean exit on SIGTERM, so `--cpu-prof` writes its profile.
  process.once('SIGTERM', () => process.exit(0));
}

main().catch((err) => {
  process.stderr.write(`floor: ${err?.stack ?? err}\n`);
  process.exit(1);
});
