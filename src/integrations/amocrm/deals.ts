import { z } from 'zod';
import { LEAD_STAGES } from '../../models/records.js';
import type { KvRepository } from '../../store/port.js';

const dealRecordSchema = z.object({
  dealId: z.number().int().positive(),
  contactId: z.number().int().nullable(),
  /** Tags known to be on the deal (ours: `avito-lead`, `telegram-lead`…). */
  tags: z.array(z.string()),
  /**
   * Where the deal's status stands as far as we know: `statusId` was reached while our lead was at `stage`
   * (set by our own move, or read back after the seller moved it in amoCRM). `confirmed` is false between
   * deciding on a move and amoCRM acknowledging it, so an interrupted move is made again.
   */
  status: z
    .object({
      stage: z.enum(LEAD_STAGES),
      statusId: z.number().int().nullable(),
      confirmed: z.boolean(),
    })
    .nullable(),
});

/** Our lead's deal in amoCRM, as we keep it (kv, sealed at rest with the rest of the store). */
export type DealRecord = z.infer<typeof dealRecordSchema>;

/** Lead ↔ deal, both ways, in the store's kv. */
export interface DealBook {
  get(leadId: string): Promise<DealRecord | null>;
  put(leadId: string, deal: DealRecord): Promise<void>;
  leadOf(dealId: number): Promise<string | null>;
}

export function dealBook(kv: Pick<KvRepository, 'get' | 'set'>): DealBook {
  return {
    async get(leadId) {
      const parsed = dealRecordSchema.safeParse(await kv.get(`amocrm:deal:${leadId}`));
      return parsed.success ? parsed.data : null;
    },
    async put(leadId, deal) {
      // The way back first: a webhook about the deal must find our lead as soon as the deal is ours.
      await kv.set(`amocrm:lead-of:${deal.dealId}`, leadId);
      await kv.set(`amocrm:deal:${leadId}`, dealRecordSchema.parse(deal));
    },
    async leadOf(dealId) {
      const value: unknown = await kv.get(`amocrm:lead-of:${dealId}`);
      return typeof value === 'string' ? value : null;
    },
  };
}
