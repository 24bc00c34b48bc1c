import { z } from 'zod';

const id = z.coerce.number().int().positive();

const statusEntry = z.object({
  id,
  status_id: id,
  pipeline_id: id,
  old_status_id: id.optional(),
  old_pipeline_id: id.optional(),
});

/** One stage change a seller made in amoCRM. */
export interface AmoStatusChange {
  leadId: number;
  statusId: number;
  pipelineId: number;
  oldStatusId: number | undefined;
  oldPipelineId: number | undefined;
}

export interface AmoWebhook {
  account: { id: number | undefined; subdomain: string | undefined };
  /** `leads[status]` entries in index order; empty when the POST carried only other events. */
  changes: AmoStatusChange[];
  /** Other `entity[action]` pairs present (`leads[add]`, `contacts[update]`…), ignored here. */
  otherEvents: string[];
}

export type WebhookParse = { ok: true; webhook: AmoWebhook } | { ok: false; reason: string };

const KEY = /^([a-z_]+)\[([a-z_]+)\]\[(\d+)\]\[([a-z_]+)\]$/;
const MAX_ENTRIES = 500;

/**
 * Parses amoCRM's account webhook: `application/x-www-form-urlencoded` with PHP-style keys
 * (`leads[status][0][id]=…`, `account[subdomain]=…`) [C layout]. Values are strings; ids become numbers.
 * amoCRM signs nothing: the caller checks the secret in the URL and `account`, and re-reads the lead.
 */
export function parseAmoWebhook(body: string | URLSearchParams): WebhookParse {
  const form = typeof body === 'string' ? new URLSearchParams(body) : body;
  const entries = new Map<number, Record<string, string>>();
  const other = new Set<string>();
  const account: Record<string, string> = {};
  for (const [key, value] of form) {
    const accountField = /^account\[([a-z_]+)\]$/.exec(key);
    if (accountField) {
      account[accountField[1]!] = value;
      continue;
    }
    const match = KEY.exec(key);
    if (!match) continue;
    const [, entity, action, index, field] = match;
    if (entity !== 'leads' || action !== 'status') {
      other.add(`${entity}[${action}]`);
      continue;
    }
    const i = Number(index);
    if (i >= MAX_ENTRIES) return { ok: false, reason: `too many entries (index ${i})` };
    const entry = entries.get(i) ?? {};
    entry[field!] = value;
    entries.set(i, entry);
  }
  const changes: AmoStatusChange[] = [];
  for (const [index, raw] of [...entries].sort((a, b) => a[0] - b[0])) {
    const parsed = statusEntry.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return {
        ok: false,
        reason: `leads[status][${index}][${issue?.path.join('.') ?? '?'}]: ${issue?.message}`,
      };
    }
    changes.push({
      leadId: parsed.data.id,
      statusId: parsed.data.status_id,
      pipelineId: parsed.data.pipeline_id,
      oldStatusId: parsed.data.old_status_id,
      oldPipelineId: parsed.data.old_pipeline_id,
    });
  }
  const accountId = id.optional().safeParse(account.id);
  if (!accountId.success) return { ok: false, reason: 'account[id] is not a number' };
  if (changes.length === 0 && other.size === 0) return { ok: false, reason: 'no amoCRM events in the body' };
  return {
    ok: true,
    webhook: {
      account: { id: accountId.data, subdomain: account.subdomain },
      changes,
      otherEvents: [...other],
    },
  };
}
