import type { Express } from 'express';
import { z } from 'zod';
import { type AmoActors, SellerMoveError } from './actors.js';
import { sendHal, sendProblem, sendValidation, zodValidation } from './errors.js';
import type { AmoState } from './state.js';

const MoveBody = z.object({
  leadId: z.number().int().positive(),
  statusId: z.number().int().positive(),
  pipelineId: z.number().int().positive().optional(),
});

/**
 * `/__sim/*`: lets a human play the account's admin and the seller from a shell while the service runs
 * against the simulator (`main.ts`). Not part of amoCRM's API; mounted only with `controlRoutes: true`.
 */
export function registerControlRoutes(app: Express, state: AmoState, actors: AmoActors): void {
  app.post('/__sim/authorize', (req, res) => {
    const body = z.object({ clientId: z.string().min(1).optional() }).safeParse(req.body ?? {});
    if (!body.success) return sendValidation(res, zodValidation(body.error, false));
    try {
      sendHal(res, actors.authorize(body.data.clientId));
    } catch (error) {
      sendProblem(res, 404, error instanceof Error ? error.message : String(error));
    }
  });

  app.post('/__sim/seller-moves-lead', async (req, res) => {
    const body = z.union([MoveBody, z.array(MoveBody).min(1)]).safeParse(req.body);
    if (!body.success) return sendValidation(res, zodValidation(body.error, false));
    try {
      const deliveries = await actors.sellerMovesLeads(Array.isArray(body.data) ? body.data : [body.data]);
      sendHal(res, { deliveries: deliveries.map((d) => ({ id: d.id, url: d.url, state: d.state })) });
    } catch (error) {
      if (!(error instanceof SellerMoveError)) throw error;
      sendProblem(res, 404, error.message);
    }
  });

  app.post('/__sim/webhooks', (req, res) => {
    const body = z.object({ url: z.url() }).safeParse(req.body);
    if (!body.success) return sendValidation(res, zodValidation(body.error, false));
    sendHal(res, state.addWebhook(body.data.url, ['status_lead']));
  });

  app.post('/__sim/expire-tokens', (_req, res) => {
    state.expireAccessTokens();
    sendHal(res, { ok: true });
  });

  app.post('/__sim/block-ip', (req, res) => {
    const body = z.object({ blocked: z.boolean() }).safeParse(req.body);
    if (!body.success) return sendValidation(res, zodValidation(body.error, false));
    state.ipBlocked = body.data.blocked;
    sendHal(res, { blocked: state.ipBlocked });
  });

  app.get('/__sim/state', (_req, res) => {
    sendHal(res, {
      subdomain: state.subdomain,
      pipelines: state.pipelines,
      leads: [...state.leads.values()],
      contacts: [...state.contacts.values()],
      notes: state.notes,
      tags: [...state.tags.values()],
      webhooks: state.webhooks,
    });
  });
}
