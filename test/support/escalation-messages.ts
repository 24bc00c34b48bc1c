import fc from 'fast-check';
import { detectEscalation, type EscalationReason } from '../../src/rag/escalation.js';

/**
 * Buyer messages that match the escalation rules, built from the rules' vocabulary in many word forms
 * and placed in ordinary chatter: what a buyer needing a person writes. `keywords` are owner keywords
 * the message needs (empty unless `reason` is `keyword`).
 */
export interface EscalatingMessages {
  /** The unanswered buyer messages, one of which escalates. */
  questions: string[];
  reason: EscalationReason;
  keywords: string[];
}

/** The listing price the bargaining offers are below. */
export const LISTING_PRICE = 1500;

const humanRequest = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(
        'позовите',
        'позови',
        'пригласите',
        'дайте',
        'подключите',
        'соедините с',
        'переключите на',
      ),
      fc.constantFrom('', 'пожалуйста ', 'срочно '),
      fc.constantFrom(
        'менеджера',
        'оператора',
        'продавца',
        'хозяина',
        'владельца',
        'администратора',
        'консультанта',
        'сотрудника',
        'специалиста',
        'руководителя',
        'человека',
      ),
    )
    .map(([verb, filler, person]) => `${verb} ${filler}${person}`),
  fc
    .tuple(
      fc.constantFrom('хочу поговорить с', 'можно пообщаться с', 'свяжите с', 'дайте поговорить с'),
      fc.constantFrom('менеджером', 'оператором', 'человеком', 'продавцом', 'владельцем', 'консультантом'),
    )
    .map(([verb, person]) => `${verb} ${person}`),
  fc.constantFrom(
    'вы бот?',
    'это робот?',
    'ты бот или нет',
    'дайте живого человека',
    'I want to talk to a human',
    'speak to a manager please',
  ),
);

/** A call asked for or a number left: a lead for the owner. */
const callback = fc.oneof(
  fc.constantFrom(
    'перезвоните мне',
    'перезвоните, пожалуйста',
    'наберите меня',
    'позвоните мне вечером',
    'можете мне позвонить?',
    'свяжитесь со мной по телефону',
    'давайте созвонимся',
    'жду звонка',
    'оставлю свой телефон',
  ),
  fc
    .tuple(
      fc.constantFrom('мой номер', 'звоните', 'вот телефон:', ''),
      fc.constantFrom('+7', '8', ''),
      fc.integer({ min: 900, max: 999 }),
      fc.integer({ min: 1_000_000, max: 9_999_999 }),
    )
    .map(([lead, prefix, code, rest]) => `${lead} ${prefix}${code}${rest}`.trim()),
);

/** A delivered item that is not the one ordered. */
const wrongItem = fc
  .tuple(
    fc.constantFrom('пришёл', 'привезли', 'прислали', 'доставили', 'получил'),
    fc.constantFrom('не тот цвет', 'не ту модель', 'не тот размер', 'другой цвет', 'другую модель'),
  )
  .map(([verb, what]) => `${verb} ${what}`);

const threat = fc.constantFrom(
  'подам в суд',
  'засужу',
  'засудим вас',
  'обращусь в полицию',
  'напишу в прокуратуру',
  'вы мошенники',
  'кидалы',
  'аферисты',
  'я пожалуюсь',
  'напишу жалобу в поддержку Авито',
  'оставлю плохой отзыв',
  'негативный отзыв оставлю',
);

const refund = fc.constantFrom(
  'верните деньги',
  'верните мне деньги немедленно',
  'когда вернёте деньги?',
  'хочу вернуть товар',
  'требую возврат средств',
  'прошу оформить возврат',
  'оформите возврат',
  'заберите товар обратно',
  'деньги назад',
);

const bargaining = fc.oneof(
  fc.constantFrom(
    'сделаете скидку?',
    'скидочку дадите?',
    'скинете немного?',
    'скиньте цену',
    'уступите чуть-чуть?',
    'торг уместен?',
    'торгуетесь?',
    'а дешевле можно?',
    'какая последняя цена?',
    'минимальная цена какая?',
  ),
  fc
    .tuple(
      fc.constantFrom('отдадите за', 'продадите за', 'заберу за', 'возьму за'),
      fc.integer({ min: 1, max: LISTING_PRICE - 1 }),
    )
    .map(([verb, amount]) => `${verb} ${amount}?`),
);

const complaint = fc.constantFrom(
  'пришёл сломанный',
  'привезли разбитый',
  'получил бракованный товар',
  'приехал со сколом',
  'привезли поцарапанный',
  'доставили с трещиной',
  'получила, а он не включается',
  'это кошмар',
  'я очень недоволен',
  'ужасное обслуживание',
  'у меня претензия к качеству',
);

/** A made-up owner keyword that no other rule catches, and the message naming it. */
const keyword = fc
  .stringMatching(/^[а-я]{5,9}$/)
  .filter((word) => detectEscalation([`про ${word}`]) === null)
  .chain((word) =>
    fc
      .constantFrom(
        `а ${word} есть?`,
        `интересует ${word}`,
        `${word.charAt(0).toUpperCase()}${word.slice(1)} возможен?`,
      )
      .map((text) => ({ text, keywords: [word] })),
  );

/** Ordinary chatter around the trigger: greetings, thanks, other questions. */
const PREFIXES = ['', 'Здравствуйте! ', 'Добрый день. ', 'Я по объявлению. ', 'Слушайте, ', 'Кстати, '];
const SUFFIXES = ['', ' Спасибо.', ' Жду ответа.', '!!!', ' 🙏'];
const OTHER_QUESTIONS = ['Какой цвет?', 'Есть доставка?', 'А размер какой?', 'Здравствуйте'];

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

export const escalatingMessages: fc.Arbitrary<EscalatingMessages> = fc
  .tuple(
    fc.oneof(
      humanRequest.map((text) => ({ text, reason: 'human_request' as const, keywords: [] as string[] })),
      callback.map((text) => ({ text, reason: 'callback' as const, keywords: [] as string[] })),
      wrongItem.map((text) => ({ text, reason: 'wrong_item' as const, keywords: [] as string[] })),
      threat.map((text) => ({ text, reason: 'threat' as const, keywords: [] as string[] })),
      refund.map((text) => ({ text, reason: 'refund' as const, keywords: [] as string[] })),
      bargaining.map((text) => ({ text, reason: 'bargaining' as const, keywords: [] as string[] })),
      complaint.map((text) => ({ text, reason: 'complaint' as const, keywords: [] as string[] })),
      keyword.map(({ text, keywords }) => ({ text, reason: 'keyword' as const, keywords })),
    ),
    fc.constantFrom(...PREFIXES),
    fc.constantFrom(...SUFFIXES),
    fc.boolean(),
    fc.subarray(OTHER_QUESTIONS),
    fc.nat(),
  )
  .map(([trigger, prefix, suffix, upper, others, at]) => {
    const body = prefix === '' && upper ? capitalize(trigger.text) : trigger.text;
    const message = `${prefix}${body}${suffix}`;
    const questions = [...others];
    questions.splice(at % (others.length + 1), 0, message);
    return { questions, reason: trigger.reason, keywords: trigger.keywords };
  });
