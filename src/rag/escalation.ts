import { type Token, tokenize } from './text/tokens.js';

/**
 * Why a buyer needs a human. `callback`: the buyer left a phone number or asks to be called (a lead for
 * the owner); `wrong_item`: a delivered item is not the one ordered; `complaint`: dissatisfaction, a
 * damaged or incomplete delivery. `non_text` (a photo, voice note…) is decided by the responder, not by
 * text rules.
 */
export type EscalationReason =
  | 'human_request'
  | 'callback'
  | 'complaint'
  | 'wrong_item'
  | 'refund'
  | 'bargaining'
  | 'threat'
  | 'keyword'
  | 'non_text';

export interface Escalation {
  reason: EscalationReason;
  /** The words of the buyer's message that triggered it, as written. */
  matched: string;
}

export interface EscalationOptions {
  /** Owner keywords (configuration plus /settings); matched by stems, so any word form counts. */
  keywords?: readonly string[];
  /** The listing price in rubles: an offer at or above it is not bargaining. */
  listingPrice?: number | null;
}

type Pred = (t: Token) => boolean;
type Span = [number, number];

const predicates = new Map<string, Pred>();
/** Words remembered per pattern; buyers reuse a small vocabulary, so most tests become a lookup. */
const WORDS_PER_PATTERN = 4096;

/**
 * A word predicate; `\w` in the patterns means any letter or digit (Cyrillic included). Memoised by pattern,
 * since several rules build theirs inline on every message, and by word: Unicode-class patterns are slow and
 * every message runs each of them over every word.
 */
const w = (re: RegExp): Pred => {
  let pred = predicates.get(re.source);
  if (!pred) {
    const unicode = new RegExp(re.source.replaceAll('\\w', '[\\p{L}\\p{N}]'), 'u');
    const seen = new Map<string, boolean>();
    pred = (t) => {
      let hit = seen.get(t.word);
      if (hit === undefined) {
        hit = unicode.test(t.word);
        if (seen.size >= WORDS_PER_PATTERN) seen.clear();
        seen.set(t.word, hit);
      }
      return hit;
    };
    predicates.set(re.source, pred);
  }
  return pred;
};

/** First token matching `a` with a token matching `b` at most `window` tokens away (either side). */
function near(tokens: Token[], a: Pred, b: Pred, window: number, unless?: Pred): Span | null {
  for (let i = 0; i < tokens.length; i++) {
    if (!a(tokens[i]!)) continue;
    for (let j = Math.max(0, i - window); j <= Math.min(tokens.length - 1, i + window); j++) {
      if (j === i || !b(tokens[j]!)) continue;
      const from = Math.min(i, j);
      const to = Math.max(i, j);
      if (unless && tokens.slice(Math.max(0, from - window), to + window + 1).some(unless)) continue;
      return [from, to];
    }
  }
  return null;
}

function single(tokens: Token[], a: Pred): Span | null {
  const i = tokens.findIndex(a);
  return i < 0 ? null : [i, i];
}

const has = (tokens: Token[], p: Pred) => tokens.some(p);

// --- threats: courts, police, authorities, "scammer", a complaint to Avito --------------------------
const COURT = w(
  /^(суд|суда|суде|суду|судом|судебн\w*|судиться|засужу|засудить|засудим|отсужу|sue|court|lawyer)$/,
);
const AUTHORITY = w(/^(полици\w*|прокурат\w*|роспотребнадзор\w*|police|fraud)$/);
const SCAMMER = w(/^(мошенни\w*|мошенн\w*|обманщик\w*|кидал\w*|аферист\w*|scam\w*|scammer\w*)$/);
const COMPLAINT_NOUN = w(/^(жалоб\w*|пожалуюсь|пожаловаться|пожалуемся|претензи\w*|complain\w*|report)$/);
const AVITO = w(/^(авито|avito|поддержк\w*|support)$/);
const BAD_REVIEW = w(/^(плох\w*|негативн\w*|отрицательн\w*)$/);
const REVIEW = w(/^(отзыв\w*)$/);

function threat(tokens: Token[]): Span | null {
  return (
    single(tokens, COURT) ??
    single(tokens, AUTHORITY) ??
    single(tokens, SCAMMER) ??
    near(tokens, COMPLAINT_NOUN, AVITO, 3) ??
    single(tokens, w(/^(пожалуюсь|пожалуемся)$/)) ??
    near(tokens, BAD_REVIEW, REVIEW, 1)
  );
}

