import { autoRetry } from '@grammyjs/auto-retry';
import { Bot, GrammyError, InputFile } from 'grammy';
import { afterEach, describe, expect, it } from 'vitest';
import { startTelegramSim, type TelegramSim, type TelegramSimOptions } from '../../sim/telegram/index.js';

let sim: TelegramSim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function setup(opts: TelegramSimOptions = {}): Promise<{ sim: TelegramSim; bot: Bot }> {
  const started = await startTelegramSim(opts);
  sim = started;
  const bot = new Bot(started.token, { client: { apiRoot: started.url } });
  await bot.init();
  return { sim: started, bot };
}

async function download(s: TelegramSim, filePath: string): Promise<Response> {
  return fetch(`${s.url}/file/bot${s.token}/${filePath}`);
}

describe('telegram sim: files', () => {
  it('when the bot uploads a document (multipart, non-ASCII name), then getFile serves the exact bytes', async () => {
    const { sim, bot } = await setup();
    const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256));
    const sent = await bot.api.sendDocument(sim.user.id, new InputFile(bytes, 'Прайс лист.pdf'), {
      caption: '<b>Price</b> list',
      parse_mode: 'HTML',
      reply_markup: { inline_keyboard: [[{ text: 'Index', callback_data: 'doc:index' }]] },
    });
    const call = sim.calls.find('/sendDocument').at(-1);
    expect(String(call?.headers['content-type'])).toMatch(/^multipart\/form-data/);
    expect(sent.document).toMatchObject({
      file_name: 'Прайс лист.pdf',
      mime_type: 'application/pdf',
      file_size: 70_000,
    });
    expect(sent.caption).toBe('Price list');
    expect(sent.caption_entities).toEqual([{ type: 'bold', offset: 0, length: 5 }]);
    const file = await bot.api.getFile(sent.document.file_id);
    expect(file).toMatchObject({ file_id: sent.document.file_id, file_size: 70_000 });
    const res = await download(sim, file.file_path ?? '');
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    // The same file_id can be sent again without uploading.
    const again = await bot.api.sendDocument(sim.user.id, sent.document.file_id);
    expect(again.document.file_unique_id).toBe(sent.document.file_unique_id);
  });

  it('when the owner sends a document, then the bot downloads exactly what was sent', async () => {
    const { sim, bot } = await setup();
    const { fileId, update } = sim.userSendsDocument({
      fileName: 'faq.txt',
      mimeType: 'text/plain',
      bytes: 'Доставка по Москве — 1 день',
      caption: 'new docs',
    });
    expect(update?.message?.document).toMatchObject({ file_name: 'faq.txt', mime_type: 'text/plain' });
    const [got] = await bot.api.getUpdates({ timeout: 0 });
    expect(got?.message?.caption).toBe('new docs');
    const file = await bot.api.getFile(fileId);
    const res = await download(sim, file.file_path ?? '');
    expect(await res.text()).toBe('Доставка по Москве — 1 день');
  });

  it('when a document is over 20 MB, then getFile says "file is too big" (the size is only declared)', async () => {
    const { sim, bot } = await setup();
    const { fileId, message } = sim.userSendsDocument({ fileName: 'catalog.pdf', size: 30 * 1024 * 1024 });
    expect(message.document?.file_size).toBe(31_457_280);
    const error = await bot.api.getFile(fileId).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GrammyError);
    expect((error as GrammyError).description).toBe('Bad Request: file is too big');
    await expect(bot.api.getFile('nope')).rejects.toMatchObject({
      description: 'Bad Request: invalid file_id',
    });
  });

  it('when a file path or token is unknown, then the download route answers 404', async () => {
    const { sim } = await setup();
    expect((await download(sim, 'documents/file_99.pdf')).status).toBe(404);
    sim.userSendsDocument({ fileName: 'a.txt', bytes: 'a' });
    const res = await fetch(`${sim.url}/file/bot1:wrong/documents/file_0.txt`);
    expect(res.status).toBe(404);
  });

  it('when an empty file or an unknown file_id is sent, then the real 400s come back', async () => {
    const { sim, bot } = await setup();
    await expect(
      bot.api.sendDocument(sim.user.id, new InputFile(Buffer.alloc(0), 'empty.txt')),
    ).rejects.toMatchObject({
      description: 'Bad Request: file must be non-empty',
    });
    await expect(bot.api.sendDocument(sim.user.id, 'not-a-file-id')).rejects.toMatchObject({
      description: 'Bad Request: wrong file identifier/HTTP URL specified',
    });
  });
});

describe('telegram sim: flood control', () => {
  it('when a 429 is injected, then @grammyjs/auto-retry waits retry_after and the call succeeds', async () => {
    const { sim, bot } = await setup();
    bot.api.config.use(autoRetry({ maxRetryAttempts: 2, maxDelaySeconds: 5 }));
    sim.faults.add({
      match: '/sendMessage',
      fault: { kind: 'status', status: 429, retryAfter: 1 },
      times: 1,
    });
    const started = Date.now();
    const sent = await bot.api.sendMessage(sim.user.id, 'after the wait');
    expect(sent.text).toBe('after the wait');
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(sim.calls.find('/sendMessage').map((c) => c.status)).toEqual([429, 200]);
  });

  it("when a 429 is injected without auto-retry, then grammY sees Telegram's exact error", async () => {
    const { sim, bot } = await setup();
    sim.faults.add({
      match: '/sendMessage',
      fault: { kind: 'status', status: 429, retryAfter: 7 },
      times: 1,
    });
    const error = (await bot.api.sendMessage(sim.user.id, 'x').catch((e: unknown) => e)) as GrammyError;
    expect([error.error_code, error.description, error.parameters.retry_after]).toEqual([
      429,
      'Too Many Requests: retry after 7',
      7,
    ]);
  });

  it('when flood control is on and two messages hit one chat within a second, then the second gets 429', async () => {
    const { sim, bot } = await setup({ flood: { perChatPerSecond: 1 } });
    await bot.api.sendMessage(sim.user.id, 'one');
    const error = (await bot.api.sendMessage(sim.user.id, 'two').catch((e: unknown) => e)) as GrammyError;
    expect(error.error_code).toBe(429);
    expect(error.parameters.retry_after).toBe(1);
    bot.api.config.use(autoRetry());
    await bot.api.sendMessage(sim.user.id, 'two');
    expect(sim.chat(sim.user.id).messages.map((m) => m.text)).toEqual(['one', 'two']);
  });

  it('when flood control is off (default), then bursts go through', async () => {
    const { sim, bot } = await setup();
    await Promise.all(Array.from({ length: 10 }, (_, i) => bot.api.sendMessage(sim.user.id, `m${i}`)));
    expect(sim.chat(sim.user.id).messages).toHaveLength(10);
  });
});
