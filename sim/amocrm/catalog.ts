import type { Express } from 'express';
import { z } from 'zod';
import { sendHal, sendNoContent, sendProblem, sendValidation, zodValidation } from './errors.js';
import { page, renderPipeline, renderTag, selfLink } from './render.js';
import { API_USER_ID, type AmoState } from './state.js';
import type { CustomField } from './types.js';

const FIELD_TYPES = [
  'text',
  'numeric',
  'checkbox',
  'select',
  'multiselect',
  'date',
  'url',
  'textarea',
  'date_time',
] as const;

const NewField = z.strictObject({
  name: z.string().trim().min(1).max(255),
  type: z.enum(FIELD_TYPES),
  code: z
    .string()
    .regex(/^[A-Z0-9_]{1,64}$/, { error: 'code: latin capitals, digits and "_"' })
    .optional(),
  sort: z.number().int().optional(),
  is_api_only: z.boolean().optional(),
  enums: z.array(z.strictObject({ value: z.string().min(1), sort: z.number().int().optional() })).optional(),
  request_id: z.string().optional(),
});

const NewTag = z.strictObject({
  name: z.string().trim().min(1).max(255),
  color: z
    .string()
    .regex(/^[0-9A-Fa-f]{6}$/)
    .optional(),
  request_id: z.string().optional(),
});

/** Settings a webhook may subscribe to [C: webhooks-api]; the simulator only ever sends `status_lead`. */
const WEBHOOK_SETTINGS = [
  'add_lead',
  'update_lead',
  'delete_lead',
  'restore_lead',
  'status_lead',
  'responsible_lead',
  'note_lead',
  'add_contact',
  'update_contact',
  'delete_contact',
  'restore_contact',
  'responsible_contact',
  'note_contact',
  'add_company',
  'update_company',
  'delete_company',
  'restore_company',
  'responsible_company',
  'note_company',
  'add_task',
  'update_task',
  'delete_task',
  'responsible_task',
  'add_chat_template_review',
] as const;

const NewWebhook = z.strictObject({
  destination: z.url({ protocol: /^https?$/ }),
  settings: z.array(z.enum(WEBHOOK_SETTINGS)).min(1),
  sort: z.number().int().optional(),
});

function renderField(state: AmoState, f: CustomField): Record<string, unknown> {
  const { entity_type, ...rest } = f;
  return {
    ...rest,
    entity_type,
    is_deletable: true,
    is_visible: true,
    is_required: false,
    _links: selfLink(state, `/api/v4/${entity_type}/custom_fields/${f.id}`),
  };
}

