import type { z } from 'zod';
import {
  exchange,
  HttpFailure,
  type HttpResponse,
  parseJsonBody,
  type RetryingClientOptions,
  urlWithQuery,
  withJsonBody,
} from '../../lib/http.js';
import { SlidingWindowLimiter } from '../../lib/rate-limiter.js';
import { backoffDelay, parseRetryAfter, sleep } from '../../lib/retry.js';
import type { AmoAuth } from './auth.js';
import { AmoCrmError, errorFromResponse } from './errors.js';
import { displayPhone, normalizePhone, phoneQuery } from './phone.js';
import {
  accountSchema,
  type AmoContact,
  type AmoLead,
  type AmoPipeline,
  complexResponseSchema,
  contactsPageSchema,
  customFieldsSchema,
  leadSchema,
  leadsPageSchema,
  notesCreatedSchema,
  notesPageSchema,
  patchResponseSchema,
  pipelinesSchema,
  webhookSchema,
} from './schemas.js';

/** amoCRM's closing stages, the same in every pipeline [U]. */
export const AMO_WON_STATUS_ID = 142;
export const AMO_LOST_STATUS_ID = 143;

/** `code` of the lead custom field that holds our lead id (see {@link AmoCrmClient.ensureLeadIdField}). */
export const LEAD_ID_FIELD_CODE = 'AVITO_RESPONDER_LEAD_ID';

/** Timeouts default to 15 s per attempt, attempts to 4. */
export interface AmoCrmClientOptions extends RetryingClientOptions {
  /** The account's origin, `https://<subdomain>.amocrm.ru`. */
  baseUrl: string;
  auth: AmoAuth;
  /** Lead custom field (text) holding our lead id; enables finding a deal again by our id. */
  leadIdFieldId?: number;
  /** Backoff after 429/5xx/network: 1 s, 2 s, 4 s… by default, as amoCRM asks [C]. */
  backoff?: { baseMs: number; maxMs: number };
  /**
   * Requests per second (amoCRM allows 7 per integration [C]). Default 6, the headroom amoCRM advises. Pass
   * one shared limiter when several clients use one integration: the limit is amoCRM's, per integration.
   */
  rateLimit?: number | SlidingWindowLimiter;
}

interface CallSpec<S extends z.ZodType> {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  schema: S;
  /** Repeating it after an unknown outcome cannot change anything twice (reads, setting a status). */
  idempotent: boolean;
}

/** A new deal with its contact, as `upsertLead` sends it through `leads/complex`. */
export interface NewLead {
  /** Our lead id: written to the lead-id field and used to find the deal again. */
  ourLeadId: string;
  name: string;
  /** Integer kopecks; amoCRM's `price` is whole rubles (rounded). */
  priceKopecks?: number;
  pipelineId?: number;
  statusId?: number;
  /** E.g. `['avito-lead']`; created in amoCRM on first use. */
  tags?: string[];
  contact: { name: string; phone?: string; email?: string };
  /** Other lead custom fields (e.g. the listing and the conversation link), by field id. */
  fields?: Array<{ fieldId: number; value: string | number }>;
}

export interface UpsertResult {
  leadId: number;
  contactId: number | null;
  /** False when an existing deal was found (by our lead id, or an open deal of the same phone). */
  created: boolean;
  matchedBy: 'lead_id' | 'phone' | null;
  /** amoCRM's duplicate control merged our contact into an existing one. */
  merged: boolean;
}

/**
 * Typed client for the parts of amoCRM API v4 we use: zod on every answer, ≤ 6 requests/s, backoff on
 * 429/5xx/network, one token refresh on 401, and changes that are never blindly repeated after an unknown
 * outcome (they look first).
 */
export class AmoCrmClient {
  private readonly limiter: SlidingWindowLimiter;

  constructor(private readonly opts: AmoCrmClientOptions) {
    this.limiter =
      opts.rateLimit instanceof SlidingWindowLimiter
        ? opts.rateLimit
        : new SlidingWindowLimiter(opts.rateLimit ?? 6, 1000);
  }

