// autocannon worker hook (workers load it with require): a distinct, well-formed Avito delivery per
// request, since duplicates are cheaper than real traffic.
const { randomUUID } = require('node:crypto');

const prefix = randomUUID().slice(0, 8);
let seq = 0;

module.exports = function setupRequest(req) {
  seq += 1;
  const now = Math.floor(Date.now() / 1000);
  const body = JSON.stringify({
    id: `bench-${prefix}-${seq}`,
    version: 'v3.0.0',
    timestamp: now,
    payload: {
      type: 'message',
      value: {
        id: `bench-msg-${prefix}-${seq}`,
        chat_id: `u2i-bench-${seq % 200}`,
        user_id: 3098765432,
        author_id: 1000 + (seq % 200),
        created: now,
        type: 'text',
        chat_type: 'u2i',
        item_id: 4341979279,
        content: { text: 'Здравствуйте! Доставка есть?' },
      },
    },
  });
  return { ...req, body };
};
