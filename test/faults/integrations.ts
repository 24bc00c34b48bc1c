/**
 * The sales pipeline's outages (issue 19), parameterised by size: `test/faults/integrations.test.ts` runs it small,
 * `npm run chaos -- integrations` full size. The real service (in process: its outbox is what is under test)
 * against the amoCRM, YooKassa and SMTP simulators: leads, offers and invoices arrive while all three are down,
 * then they come back answering "committed, but the answer was lost" for a while. Nothing may be lost or done
 * twice, and transient outages never reach the owner.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAmoCrmSim, WON_STATUS_ID } from '../../sim/amocrm/index.js';
import { pollUntil } from '../../sim/common/wait.js';
import { serviceEnvFor } from '../../sim/env.js';
import { startSmtpSim } from '../../sim/smtp/index.js';
import { startYooKassaSim } from '../../sim/yookassa/index.js';
import { issueDocument, loadSalesConfig, orderFromWords } from '../../src/sales/index.js';
import {
  avitoChat,
  PIPELINE_STATUS_MAP,
  pipelineSalesYaml,
  startPipelineService,
} from '../support/pipeline.js';
import { freePort } from './harness.js';
import type { ScenarioResult } from './scenarios.js';

export interface IntegrationOutageSize {
  /** Buyers, each with an offer and an invoice. */
  leads: number;
  /** How long amoCRM, YooKassa and SMTP are all down while the work arrives. */
  outageMs: number;
}