  /** `GET /api/v4/account`: cheap, for readiness and to check the token. */
  account() {
    return this.call({ method: 'GET', path: '/api/v4/account', schema: accountSchema, idempotent: true });
  }

  async pipelines(): Promise<AmoPipeline[]> {
    const res = await this.call({
      method: 'GET',
      path: '/api/v4/leads/pipelines',
      schema: pipelinesSchema,
      idempotent: true,
    });
    return res._embedded.pipelines;
  }

  /**
   * The id of the text field holding our lead id, found by its code or created once. Call at start-up when
   * `AMOCRM_LEAD_ID_FIELD_ID` is not set and keep the answer.
   */
  ensureLeadIdField(): Promise<number> {
    return this.ensureLeadField({
      code: LEAD_ID_FIELD_CODE,
      name: 'ID заявки (avito-responder)',
      type: 'text',
    });
  }

  /**
   * The id of a lead custom field of ours, found by its `code` or created once (API-only, so people do not
   * edit it by hand). A lost answer to the create is repaired by the lookup on the next call; amoCRM refuses a
   * second field with the same code.
   */
  async ensureLeadField(field: { code: string; name: string; type: 'text' | 'url' }): Promise<number> {
    const fields = await this.callOrEmpty({
      method: 'GET',
      path: '/api/v4/leads/custom_fields',
      query: { limit: 250 },
      schema: customFieldsSchema,
      idempotent: true,
    });
    const found = fields?._embedded.custom_fields.find((f) => f.code === field.code);
    if (found) return found.id;
    const created = await this.call({
      method: 'POST',
      path: '/api/v4/leads/custom_fields',
      body: [{ ...field, is_api_only: true }],
      schema: customFieldsSchema,
      idempotent: false,
    });
    const made = created._embedded.custom_fields[0];
    if (!made) throw new AmoCrmError('invalid_response', 'amoCRM created no custom field');
    return made.id;
  }

  /** Adds tags to a deal, keeping the ones it has (`tags_to_add` [U]). Safe to repeat. */
  async addTags(leadId: number, names: readonly string[]): Promise<void> {
    if (names.length === 0) return;
    await this.call({
      method: 'PATCH',
      path: `/api/v4/leads/${leadId}`,
      body: { tags_to_add: names.map((name) => ({ name })) },
      schema: patchResponseSchema,
      idempotent: true,
    });
  }

  /** One lead with its contacts; null when amoCRM has none by that id (404, or 204 as the SDK knows it). */
  async getLead(leadId: number): Promise<AmoLead | null> {
    try {
      return await this.callOrEmpty({
        method: 'GET',
        path: `/api/v4/leads/${leadId}`,
        query: { with: 'contacts' },
        schema: leadSchema,
        idempotent: true,
      });
    } catch (err) {
      if (err instanceof AmoCrmError && err.kind === 'not_found') return null;
      throw err;
    }
  }

  /** The deal carrying our lead id in the lead-id field, if any (needs `leadIdFieldId`). */
  async findLeadByOurId(ourLeadId: string): Promise<AmoLead | null> {
    const fieldId = this.opts.leadIdFieldId;
    if (fieldId === undefined) return null;
    // `query` searches the values of custom fields too [C: leads-api]; keep only an exact match.
    const page = await this.callOrEmpty({
      method: 'GET',
      path: '/api/v4/leads',
      query: { query: ourLeadId, with: 'contacts', limit: 50 },
      schema: leadsPageSchema,
      idempotent: true,
    });
    return this.withOurId(page?._embedded.leads ?? [], fieldId, ourLeadId);
  }

  /**
   * The same search over the newest deals, without the full-text index (which may not have seen a deal
   * created a moment ago [U]): for the look after a create whose answer was lost.
   */
  private async recentLeadByOurId(ourLeadId: string): Promise<AmoLead | null> {
    const fieldId = this.opts.leadIdFieldId;
    if (fieldId === undefined) return null;
    const page = await this.callOrEmpty({
      method: 'GET',
      path: '/api/v4/leads',
      query: { 'order[id]': 'desc', with: 'contacts', limit: 50 },
      schema: leadsPageSchema,
      idempotent: true,
    });
    return this.withOurId(page?._embedded.leads ?? [], fieldId, ourLeadId);
  }

