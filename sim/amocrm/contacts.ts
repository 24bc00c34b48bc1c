import type { Express } from 'express';
import { z } from 'zod';
import { sendHal, sendNoContent, sendProblem, sendValidation, zodValidation } from './errors.js';
import { matchesQuery } from './fields.js';
import { listParam } from './query.js';
import { page, renderContact } from './render.js';
import type { AmoState } from './state.js';

const CONTACT_WITH = ['leads', 'customers', 'catalog_elements'];

const ListQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  limit: z.coerce.number().int().min(1).max(250).default(50),
  query: z.string().trim().min(1).optional(),
});

/**
 * `GET /api/v4/contacts?query=…` (full-text search over filled fields; phones by digits [U]) and
 * `GET /api/v4/contacts/{id}`. Nothing found is 204 [C].
 */
export function registerContacts(app: Express, state: AmoState): void {
  app.get('/api/v4/contacts', (req, res) => {
    const params = new URL(req.originalUrl, 'http://sim').searchParams;
    const withs = listParam(params, 'with');
    const unknown = withs.filter((w) => !CONTACT_WITH.includes(w));
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
    const raw = Object.fromEntries([...params].filter(([k]) => k !== 'with'));
    const parsed = ListQuery.safeParse(raw);
    if (!parsed.success) return sendValidation(res, zodValidation(parsed.error, false));
    const q = parsed.data;
    const found = [...state.contacts.values()]
      .filter(
        (c) =>
          !c.is_deleted &&
          (q.query === undefined ||
            (state.searchable('contact', c.id) &&
              matchesQuery(q.query, c.name, c.id, c.custom_fields_values))),
      )
      .map((c) => renderContact(state, c, withs));
    const result = page(state, '/api/v4/contacts', 'contacts', found, q.page, q.limit);
    if (result.empty) return sendNoContent(res);
    sendHal(res, result.body);
  });

  app.get('/api/v4/contacts/:id', (req, res) => {
    const raw = String(req.params.id ?? '');
    const contact = /^\d{1,12}$/.test(raw) ? state.contacts.get(Number(raw)) : undefined;
    if (!contact || contact.is_deleted) return sendProblem(res, 404, `Contact ${raw} not found`);
    const withs = listParam(new URL(req.originalUrl, 'http://sim').searchParams, 'with');
    sendHal(res, renderContact(state, contact, withs));
  });
}
