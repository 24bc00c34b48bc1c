import { describe, expect, it } from 'vitest';
import { renderCard, renderNotice } from '../../../src/bot/cards/render.js';
import { textsFor } from '../../../src/texts/index.js';
import type { Chat, Draft, Message } from '../../../src/models/records.js';
import { type ChannelId, chatIdOf } from '../../../src/responder/channel.js';
import { encodeDeliveryProblem } from '../../../src/responder/delivery-problem.js';
import type { CardView, Notice } from '../../../src/responder/ports.js';

const at = new Date('2026-03-01T10:00:00Z');

function chatOn(channel: ChannelId): Chat {
  return {
    id: chatIdOf(channel, channel === 'avito' ? 'u2i-render' : '12345'),
    itemId: null,
    buyerId: null,
    buyerName: 'Вера',
    listing: { title: 'Кресло', price: '8 000 ₽', url: null },
    state: 'ai',
    humanUntil: null,
    mode: null,
    lastInboundAt: at,
    lastOutboundAt: null,
    createdAt: at,
    updatedAt: at,
  };
}

function viewOn(channel: ChannelId): CardView {
  const chat = chatOn(channel);
  const message: Message = {
    id: `${chat.id}-m1`,
    chatId: chat.id,
    direction: 'in',
    author: 'buyer',
    type: 'text',
    text: 'Есть в наличии?',
    content: null,
    draftId: null,
    createdAt: at,
    seq: 1,
  };
  const draft: Draft = {
    id: `${chat.id}-d1`,
    chatId: chat.id,
    kind: 'answer',
    status: 'pending',
    text: 'Да.',
    originalText: 'Да.',
    sources: [],
    grounded: true,
    findings: [],
    strategy: 'general',
    provider: null,
    model: null,
    coversMessageIds: [message.id],
    card: null,
    approvedBy: null,
    sentMessageIds: [],
    attempts: 0,
    error: null,
    createdAt: at,
    updatedAt: at,
  };
  return { draft, chat, buyerMessages: [message] };
}

const notices = (view: CardView): Notice[] => [
  { kind: 'auto-sent', view },
  { kind: 'fallback-sent', view },
  { kind: 'chat-paused', chat: view.chat, until: at },
  { kind: 'buyer-in-human-chat', chat: view.chat, messages: view.buyerMessages },
];

describe('cards and notices name the buyer’s channel', () => {
  const names: Record<'ru' | 'en', Record<ChannelId, string>> = {
    ru: { avito: 'Avito', web: 'сайт', telegram: 'Telegram' },
    en: { avito: 'Avito', web: 'website', telegram: 'Telegram' },
  };
  for (const locale of ['ru', 'en'] as const) {
    for (const channel of ['avito', 'web', 'telegram'] as const) {
      it(`when the buyer writes on ${channel} (${locale}), then the card and every notice say so on the buyer line`, () => {
        const t = textsFor(locale);
        const view = viewOn(channel);
        const line = `👤 Вера · ${names[locale][channel]}`;
        expect(renderCard(view, t).text.split('\n')).toContain(line);
        for (const notice of notices(view)) expect(renderNotice(notice, t).text.split('\n')).toContain(line);
      });
    }
  }
});

describe('a draft on its way', () => {
  // deliverDraft moves approved → sending without a card sync: the owner sees no difference between them.
  for (const locale of ['ru', 'en'] as const) {
    for (const state of ['ai', 'human'] as const) {
      it(`when a draft goes from approved to sending (${locale}, ${state} chat), then its card stays exactly the same`, () => {
        const t = textsFor(locale);
        const view = viewOn('avito');
        const chat: Chat = { ...view.chat, state };
        const approved: Draft = {
          ...view.draft,
          status: 'approved',
          approvedBy: 'tg:42',
          error: encodeDeliveryProblem({ code: 'send-failed', reason: 'timeout' }),
          attempts: 1,
        };
        const sending: Draft = {
          ...approved,
          status: 'sending',
          attempts: 2,
          error: null,
          updatedAt: new Date(),
        };
        const names = new Map([['42', 'Оля']]);
        expect(renderCard({ ...view, chat, draft: sending }, t, names)).toEqual(
          renderCard({ ...view, chat, draft: approved }, t, names),
        );
      });
    }
  }
});