// --- refunds: a demand to give money back or take the item back ------------------------------------
// A question about the policy ("какой возврат предусмотрен по гарантии?", "если не подойдёт, можно
// вернуть?") is answerable from the seller's documents and is NOT escalated; a demand is.
const POLICY_CUE = w(/^(если|случае|предусмотр\w*|услови\w*|политик\w*|гарант\w*|возможен|policy|if)$/);
const GIVE_BACK = w(/^(верните|вернете|вернуть|вернешь|верни|вернут|возвратите|refund\w*)$/);
const MONEY = w(/^(деньг\w*|денежк\w*|денежн\w*|средств\w*|оплат\w*|предоплат\w*|money|payment)$/);
const DEMAND = w(/^(хочу|хотим|хотел|хотела|требую|требуем|прошу|просим|желаю|want|demand)$/);
const RETURN = w(/^(верн\w*|возврат\w*|вернут\w*|сдать|return\w*|refund\w*)$/);

function refund(tokens: Token[]): Span | null {
  const hit =
    near(tokens, GIVE_BACK, MONEY, 4) ??
    near(tokens, DEMAND, RETURN, 3) ??
    near(tokens, w(/^(оформ\w*)$/), w(/^возврат\w*$/), 2) ??
    single(tokens, w(/^(верните|refund)$/)) ??
    near(tokens, MONEY, w(/^назад$/), 2) ??
    near(tokens, w(/^(заберите)$/), w(/^(товар\w*|обратно|назад)$/), 3);
  return hit && !has(tokens, POLICY_CUE) ? hit : null;
}

// --- a human: "позовите менеджера", "хочу поговорить с человеком", "соедините с оператором" ---------
const PERSON = w(
  /^(менеджер\w*|оператор\w*|человек\w*|сотрудник\w*|консультант\w*|продавц\w*|продавец|хозя\w*|владел\w*|администратор\w*|руководител\w*|начальник\w*|специалист\w*|люд\w*|manager|human|person|operator|agent|someone|somebody)$/,
);
const CALL = w(
  /^(позов\w*|позва\w*|соедин\w*|переключ\w*|свяж\w*|связать|связаться|дайте|пригласите|подключите|передайте|поговор\w*|пообща\w*|общаться|разговарива\w*|talk|speak|connect|transfer|call)$/,
);

/** "Нужен человек": the need comes first ("для скольких человек нужен стол?" is about the item). */
const NEED = w(/^(нужен|нужна|нужны|need)$/);
const HELPER = w(/^(человек|оператор|менеджер|сотрудник|консультант|person|human|operator|manager)$/);

function followedBy(tokens: Token[], a: Pred, b: Pred): Span | null {
  for (let i = 0; i + 1 < tokens.length; i++) if (a(tokens[i]!) && b(tokens[i + 1]!)) return [i, i + 1];
  return null;
}

function humanRequest(tokens: Token[]): Span | null {
  return (
    near(tokens, CALL, PERSON, 3) ??
    near(tokens, w(/^(жив\w*|real|live)$/), w(/^(человек\w*|люд\w*|оператор\w*|person|human)$/), 1) ??
    followedBy(tokens, NEED, HELPER) ??
    near(
      tokens,
      w(/^(бот|ботом|бота|робот\w*|нейросет\w*|bot|robot)$/),
      w(/^(вы|ты|это|с|не|are|отвечает)$/),
      2,
    )
  );
}

// --- a call: a phone number left, "перезвоните", "наберите меня", "свяжитесь со мной по телефону" ----
/** A Russian phone number of ten digits after an optional +7/8 (a price or an order number is shorter). */
const PHONE_NUMBER =
  /(?<![\d+])(?:\+\s?7|8|7)?[\s\-(]{0,3}\d{3}[\s\-)]{0,3}\d{3}[\s-]?\d{2}[\s-]?\d{2}(?!\d)/g;
