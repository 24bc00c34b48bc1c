import type { Express, Request, Response } from 'express';
import { z } from 'zod';
import {
  sendHal,
  sendNoContent,
  sendProblem,
  sendValidation,
  type ValidationIssue,
  zodValidation,
} from './errors.js';
import { FieldValuesInput, matchesQuery, mergeFields, phoneDigits, resolveFields } from './fields.js';
import { listParam, parseBracketQuery } from './query.js';
import { page, renderLead, renderNote, selfLink } from './render.js';
import { API_USER_ID, type AmoState, LOST_STATUS_ID, WON_STATUS_ID } from './state.js';
import type { ContactRecord, LeadRecord, NoteRecord, StatusChange } from './types.js';
import type { AmoWebhooks } from './webhooks.js';

/** What the client gets instead of the answer to a create that did happen: no answer, or a 5xx. */
export type AfterCommitFault = 'drop' | 500 | 502 | 503 | 504;

const id = z.number().int().positive();
const unix = z.number().int().nonnegative();

/** `{id}` or `{name}` of a tag [C: `_embedded.tags: [{id}|{name}]`]. */
const TagRef = z.union([z.strictObject({ id }), z.strictObject({ name: z.string().trim().min(1).max(255) })]);

const Contact = z.strictObject({
  id: id.optional(),
  name: z.string().max(255).optional(),
  first_name: z.string().max(255).optional(),
  last_name: z.string().max(255).optional(),
  responsible_user_id: id.optional(),
  custom_fields_values: z.array(FieldValuesInput).optional(),
  _embedded: z.strictObject({ tags: z.array(TagRef).optional() }).optional(),
});

const FormMetadata = z.strictObject({
  category: z.literal('forms'),
  form_id: z.string().min(1),
  form_name: z.string().min(1),
  form_page: z.string().min(1),
  form_sent_at: unix,
  ip: z.string().optional(),
  referer: z.string().optional(),
});

const ComplexLead = z.strictObject({
  name: z.string().max(255).optional(),
  price: z.number().int().min(0).max(2_147_483_647).optional(),
  status_id: id.optional(),
  pipeline_id: id.optional(),
  responsible_user_id: id.optional(),
  created_by: z.number().int().nonnegative().optional(),
  created_at: unix.optional(),
  custom_fields_values: z.array(FieldValuesInput).optional(),
  _embedded: z
    .strictObject({
      tags: z.array(TagRef).optional(),
      // Only one contact and one company per lead here [C].
      contacts: z.array(Contact).max(1).optional(),
      companies: z
        .array(z.strictObject({ id: id.optional(), name: z.string().min(1).max(255).optional() }))
        .max(1)
        .optional(),
      metadata: FormMetadata.optional(),
      source: z
        .strictObject({ external_id: z.union([z.string(), z.number()]), type: z.string().optional() })
        .optional(),
    })
    .optional(),
  request_id: z.string().max(255).optional(),
});

/** Up to 50 leads per complex call [U]. */
const ComplexBody = z.array(ComplexLead).min(1).max(50);

const LeadPatch = z.strictObject({
  id: id.optional(),
  name: z.string().min(1).max(255).optional(),
  price: z.number().int().min(0).max(2_147_483_647).optional(),
  status_id: id.optional(),
  pipeline_id: id.optional(),
  responsible_user_id: id.optional(),
  loss_reason_id: id.nullable().optional(),
  closed_at: unix.nullable().optional(),
  updated_by: z.number().int().nonnegative().optional(),
  custom_fields_values: z.array(FieldValuesInput).optional(),
  // On PATCH `_embedded.tags` replaces the set; `tags_to_add`/`tags_to_delete` change it [U].
  tags_to_add: z.array(TagRef).optional(),
  tags_to_delete: z.array(TagRef).optional(),
  _embedded: z.strictObject({ tags: z.array(TagRef).nullable().optional() }).optional(),
  request_id: z.string().max(255).optional(),
});

const BatchPatch = z.array(LeadPatch.extend({ id })).min(1).max(250);

