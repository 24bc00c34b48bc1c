/** Which Avito chat a `buyer` command writes to. */
export type ChatTarget =
  | { kind: 'new' }
  | { kind: 'item'; itemId: number }
  /** An existing chat: its id, a unique prefix of it, or its number in `show` (`2` or `#2`). */
  | { kind: 'chat'; ref: string };

/** One line typed at the `npm run sim` prompt. */
export type Command =
  | { kind: 'buyer'; target: ChatTarget; text: string }
  | { kind: 'seller'; chat: string; text: string }
  | { kind: 'tgbuyer'; text: string }
  | { kind: 'owner'; text: string }
  | { kind: 'tap'; button: string }
  | { kind: 'reply'; text: string }
  | { kind: 'show' }
  | { kind: 'listings' }
  | { kind: 'pay' }
  | { kind: 'deals' }
  | { kind: 'mail' }
  | { kind: 'help' }
  | { kind: 'quit' }
  | { kind: 'empty' };

/** A parsed line, or a message telling the user what is wrong and how to write it. */
export type ParseResult = { ok: true; command: Command } | { ok: false; error: string };

/** Usage line of each command, in the order `help` lists them. */
export const COMMAND_USAGE = {
  buyer: 'buyer <chat|new|item:<itemId>> <text…>   a buyer writes on Avito (new chat, or an existing one)',
  seller: 'seller <chat> <text…>                     the seller writes from the Avito app',
  tgbuyer:
    'tgbuyer <text…>                           a buyer writes to the Telegram buyer bot (/start <itemId>: about a listing)',
  owner: 'owner <text…>                             the owner writes (or sends a /command) to the bot',
  tap: 'tap <button text>                         the owner taps that button on the latest bot message with it',
  reply: 'reply <text…>                             the owner replies to the latest bot message',
  show: 'show                                      the owner’s Telegram chat and every Avito chat',
  listings: 'listings                                  the seeded Avito listings',
  pay: 'pay                                       the buyer pays the newest YooKassa payment waiting for them',
  deals: 'deals                                     the amoCRM deals with their stage, tags and notes',
  mail: 'mail                                      the e-mails the SMTP simulator caught',
  help: 'help                                      this list',
  quit: 'quit                                      stop the simulators and exit (also Ctrl+D, Ctrl+C)',
} as const;

type CommandName = keyof typeof COMMAND_USAGE;

const ALIASES: Record<string, CommandName> = { exit: 'quit', q: 'quit', '?': 'help', ls: 'listings' };

/** `help`: every command with a one-line description, plus how chats are named. */
export function helpText(): string {
  return [
    'Commands:',
    ...Object.values(COMMAND_USAGE).map((u) => `  ${u}`),
    'A <chat> is the chat id printed by `buyer`, a unique start of it, or its number in `show` (1, #1).',
  ].join('\n');
}

function usage(name: CommandName, example?: string): string {
  const line = `usage: ${COMMAND_USAGE[name].replace(/\s{2,}.*$/, '')}`;
  return example ? `${line}\n  e.g. ${example}` : line;
}

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

function unknownCommand(word: string): string {
  const names = Object.keys(COMMAND_USAGE) as CommandName[];
  const close = names.find((n) => n.startsWith(word) || distance(word, n) <= 2);
  const hint = close ? `did you mean "${close}"? ` : '';
  return `unknown command "${word}": ${hint}type "help" for the list (${names.join(', ')})`;
}

/** Splits off the first word; the rest keeps its inner spacing. */
function splitWord(text: string): [string, string] {
  const match = /^(\S+)\s*([\s\S]*)$/.exec(text.trim());
  return match ? [match[1]!, match[2]!.trim()] : ['', ''];
}

function parseTarget(word: string): ChatTarget | string {
  if (word === 'new') return { kind: 'new' };
  if (word.startsWith('item:')) {
    const raw = word.slice('item:'.length);
    if (!/^\d{1,16}$/.test(raw)) return `item id must be a number (see "listings"), got "${raw}"`;
    return { kind: 'item', itemId: Number(raw) };
  }
  return { kind: 'chat', ref: word };
}

/** Parses one input line. Never throws: a bad line gives `{ ok: false, error }` with the right usage. */
export function parseCommand(line: string): ParseResult {
  const [word, rest] = splitWord(line);
  if (word === '') return { ok: true, command: { kind: 'empty' } };
  const lower = word.toLowerCase();
  const name = Object.hasOwn(COMMAND_USAGE, lower)
    ? (lower as CommandName)
    : Object.hasOwn(ALIASES, lower)
      ? ALIASES[lower]
      : undefined;
  if (!name) return { ok: false, error: unknownCommand(lower) };
  switch (name) {
    case 'buyer': {
      const [targetWord, text] = splitWord(rest);
      if (targetWord === '' || text === '') {
        return { ok: false, error: usage('buyer', 'buyer new Здравствуйте, доставка есть?') };
      }
      const target = parseTarget(targetWord);
      if (typeof target === 'string') return { ok: false, error: `${target}\n${usage('buyer')}` };
      return { ok: true, command: { kind: 'buyer', target, text } };
    }
    case 'seller': {
      const [chat, text] = splitWord(rest);
      if (chat === '' || text === '')
        return { ok: false, error: usage('seller', 'seller 1 Да, доставка есть') };
      return { ok: true, command: { kind: 'seller', chat, text } };
    }
    case 'tgbuyer':
      if (rest === '') return { ok: false, error: usage('tgbuyer', 'tgbuyer Здравствуйте, доставка есть?') };
      return { ok: true, command: { kind: 'tgbuyer', text: rest } };
    case 'owner':
      if (rest === '') return { ok: false, error: usage('owner', 'owner /start') };
      return { ok: true, command: { kind: 'owner', text: rest } };
    case 'tap':
      if (rest === '') return { ok: false, error: usage('tap', 'tap Отправить') };
      return { ok: true, command: { kind: 'tap', button: rest } };
    case 'reply':
      if (rest === '') return { ok: false, error: usage('reply', 'reply Доставка по Москве 500 ₽') };
      return { ok: true, command: { kind: 'reply', text: rest } };
    case 'show':
    case 'listings':
    case 'pay':
    case 'deals':
    case 'mail':
    case 'help':
    case 'quit':
      if (rest !== '') return { ok: false, error: `"${name}" takes no arguments` };
      return { ok: true, command: { kind: name } };
  }
}
