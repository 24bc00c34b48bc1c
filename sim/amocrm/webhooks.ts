import type { OutgoingDelivery, WebhookSender } from '../common/webhook-sender.js';
import { SELLER_USER_ID, type AmoState } from './state.js';
import type { StatusChange } from './types.js';

/**
 * amoCRM's account webhooks for stage changes (`status_lead`): a POST, `application/x-www-form-urlencoded`,
 * PHP-style nested keys `leads[status][i][…]` plus `account[…]`, several changes in one POST [C layout;
 * the extra lead fields and `old_pipeline_id`/`account[id]` U]. No signature, as in amoCRM.
 */
export class AmoWebhooks {
  constructor(
    private readonly state: AmoState,
    private readonly sender: WebhookSender,
  ) {}

  /** The form body for a batch of changes (exported for tests that forge or inspect one). */
  body(changes: StatusChange[]): string {
    const form = new URLSearchParams();
    changes.forEach((change, i) => {
      const lead = this.state.leads.get(change.leadId);
      const key = (field: string) => `leads[status][${i}][${field}]`;
      form.append(key('id'), String(change.leadId));
      if (lead) form.append(key('name'), lead.name);
      form.append(key('status_id'), String(change.statusId));
      form.append(key('old_status_id'), String(change.oldStatusId));
      form.append(key('pipeline_id'), String(change.pipelineId));
      form.append(key('old_pipeline_id'), String(change.oldPipelineId));
      if (lead) {
        form.append(key('price'), String(lead.price));
        form.append(key('responsible_user_id'), String(lead.responsible_user_id));
        form.append(key('last_modified'), String(lead.updated_at));
        form.append(key('modified_user_id'), String(lead.updated_by || SELLER_USER_ID));
        form.append(key('created_user_id'), String(lead.created_by));
        form.append(key('date_create'), String(lead.created_at));
        form.append(key('account_id'), String(this.state.accountId));
        form.append(key('created_at'), String(lead.created_at));
        form.append(key('updated_at'), String(lead.updated_at));
      }
    });
    form.append('account[id]', String(this.state.accountId));
    form.append('account[subdomain]', this.state.subdomain);
    form.append('account[_links][self]', this.state.origin);
    return form.toString();
  }

  /** POSTs the changes to every active webhook subscribed to `status_lead`; resolves when delivered. */
  async statusChanged(changes: StatusChange[]): Promise<OutgoingDelivery[]> {
    if (changes.length === 0) return [];
    const targets = this.state.webhooks.filter((w) => !w.disabled && w.settings.includes('status_lead'));
    const body = this.body(changes);
    const sent = await Promise.all(
      // One send per URL: `duplicateNext` counts each URL's POST as a webhook of its own.
      targets.map((w) =>
        this.sender.send([w.destination], {
          body,
          contentType: 'application/x-www-form-urlencoded',
          label: 'status_lead',
        }),
      ),
    );
    return sent.flat();
  }
}
