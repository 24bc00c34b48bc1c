import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.js';
import type { Chat } from '../../../src/models/records.js';
import type { InboundEvent, InboundOutcome, InboundPort } from '../../../src/responder/channel.js';
import type { BuyerMessageInput } from '../../../src/sales/leads/index.js';
import { recordingLeads } from '../../../src/sales/leads/inbound.js';

const logger = createLogger({ level: 'silent' });

const event = (over: Partial<InboundEvent> = {}): InboundEvent => ({
  channel: 'avito',
  chatId: 'u2i-1',
  messageId: 'm1',
  direction: 'in',
  type: 'text',
  text: 'Хочу диван, +7 916 123-45-67',
  content: null,
  at: new Date('2026-12-06T10:00:00Z'),
  ...over,
});

/** A responder port answering with the given outcomes in turn, and the leads' recorded inputs. */
function harness(outcomes: InboundOutcome[], failRecording = false) {
  const recorded: BuyerMessageInput[] = [];
  const received: InboundEvent[] = [];
  const port: InboundPort = {
    async receive(e) {
      received.push(e);
      return outcomes.shift() ?? 'already-processed';
    },
  };
  const chat = {
    id: 'u2i-1',
    buyerName: 'Анна',
    itemId: '42',
    listing: { title: 'Диван' },
  } as unknown as Chat;
  const inbound = recordingLeads(port, {
    leads: {
      async onBuyerMessage(input) {
        if (failRecording) throw new Error('store is down');
        recorded.push(input);
        return {} as never;
      },
    },
    store: { chats: { get: async () => chat } as never },
    logger,
  });
  return { inbound, recorded, received };
}

describe('recordingLeads: buyer texts become leads as the responder takes them', () => {
  it('when a buyer text is taken and then redelivered, then it is recorded on a lead once, with the chat’s buyer and listing', async () => {
    const h = harness(['buyer', 'already-processed']);
    expect(await h.inbound.receive(event())).toBe('buyer');
    expect(await h.inbound.receive(event())).toBe('already-processed');
    expect(h.received).toHaveLength(2);
    expect(h.recorded).toEqual([
      {
        channel: 'avito',
        conversationId: 'u2i-1',
        listing: { itemId: '42', title: 'Диван' },
        buyer: { name: 'Анна' },
        message: { id: 'm1', text: 'Хочу диван, +7 916 123-45-67', at: new Date('2026-12-06T10:00:00Z') },
      },
    ]);
  });

  it('when the message is not a buyer text (an echo, the seller, a photo), then no lead is touched', async () => {
    const h = harness(['own-echo', 'seller-outside', 'buyer', 'system']);
    await h.inbound.receive(event({ direction: 'out' }));
    await h.inbound.receive(event({ direction: 'out', messageId: 'm2' }));
    await h.inbound.receive(event({ type: 'image', text: null, messageId: 'm3' }));
    await h.inbound.receive(event({ type: 'system', messageId: 'm4' }));
    expect(h.recorded).toEqual([]);
  });

  it('when recording the lead fails, then the responder’s outcome still stands (the answer is not held up)', async () => {
    const h = harness(['buyer'], true);
    expect(await h.inbound.receive(event())).toBe('buyer');
  });
});