export async function integrationOutages(size: IntegrationOutageSize): Promise<ScenarioResult> {
  const started = Date.now();
  const problems: string[] = [];
  const check = (ok: boolean, problem: string) => void (ok ? undefined : problems.push(problem));
  const dir = mkdtempSync(join(tmpdir(), 'chaos-integrations-'));
  const amo = await startAmoCrmSim({ longLivedTokens: ['chaos-token'] });
  const yookassa = await startYooKassaSim();
  const smtp = await startSmtpSim();
  const port = await freePort();
  const env = { PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` };
  const p = await startPipelineService(
    { ...serviceEnvFor({ amocrm: amo, yookassa, smtp }), ...env },
    {
      dir,
      salesYaml: pipelineSalesYaml(PIPELINE_STATUS_MAP),
    },
  );
  const figures: Record<string, number | string> = {};
  try {
    const { svc } = p;
    yookassa.setNotificationUrl(`${svc.http.url}/yookassa/notifications`);
    const sales = await loadSalesConfig(join(dir, 'sales.yaml'));

    // Everything outside is down.
    amo.faults.add({ match: '/api/v4/', fault: { kind: 'status', status: 503 } });
    yookassa.faults.add({ match: '/v3/', fault: { kind: 'status', status: 500 } });
    smtp.fail({ stage: 'mail', kind: 'reject', code: 421 }, 1_000_000);

    const buyers = Array.from({ length: size.leads }, (_, i) => ({
      chatId: `u2i-chaos-${i}`,
      email: `buyer${i}@example.ru`,
      phone: `+7916000${String(i).padStart(4, '0')}`,
    }));
    const leadIds: string[] = [];
    let invoiced = 0;
    for (const [i, b] of buyers.entries()) {
      await avitoChat(svc, b.chatId, `Покупатель ${i}`); // where the payment link is written
      const { lead } = await svc.leads.onBuyerMessage({
        channel: 'avito',
        conversationId: b.chatId,
        listing: null,
        buyer: { name: `Покупатель ${i}` },
        message: { id: `m-chaos-${i}`, text: `Хочу диван, ${b.phone}, почта ${b.email}`, at: new Date() },
      });
      leadIds.push(lead.id);
      const common = {
        config: sales,
        buyer: { name: `Покупатель ${i}`, phone: b.phone, email: b.email },
        now: new Date(),
        numbering: { sequences: svc.store.sequences },
        maxBytes: 10 * 1024 * 1024,
      };
      const offer = await issueDocument({
        ...common,
        kind: 'offer',
        order: orderFromWords(sales.priceList, ['sofa-milan', 'fabric=velour', 'corner=left']),
      });
      await svc.integrations.documentIssued(lead.id, offer, 'tg:1');
      const invoice = await issueDocument({ ...common, kind: 'invoice', order: { quote: offer.quote } });
      await svc.integrations.documentIssued(lead.id, invoice, 'tg:1');
      invoiced += invoice.quote.total;
    }
    await new Promise((r) => setTimeout(r, size.outageMs));
    const ready = await svc.readiness.report();
    check(ready.status === 'ok', 'the service was not ready during the outage');
    check(
      ['amocrm', 'email'].every((n) => ready.checks[n]?.status === 'degraded'),
      `/ready did not show the outage: ${JSON.stringify(ready.checks)}`,
    );
    check(amo.leads().length === 0 && yookassa.payments().length === 0, 'a call got through the outage');

    // Back, but the first writes are committed and their answers lost: retries must not repeat them.
    const recovery = Date.now();
    amo.faults.clear();
    yookassa.faults.clear();
    smtp.clearFaults();
    amo.failAfterCommit(2, 'drop');
    yookassa.failAfterCommit(2, 'drop');
    const settleMs = 20_000 + size.leads * 2000;
    const settled = await pollUntil(
      () =>
        amo.leads().length >= size.leads &&
        yookassa.payments().length >= size.leads &&
        smtp.messages().length >= 2 * size.leads,
      { timeoutMs: settleMs, intervalMs: 200 },
    ).then(
      () => true,
      () => false,
    );
    check(settled, 'deals, payments or e-mails were still missing after the outage');
    figures.recoveredMs = Date.now() - recovery;

    for (const payment of yookassa.payments()) await yookassa.buyerPays(payment.id);
    const paid = await pollUntil(
      async () => {
        const leads = await Promise.all(leadIds.map((id) => svc.leads.get(id)));
        return leads.every((l) => l?.stage === 'paid');
      },
      { timeoutMs: settleMs, intervalMs: 200 },
    ).then(
      () => true,
      () => false,
    );
    check(paid, 'not every lead was paid after its payment');
    await pollUntil(() => amo.leads().every((d) => d.status_id === WON_STATUS_ID), {
      timeoutMs: 20_000,
      intervalMs: 200,
    }).catch(() => problems.push('not every amoCRM deal reached «won»'));
    await new Promise((r) => setTimeout(r, 500)); // anything repeated late would show now

    const leads = await Promise.all(leadIds.map((id) => svc.leads.get(id)));
    const paidKopecks = leads.reduce((sum, l) => sum + (l?.amounts.paid ?? 0), 0);
    const integrationAlerts = p.notifier.alerts.filter((a) => a.alert.kind === 'integration-failed');
    check(amo.leads().length === size.leads, `${amo.leads().length} deals for ${size.leads} leads`);
    check(
      yookassa.payments().length === size.leads,
      `${yookassa.payments().length} payments for ${size.leads} invoices`,
    );
    check(paidKopecks === invoiced, `paid ${paidKopecks} kopecks in all, invoiced ${invoiced}`);
    for (const b of buyers) {
      const subjects = smtp
        .messages()
        .filter((m) => m.to.some((t) => t.address === b.email))
        .map((m) => m.subject ?? '');
      check(
        subjects.some((s) => s.includes('КП-')) && subjects.some((s) => s.includes('СЧ-')),
        `${b.email}: the offer or the invoice was not e-mailed (${subjects.join(' | ')})`,
      );
      check(
        new Set(subjects).size === subjects.length,
        `${b.email}: an e-mail went twice (${subjects.join(' | ')})`,
      );
    }
    check(
      integrationAlerts.length === 0,
      `the owner was alerted about a transient outage: ${JSON.stringify(integrationAlerts.map((a) => a.alert))}`,
    );
    Object.assign(figures, {
      leads: size.leads,
      deals: amo.leads().length,
      payments: yookassa.payments().length,
      mails: smtp.messages().length,
      ownerAlerts: integrationAlerts.length,
    });
  } finally {
    await p.dispose();
    await Promise.all([amo.close(), yookassa.close(), smtp.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
  figures.totalMs = Date.now() - started;
  const line = Object.entries(figures)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  console.log(`[faults] integrations: ${line}${problems.length ? ` PROBLEMS: ${problems.join('; ')}` : ''}`);
  return { name: 'integrations', figures, problems };
}
