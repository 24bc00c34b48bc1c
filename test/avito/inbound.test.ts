import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AvitoSim, startAvitoSim } from '../../sim/avito/index.js';
import { createLogger } from '../../src/logger.js';
import { eventually, startTestService, type TestService } from '../support/service.js';

/** The AI's answer as the deliver job sends it (auto-approved), once it is recorded as sent. */
async function aiSends(svc: TestService, chatId: string, text: string) {
  const draft = await svc.store.drafts.create({
    chatId,
    kind: 'answer',
    text,
    status: 'approved',
    approvedBy: 'auto',
  });
  await svc.agenda.now('deliver', { draftId: draft.id });
  return eventually(async () => {
    const d = await svc.store.drafts.get(draft.id);
    return d?.status === 'sent' ? d : null;
  });
}

describe('Avito inbound processing (buyer → webhook → inbound job)', () => {
  let sim: AvitoSim;
  let svc: TestService;

  beforeEach(async () => {
    sim = await startAvitoSim();
    svc = await startTestService(sim.env);
    const secret = await svc.store.kv.get<string>('avito:webhook-secret');
    await svc.avito!.client.subscribe(`${svc.http.url}/avito/webhook/${secret}`);
  });
  afterEach(async () => {
    await svc.dispose();
    await sim.close();
  });

  async function buyerChat(text = 'Здравствуйте') {
    const listing = sim.seedListing({ title: 'Кресло', price: 8000 });
    const r = await sim.buyerWrites({ itemId: listing.id, buyer: { name: 'Вера' }, text });
    await eventually(() => svc.store.messages.get(r.messageId));
    return r;
  }

  it('when our own send is echoed back, then it is recognised as ours and nobody takes over', async () => {
    const { chatId } = await buyerChat();
    const draft = await svc.store.drafts.create({ chatId, kind: 'answer', text: 'Да, в наличии.' });
    await svc.store.drafts.transition(draft.id, ['pending'], 'sending', { approvedBy: 'auto' });
    const sent = await svc.avito!.client.sendText(chatId, 'Да, в наличии.');
    const id = sent.messages[0]!.id;
    const echo = await eventually(() => svc.store.messages.get(id));
    expect(echo).toMatchObject({ direction: 'out', author: 'ai', draftId: draft.id });
    await sim.settled();
    await eventually(async () => (await svc.store.events.listByStatus('pending')).length === 0);
    expect(await svc.store.audit.query({ action: 'chat.paused' })).toEqual([]);
  });

  it('when the echo of a message we already stored arrives, then nothing new is recorded', async () => {
    const { chatId } = await buyerChat();
    const sent = await svc.avito!.client.sendText(chatId, 'Ответ владельца.');
    const id = sent.messages[0]!.id;
    // The deliver job stores what it sent (with its draft) before the echo is processed.
    await svc.store.messages.insertOnce({
      id,
      chatId,
      direction: 'out',
      author: 'owner',
      type: 'text',
      text: 'Ответ владельца.',
      content: null,
      draftId: 'draft-of-the-reply',
      createdAt: new Date(),
    });
    await sim.settled();
    await eventually(async () => (await svc.store.events.listByStatus('pending')).length === 0);
    expect((await svc.store.messages.get(id))?.author).toBe('owner');
    expect(await svc.store.audit.query({ action: 'chat.paused' })).toEqual([]);
  });

  it('when the seller writes a word of the AI answer from the Avito app, then it is the seller and the AI pauses', async () => {
    const { chatId } = await buyerChat('Какой размер дивана?');
    const sent = await aiSends(svc, chatId, 'Размер дивана 260 × 160 см, спальное место 200 × 140 см.');
    await sim.settled();
    await eventually(async () => (await svc.store.events.listByStatus('pending')).length === 0);
    expect((await svc.store.messages.get(sent.sentMessageIds[0]!))?.author).toBe('ai');

    const { messageId } = await sim.sellerWritesFromApp(chatId, 'Размер');
    const message = await eventually(() => svc.store.messages.get(messageId));
    expect(message).toMatchObject({ direction: 'out', author: 'owner', draftId: null });
    await eventually(async () => (await svc.store.chats.get(chatId))?.state === 'human');
    expect((await svc.store.audit.query({ action: 'chat.paused' }))[0]).toMatchObject({
      chatId,
      after: 'Размер',
    });
  });

  it('when the seller repeats an answer the AI already sent, then it is the seller, not an echo', async () => {
    const { chatId } = await buyerChat('В наличии?');
    await aiSends(svc, chatId, 'Да, в наличии.');
    const { messageId } = await sim.sellerWritesFromApp(chatId, 'Да,  в наличии.');
    const message = await eventually(() => svc.store.messages.get(messageId));
    expect(message).toMatchObject({ author: 'owner', draftId: null });
    await eventually(async () => (await svc.store.chats.get(chatId))?.state === 'human');
  });

  it('when the seller writes from the Avito app, then it is stored as an owner message and the AI pauses', async () => {
    const { chatId } = await buyerChat();
    const { messageId } = await sim.sellerWritesFromApp(chatId, 'Добрый день, отвечу сам.');
    const message = await eventually(() => svc.store.messages.get(messageId));
    expect(message).toMatchObject({ direction: 'out', author: 'owner', text: 'Добрый день, отвечу сам.' });
    const audit = await eventually(async () => {
      const entries = await svc.store.audit.query({ action: 'chat.paused' });
      return entries.length ? entries : null;
    });
    expect(audit[0]).toMatchObject({ chatId, after: 'Добрый день, отвечу сам.' });
  });

  it('when Avito sends a system message, then it is kept as context and no answer is scheduled', async () => {
    const listing = sim.seedListing({ title: 'Лампа', price: 900 });
    const r = await sim.buyerWrites({
      itemId: listing.id,
      buyer: { name: 'Кира' },
      type: 'system',
      text: 'Автоответ продавца',
    });
    const message = await eventually(() => svc.store.messages.get(r.messageId));
    expect(message.author).toBe('system');
    const { jobs } = await svc.agenda.queryJobs({ name: 'respond' });
    expect(jobs).toEqual([]);
  });

  it('when a buyer sends a photo, then it is stored with its content and passed on for an answer', async () => {
    const listing = sim.seedListing({ title: 'Тумба', price: 3000 });
    const r = await sim.buyerWrites({ itemId: listing.id, buyer: { name: 'Лев' }, type: 'image' });
    const message = await eventually(() => svc.store.messages.get(r.messageId));
    expect(message.type).toBe('image');
    expect(message.content).toHaveProperty('image');
    const jobs = await eventually(async () => {
      const { jobs } = await svc.agenda.queryJobs({ name: 'respond' });
      return jobs.length ? jobs : null;
    });
    expect(jobs[0]?.data).toEqual({ chatId: r.chatId });
  });
});