/** Account, pipelines and statuses, tags, custom fields and webhooks (`/api/v4/…`). */
export function registerCatalog(app: Express, state: AmoState): void {
  app.get('/api/v4/account', (_req, res) => {
    sendHal(res, {
      id: state.accountId,
      name: 'Тестовый аккаунт',
      subdomain: state.subdomain,
      created_at: state.now() - 400 * 86_400,
      created_by: API_USER_ID,
      updated_at: state.now() - 86_400,
      updated_by: API_USER_ID,
      current_user_id: API_USER_ID,
      country: 'RU',
      currency: 'RUB',
      currency_symbol: '₽',
      customers_mode: 'disabled',
      is_unsorted_on: true,
      is_loss_reason_enabled: false,
      is_helpbot_enabled: false,
      is_technical_account: false,
      contact_name_display_order: 1,
      mobile_feature_version: 0,
      _links: selfLink(state, '/api/v4/account'),
    });
  });

  app.get('/api/v4/leads/pipelines', (_req, res) => {
    sendHal(res, {
      _total_items: state.pipelines.length,
      _links: selfLink(state, '/api/v4/leads/pipelines'),
      _embedded: { pipelines: state.pipelines.map((p) => renderPipeline(state, p)) },
    });
  });

  app.get('/api/v4/leads/pipelines/:id', (req, res) => {
    const pipeline = state.pipeline(Number(req.params.id));
    if (!pipeline) return sendProblem(res, 404, `Pipeline ${req.params.id} not found`);
    sendHal(res, renderPipeline(state, pipeline));
  });

  app.get('/api/v4/leads/pipelines/:id/statuses', (req, res) => {
    const pipeline = state.pipeline(Number(req.params.id));
    if (!pipeline) return sendProblem(res, 404, `Pipeline ${req.params.id} not found`);
    const rendered = renderPipeline(state, pipeline) as { _embedded: { statuses: unknown[] } };
    sendHal(res, {
      _total_items: pipeline.statuses.length,
      _links: selfLink(state, `/api/v4/leads/pipelines/${pipeline.id}/statuses`),
      _embedded: { statuses: rendered._embedded.statuses },
    });
  });

  app.get('/api/v4/leads/tags', (req, res) => {
    const params = new URL(req.originalUrl, 'http://sim').searchParams;
    const q = z
      .object({
        page: z.coerce.number().int().min(1).default(1),
        limit: z.coerce.number().int().min(1).max(250).default(50),
        query: z.string().trim().min(1).optional(),
      })
      .safeParse(Object.fromEntries(params));
    if (!q.success) return sendValidation(res, zodValidation(q.error, false));
    const tags = [...state.tags.values()]
      .filter((t) => q.data.query === undefined || t.name.toLowerCase().includes(q.data.query.toLowerCase()))
      .map(renderTag);
    const result = page(state, '/api/v4/leads/tags', 'tags', tags, q.data.page, q.data.limit);
    if (result.empty) return sendNoContent(res);
    sendHal(res, result.body);
  });

  app.post('/api/v4/leads/tags', (req, res) => {
    const parsed = z.array(NewTag).min(1).max(250).safeParse(req.body);
    if (!parsed.success) return sendValidation(res, zodValidation(parsed.error, Array.isArray(req.body)));
    const taken = parsed.data.flatMap((t, i) =>
      [...state.tags.values()].some((x) => x.name.toLowerCase() === t.name.toLowerCase())
        ? [
            {
              requestId: String(i),
              errors: [{ code: 'NotUnique', path: 'name', detail: 'Tag already exists' }],
            },
          ]
        : [],
    );
    if (taken.length > 0) return sendValidation(res, taken);
    const created = parsed.data.map((t, i) => {
      const tag = state.tagByName(t.name);
      tag.color = t.color ?? null;
      return { ...renderTag(tag), request_id: t.request_id ?? String(i) };
    });
    sendHal(res, { _total_items: created.length, _embedded: { tags: created } });
  });

  for (const entity of ['leads', 'contacts'] as const) {
    app.get(`/api/v4/${entity}/custom_fields`, (_req, res) => {
      const fields = state.fields.filter((f) => f.entity_type === entity).map((f) => renderField(state, f));
      const result = page(state, `/api/v4/${entity}/custom_fields`, 'custom_fields', fields, 1, 250);
      if (result.empty) return sendNoContent(res);
      sendHal(res, { _total_items: fields.length, ...result.body });
    });

    app.post(`/api/v4/${entity}/custom_fields`, (req, res) => {
      const parsed = z.array(NewField).min(1).max(100).safeParse(req.body);
      if (!parsed.success) return sendValidation(res, zodValidation(parsed.error, Array.isArray(req.body)));
      const taken = parsed.data.flatMap((f, i) =>
        f.code && state.field(entity, { code: f.code })
          ? [
              {
                requestId: String(i),
                errors: [{ code: 'NotUnique', path: 'code', detail: 'A field with this code exists' }],
              },
            ]
          : [],
      );
      if (taken.length > 0) return sendValidation(res, taken);
      const created = parsed.data.map((f, i) => ({
        ...renderField(
          state,
          state.addField({
            entity,
            name: f.name,
            type: f.type,
            code: f.code ?? null,
            enums: f.enums?.map((e) => e.value),
            isApiOnly: f.is_api_only,
          }),
        ),
        request_id: f.request_id ?? String(i),
      }));
      sendHal(res, { _total_items: created.length, _embedded: { custom_fields: created } });
    });
  }

  app.get('/api/v4/webhooks', (_req, res) => {
    if (state.webhooks.length === 0) return sendNoContent(res);
    sendHal(res, {
      _total_items: state.webhooks.length,
      _links: selfLink(state, '/api/v4/webhooks'),
      _embedded: {
        webhooks: state.webhooks.map((w) => ({
          ...w,
          account_id: state.accountId,
          created_by: API_USER_ID,
          sort: 1,
        })),
      },
    });
  });

  app.post('/api/v4/webhooks', (req, res) => {
    const parsed = NewWebhook.safeParse(req.body);
    if (!parsed.success) return sendValidation(res, zodValidation(parsed.error, false));
    const hook = state.addWebhook(parsed.data.destination, parsed.data.settings);
    sendHal(
      res,
      { ...hook, account_id: state.accountId, created_by: API_USER_ID, sort: parsed.data.sort ?? 1 },
      201,
    );
  });

  app.delete('/api/v4/webhooks', (req, res) => {
    const parsed = z.strictObject({ destination: z.string().min(1) }).safeParse(req.body);
    if (!parsed.success) return sendValidation(res, zodValidation(parsed.error, false));
    const index = state.webhooks.findIndex((w) => w.destination === parsed.data.destination);
    if (index < 0) return sendProblem(res, 404, 'Webhook not found');
    state.webhooks.splice(index, 1);
    sendNoContent(res);
  });
}
