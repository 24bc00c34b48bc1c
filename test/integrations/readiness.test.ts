import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type AmoCrmSim, startAmoCrmSim } from '../../sim/amocrm/index.js';
import { writeServiceAccountKey, serviceEnvFor } from '../../sim/env.js';
import { type GoogleCalendarSim, startGoogleCalendarSim } from '../../sim/google-calendar/index.js';
import { type SmtpSim, startSmtpSim } from '../../sim/smtp/index.js';
import { startYooKassaSim, type YooKassaSim } from '../../sim/yookassa/index.js';
import { issueDocument, loadSalesConfig, orderFromWords } from '../../src/sales/index.js';
import { type PipelineService, startPipelineService } from '../support/pipeline.js';
import { startTestService, type TestService } from '../support/service.js';

const INTEGRATIONS = ['amocrm', 'calendar', 'yookassa', 'email'] as const;

/** `/ready` as a loopback client sees it (details included without ADMIN_TOKEN). */
async function ready(url: string): Promise<{ status: string; checks: Record<string, { status: string }> }> {
  const res = await fetch(`${url}/ready`);
  return (await res.json()) as { status: string; checks: Record<string, { status: string }> };
}

describe('/ready rows of the sales pipeline integrations', () => {
  let plain: TestService | undefined;
  let pipeline: PipelineService | undefined;
  let sims: { amo: AmoCrmSim; calendar: GoogleCalendarSim; yookassa: YooKassaSim; smtp: SmtpSim } | undefined;

  afterEach(async () => {
    await plain?.dispose();
    await pipeline?.dispose();
    if (sims) await Promise.all(Object.values(sims).map((s) => s.close()));
    plain = pipeline = sims = undefined;
  });

  it('when no integration is configured, then /ready has a disabled row for each and stays ready', async () => {
    plain = await startTestService();
    const report = await ready(plain.http.url);
    expect(report.status).toBe('ok');
    for (const name of INTEGRATIONS) expect(report.checks[name]?.status, name).toBe('disabled');
  });

  it('when all four are configured, then each row is ok, and a failing SMTP server turns only the e-mail row degraded', async () => {
    sims = {
      amo: await startAmoCrmSim({ longLivedTokens: ['ready-token'] }),
      calendar: await startGoogleCalendarSim(),
      yookassa: await startYooKassaSim(),
      smtp: await startSmtpSim(),
    };
    const { amo, calendar, yookassa, smtp } = sims;
    const dir = mkdtempSync(join(tmpdir(), 'ready-'));
    pipeline = await startPipelineService(
      serviceEnvFor({
        amocrm: amo,
        calendar: { sim: calendar, keyFile: writeServiceAccountKey(calendar, dir) },
        yookassa,
        smtp,
      }),
      { dir },
    );
    const { svc } = pipeline;
    const report = await ready(svc.http.url);
    expect(report.status).toBe('ok');
    for (const name of INTEGRATIONS) expect(report.checks[name]?.status, name).toBe('ok');

    // An offer e-mailed to the buyer goes out through the outbox; the server refuses it for a while.
    smtp.fail({ stage: 'mail', kind: 'reject', code: 421 }, 1000);
    const { lead } = await svc.leads.onBuyerMessage({
      channel: 'avito',
      conversationId: 'u2i-ready-1',
      listing: null,
      buyer: { name: 'Анна' },
      message: { id: 'm-ready-1', text: 'Здравствуйте, моя почта anna@example.ru', at: new Date() },
    });
    const sales = await loadSalesConfig(join(dir, 'sales.yaml'));
    const offer = await issueDocument({
      kind: 'offer',
      config: sales,
      order: orderFromWords(sales.priceList, ['sofa-milan', 'fabric=velour', 'corner=left']),
      buyer: { name: 'Анна', email: 'anna@example.ru' },
      now: new Date(),
      numbering: { sequences: svc.store.sequences },
      maxBytes: 10 * 1024 * 1024,
    });
    expect((await svc.integrations.documentIssued(lead.id, offer, 'tg:1')).ok).toBe(true);
    await expect
      .poll(async () => (await ready(svc.http.url)).checks.email?.status, { timeout: 15_000 })
      .toBe('degraded');
    const during = await ready(svc.http.url);
    expect(during.status).toBe('ok');
    for (const name of ['amocrm', 'calendar', 'yookassa'] as const)
      expect(during.checks[name]?.status).toBe('ok');
  }, 60_000);
});