  private withOurId(leads: AmoLead[], fieldId: number, ourLeadId: string): AmoLead | null {
    return (
      leads.find((l) =>
        (l.custom_fields_values ?? []).some(
          (f) => f.field_id === fieldId && f.values.some((v) => String(v.value) === ourLeadId),
        ),
      ) ?? null
    );
  }

  /** Contacts whose PHONE matches `phone` once both are normalised (`+7…`, `8…` and `9…` are one number). */
  async findContactsByPhone(phone: string): Promise<AmoContact[]> {
    const wanted = normalizePhone(phone);
    if (!wanted) return [];
    const page = await this.callOrEmpty({
      method: 'GET',
      path: '/api/v4/contacts',
      query: { query: phoneQuery(wanted), with: 'leads', limit: 50 },
      schema: contactsPageSchema,
      idempotent: true,
    });
    return (page?._embedded.contacts ?? []).filter((c) =>
      (c.custom_fields_values ?? []).some(
        (f) => f.field_code === 'PHONE' && f.values.some((v) => normalizePhone(String(v.value)) === wanted),
      ),
    );
  }

  /**
   * Finds the deal for `lead` or creates it with its contact and tags in one `leads/complex` call, never
   * twice: first by our lead id, then an open deal of a contact with the same phone (in the given pipeline);
   * a create whose outcome is unknown (5xx, broken connection) is looked up again before it is repeated.
   */
  async upsertLead(lead: NewLead): Promise<UpsertResult> {
    const byId = await this.findLeadByOurId(lead.ourLeadId);
    if (byId) return this.found(byId, 'lead_id');
    const phone = lead.contact.phone ? normalizePhone(lead.contact.phone) : undefined;
    let contactId: number | undefined;
    if (phone) {
      const contacts = await this.findContactsByPhone(phone);
      contactId = contacts[0]?.id;
      const open = await this.openLeadOf(contacts, lead.pipelineId);
      if (open) return this.found(open, 'phone');
    }
    const maxAttempts = this.opts.maxAttempts ?? 4;
    for (let attempt = 1; ; attempt += 1) {
      try {
        const [created] = await this.createLeadComplex(lead, contactId, phone);
        if (!created)
          throw new AmoCrmError('invalid_response', 'amoCRM leads/complex answered an empty list');
        return {
          leadId: created.id,
          contactId: created.contact_id,
          created: true,
          matchedBy: null,
          merged: created.merged,
        };
      } catch (err) {
        if (!(err instanceof AmoCrmError) || !err.maybeApplied) throw err;
        const again =
          (await this.findLeadByOurId(lead.ourLeadId)) ?? (await this.recentLeadByOurId(lead.ourLeadId));
        if (again) return this.found(again, 'lead_id');
        if (this.opts.leadIdFieldId === undefined) {
          // Without our id on the deal a lost answer cannot be told from a lost request: let a human look.
          throw err;
        }
        if (attempt >= maxAttempts) throw err;
        await sleep(this.delay(attempt));
      }
    }
  }

  /** `POST /api/v4/leads/complex` once (no retry after an unknown outcome: see {@link upsertLead}). */
  createLeadComplex(lead: NewLead, existingContactId?: number, phone?: string) {
    const fields: Array<{ field_id: number; values: Array<{ value: string | number }> }> = (
      lead.fields ?? []
    ).map((f) => ({ field_id: f.fieldId, values: [{ value: f.value }] }));
    if (this.opts.leadIdFieldId !== undefined) {
      fields.push({ field_id: this.opts.leadIdFieldId, values: [{ value: lead.ourLeadId }] });
    }
    const contactFields: unknown[] = [];
    if (phone)
      contactFields.push({ field_code: 'PHONE', values: [{ value: displayPhone(phone), enum_code: 'MOB' }] });
    if (lead.contact.email)
      contactFields.push({ field_code: 'EMAIL', values: [{ value: lead.contact.email, enum_code: 'WORK' }] });
    const contact =
      existingContactId !== undefined
        ? { id: existingContactId }
        : {
            name: lead.contact.name,
            ...(contactFields.length > 0 ? { custom_fields_values: contactFields } : {}),
          };
    const body = [
      {
        name: lead.name,
        ...(lead.priceKopecks === undefined ? {} : { price: Math.round(lead.priceKopecks / 100) }),
        ...(lead.pipelineId === undefined ? {} : { pipeline_id: lead.pipelineId }),
        ...(lead.statusId === undefined ? {} : { status_id: lead.statusId }),
        ...(fields.length > 0 ? { custom_fields_values: fields } : {}),
        _embedded: {
          tags: (lead.tags ?? []).map((name) => ({ name })),
          contacts: [contact],
        },
        request_id: lead.ourLeadId,
      },
    ];
    return this.call({
      method: 'POST',
      path: '/api/v4/leads/complex',
      body,
      schema: complexResponseSchema,
      idempotent: false,
    });
  }

