import type { OutgoingDelivery } from '../common/webhook-sender.js';
import { type AmoState, LOST_STATUS_ID, SELLER_USER_ID, WON_STATUS_ID } from './state.js';
import type { StatusChange } from './types.js';
import type { AmoWebhooks } from './webhooks.js';

/** A stage move the seller makes in amoCRM's interface. */
export interface SellerMove {
  leadId: number;
  statusId: number;
  /** Default: the lead's current pipeline. */
  pipelineId?: number;
}

/** The humans on amoCRM's side: the admin who installs the integration, the seller who moves deals. */
export interface AmoActors {
  /**
   * The admin installs the integration: amoCRM would redirect to `redirect_uri?code=…&referer=…`. Returns
   * what that redirect carries.
   */
  authorize(clientId?: string): { code: string; referer: string; clientId: string };
  /**
   * The seller drags deals to other stages (in one go, so one webhook POST carries them all), then amoCRM
   * POSTs `leads[status]` to the registered webhooks. Resolves when the deliveries are done.
   */
  sellerMovesLeads(moves: SellerMove[]): Promise<OutgoingDelivery[]>;
}

/** Thrown for a move the amoCRM interface would not allow. */
export class SellerMoveError extends Error {
  override name = 'SellerMoveError';
}

export function createActors(state: AmoState, webhooks: AmoWebhooks): AmoActors {
  return {
    authorize(clientId) {
      const integration = clientId
        ? state.integrations.find((i) => i.clientId === clientId)
        : state.integrations[0];
      if (!integration) throw new SellerMoveError(`No integration ${clientId ?? ''} is installed`);
      return {
        code: state.issueCode(integration.clientId),
        referer: `${state.subdomain}.amocrm.ru`,
        clientId: integration.clientId,
      };
    },

    async sellerMovesLeads(moves) {
      const changes: StatusChange[] = [];
      for (const move of moves) {
        const lead = state.leads.get(move.leadId);
        if (!lead) throw new SellerMoveError(`No lead ${move.leadId}`);
        const pipelineId = move.pipelineId ?? lead.pipeline_id;
        const status = state.status(pipelineId, move.statusId);
        if (!status) throw new SellerMoveError(`No status ${move.statusId} in pipeline ${pipelineId}`);
        changes.push({
          leadId: lead.id,
          statusId: status.id,
          pipelineId,
          oldStatusId: lead.status_id,
          oldPipelineId: lead.pipeline_id,
        });
        lead.status_id = status.id;
        lead.pipeline_id = pipelineId;
        lead.updated_by = SELLER_USER_ID;
        lead.updated_at = state.now();
        lead.closed_at = status.id === WON_STATUS_ID || status.id === LOST_STATUS_ID ? state.now() : null;
      }
      return webhooks.statusChanged(changes);
    },
  };
}
