import { describe, expect, it } from 'vitest';
import {
  findAvitoOperation,
  validateAvitoRequest,
  validateAvitoResponse,
  validateAvitoSchema,
  validateAvitoWebhook,
} from '../support/avito-openapi.js';

// The conformance helper guards both the simulator and (later) our Avito client: it must catch real
// mistakes while working around the three known defects of the official documents.

const SEND = '/messenger/v1/accounts/{user_id}/chats/{chat_id}/messages';

describe('Avito OpenAPI helper', () => {
  it('when /token is looked up (also with a trailing slash), then the three U+200E duplicates act as one operation', () => {
    expect(findAvitoOperation('POST', '/token/')?.template).toBe('/token');
    const form = 'grant_type=client_credentials&client_id=a&client_secret=b';
    expect(validateAvitoRequest('POST', '/token', form).ok).toBe(true);
    expect(
      validateAvitoRequest('POST', '/token', { grant_type: 'client_credentials', client_id: 'a' }).ok,
    ).toBe(false);
  });

  it('when a send body is checked, then the bogus required url is ignored and message.text is required', () => {
    expect(validateAvitoRequest('POST', SEND, { message: { text: 'hi' }, type: 'text' }).errors).toEqual([]);
    expect(validateAvitoRequest('POST', SEND, { message: {}, type: 'text' }).ok).toBe(false);
    expect(validateAvitoRequest('POST', SEND, { message: { text: 'x'.repeat(1001) }, type: 'text' }).ok).toBe(
      false,
    );
  });

  it('when ids exceed 2^31, then they pass where the spec says int32; a string id still fails', () => {
    const chat = {
      id: 'u2i-x',
      context: { type: 'item', value: { id: 4_341_979_279, user_id: 3_098_765_432 } },
    };
    expect(
      validateAvitoResponse('GET', '/messenger/v2/accounts/{user_id}/chats/{chat_id}', 200, chat).errors,
    ).toEqual([]);
    const bad = { ...chat, context: { type: 'item', value: { id: '4341979279' } } };
    expect(validateAvitoResponse('GET', '/messenger/v2/accounts/1/chats/u2i-x', 200, bad).ok).toBe(false);
  });

  it('when the webhook envelope is checked, then the "201" schema applies and 201 is not a subscribe response', () => {
    expect(
      validateAvitoWebhook({ id: 'a', version: 'v3.0.0', timestamp: 1, payload: { type: 'message' } }).ok,
    ).toBe(true);
    expect(validateAvitoWebhook({ id: 1 }).ok).toBe(false);
    expect(validateAvitoResponse('POST', '/messenger/v3/webhook', 201, {}).ok).toBe(false);
    expect(validateAvitoResponse('POST', '/messenger/v3/webhook', 200, { ok: true }).ok).toBe(true);
  });

  it('when nullable fields are null, then they pass; when a status or route is undocumented, then it is an error', () => {
    const message = [{ id: 'm', type: 'text', read: null, content: { text: null, image: null } }];
    expect(
      validateAvitoResponse('GET', '/messenger/v3/accounts/1/chats/u2i-x/messages/', 200, message).errors,
    ).toEqual([]);
    expect(validateAvitoResponse('GET', '/messenger/v2/accounts/1/chats', 402, {}).errors[0]).toMatch(
      /not documented/,
    );
    expect(validateAvitoResponse('GET', '/messenger/v3/accounts/1/chats/u2i-x/messages', 200, []).ok).toBe(
      false,
    );
  });

  it('when query parameters are checked, then out-of-range and undocumented keys are reported', () => {
    const r = validateAvitoRequest('GET', '/messenger/v2/accounts/1/chats', undefined, {
      query: { limit: '101', chat_types: 'u2i,x2y', perPage: '5' },
    });
    expect(r.errors).toHaveLength(3);
    expect(
      validateAvitoRequest('GET', '/messenger/v2/accounts/1/chats', undefined, {
        query: { limit: '5', item_ids: '1,2' },
      }).errors,
    ).toEqual([]);
    expect(validateAvitoSchema('items', 'FieldError', { code: 'bad_request', message: 'x' }).ok).toBe(true);
  });
});