/** Note types [C: SDK NoteFactory]. */
export const NOTE_TYPES = [
  'common',
  'call_in',
  'call_out',
  'service_message',
  'extended_service_message',
  'message_cashier',
  'invoice_paid',
  'geolocation',
  'sms_in',
  'sms_out',
  'attachment',
  'amomail_message',
  'chat',
  'site_visit',
  'targeting_in',
  'targeting_out',
  'transaction',
  'zoom_meeting',
  'dropbox_attachment',
  'link_followed',
  'bill_paid',
  'ai_result',
] as const;

const NoteInput = z
  .strictObject({
    entity_id: id.optional(),
    note_type: z.enum(NOTE_TYPES),
    params: z.record(z.string(), z.unknown()),
    request_id: z.string().max(255).optional(),
    created_by: z.number().int().nonnegative().optional(),
    responsible_user_id: id.optional(),
    is_need_to_trigger_digital_pipeline: z.boolean().optional(),
  })
  .superRefine((note, ctx) => {
    const text = note.params.text;
    const needsText = note.note_type === 'common' || note.note_type === 'service_message';
    if (needsText && (typeof text !== 'string' || text.trim() === '')) {
      ctx.addIssue({ code: 'custom', path: ['params', 'text'], message: 'This value should not be blank.' });
    }
    if (note.note_type === 'service_message' && typeof note.params.service !== 'string') {
      ctx.addIssue({
        code: 'custom',
        path: ['params', 'service'],
        message: 'This value should not be blank.',
      });
    }
  });

const LEAD_WITH = [
  'contacts',
  'catalog_elements',
  'is_price_modified_by_robot',
  'loss_reason',
  'only_deleted',
  'source_id',
];

const ListQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  limit: z.coerce.number().int().min(1).max(250).default(50),
  query: z.string().trim().min(1).optional(),
  filter: z
    .object({
      id: z.union([z.string(), z.record(z.string(), z.string())]).optional(),
      pipeline_id: z.union([z.string(), z.record(z.string(), z.string())]).optional(),
      statuses: z
        .record(
          z.string(),
          z.object({ pipeline_id: z.coerce.number().int(), status_id: z.coerce.number().int() }),
        )
        .optional(),
    })
    .optional(),
  order: z.partialRecord(z.enum(['created_at', 'updated_at', 'id']), z.enum(['asc', 'desc'])).optional(),
});

/** Values of a filter given as `x=1` or `x[]=1&x[]=2`. */
function ids(value: string | Record<string, string> | undefined): number[] | undefined {
  if (value === undefined) return undefined;
  const list = typeof value === 'string' ? value.split(',') : Object.values(value);
  return list.map(Number);
}

/** A positive integer path segment, or a 404 when not. */
function pathId(req: Request, res: Response): number | undefined {
  const raw = String(req.params.id ?? '');
  if (!/^\d{1,12}$/.test(raw)) {
    sendProblem(res, 404, 'Not found');
    return undefined;
  }
  return Number(raw);
}