/** Words before a number that make it something else than a phone: an order, a parcel, a card. */
const NOT_A_PHONE =
  /(заказ|трек|отправлени|посылк|артикул|счет|счёт|карт|инн|огрн|бик|order|track)\p{L}*[\s№#:.-]*$/iu;
const CALL_VERB = w(
  /^(перезвон\w*|позвон\w*|звонок|звонка|звонку|созвон\w*|набер\w*|набрат\w*|наберу|звякн\w*|звоните|звонить|call)$/,
);
/** Who the buyer asks about when a call is the delivery's business, not a request: "курьер позвонит?". */
const DELIVERY_AGENT = w(
  /^(курьер\w*|водител\w*|доставщик\w*|экспедитор\w*|грузчик\w*|сдэк|почт\w*|служб\w*)$/,
);
const ME = w(/^(мне|меня|мной|нам|нас|нами|me|us)$/);
const CONTACT_VERB = w(/^(свяж\w*|связат\w*|связыват\w*|contact)$/);
const PHONE_WORD = w(/^(телефон\w*|номер\w*|phone|number)$/);
const GIVES_NUMBER = w(
  /^(мой|моя|мои|свой|ваш|вашего|вашим|твой|оставлю|оставляю|запишите|запиши|дайте|дай|скиньте|скинь|пришлите|продиктуйте|вот|my|your)$/,
);
/** "номер заказа", "номер модели": a number that is not a phone. */
const OTHER_NUMBER = w(
  /^(заказ\w*|модел\w*|артикул\w*|трек\w*|счет\w*|дом\w*|квартир\w*|кварт\w*|размер\w*|order|model)$/,
);

function phoneNumber(text: string, tokens: Token[]): Span | null {
  for (const m of text.matchAll(PHONE_NUMBER)) {
    if (NOT_A_PHONE.test(text.slice(Math.max(0, m.index - 24), m.index))) continue;
    const end = m.index + m[0].length;
    const first = tokens.findIndex((t) => t.end > m.index);
    let last = first;
    while (last + 1 < tokens.length && tokens[last + 1]!.start < end) last++;
    if (first >= 0) return [first, last];
  }
  return null;
}

function callback(text: string, tokens: Token[]): Span | null {
  const call = near(tokens, CALL_VERB, ME, 3) ?? near(tokens, CALL_VERB, PHONE_WORD, 3);
  const asked =
    single(
      tokens,
      w(
        /^(перезвоните|перезвони|позвоните|позвони|наберите|набери|звякните|звякни|созвонимся|созвониться|позвоню|перезвоню|наберу|звякну|call)$/,
      ),
    ) ??
    near(tokens, w(/^(звонок|звонка|звонку)$/), w(/^(жду|ждем|ждать|удобно|удобнее|можно|лучше|wait)$/), 2) ??
    // "Можете позвонить?" asks us to call; "можно позвонить в магазин?" asks whether the buyer may.
    near(tokens, w(/^(можете|сможете|могли|could|can)$/), CALL_VERB, 2);
  const byPhone = near(tokens, CONTACT_VERB, PHONE_WORD, 4) ?? near(tokens, CONTACT_VERB, ME, 2);
  const leaves = near(tokens, GIVES_NUMBER, PHONE_WORD, 2, OTHER_NUMBER);
  for (const span of [call, asked, byPhone, leaves]) {
    if (!span) continue;
    // "Курьер позвонит перед доставкой?" asks how delivery works.
    const around = tokens.slice(Math.max(0, span[0] - 3), span[1] + 4);
    if (around.some(DELIVERY_AGENT) && !around.some(ME)) continue;
    return span;
  }
  return phoneNumber(text, tokens);
}

// --- bargaining beyond the listing ------------------------------------------------------------------
const NOT_MONEY = w(
  /^(фот\w*|видео|ссылк\w*|адрес\w*|номер\w*|контакт\w*|геолокац\w*|размер\w*|фотограф\w*|фотк\w*|скрин\w*)$/,
);
const CUT = w(/^(скин\w*|скинут\w*|скиньт\w*|уступ\w*|подвин\w*)$/);
const PRICE_WORD = w(/^(цен\w*|стоимост\w*|руб\w*|тыс\w*|\d+|немного|чуть|копеечк\w*|сколько)$/);
const OFFER_VERB = w(/^(отдад\w*|отдаст\w*|отдашь|отдаете|продадите|заберу|возьму|take|sell)$/);

/** "отдадите за 40": an offer below the listing price (40 means 40 000 when the price is 45 000). */
function offerBelowPrice(tokens: Token[], price: number | null | undefined): Span | null {
  const span = near(tokens, OFFER_VERB, w(/^\d+$/), 3);
  if (!span) return null;
  const amount = Number(tokens.slice(span[0], span[1] + 1).find((t) => /^\d+$/.test(t.word))?.word);
  if (!price || !Number.isFinite(amount) || amount <= 0) return span;
  // Buyers name thousands without the zeros ("за 40" for 45 000), never the other way round.
  const offered = amount < 1000 && price >= 10_000 ? amount * 1000 : amount;
  return offered < price ? span : null;
}

function bargaining(tokens: Token[], price: number | null | undefined): Span | null {
  return (
    single(tokens, w(/^(скидк\w*|скидочк\w*|discount\w*|cheaper)$/)) ??
    near(tokens, CUT, PRICE_WORD, 3, NOT_MONEY) ??
    single(tokens, w(/^(торг|торга|торгуетесь|торгуемся|торговаться|торгнемся|торганемся|haggle)$/)) ??
    offerBelowPrice(tokens, price) ??
    single(tokens, w(/^(дешевл\w*|подешевл\w*)$/)) ??
    near(
      tokens,
      w(/^(последн\w*|минимальн\w*|окончательн\w*|крайн\w*|низк\w*|lowest|best)$/),
      w(/^(цен\w*|price)$/),
      1,
    )
  );
}

// --- after delivery: the wrong item, or a damaged or incomplete one --------------------------------
/** The item reached the buyer (past tense): a question about what would happen is not a complaint. */
const DELIVERED = w(
  /^(пришел|пришла|пришло|пришли|приехал|приехала|приехало|приехали|привезли|привез|доставили|доставлен\w*|прислали|прислал|отправили|получил\w*|купил\w*|забрал\w*|распаковал\w*|открыл\w*|arrived|received|delivered|sent)$/,
);
/** "а если придёт со сколом?", "вдруг привезут не тот цвет": a question before buying. */
const HYPOTHETICAL = w(/^(если|вдруг|случае|бывает|будет|окажется|придет|придут|привезут|пришлют|if)$/);
const DAMAGED = w(
  /^(сломан\w*|сломал\w*|бракован\w*|брак|браком|разбит\w*|разбил\w*|поврежд\w*|скол|скола|сколом|сколы|сколами|царапин\w*|поцарапан\w*|трещин\w*|треснул\w*|вмятин\w*|помят\w*|мятый|мятая|порван\w*|порвал\w*|разорван\w*|порез\w*|прокол\w*|грыж\w*|вздут\w*|дыр\w*|пятн\w*|испачкан\w*|грязн\w*|отломан\w*|отломал\w*|отвалил\w*|оторван\w*|деформ\w*|некомплект\w*|бит(?:ый|ая|ое|ые|ых|ую|ой|ыми)|мокр\w*|намок\w*|промок\w*|отсырел\w*|вытек\w*|протек\w*|пролил\w*|разлил\w*|просроч\w*|испорчен\w*|протух\w*|тухл\w*|прокис\w*|плесен\w*|заплесневел\w*|лома(?:ется|ются)|трескается|трескаются|крошится|крошатся|облезает|облезла|отклеивается|отклеилось|broken|damaged|scratched|cracked|leaked|expired)$/,
);
/** "не работает", "не включается", "не хватает": something missing or failing. */
const FAILS = w(
  /^(работает|работают|включается|заряжается|складывается|раскладывается|крутится|едет|закрывается|открывается|хватает|хватило)$/,
);
const NOT = w(/^(не|нет|not)$/);
const WRONG = w(/^(тот|та|то|те|того|той|ту|тех|такой|такая|такого|соответствует|совпадает)$/);
const OTHER = w(/^(другой|другого|другую|другая|другие|других|other|wrong)$/);
const ITEM_TRAIT = w(
  /^(цвет\w*|размер\w*|модел\w*|товар\w*|комплект\w*|оттен\w*|фасон\w*|colou?r|size|model|item)$/,
);

function notThe(tokens: Token[]): Span | null {
  for (let i = 0; i + 1 < tokens.length; i++) {
    if (NOT(tokens[i]!) && WRONG(tokens[i + 1]!)) return [i, i + 1];
  }
  return null;
}

function wrongItem(tokens: Token[]): Span | null {
  if (has(tokens, HYPOTHETICAL)) return null;
  const mixedUp = single(tokens, w(/^(перепутали|перепутал|перепутан\w*|mixed)$/));
  if (mixedUp) return mixedUp;
  if (!has(tokens, DELIVERED)) return null;
  return (
    notThe(tokens) ??
    near(tokens, OTHER, ITEM_TRAIT, 2) ??
    // "пришёл другой крем": "другой" right after the delivery verb is the item itself.
    near(tokens, DELIVERED, OTHER, 1) ??
    single(tokens, w(/^(вместо|instead)$/))
  );
}

/** Where a missing part was expected: "в коробке нет кабеля". */
const PACKED = w(/^(коробк\w*|комплект\w*|упаковк\w*|посылк\w*|набор\w*|пакет\w*|box|package)$/);
/** "нет вопросов", "нет претензий": nothing missing. */
const NOTHING_WRONG = w(/^(вопрос\w*|проблем\w*|претензи\w*|замечани\w*|нареканий)$/);

/** A delivery that came short: the verb says it was delivered. */
const SHORT_DELIVERY = w(
  /^(недовезли|недовез|недоложили|недоложил|недопоставили|недослали|недодали|недовложили|недовложение)$/,
);

function damaged(tokens: Token[]): Span | null {
  if (has(tokens, HYPOTHETICAL)) return null;
  const short = single(tokens, SHORT_DELIVERY);
  if (short) return short;
  if (!has(tokens, DELIVERED)) return null;
  const broken = single(tokens, DAMAGED);
  if (broken) return broken;
  if (has(tokens, PACKED)) {
    const at = tokens.findIndex(
      (t, i) => t.word === 'нет' && tokens[i + 1] !== undefined && !NOTHING_WRONG(tokens[i + 1]!),
    );
    if (at >= 0) return [at, at + 1];
  }
  for (let i = 0; i + 1 < tokens.length; i++) {
    if (NOT(tokens[i]!) && FAILS(tokens[i + 1]!)) return [i, i + 1];
  }
  return null;
}

// --- complaints: dissatisfaction with an order or with us --------------------------------------------
function complaint(tokens: Token[]): Span | null {
  return (
    single(
      tokens,
      w(
        /^(жалоб\w*|претензи\w*|недовол\w*|обманул\w*|обман|развели|кошмар\w*|ужасн\w*|отвратительн\w*|безобрази\w*|хамств\w*|нахамил\w*|complaint|terrible|awful)$/,
      ),
    ) ?? damaged(tokens)
  );
}

/** Owner keywords: every word of the keyword, by stem, consecutively in the message. */
function keyword(tokens: Token[], keywords: readonly string[]): Span | null {
  for (const k of keywords) {
    const stems = tokenize(k).map((t) => t.stem);
    if (stems.length === 0) continue;
    for (let i = 0; i + stems.length <= tokens.length; i++) {
      if (stems.every((s, j) => tokens[i + j]!.stem === s)) return [i, i + stems.length - 1];
    }
  }
  return null;
}

/**
 * Decides whether buyer messages must go to the owner before any retrieval. Morphology-aware (word
 * forms and stems, not exact phrases) and context-aware: a noun alone ("менеджер по доставке сказал…",
 * "человек на фото — это вы?") is not a request, and a question about the return policy is not a demand.
 * A call request is a lead ("перезвоните", a phone number left); "курьер позвонит?" is not. A wrong or
 * damaged delivered item is escalated; "а если придёт со сколом?" asks before buying and is not.
 * Checked in order: threat, refund, human request, callback, bargaining, wrong item, complaint, owner
 * keyword.
 */
export function detectEscalation(
  texts: readonly string[],
  options: EscalationOptions = {},
): Escalation | null {
  for (const text of texts) {
    const tokens = tokenize(text);
    const checks: Array<[EscalationReason, () => Span | null]> = [
      ['threat', () => threat(tokens)],
      ['refund', () => refund(tokens)],
      ['human_request', () => humanRequest(tokens)],
      ['callback', () => callback(text, tokens)],
      ['bargaining', () => bargaining(tokens, options.listingPrice)],
      ['wrong_item', () => wrongItem(tokens)],
      ['complaint', () => complaint(tokens)],
      ['keyword', () => keyword(tokens, options.keywords ?? [])],
    ];
    for (const [reason, check] of checks) {
      const span = check();
      if (span) return { reason, matched: text.slice(tokens[span[0]]!.start, tokens[span[1]]!.end) };
    }
  }
  return null;
}