  /** Moves a deal to a stage (and pipeline, when it changes). Safe to repeat. */
  async updateLeadStatus(
    leadId: number,
    statusId: number,
    pipelineId?: number,
  ): Promise<{ updatedAt: number }> {
    const res = await this.call({
      method: 'PATCH',
      path: `/api/v4/leads/${leadId}`,
      body: { status_id: statusId, ...(pipelineId === undefined ? {} : { pipeline_id: pipelineId }) },
      schema: patchResponseSchema,
      idempotent: true,
    });
    return { updatedAt: res.updated_at };
  }

  /**
   * Adds a text note to a deal once: after an unknown outcome the deal's notes are read, and a note with
   * exactly this text counts as done.
   */
  async addNote(leadId: number, text: string): Promise<{ noteId: number | null }> {
    const maxAttempts = this.opts.maxAttempts ?? 4;
    for (let attempt = 1; ; attempt += 1) {
      try {
        const res = await this.call({
          method: 'POST',
          path: `/api/v4/leads/${leadId}/notes`,
          body: [{ note_type: 'common', params: { text } }],
          schema: notesCreatedSchema,
          idempotent: false,
        });
        return { noteId: res._embedded.notes[0]?.id ?? null };
      } catch (err) {
        if (!(err instanceof AmoCrmError) || !err.maybeApplied) throw err;
        const existing = await this.findNote(leadId, text);
        if (existing !== undefined) return { noteId: existing };
        if (attempt >= maxAttempts) throw err;
        await sleep(this.delay(attempt));
      }
    }
  }

  /** Subscribes `destination` to stage changes (`status_lead`) [C: webhooks-api]. Safe to repeat. */
  registerWebhook(destination: string) {
    return this.call({
      method: 'POST',
      path: '/api/v4/webhooks',
      body: { destination, settings: ['status_lead'] },
      schema: webhookSchema,
      idempotent: true,
    });
  }

  private found(lead: AmoLead, matchedBy: 'lead_id' | 'phone'): UpsertResult {
    const contacts = lead._embedded?.contacts ?? [];
    const main = contacts.find((c) => c.is_main) ?? contacts[0];
    return { leadId: lead.id, contactId: main?.id ?? null, created: false, matchedBy, merged: false };
  }

  /**
   * The most recent deal of these contacts that is still open (not won/lost), in `pipelineId` when given.
   * Reads the newest few by id rather than through `filter[id]`, which amoCRM documents as not enabled on
   * every account [C: filters-api].
   */
  private async openLeadOf(contacts: AmoContact[], pipelineId: number | undefined): Promise<AmoLead | null> {
    const ids = [...new Set(contacts.flatMap((c) => (c._embedded?.leads ?? []).map((l) => l.id)))];
    for (const id of ids.sort((a, b) => b - a).slice(0, 5)) {
      const lead = await this.getLead(id);
      const open = lead && lead.status_id !== AMO_WON_STATUS_ID && lead.status_id !== AMO_LOST_STATUS_ID;
      if (open && (pipelineId === undefined || lead.pipeline_id === pipelineId)) return lead;
    }
    return null;
  }