describe('Avito inbound processing when the echo overtakes the send', () => {
  it('when Avito echoes our message before the send call returns, then it is stored once, as ours, and nobody takes over', async () => {
    const sim = await startAvitoSim({ echoTiming: 'before-response' });
    const svc = await startTestService(sim.env);
    try {
      const secret = await svc.store.kv.get<string>('avito:webhook-secret');
      await svc.avito!.client.subscribe(`${svc.http.url}/avito/webhook/${secret}`);
      const listing = sim.seedListing({ title: 'Кресло', price: 8000 });
      const { chatId, messageId } = await sim.buyerWrites({
        itemId: listing.id,
        buyer: { name: 'Вера' },
        text: 'В наличии?',
      });
      await eventually(() => svc.store.messages.get(messageId));
      const sent = await aiSends(svc, chatId, 'Да, в наличии. '.repeat(80).trim());
      expect(sent.sentMessageIds).toHaveLength(2);
      await sim.settled();
      await eventually(async () => (await svc.store.events.listByStatus('pending')).length === 0);
      const history = await svc.store.messages.lastN(chatId, 10);
      expect(history.filter((m) => m.direction === 'out').map((m) => [m.id, m.author, m.draftId])).toEqual(
        sent.sentMessageIds.map((id) => [id, 'ai', sent.id]),
      );
      expect((await svc.store.chats.get(chatId))?.state).toBe('ai');
      expect(await svc.store.audit.query({ action: 'chat.paused' })).toEqual([]);
    } finally {
      await svc.dispose();
      await sim.close();
    }
  });
});

describe('Avito inbound processing after a crash mid-event', () => {
  it('when an event is processed again after its message was stored, then the answer is still scheduled', async () => {
    const avito = await startAvitoSim();
    const svc = await startTestService(avito.env);
    try {
      const listing = avito.seedListing({ title: 'Пуф', price: 2000 });
      // Delivered while nobody listens: we play the crashed first attempt by hand.
      const { chatId, messageId, message } = await avito.buyerWrites({
        itemId: listing.id,
        buyer: { name: 'Нина' },
        text: 'Есть в наличии?',
      });
      await svc.store.chats.upsert({ id: chatId });
      await svc.store.messages.insertOnce({
        id: messageId,
        chatId,
        direction: 'in',
        author: 'buyer',
        type: 'text',
        text: message.content.text ?? null,
        content: null,
        createdAt: new Date(message.created * 1000),
      });
      const { processInboundEvent } = await import('../../src/avito/inbound.js');
      const envelope = {
        payload: {
          type: 'message',
          value: {
            id: messageId,
            chat_id: chatId,
            user_id: avito.userId,
            author_id: message.authorId,
            created: message.created,
            type: 'text',
            item_id: listing.id,
            content: message.content,
          },
        },
      };
      await svc.store.events.insertOnce({ id: 'crashed-1', messageId, payload: envelope });
      const outcome = await processInboundEvent('crashed-1', {
        store: svc.store,
        avito: svc.avito!.client,
        logger: createLogger({ level: 'silent' }),
        inbound: svc.responder.inbound,
      });
      expect(outcome).toBe('buyer');
      const { jobs } = await svc.agenda.queryJobs({ name: 'respond' });
      expect(jobs.map((job) => job.data)).toEqual([{ chatId }]);
    } finally {
      await svc.dispose();
      await avito.close();
    }
  });
});
