import { createHash, randomBytes } from 'node:crypto';
import type { SalesDocumentRepository } from '../../store/port.js';

/**
 * Download links for the buyer: `PUBLIC_URL/d/<token>`. The token is 256 random bits, shown once and kept only
 * as its SHA-256 (a leaked store does not give working links); it expires with its record. There is no list
 * of links anywhere: a token is either known or useless.
 */

/** What a link opens: one document of one lead. */
export interface LinkTarget {
  documentId: string;
  leadId: string;
  kind: 'offer' | 'contract' | 'invoice';
  number: string;
}

/** 32 bytes in base64url: 43 characters. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

export interface DocumentLinks {
  /** A new link to `target`, valid for the configured days. */
  issue(target: LinkTarget): Promise<{ token: string; url: string; expiresAt: Date }>;
  /** The target of a live token; null for anything else (malformed, unknown, expired), with no difference. */
  resolve(token: string): Promise<LinkTarget | null>;
}

export function createDocumentLinks(deps: {
  documents: Pick<SalesDocumentRepository, 'addLink' | 'findLink'>;
  /** PUBLIC_URL without a trailing slash (read when a link is made: the service's own URL may come later). */
  publicUrl: () => string;
  ttlDays: number;
  now: () => Date;
}): DocumentLinks {
  const ttlMs = deps.ttlDays * 24 * 3600_000;
  return {
    async issue(target) {
      const token = randomBytes(32).toString('base64url');
      const expiresAt = new Date(deps.now().getTime() + ttlMs);
      await deps.documents.addLink({ ...target, tokenHash: digest(token), expiresAt });
      return { token, url: `${deps.publicUrl()}/d/${token}`, expiresAt };
    },
    async resolve(token) {
      if (!TOKEN.test(token)) return null;
      const record = await deps.documents.findLink(digest(token));
      if (!record || !(record.expiresAt.getTime() > deps.now().getTime())) return null;
      return {
        documentId: record.documentId,
        leadId: record.leadId,
        kind: record.kind,
        number: record.number,
      };
    },
  };
}
