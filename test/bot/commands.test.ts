import { afterEach, describe, expect, it } from 'vitest';
import { DOCUMENT_KINDS } from '../../src/rag/extract/detect.js';
import { eventually } from '../support/service.js';
import { type Harness, startHarness } from './harness.js';

let h: Harness;
afterEach(async () => {
  await h.dispose();
});

const botTexts = () =>
  h.sim
    .chat(h.owner)
    .messages.filter((m) => m.from?.id === h.sim.bot.id)
    .map((m) => m.text ?? '');
const waitForBotText = (part: string) =>
  h.sim.waitFor(
    () => h.sim.chat(h.owner).messages.find((m) => m.from?.id === h.sim.bot.id && m.text?.includes(part)),
    5000,
  );

describe('commands', () => {
  it('when the owner picks Авто in the /mode menu and later sends /mode review, then each choice is persisted', async () => {
    h = await startHarness();
    h.sim.userSends(h.owner, '/mode');
    const menu = await waitForBotText('Режим ответов сейчас');
    expect(menu.text).toContain('Проверка');
    await h.sim.tap(h.owner, menu.message_id, '🤖 Авто').waitForAnswer();
    await eventually(async () => (await h.store.settings.get()).mode === 'auto');
    await h.sim.waitFor(() =>
      h.sim
        .chat(h.owner)
        .messages.find((m) => m.message_id === menu.message_id)
        ?.text?.includes('Авто'),
    );
    h.sim.userSends(h.owner, '/mode review');
    await waitForBotText('Режим: 👀 Проверка');
    expect((await h.store.settings.get()).mode).toBe('review');
    h.sim.userSends(h.owner, '/mode fast');
    await waitForBotText('Использование: /mode');
    expect((await h.store.settings.get()).mode).toBe('review');
    const audit = await h.store.audit.query({ action: 'settings.mode' });
    expect(audit.map((a) => a.after)).toEqual(['review', 'auto']);
  });

  it('when the owner sends /pause and /resume, then the global kill switch is set and lifted', async () => {
    h = await startHarness();
    h.sim.userSends(h.owner, '/pause');
    await waitForBotText('Пауза');
    expect((await h.store.settings.get()).paused).toBe(true);
    h.sim.userSends(h.owner, '/resume');
    await waitForBotText('Пауза снята');
    expect((await h.store.settings.get()).paused).toBe(false);
  });

  it('when the owner sends /start and /status, then identity, mode and every check are shown', async () => {
    h = await startHarness();
    h.sim.userSends(h.owner, '/start');
    const start = await waitForBotText('вы владелец');
    expect(start.text).toContain(String(h.owner));
    expect(start.text).toContain('Состояние: ⚠️ проблемы: Авито');
    h.sim.userSends(h.owner, '/status');
    const status = await waitForBotText('Черновиков ждут');
    expect(status.text).toContain('⚠️ Авито: с перебоями — token refresh failed');
    expect(status.text).toContain('✅ Хранилище: работает');
    expect(h.sim.commands().map((c) => c.command)).toContain('mode');
    expect(h.sim.commands(undefined, 'en').find((c) => c.command === 'mode')?.description).toBe(
      'Mode: auto or review',
    );
  });

  it('when the owner reads /status and the menu, then no English status word, no bare count and no «Ждущие» is left in Russian', async () => {
    h = await startHarness();
    h.sim.userSends(h.owner, '/status');
    const status = await waitForBotText('Черновиков ждут');
    expect(status.text).not.toMatch(/\b(ok|degraded|disabled|down|store|avito)\b/);
    h.sim.userSends(h.owner, '/start');
    const start = await waitForBotText('вы владелец');
    expect(start.text).not.toMatch(/\(\d+\)/);
    const chats = h.sim.commands().find((c) => c.command === 'chats')?.description;
    expect(chats).toBe('Черновики на решении и чаты, которые вы ведёте');
  });

  it('when the bot speaks English, then /status names the checks and states in English', async () => {
    h = await startHarness({ env: { BOT_LOCALE: 'en' } });
    h.sim.userSends(h.owner, '/status');
    const status = await waitForBotText('Drafts awaiting you');
    expect(status.text).toContain('⚠️ Avito: degraded — token refresh failed');
    expect(status.text).toContain('✅ Storage: working');
  });

  it('when /ask would escalate or fall back, then the preview words the reason instead of showing its code', async () => {
    h = await startHarness({ jobs: true });
    h.knowledge.decision = { kind: 'escalate', reason: 'bargaining', matched: 'скидку' };
    h.sim.userSends(h.owner, '/ask А скидку сделаете?');
    let picker = await waitForBotText('Для какого объявления');
    await h.sim.tap(h.owner, picker.message_id, '📚 Общий').waitForAnswer();
    const escalated = await waitForBotText('Бот передал бы этот вопрос вам');
    expect(escalated.text).toContain('Бот передал бы этот вопрос вам: торг («скидку»)');
    expect(escalated.text).not.toContain('Передано бы');

    h.knowledge.decision = {
      kind: 'fallback',
      text: 'Уточню и вернусь с ответом.',
      reason: 'nothing_found',
      sources: [],
      strategy: 'none',
    };
    h.sim.userSends(h.owner, '/ask Работаете в воскресенье?');
    picker = await h.sim.waitFor(() =>
      h.sim
        .chat(h.owner)
        .messages.find(
          (m) => m.from?.id === h.sim.bot.id && m.text?.includes('Работаете в воскресенье') && m.reply_markup,
        ),
    );
    await h.sim.tap(h.owner, picker.message_id, '📚 Общий').waitForAnswer();
    const fallback = await waitForBotText('запасной текст');
    expect(fallback.text).toContain('🔎 В документах ничего не нашлось');
    expect(fallback.text).not.toContain('nothing_found');
  });

  it('when /ask is used for a listing, then the preview shows the escaped answer and nothing is sent', async () => {
    h = await startHarness({ jobs: true });
    await h.store.listings.upsert({
      id: '4242',
      title: 'Самокат',
      price: 5000,
      url: null,
      status: 'active',
      category: null,
      address: null,
      syncedAt: new Date(),
    });
    h.sim.userSends(h.owner, '/ask Есть доставка?');
    const picker = await waitForBotText('Для какого объявления');
    await h.sim.tap(h.owner, picker.message_id, 'Самокат · 5 000 ₽').waitForAnswer();
    await h.sim.waitFor(
      () =>
        h.sim
          .chat(h.owner)
          .messages.find((m) => m.message_id === picker.message_id)
          ?.text?.includes('Так ответил бы бот'),
      5000,
    );
    const preview = h.sim.chat(h.owner).messages.find((m) => m.message_id === picker.message_id)!;
    expect(preview.text).toContain('Да, <есть> & в наличии');
    expect(preview.text).toContain('Ничего не отправлено');
    expect(h.actions.calls).toHaveLength(0);
  });
});

