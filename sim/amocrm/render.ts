import type { AmoState } from './state.js';
import type { ContactRecord, LeadRecord, NoteRecord, PipelineRecord, TagRecord } from './types.js';

/** `_links.self` of an entity path. */
export function selfLink(state: AmoState, path: string): { self: { href: string } } {
  return { self: { href: `${state.origin}${path}` } };
}

export function renderTag(tag: TagRecord): { id: number; name: string; color: string | null } {
  return { id: tag.id, name: tag.name, color: tag.color };
}

/** A lead as `GET /api/v4/leads` renders it [C: SDK LeadModel fields]. */
export function renderLead(
  state: AmoState,
  lead: LeadRecord,
  withs: readonly string[],
): Record<string, unknown> {
  const { tagIds, contactIds, companyIds, metadata: _metadata, ...fields } = lead;
  const embedded: Record<string, unknown> = {
    tags: tagIds.flatMap((id) => {
      const tag = state.tags.get(id);
      return tag ? [renderTag(tag)] : [];
    }),
    companies: companyIds.map((id) => ({ id, _links: selfLink(state, `/api/v4/companies/${id}`) })),
  };
  if (withs.includes('contacts')) {
    embedded.contacts = contactIds.map((id, i) => ({
      id,
      is_main: i === 0,
      _links: selfLink(state, `/api/v4/contacts/${id}`),
    }));
  }
  const out: Record<string, unknown> = { ...fields };
  if (withs.includes('is_price_modified_by_robot')) out.is_price_modified_by_robot = false;
  out._links = selfLink(state, `/api/v4/leads/${lead.id}`);
  out._embedded = embedded;
  return out;
}

/** A contact as `GET /api/v4/contacts` renders it; `with=leads` adds its leads. */
export function renderContact(
  state: AmoState,
  contact: ContactRecord,
  withs: readonly string[],
): Record<string, unknown> {
  const { tagIds, companyIds, ...fields } = contact;
  const embedded: Record<string, unknown> = {
    tags: tagIds.flatMap((id) => {
      const tag = state.tags.get(id);
      return tag ? [renderTag(tag)] : [];
    }),
    companies: companyIds.map((id) => ({ id, _links: selfLink(state, `/api/v4/companies/${id}`) })),
  };
  if (withs.includes('leads')) {
    embedded.leads = state
      .leadsOfContact(contact.id)
      .map((l) => ({ id: l.id, _links: selfLink(state, `/api/v4/leads/${l.id}`) }));
  }
  return { ...fields, _links: selfLink(state, `/api/v4/contacts/${contact.id}`), _embedded: embedded };
}

export function renderNote(state: AmoState, note: NoteRecord): Record<string, unknown> {
  return { ...note, _links: selfLink(state, `/api/v4/leads/${note.entity_id}/notes/${note.id}`) };
}

export function renderPipeline(state: AmoState, pipeline: PipelineRecord): Record<string, unknown> {
  const { statuses, ...fields } = pipeline;
  return {
    ...fields,
    _links: selfLink(state, `/api/v4/leads/pipelines/${pipeline.id}`),
    _embedded: {
      statuses: statuses.map((s) => ({
        ...s,
        _links: selfLink(state, `/api/v4/leads/pipelines/${pipeline.id}/statuses/${s.id}`),
      })),
    },
  };
}

/** One page of a collection: `{_page, _links: {self, next?}, _embedded: {<key>: […]}}`. */
export function page(
  state: AmoState,
  path: string,
  key: string,
  items: unknown[],
  pageNo: number,
  limit: number,
): { body: Record<string, unknown>; empty: boolean } {
  const slice = items.slice((pageNo - 1) * limit, pageNo * limit);
  const links: Record<string, { href: string }> = {
    self: { href: `${state.origin}${path}?page=${pageNo}&limit=${limit}` },
  };
  if (pageNo * limit < items.length)
    links.next = { href: `${state.origin}${path}?page=${pageNo + 1}&limit=${limit}` };
  if (pageNo > 1) links.prev = { href: `${state.origin}${path}?page=${pageNo - 1}&limit=${limit}` };
  return { body: { _page: pageNo, _links: links, _embedded: { [key]: slice } }, empty: slice.length === 0 };
}
