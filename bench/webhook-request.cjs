// autocannon worker hook (workers load it with require): a distinct, well-formed Avito delivery per
// request, since duplicates are cheaper than real traffic. The chats are ones the Avito simulator knows
// (BENCH_CHATS: "chatId:buyerId:itemId,…"), so processing finds them as it would in production.
const { randomUUID } = require('node:crypto');

const prefix = randomUUID().slice(0, 8);
const chats = (process.env.BENCH_CHATS ?? '')
  .split(',')
  .filter(Boolean)
  .map((entry) => {
    const [chatId, buyerId, itemId] = entry.split(':');
    return { chatId, buyerId: Number(buyerId), itemId: Number(itemId) };
  });
if (chats.length === 0) throw new Error('BENCH_CHATS is not set');
const userId = Number(process.env.BENCH_USER_ID);
let seq = 0;

module.exports = function setupRequest(req) {
  seq += 1;
  const now = Math.floor(Date.now() / 1000);
  const chat = chats[seq % chats.length];
  const body = JSON.stringify({
    id: `bench-${prefix}-${seq}`,
    version: 'v3.0.0',
    timestamp: now,
    payload: {
      type: 'message',
      value: {
        id: `bench-msg-${prefix}-${seq}`,
        chat_id: chat.chatId,
        user_id: userId,
        author_id: chat.buyerId,
        created: now,
        type: 'text',
        chat_type: 'u2i',
        item_id: chat.itemId,
        content: { text: 'Здравствуйте! Доставка есть?' },
      },
    },
  });
  return { ...req, body };
};
