import { z } from 'zod';

/** `POST /oauth2/access_token` answer. */
export const tokenResponseSchema = z.object({
  token_type: z.string(),
  expires_in: z.number().int().positive(),
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
});

const fieldValuesSchema = z.object({
  field_id: z.number().int(),
  field_code: z.string().nullish(),
  values: z.array(z.object({ value: z.union([z.string(), z.number(), z.boolean()]).nullable() })),
});

const tagSchema = z.object({ id: z.number().int(), name: z.string() });

/** A lead as `GET /api/v4/leads` renders it (the fields we read). */
export const leadSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  price: z.number().nullable(),
  status_id: z.number().int(),
  pipeline_id: z.number().int(),
  created_at: z.number().int(),
  updated_at: z.number().int(),
  closed_at: z.number().int().nullable(),
  is_deleted: z.boolean().optional(),
  custom_fields_values: z.array(fieldValuesSchema).nullable(),
  _embedded: z
    .object({
      tags: z.array(tagSchema).optional(),
      contacts: z.array(z.object({ id: z.number().int(), is_main: z.boolean().optional() })).optional(),
    })
    .optional(),
});
export type AmoLead = z.infer<typeof leadSchema>;

export const leadsPageSchema = z.object({
  _page: z.number().int().optional(),
  _embedded: z.object({ leads: z.array(leadSchema) }),
});

export const contactSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  custom_fields_values: z.array(fieldValuesSchema).nullable(),
  _embedded: z.object({ leads: z.array(z.object({ id: z.number().int() })).optional() }).optional(),
});
export type AmoContact = z.infer<typeof contactSchema>;

export const contactsPageSchema = z.object({ _embedded: z.object({ contacts: z.array(contactSchema) }) });

/** `POST /api/v4/leads/complex`: one entry per lead [C: SDK `Leads::addComplex`]. */
export const complexResponseSchema = z.array(
  z.object({
    id: z.number().int(),
    contact_id: z.number().int().nullable(),
    company_id: z.number().int().nullable(),
    request_id: z.array(z.string()),
    merged: z.boolean(),
  }),
);

export const patchResponseSchema = z.object({ id: z.number().int(), updated_at: z.number().int() });

export const notesCreatedSchema = z.object({
  _embedded: z.object({ notes: z.array(z.object({ id: z.number().int(), entity_id: z.number().int() })) }),
});

export const notesPageSchema = z.object({
  _links: z.object({ next: z.object({ href: z.string() }).optional() }).optional(),
  _embedded: z.object({
    notes: z.array(
      z.object({
        id: z.number().int(),
        note_type: z.string(),
        params: z.record(z.string(), z.unknown()).nullable(),
      }),
    ),
  }),
});

export const statusSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  sort: z.number().int(),
  type: z.number().int(),
});

export const pipelinesSchema = z.object({
  _embedded: z.object({
    pipelines: z.array(
      z.object({
        id: z.number().int(),
        name: z.string(),
        is_main: z.boolean(),
        _embedded: z.object({ statuses: z.array(statusSchema) }),
      }),
    ),
  }),
});
export type AmoPipeline = z.infer<typeof pipelinesSchema>['_embedded']['pipelines'][number];

export const customFieldsSchema = z.object({
  _embedded: z.object({
    custom_fields: z.array(
      z.object({ id: z.number().int(), name: z.string(), type: z.string(), code: z.string().nullable() }),
    ),
  }),
});

export const accountSchema = z.object({ id: z.number().int(), name: z.string(), subdomain: z.string() });

export const webhookSchema = z.object({
  id: z.number().int(),
  destination: z.string(),
  settings: z.array(z.string()),
});
