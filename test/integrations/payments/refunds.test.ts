import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { serviceEnvFor } from '../../../sim/env.js';
import { startYooKassaSim, type YooKassaSim } from '../../../sim/yookassa/index.js';
import { issueDocument, loadSalesConfig, orderFromWords } from '../../../src/sales/index.js';
import { type PipelineService, startPipelineService } from '../../support/pipeline.js';
import { eventually } from '../../support/service.js';

describe('refunds of a paid invoice', () => {
  let yookassa: YooKassaSim | undefined;
  let pipeline: PipelineService | undefined;

  afterEach(async () => {
    await pipeline?.dispose();
    await yookassa?.close();
    pipeline = yookassa = undefined;
  });

  it('when a refund of a paid invoice is checked again and again, then it is counted once and the lead’s paid total goes down by it', async () => {
    yookassa = await startYooKassaSim();
    // The return address YooKassa sends the buyer back to; nothing listens on it here.
    pipeline = await startPipelineService({
      ...serviceEnvFor({ yookassa }),
      PUBLIC_URL: 'http://127.0.0.1:9',
    });
    const { svc } = pipeline;
    const payments = svc.integrations.payments!;
    const { lead } = await svc.leads.onBuyerMessage({
      channel: 'avito',
      conversationId: 'u2i-refund-1',
      listing: null,
      buyer: { name: 'Анна' },
      message: { id: 'm-refund-1', text: 'Здравствуйте, моя почта anna@example.ru', at: new Date() },
    });
    const sales = await loadSalesConfig(join(pipeline.dir, 'sales.yaml'));
    const invoice = await issueDocument({
      kind: 'invoice',
      config: sales,
      order: orderFromWords(sales.priceList, ['sofa-milan', 'fabric=velour', 'corner=left']),
      buyer: { name: 'Анна', email: 'anna@example.ru' },
      now: new Date(),
      numbering: { sequences: svc.store.sequences },
      maxBytes: 10 * 1024 * 1024,
    });
    await svc.integrations.documentIssued(lead.id, invoice, 'tg:1');
    const total = invoice.quote.total;
    const payment = await eventually(() => yookassa!.payments()[0], 10_000);
    await yookassa.buyerPays(payment.id);
    await payments.notified('payment', payment.id);
    await eventually(async () => (await svc.leads.get(lead.id))?.amounts.paid === total, 10_000);

    expect(await payments.refund(lead.id, invoice.number, 10_000)).toEqual({ ok: true });
    const refund = await eventually(() => yookassa!.refunds()[0], 10_000);
    await eventually(async () => (await svc.store.payments.get(invoice.number))?.refundedKopecks === 10_000);
    // YooKassa's notifications of the refund, repeated and at once: each check finds it counted.
    await Promise.all([payments.notified('refund', refund.id), payments.notified('refund', refund.id)]);
    await new Promise((r) => setTimeout(r, 500));
    await payments.notified('refund', refund.id);
    await new Promise((r) => setTimeout(r, 500));

    expect((await svc.store.payments.get(invoice.number))?.refundedKopecks).toBe(10_000);
    expect(await svc.store.payments.refundApplied(refund.id)).toBe(true);
    expect((await svc.leads.get(lead.id))?.amounts.paid).toBe(total - 10_000);
    expect((await payments.status(invoice.number))?.refundedKopecks).toBe(10_000);
  }, 60_000);
});