/** Registers `/api/v4/leads*`: complex create, list, one, PATCH, notes. */
export function registerLeads(
  app: Express,
  state: AmoState,
  webhooks: AmoWebhooks,
  opts: { webhookOnApiChanges: boolean; afterCommit: AfterCommitFault[] },
): void {
  /** Answers a create, unless a queued fault makes its outcome look unknown to the client. */
  const answerCreated = (res: Response, body: unknown) => {
    const fault = opts.afterCommit.shift();
    if (fault === undefined) return sendHal(res, body);
    if (fault === 'drop') return res.socket?.destroy();
    sendProblem(res, fault, 'Internal error');
  };
  const announce = (changes: StatusChange[]) => {
    if (opts.webhookOnApiChanges && changes.length > 0) void webhooks.statusChanged(changes);
  };

  app.post('/api/v4/leads/complex', (req, res) => {
    const parsed = ComplexBody.safeParse(req.body);
    if (!parsed.success) return sendValidation(res, zodValidation(parsed.error, Array.isArray(req.body)));
    const groups: Array<{ requestId: string; errors: ValidationIssue[] }> = [];
    const plans = parsed.data.map((input, index) => {
      const issues: ValidationIssue[] = [];
      const pipeline = state.pipeline(input.pipeline_id ?? state.mainPipeline().id);
      if (!pipeline)
        issues.push({
          code: 'NotSupportedChoice',
          path: 'pipeline_id',
          detail: 'The value you selected is not a valid choice.',
        });
      const status =
        pipeline &&
        (input.status_id === undefined
          ? state.firstStatus(pipeline)
          : state.status(pipeline.id, input.status_id));
      if (pipeline && (!status || status.type === 1)) {
        issues.push({
          code: 'NotSupportedChoice',
          path: 'status_id',
          detail: 'The value you selected is not a valid choice.',
        });
      }
      const leadFields = resolveFields(
        state,
        'leads',
        input.custom_fields_values ?? [],
        'custom_fields_values',
      );
      issues.push(...leadFields.issues);
      const contactIn = input._embedded?.contacts?.[0];
      const contactFields = resolveFields(
        state,
        'contacts',
        contactIn?.custom_fields_values ?? [],
        '_embedded.contacts.0.custom_fields_values',
      );
      issues.push(...contactFields.issues);
      if (contactIn?.id !== undefined && !state.contacts.has(contactIn.id)) {
        issues.push({
          code: 'NotSupportedChoice',
          path: '_embedded.contacts.0.id',
          detail: 'Contact not found',
        });
      }
      (input._embedded?.tags ?? []).forEach((t, i) => {
        if ('id' in t && !state.tags.has(t.id))
          issues.push({
            code: 'NotSupportedChoice',
            path: `_embedded.tags.${i}.id`,
            detail: 'Tag not found',
          });
      });
      if (issues.length > 0) groups.push({ requestId: String(index), errors: issues });
      return {
        input,
        pipeline,
        status,
        leadFields: leadFields.values,
        contactIn,
        contactFields: contactFields.values,
      };
    });
    if (groups.length > 0) return sendValidation(res, groups);

    const result = plans.map(({ input, pipeline, status, leadFields, contactIn, contactFields }, index) => {
      const now = state.now();
      let contact: ContactRecord | undefined;
      let merged = false;
      if (contactIn?.id !== undefined) contact = state.contacts.get(contactIn.id);
      else if (contactIn) {
        const phones = phoneDigits(contactFields);
        const twin = state.duplicateControl
          ? [...state.contacts.values()].find((c) =>
              phoneDigits(c.custom_fields_values).some((p) => phones.includes(p)),
            )
          : undefined;
        if (twin) {
          contact = twin;
          merged = true;
        } else {
          const first = contactIn.first_name ?? '';
          const last = contactIn.last_name ?? '';
          const cid = state.nextId('contact');
          contact = {
            id: cid,
            name: contactIn.name ?? ([first, last].filter(Boolean).join(' ') || `Контакт #${cid}`),
            first_name: first,
            last_name: last,
            responsible_user_id: contactIn.responsible_user_id ?? API_USER_ID,
            group_id: 0,
            created_by: API_USER_ID,
            updated_by: API_USER_ID,
            created_at: now,
            updated_at: now,
            closest_task_at: null,
            is_deleted: false,
            is_unsorted: false,
            custom_fields_values: contactFields.length > 0 ? contactFields : null,
            account_id: state.accountId,
            tagIds: (contactIn._embedded?.tags ?? []).map((t) =>
              'id' in t ? t.id : state.tagByName(t.name).id,
            ),
            companyIds: [],
          };
          state.contacts.set(cid, contact);
          state.created('contact', cid);
        }
      }
      let companyId: number | null = null;
      const companyIn = input._embedded?.companies?.[0];
      if (companyIn) {
        companyId = companyIn.id ?? state.nextId('company');
        if (!state.companies.has(companyId)) {
          state.companies.set(companyId, {
            id: companyId,
            name: companyIn.name ?? `Компания #${companyId}`,
            created_at: now,
            updated_at: now,
            account_id: state.accountId,
          });
        }
      }
      const leadId = state.nextId('lead');
      const closing = status!.id === WON_STATUS_ID || status!.id === LOST_STATUS_ID;
      const lead: LeadRecord = {
        id: leadId,
        name: input.name ?? `Сделка #${leadId}`,
        price: input.price ?? 0,
        responsible_user_id: input.responsible_user_id ?? API_USER_ID,
        group_id: 0,
        status_id: status!.id,
        pipeline_id: pipeline!.id,
        loss_reason_id: null,
        created_by: input.created_by ?? API_USER_ID,
        updated_by: API_USER_ID,
        created_at: input.created_at ?? now,
        updated_at: now,
        closed_at: closing ? now : null,
        closest_task_at: null,
        is_deleted: false,
        custom_fields_values: leadFields.length > 0 ? leadFields : null,
        score: null,
        account_id: state.accountId,
        labor_cost: null,
        tagIds: [
          ...new Set(
            (input._embedded?.tags ?? []).map((t) => ('id' in t ? t.id : state.tagByName(t.name).id)),
          ),
        ],
        contactIds: contact ? [contact.id] : [],
        companyIds: companyId === null ? [] : [companyId],
        metadata: input._embedded?.metadata ?? null,
      };
      state.leads.set(leadId, lead);
      state.created('lead', leadId);
      return {
        id: leadId,
        contact_id: contact?.id ?? null,
        company_id: companyId,
        request_id: [input.request_id ?? String(index)],
        merged,
      };
    });
    answerCreated(res, result);
  });

  app.get('/api/v4/leads', (req, res) => {
    const params = new URL(req.originalUrl, 'http://sim').searchParams;
    const withs = listParam(params, 'with');
    const unknown = withs.filter((w) => !LEAD_WITH.includes(w));
    if (unknown.length > 0) {
      return sendValidation(res, [
        {
          requestId: '0',
          errors: [
            { code: 'NotSupportedChoice', path: 'with', detail: `Unknown with: ${unknown.join(', ')}` },
          ],
        },
      ]);
    }
    const tree = parseBracketQuery(params);
    delete tree.with;
    const parsed = ListQuery.safeParse(tree);
    if (!parsed.success) return sendValidation(res, zodValidation(parsed.error, false));
    const q = parsed.data;
    const idFilter = ids(q.filter?.id);
    const pipelineFilter = ids(q.filter?.pipeline_id);
    const statusFilter = q.filter?.statuses ? Object.values(q.filter.statuses) : undefined;
    let list = [...state.leads.values()].filter(
      (l) =>
        !l.is_deleted &&
        (idFilter === undefined || idFilter.includes(l.id)) &&
        (pipelineFilter === undefined || pipelineFilter.includes(l.pipeline_id)) &&
        (statusFilter === undefined ||
          statusFilter.some((s) => s.pipeline_id === l.pipeline_id && s.status_id === l.status_id)) &&
        (q.query === undefined ||
          (state.searchable('lead', l.id) && matchesQuery(q.query, l.name, l.id, l.custom_fields_values))),
    );
    const [orderField, direction] = Object.entries(q.order ?? { id: 'asc' })[0] ?? ['id', 'asc'];
    list = list.sort((a, b) => {
      const key = orderField as 'id' | 'created_at' | 'updated_at';
      return (a[key] - b[key] || a.id - b.id) * (direction === 'desc' ? -1 : 1);
    });
    const rendered = list.map((l) => renderLead(state, l, withs));
    const result = page(state, '/api/v4/leads', 'leads', rendered, q.page, q.limit);
    if (result.empty) return sendNoContent(res);
    sendHal(res, result.body);
  });

  app.get('/api/v4/leads/:id', (req, res) => {
    const leadId = pathId(req, res);
    if (leadId === undefined) return;
    const lead = state.leads.get(leadId);
    // NOTES.md: 404 for no such entity [the SDK also knows a 204 here; U which one amoCRM sends].
    if (!lead || lead.is_deleted) return sendProblem(res, 404, `Lead ${leadId} not found`);
    const withs = listParam(new URL(req.originalUrl, 'http://sim').searchParams, 'with');
    sendHal(res, renderLead(state, lead, withs));
  });

  /** Applies one PATCH; returns the issues or the stage change it made. */
  const applyPatch = (
    lead: LeadRecord,
    patch: z.infer<typeof LeadPatch>,
  ): { issues: ValidationIssue[]; change?: StatusChange } => {
    const issues: ValidationIssue[] = [];
    const pipelineId = patch.pipeline_id ?? lead.pipeline_id;
    const pipeline = state.pipeline(pipelineId);
    let statusId = lead.status_id;
    if (!pipeline)
      issues.push({
        code: 'NotSupportedChoice',
        path: 'pipeline_id',
        detail: 'The value you selected is not a valid choice.',
      });
    else if (patch.status_id !== undefined) {
      const status = state.status(pipeline.id, patch.status_id);
      if (!status || status.type === 1)
        issues.push({
          code: 'NotSupportedChoice',
          path: 'status_id',
          detail: 'The value you selected is not a valid choice.',
        });
      else statusId = status.id;
    } else if (patch.pipeline_id !== undefined && patch.pipeline_id !== lead.pipeline_id) {
      statusId = state.firstStatus(pipeline).id;
    }
    const fields = resolveFields(state, 'leads', patch.custom_fields_values ?? [], 'custom_fields_values');
    issues.push(...fields.issues);
    const tagRefs = [
      ...(patch._embedded?.tags ?? []),
      ...(patch.tags_to_add ?? []),
      ...(patch.tags_to_delete ?? []),
    ];
    tagRefs.forEach((t) => {
      if ('id' in t && !state.tags.has(t.id))
        issues.push({ code: 'NotSupportedChoice', path: 'tags', detail: 'Tag not found' });
    });
    if (issues.length > 0) return { issues };

    const now = state.now();
    const tagId = (t: z.infer<typeof TagRef>) => ('id' in t ? t.id : state.tagByName(t.name).id);
    if (patch._embedded?.tags !== undefined) lead.tagIds = (patch._embedded.tags ?? []).map(tagId);
    for (const t of patch.tags_to_add ?? []) if (!lead.tagIds.includes(tagId(t))) lead.tagIds.push(tagId(t));
    const removed = new Set((patch.tags_to_delete ?? []).map(tagId));
    lead.tagIds = lead.tagIds.filter((t) => !removed.has(t));
    if (patch.name !== undefined) lead.name = patch.name;
    if (patch.price !== undefined) lead.price = patch.price;
    if (patch.responsible_user_id !== undefined) lead.responsible_user_id = patch.responsible_user_id;
    if (patch.loss_reason_id !== undefined) lead.loss_reason_id = patch.loss_reason_id;
    if (fields.values.length > 0)
      lead.custom_fields_values = mergeFields(lead.custom_fields_values, fields.values);
    let change: StatusChange | undefined;
    if (statusId !== lead.status_id || pipelineId !== lead.pipeline_id) {
      change = {
        leadId: lead.id,
        statusId,
        pipelineId,
        oldStatusId: lead.status_id,
        oldPipelineId: lead.pipeline_id,
      };
      lead.status_id = statusId;
      lead.pipeline_id = pipelineId;
      const closed = statusId === WON_STATUS_ID || statusId === LOST_STATUS_ID;
      lead.closed_at = closed ? (patch.closed_at ?? now) : null;
    }
    lead.updated_by = patch.updated_by ?? API_USER_ID;
    lead.updated_at = now;
    return { issues, change };
  };

  app.patch('/api/v4/leads/:id', (req, res) => {
    const leadId = pathId(req, res);
    if (leadId === undefined) return;
    const parsed = LeadPatch.safeParse(req.body);
    if (!parsed.success) return sendValidation(res, zodValidation(parsed.error, false));
    const lead = state.leads.get(leadId);
    if (!lead || lead.is_deleted) return sendProblem(res, 404, `Lead ${leadId} not found`);
    if (parsed.data.id !== undefined && parsed.data.id !== leadId) {
      return sendValidation(res, [
        {
          requestId: '0',
          errors: [{ code: 'InvalidValue', path: 'id', detail: 'id differs from the path' }],
        },
      ]);
    }
    const { issues, change } = applyPatch(lead, parsed.data);
    if (issues.length > 0) return sendValidation(res, [{ requestId: '0', errors: issues }]);
    sendHal(res, {
      id: lead.id,
      updated_at: lead.updated_at,
      _links: selfLink(state, `/api/v4/leads/${lead.id}`),
    });
    announce(change ? [change] : []);
  });

  app.patch('/api/v4/leads', (req, res) => {
    const parsed = BatchPatch.safeParse(req.body);
    if (!parsed.success) return sendValidation(res, zodValidation(parsed.error, Array.isArray(req.body)));
    const missing = parsed.data.flatMap((p, i) =>
      state.leads.has(p.id)
        ? []
        : [
            {
              requestId: String(i),
              errors: [{ code: 'NotFound', path: 'id', detail: `Lead ${p.id} not found` }],
            },
          ],
    );
    if (missing.length > 0) return sendValidation(res, missing);
    const changes: StatusChange[] = [];
    const out: Array<Record<string, unknown>> = [];
    for (const [i, patch] of parsed.data.entries()) {
      const lead = state.leads.get(patch.id)!;
      const { issues, change } = applyPatch(lead, patch);
      if (issues.length > 0) return sendValidation(res, [{ requestId: String(i), errors: issues }]);
      if (change) changes.push(change);
      out.push({
        id: lead.id,
        updated_at: lead.updated_at,
        request_id: patch.request_id ?? String(i),
        _links: selfLink(state, `/api/v4/leads/${lead.id}`),
      });
    }
    sendHal(res, { _links: selfLink(state, '/api/v4/leads'), _embedded: { leads: out } });
    announce(changes);
  });

  const addNotes = (res: Response, entries: Array<{ leadId: number; note: z.infer<typeof NoteInput> }>) => {
    const missing = entries.flatMap(({ leadId }, i) =>
      state.leads.has(leadId)
        ? []
        : [
            {
              requestId: String(i),
              errors: [{ code: 'NotFound', path: 'entity_id', detail: `Lead ${leadId} not found` }],
            },
          ],
    );
    if (missing.length > 0) return sendValidation(res, missing);
    const now = state.now();
    const created = entries.map(({ leadId, note }, i) => {
      const record: NoteRecord = {
        id: state.nextId('note'),
        entity_id: leadId,
        created_by: note.created_by ?? API_USER_ID,
        updated_by: note.created_by ?? API_USER_ID,
        created_at: now,
        updated_at: now,
        responsible_user_id: note.responsible_user_id ?? API_USER_ID,
        group_id: 0,
        note_type: note.note_type,
        params: note.params,
        account_id: state.accountId,
      };
      state.notes.push(record);
      return {
        id: record.id,
        entity_id: leadId,
        request_id: note.request_id ?? String(i),
        _links: selfLink(state, `/api/v4/leads/${leadId}/notes/${record.id}`),
      };
    });
    answerCreated(res, { _links: selfLink(state, '/api/v4/leads/notes'), _embedded: { notes: created } });
  };

  app.post('/api/v4/leads/notes', (req, res) => {
    const parsed = z
      .array(NoteInput.and(z.object({ entity_id: id })))
      .min(1)
      .max(250)
      .safeParse(req.body);
    if (!parsed.success) return sendValidation(res, zodValidation(parsed.error, Array.isArray(req.body)));
    addNotes(
      res,
      parsed.data.map((note) => ({ leadId: note.entity_id, note })),
    );
  });

  app.post('/api/v4/leads/:id/notes', (req, res) => {
    const leadId = pathId(req, res);
    if (leadId === undefined) return;
    const parsed = z.array(NoteInput).min(1).max(250).safeParse(req.body);
    if (!parsed.success) return sendValidation(res, zodValidation(parsed.error, Array.isArray(req.body)));
    if (!state.leads.has(leadId)) return sendProblem(res, 404, `Lead ${leadId} not found`);
    addNotes(
      res,
      parsed.data.map((note) => ({ leadId, note })),
    );
  });

  app.get('/api/v4/leads/:id/notes', (req, res) => {
    const leadId = pathId(req, res);
    if (leadId === undefined) return;
    if (!state.leads.has(leadId)) return sendProblem(res, 404, `Lead ${leadId} not found`);
    const params = new URL(req.originalUrl, 'http://sim').searchParams;
    const q = z
      .object({
        page: z.coerce.number().int().min(1).default(1),
        limit: z.coerce.number().int().min(1).max(250).default(50),
      })
      .safeParse(Object.fromEntries(params));
    if (!q.success) return sendValidation(res, zodValidation(q.error, false));
    const notes = state.notes.filter((n) => n.entity_id === leadId).map((n) => renderNote(state, n));
    const result = page(state, `/api/v4/leads/${leadId}/notes`, 'notes', notes, q.data.page, q.data.limit);
    if (result.empty) return sendNoContent(res);
    sendHal(res, result.body);
  });
}