describe('uploads', () => {
  const sendBigPdf = () =>
    h.sim.userSendsDocument({
      to: h.owner,
      fileName: 'big.pdf',
      mimeType: 'application/pdf',
      size: 30 * 1024 * 1024,
    });

  it('when the owner sends a TXT and picks a listing, then one progress message reaches «готово» and the file is ingested', async () => {
    h = await startHarness({ jobs: true });
    await h.store.listings.upsert({
      id: '777',
      title: 'Велосипед',
      price: null,
      url: null,
      status: 'active',
      category: null,
      address: null,
      syncedAt: new Date(),
    });
    h.sim.userSends(h.owner, '/upload');
    await waitForBotText('Пришлите один или несколько файлов');
    h.sim.userSendsDocument({
      to: h.owner,
      fileName: 'Гарантия.txt',
      mimeType: 'text/plain',
      bytes: 'Гарантия 1 год',
    });
    const ask = await waitForBotText('К чему относится документ');
    await h.sim.tap(h.owner, ask.message_id, 'Велосипед').waitForAnswer();
    await h.sim.waitFor(
      () =>
        h.sim
          .chat(h.owner)
          .messages.find((m) => m.message_id === ask.message_id)
          ?.text?.includes('✅ готово'),
      8000,
    );
    const progress = h.sim.chat(h.owner).messages.find((m) => m.message_id === ask.message_id)!;
    expect(progress.text).toContain('Гарантия.txt → Велосипед');
    expect(progress.reply_markup).toBeUndefined();
    expect(h.knowledge.ingested).toEqual([
      {
        title: 'Гарантия',
        fileName: 'Гарантия.txt',
        scope: 'item',
        itemId: '777',
        bytes: Buffer.byteLength('Гарантия 1 год'),
        text: 'Гарантия 1 год',
      },
    ]);
    expect(h.logs.join('\n')).not.toContain(h.sim.token);
  });

  it('when the owner sends /upload, then the prompt lists every type the knowledge base reads', async () => {
    h = await startHarness();
    h.sim.userSends(h.owner, '/upload');
    const prompt = await waitForBotText('Пришлите один или несколько файлов');
    for (const kind of DOCUMENT_KINDS) expect(prompt.text).toContain(kind.toUpperCase());
  });

  it('when an unsupported file is sent, then it is refused in the owner language before asking what it belongs to', async () => {
    h = await startHarness({ jobs: true });
    h.sim.userSendsDocument({ to: h.owner, fileName: 'фото.jpg', mimeType: 'image/jpeg', bytes: 'x' });
    const refusal = await waitForBotText('такой тип файла я не читаю');
    expect(refusal.text).toContain('фото.jpg');
    expect(refusal.text).toContain('PDF, DOCX, XLSX, TXT, MD, HTML, CSV');
    expect(refusal.reply_markup).toBeUndefined();
    await new Promise((r) => setTimeout(r, 200));
    expect(botTexts().some((t) => t.includes('К чему относится'))).toBe(false);
    expect(h.sim.calls.records.some((c) => c.path.endsWith('/getFile'))).toBe(false);
  });

  it('when the bot speaks English, then an unsupported file is refused in English and a size has a decimal point', async () => {
    h = await startHarness({ env: { BOT_LOCALE: 'en' } });
    h.sim.userSendsDocument({ to: h.owner, fileName: 'old.doc', mimeType: 'application/msword', bytes: 'x' });
    await waitForBotText('I cannot read this type of file');
    sendBigPdf();
    const refusal = await waitForBotText('over the 20 MB');
    expect(refusal.text).toContain('big.pdf: 30.0 MB');
  });

  it('when a 30 MB file is sent, then it is refused with the reason before any download', async () => {
    h = await startHarness({ jobs: true });
    sendBigPdf();
    const refusal = await waitForBotText('больше 20 МБ');
    expect(refusal.text).toContain('big.pdf: 30,0 МБ');
    expect(h.sim.calls.records.some((c) => c.path.endsWith('/getFile'))).toBe(false);
    expect(h.knowledge.ingested).toHaveLength(0);
  });
});
