/** JSON as a webhook body can carry it. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * A well-formed Avito messenger v3 delivery of a buyer's text message (the shape the Avito simulator sends);
 * `value` overrides fields of the message, e.g. `{ chat_id: 42 }` to make it invalid.
 */
export function messageEnvelope(
  deliveryId: string,
  value: { [key: string]: Json } = {},
  timestamp = 1_700_000_000,
): { [key: string]: Json } {
  return {
    id: deliveryId,
    version: 'v3.0.0',
    timestamp,
    payload: {
      type: 'message',
      value: {
        id: 'msg-1',
        chat_id: 'u2i-manual',
        user_id: 3098765432,
        author_id: 777,
        created: timestamp,
        published_at: '2023-11-14T22:13:20Z',
        type: 'text',
        chat_type: 'u2i',
        item_id: 4341979279,
        read: null,
        content: { text: 'Здравствуйте' },
        ...value,
      },
    },
  };
}
