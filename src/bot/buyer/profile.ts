/**
 * What the buyer bot remembers about a buyer between messages: where they are in the greeting and contact step,
 * their consent, name and contact, the listing a deep link named, their language. Kept in kv (sealed at rest
 * with the other PII), expiring with the conversation's context (`CONTEXT_TTL_DAYS`) and deleted with it by
 * the retention job.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { KvRepository } from '../../store/port.js';

/**
 * `consent`: the offer is shown, the buyer has not answered; `name`, `contact`: asking for them; `done`: the step
 * is over (with or without a contact); `declined`: the buyer said "not now" to the consent.
 */
export type BuyerStep = 'consent' | 'name' | 'contact' | 'done' | 'declined';

const profileSchema = z.object({
  step: z.enum(['consent', 'name', 'contact', 'done', 'declined']),
  locale: z.enum(['ru', 'en']),
  name: z.string().nullable(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  /** What the buyer agreed to, so the consent can be shown later: when, and the exact text (its SHA-256). */
  consent: z.object({ at: z.string(), textSha256: z.string(), policyUrl: z.string().nullable() }).nullable(),
  listing: z
    .object({
      itemId: z.string(),
      title: z.string(),
      price: z.string().nullable(),
      url: z.string().nullable(),
    })
    .nullable(),
});

export type BuyerProfile = z.infer<typeof profileSchema>;

export const newProfile = (locale: BuyerProfile['locale']): BuyerProfile => ({
  step: 'consent',
  locale,
  name: null,
  phone: null,
  email: null,
  consent: null,
  listing: null,
});

/** The consent as given: the moment and a fingerprint of the words the buyer saw. */
export function consentRecord(
  text: string,
  policyUrl: string | undefined,
  at: Date,
): BuyerProfile['consent'] {
  return {
    at: at.toISOString(),
    textSha256: createHash('sha256').update(text).digest('hex'),
    policyUrl: policyUrl ?? null,
  };
}

/** The buyer profiles of one bot, by our chat id (`tg:<id>`). */
export class BuyerProfiles {
  constructor(
    private readonly kv: KvRepository,
    /** How long a profile outlives the buyer's last message. */
    private readonly ttlMs: number,
  ) {}

  private key(chatId: string): string {
    return `tgbuyer:profile:${chatId}`;
  }

  /** The profile, or null for a buyer we do not know (or whose stored profile no longer reads: start afresh). */
  async get(chatId: string): Promise<BuyerProfile | null> {
    const parsed = profileSchema.safeParse(await this.kv.get(this.key(chatId)));
    return parsed.success ? parsed.data : null;
  }

  /** Stores the profile; each write restarts its time to live. */
  async save(chatId: string, profile: BuyerProfile): Promise<void> {
    await this.kv.set(this.key(chatId), profile, this.ttlMs);
  }

  async forget(chatId: string): Promise<void> {
    await this.kv.delete(this.key(chatId));
  }
}