  private async findNote(leadId: number, text: string): Promise<number | undefined> {
    for (let pageNo = 1; pageNo <= 20; pageNo += 1) {
      const page = await this.callOrEmpty({
        method: 'GET',
        path: `/api/v4/leads/${leadId}/notes`,
        query: { page: pageNo, limit: 250 },
        schema: notesPageSchema,
        idempotent: true,
      });
      const hit = page?._embedded.notes.find((n) => n.note_type === 'common' && n.params?.text === text);
      if (hit) return hit.id;
      if (!page?._links?.next) return undefined;
    }
    return undefined;
  }

  /** Like `call`, with amoCRM's 204 "nothing found" as null. */
  private callOrEmpty<S extends z.ZodType>(spec: CallSpec<S>): Promise<z.output<S> | null> {
    return this.call(spec, true);
  }

  private call<S extends z.ZodType>(spec: CallSpec<S>): Promise<z.output<S>>;
  private call<S extends z.ZodType>(spec: CallSpec<S>, allowEmpty: true): Promise<z.output<S> | null>;
  private async call<S extends z.ZodType>(
    spec: CallSpec<S>,
    allowEmpty = false,
  ): Promise<z.output<S> | null> {
    const maxAttempts = this.opts.maxAttempts ?? 4;
    let refreshed = false;
    for (let attempt = 1; ; attempt += 1) {
      const token = await this.opts.auth.token();
      const release = await this.limiter.acquire();
      let res: HttpResponse;
      try {
        res = await exchange({
          method: spec.method,
          url: this.url(spec.path, spec.query),
          ...withJsonBody({ authorization: `Bearer ${token}` }, spec.body),
          timeoutMs: this.opts.timeoutMs ?? 15_000,
          fetch: this.opts.fetch,
        });
      } catch (err) {
        release();
        const failure = err as HttpFailure;
        const error = new AmoCrmError('network', `amoCRM ${spec.method} ${spec.path}: ${failure.message}`, {
          method: spec.method,
          path: spec.path,
          maybeApplied: failure instanceof HttpFailure ? failure.sent : true,
          cause: err,
        });
        if ((error.maybeApplied && !spec.idempotent) || attempt >= maxAttempts) throw error;
        await sleep(this.delay(attempt));
        continue;
      }

      release();
      if (res.status === 204 && allowEmpty) return null;
      if (res.status >= 200 && res.status < 300) return this.parse(spec, res);

      if (res.status === 401 && !refreshed) {
        refreshed = true;
        if (await this.opts.auth.rejected(token)) {
          attempt -= 1;
          continue;
        }
      }
      const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
      const error = errorFromResponse(res, spec.method, spec.path, retryAfterMs);
      if (error.kind === 'auth') {
        throw new AmoCrmError('auth', `${error.message}; check AMOCRM_ACCESS_TOKEN or reconnect`, {
          ...error.details,
        });
      }
      // A 5xx may have applied a change: only reads and other idempotent calls repeat it blindly.
      const repeatable = error.kind === 'rate_limited' || (error.kind === 'server' && spec.idempotent);
      if (!repeatable || attempt >= maxAttempts) throw error;
      const wait = retryAfterMs ?? this.delay(attempt);
      if (wait > (this.opts.maxRetryAfterMs ?? 60_000)) throw error;
      this.opts.logger?.debug({ status: res.status, attempt, wait, path: spec.path }, 'amoCRM call retried');
      await sleep(wait);
    }
  }

  private delay(attempt: number): number {
    const { baseMs, maxMs } = this.opts.backoff ?? { baseMs: 1000, maxMs: 30_000 };
    return backoffDelay(attempt, baseMs, maxMs);
  }

  private parse<S extends z.ZodType>(spec: CallSpec<S>, res: HttpResponse): z.output<S> {
    const parsed = parseJsonBody(spec.schema, res.text);
    if (parsed.ok) return parsed.data;
    throw new AmoCrmError('invalid_response', `amoCRM ${spec.method} ${spec.path}: ${parsed.problem}`, {
      status: res.status,
      method: spec.method,
      path: spec.path,
    });
  }

  private url(path: string, query?: CallSpec<z.ZodType>['query']): string {
    return urlWithQuery(this.opts.baseUrl, path, query);
  }
}

export type { AmoContact, AmoLead, AmoPipeline };
