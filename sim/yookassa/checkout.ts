import type { Express } from 'express';
import { z } from 'zod';
import { type YooActors, BuyerActionError } from './actors.js';
import { CANCELLATION_REASONS } from './book.js';
import { sendJson, sendYooError } from './errors.js';
import type { YooState } from './state.js';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The `confirmation_url` page (YooKassa's checkout, simplified): a buyer opening it in a browser can pay or
 * cancel, after which they are sent to the shop's `return_url`. `/__sim/payments/:id/pay|cancel` do the same
 * from a shell (mounted with `controlRoutes`).
 */
export function registerCheckout(
  app: Express,
  state: YooState,
  actors: YooActors,
  controlRoutes: boolean,
): void {
  app.get('/checkout/:id', (req, res) => {
    const record = state.payments.get(String(req.params.id));
    if (!record) return sendYooError(res, 404, 'Payment not found');
    const p = record.object;
    const html = `<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>ЮKassa (симулятор)</title></head><body>
<h1>Оплата ${escapeHtml(p.amount.value)} ${escapeHtml(p.amount.currency)}</h1>
<p>${escapeHtml(p.description ?? '')}</p><p>Статус: ${escapeHtml(p.status)}</p>
<form method="post" action="/checkout/${escapeHtml(p.id)}/pay"><button>Оплатить</button></form>
<form method="post" action="/checkout/${escapeHtml(p.id)}/cancel"><button>Отказаться</button></form>
</body></html>`;
    res.status(200).type('html').send(html);
  });

  const act = (
    path: string,
    run: (id: string, reason?: (typeof CANCELLATION_REASONS)[number]) => Promise<unknown>,
    json: boolean,
  ) =>
    app.post(path, async (req, res) => {
      const id = String(req.params.id);
      const body = z
        .object({ reason: z.enum(CANCELLATION_REASONS).optional() })
        .safeParse(json ? (req.body ?? {}) : {});
      if (!body.success)
        return sendYooError(res, 400, 'reason must be a YooKassa cancellation reason', {
          parameter: 'reason',
        });
      try {
        await run(id, body.data.reason);
      } catch (error) {
        if (!(error instanceof BuyerActionError)) throw error;
        return sendYooError(res, 400, error.message);
      }
      const record = state.payments.get(id)!;
      const returnUrl = record.object.confirmation?.return_url;
      if (!json && typeof returnUrl === 'string') return res.redirect(303, returnUrl);
      sendJson(res, 200, record.object);
    });

  act('/checkout/:id/pay', (id) => actors.buyerPays(id), false);
  act('/checkout/:id/cancel', (id) => actors.buyerCancels(id), false);
  if (controlRoutes) {
    act('/__sim/payments/:id/pay', (id) => actors.buyerPays(id), true);
    act('/__sim/payments/:id/cancel', (id, reason) => actors.buyerCancels(id, reason), true);
    app.get('/__sim/state', (_req, res) => {
      sendJson(res, 200, {
        payments: [...state.payments.values()].map((r) => r.object),
        refunds: [...state.refunds.values()].map((r) => r.object),
      });
    });
  }
}
