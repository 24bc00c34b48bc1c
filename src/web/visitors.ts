import type { AuditRepository, KvRepository } from '../store/port.js';
import type { Brief, BuyerContact } from './brief.js';

/**
 * What the brief step recorded about a widget visitor, kept with their conversation (by chat id) for as long
 * as the conversation: the name and contact the responder and the leads read, and the proof of consent
 * (152-ФЗ: when, to which text, under which policy). Kept in the store's kv, which is sealed at rest.
 */
export interface Visitor {
  name: string;
  contact: BuyerContact;
  consent: { at: string; text: string; privacyPolicyUrl: string | null };
  /** Last time the record's lifetime was extended (ISO). */
  touchedAt: string;
}

/** The kv key of a web conversation's visitor record. */
export function visitorKey(chatId: string): string {
  return `web:visitor:${chatId}`;
}

export interface VisitorDeps {
  kv: KvRepository;
  audit: AuditRepository;
  ttlDays: number;
  now: () => Date;
}

/** Visitor records: saved at the brief step, extended while the visitor keeps writing, gone with the conversation. */
export class Visitors {
  constructor(private readonly deps: VisitorDeps) {}

  get(chatId: string): Promise<Visitor | null> {
    return this.deps.kv.get<Visitor>(visitorKey(chatId));
  }

  /** Records the brief and the consent given to `consentText` (the audit log keeps the consent, too). */
  async save(
    chatId: string,
    brief: Brief,
    consent: { text: string; privacyPolicyUrl: string | null },
  ): Promise<Visitor> {
    const at = this.deps.now().toISOString();
    const visitor: Visitor = {
      name: brief.name,
      contact: brief.contact,
      consent: { at, ...consent },
      touchedAt: at,
    };
    await this.deps.kv.set(visitorKey(chatId), visitor, this.ttlMs());
    await this.deps.audit.append({
      actor: chatId,
      action: 'web.consent',
      chatId,
      after: consent.text,
      details: { privacyPolicyUrl: consent.privacyPolicyUrl },
      at: new Date(at),
    });
    return visitor;
  }

  /** Extends the record's lifetime while the visitor is active (at most one write an hour). */
  async touch(chatId: string, visitor: Visitor): Promise<void> {
    const now = this.deps.now();
    if (now.getTime() - Date.parse(visitor.touchedAt) < 3_600_000) return;
    await this.deps.kv.set(visitorKey(chatId), { ...visitor, touchedAt: now.toISOString() }, this.ttlMs());
  }

  private ttlMs(): number {
    return this.deps.ttlDays * 86_400_000;
  }
}
