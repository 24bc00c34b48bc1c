import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAnswerer } from '../../src/rag/answer.js';
import { detectEscalation, type EscalationReason } from '../../src/rag/escalation.js';
import type { Store } from '../../src/store/port.js';
import { escalatingMessages, LISTING_PRICE } from '../support/escalation-messages.js';
import { FALLBACK, silentLogger } from './helpers.js';

const positives: Array<[string, EscalationReason]> = [
  ['Позовите менеджера', 'human_request'],
  ['позовите, пожалуйста, менеджера!', 'human_request'],
  ['Хочу поговорить с человеком', 'human_request'],
  ['соедините с оператором', 'human_request'],
  ['Можно связаться с продавцом напрямую?', 'human_request'],
  ['Дайте живого человека', 'human_request'],
  ['Вы бот?', 'human_request'],
  ['перезвоните мне', 'callback'],
  ['I want to talk to a human', 'human_request'],
  ['Верните деньги', 'refund'],
  ['верните мне деньги немедленно', 'refund'],
  ['Хочу вернуть товар', 'refund'],
  ['Требую возврат средств', 'refund'],
  ['Оформите возврат', 'refund'],
  ['Когда вернете деньги?', 'refund'],
  ['Скиньте цену', 'bargaining'],
  ['скинете немного?', 'bargaining'],
  ['Отдадите за 40?', 'bargaining'],
  ['А за 1000 отдадите?', 'bargaining'],
  ['Торг уместен?', 'bargaining'],
  ['Сделаете скидку?', 'bargaining'],
  ['Какая последняя цена?', 'bargaining'],
  ['Можно дешевле?', 'bargaining'],
  ['Подам в суд', 'threat'],
  ['Обращусь в полицию', 'threat'],
  ['Вы мошенники!', 'threat'],
  ['Напишу жалобу в Авито', 'threat'],
  ['Я пожалуюсь', 'threat'],
  ['Оставлю плохой отзыв', 'threat'],
  ['Товар пришел сломанный', 'complaint'],
  ['У меня претензия к качеству', 'complaint'],
  ['Я очень недоволен', 'complaint'],
  // A call asked for, or a number left: a lead for the owner.
  ['Свяжитесь со мной по телефону 8 916 123-45-67', 'callback'],
  ['перезвоните, пожалуйста', 'callback'],
  ['Наберите меня после 18', 'callback'],
  ['Можете мне позвонить?', 'callback'],
  ['Давайте созвонимся', 'callback'],
  ['жду звонка', 'callback'],
  ['Оставлю свой телефон', 'callback'],
  ['+79161234567 Анна', 'callback'],
  // A delivered item that is wrong, damaged or incomplete.
  ['Пришёл не тот цвет', 'wrong_item'],
  ['Вы прислали не ту модель', 'wrong_item'],
  ['Привезли другой размер', 'wrong_item'],
  ['Вы перепутали заказ', 'wrong_item'],
  ['Диван приехал со сколом', 'complaint'],
  ['привезли поцарапанный стол', 'complaint'],
  ['Получила коляску — не работает тормоз', 'complaint'],
  ['в коробке не хватает болтов, получил вчера', 'complaint'],
  ['Получила посылку, в комплекте нет инструкции', 'complaint'],
  // Spoilt, leaking, wet or short: a delivery gone wrong in any trade.
  ['Привезли краску, а она просрочена', 'complaint'],
  ['Банка пришла помятая, масло вытекло', 'complaint'],
  ['Коробки привезли мокрые', 'complaint'],
  ['Купил у вас плитку, она крошится', 'complaint'],
  ['Недовезли три коробки', 'complaint'],
  ['Пришла другая краска, не та что заказывал', 'wrong_item'],
  ['Прислали другую книгу', 'wrong_item'],
  ['Нужен человек, а не автоответчик', 'human_request'],
];

const nearMisses = [
  'Менеджер по доставке сказал, что завтра',
  'Человек на фото — это вы?',
  'Какой возврат предусмотрен по гарантии?',
  'Если не подойдёт, можно вернуть?',
  'Скиньте фото, пожалуйста',
  'Скиньте 2 фото сбоку',
  'Сколько стоит?',
  'Судя по фото, кресло новое?',
  'Не судите строго, я впервые на Авито',
  'Есть посуда в комплекте?',
  'Доставка в торговый центр возможна?',
  'Пожалуйста, подскажите размер',
  'Вернусь с деньгами завтра и заберу',
  'А ботинки в наличии?',
  'Возьму за 1500, как в объявлении',
  // Before buying, "what if" is a policy question the documents answer (decided: not a complaint).
  'А если придёт со сколом, поменяете?',
  'Что будет, если привезут не тот цвет?',
  'Царапины на корпусе есть?',
  'Получил, всё работает, спасибо!',
  'Получила посылку, нет вопросов, спасибо',
  'А в комплекте нет зарядки?',
  'Есть другой цвет?',
  // A call that is the delivery's business, a phone that is the item, a number that is not a phone.
  'Курьер позвонит перед доставкой?',
  'Водитель звонит заранее?',
  'Есть приложение для телефона?',
  'Телефон в комплекте с зарядкой?',
  'Какой номер модели?',
  'Номер заказа 123456789012, когда отправите?',
  'Можно ли позвонить в магазин перед приездом?',
  // Before buying, spoilt goods and another item are policy questions; a person may be the item's user.
  'А если привезут просроченную, что тогда?',
  'Коробки не намокнут в дороге?',
  'А если придёт другая модель?',
  'Для скольких человек нужен стол?',
];

describe('escalation rules', () => {
  it.each(positives)('when a buyer writes «%s», then it escalates as %s', (text, reason) => {
    expect(detectEscalation([text], { listingPrice: 1500 })?.reason).toBe(reason);
  });

  it.each(nearMisses)('when a buyer writes the near-miss «%s», then it does not escalate', (text) => {
    expect(detectEscalation([text], { listingPrice: 1500 })).toBeNull();
  });

  it('when an offer is at the listing price (in thousands), then it is not bargaining; below, it is', () => {
    expect(detectEscalation(['отдадите за 40?'], { listingPrice: 40_000 })).toBeNull();
    expect(detectEscalation(['отдадите за 40?'], { listingPrice: 45_000 })?.reason).toBe('bargaining');
  });

  it('when an owner keyword appears in another word form, then it escalates as keyword with the span', () => {
    const hit = detectEscalation(['Есть ли оптовые цены для юрлиц?'], { keywords: ['оптовая цена'] });
    expect(hit).toEqual({ reason: 'keyword', matched: 'оптовые цены' });
    expect(detectEscalation(['Есть ли доставка?'], { keywords: ['оптовая цена'] })).toBeNull();
  });

  it('when several messages are given, then any one of them escalates and matched quotes it', () => {
    const hit = detectEscalation(['Здравствуйте', 'позовите менеджера пожалуйста']);
    expect(hit).toEqual({ reason: 'human_request', matched: 'позовите менеджера' });
  });
});

// Round 5 (issue 20): general shapes of a complaint or a request for a person in any trade, each written in
// another trade's words than the eval sets'. Every positive here was missed by the code before it.
const anyTrade: Array<[string, EscalationReason]> = [
  // A defect said in a general Russian vocabulary, once the buyer has the item (delivered, bought, in use).
  ['Купил у вас чайник, течёт снизу', 'complaint'],
  ['Плитка пришла треснутая', 'complaint'],
  ['Мотоблок заглох через час, брал у вас в субботу', 'complaint'],
  ['Ноутбук глючит, купила на прошлой неделе', 'complaint'],
  ['Футболка полиняла после первой стирки', 'complaint'],
  ['Телефон перестал заряжаться, заказывал у вас', 'complaint'],
  ['Получил генератор, не заводится', 'complaint'],
  ['Духи оказались подделкой', 'complaint'],
  ['Получила сумку, на ручке шов разошёлся', 'complaint'],
  // What came set against what was ordered, by name or number, or "X, а не Y".
  ['Заказывала Samsung, а пришёл Xiaomi', 'wrong_item'],
  ['Брал 10 мешков, а привезли 8', 'wrong_item'],
  ['Получил куртку, она синяя, а не зелёная', 'wrong_item'],
  // Bargaining in slang, or with a verb that is about the price alone.
  ['Скиньте косарь?', 'bargaining'],
  ['Пятихатку уступите?', 'bargaining'],
  ['Подвинетесь?', 'bargaining'],
  ['Отдадите на пару тыщ меньше?', 'bargaining'],
  ['По цене договоримся?', 'bargaining'],
  // The owner asked for by another name, or the answering machine named.
  ['Мне нужен хозяин магазина', 'human_request'],
  ['Пусть продавец ответит', 'human_request'],
  ['Я с автоответчиком общаюсь?', 'human_request'],
  ['Хочу обсудить с менеджером оптовую цену', 'human_request'],
  // A contact left other than a phone number.
  ['Мой телеграм @ivan_petrov', 'callback'],
  ['Напишите мне в вотсап', 'callback'],
  ['Пишите на ivan.petrov@mail.ru', 'callback'],
  ['Ответьте на почту (почта@магазин.рф).', 'callback'],
  // An order that has not come, a rude seller, junk sold, no answer.
  ['Заказ так и не пришёл', 'complaint'],
  ['Где мой заказ?', 'complaint'],
  ['Третью неделю жду посылку', 'complaint'],
  ['Продавец нагрубил по телефону', 'complaint'],
  ['Вы продаёте брак', 'complaint'],
  ['Почему не отвечаете?', 'complaint'],
  // An exchange demanded for an item the buyer has.
  ['Получила, размер мал, обменяйте', 'refund'],
  ['Купил вчера, хочу обменять на другой цвет', 'refund'],
];

const anyTradeNearMisses = [
  // Look-alikes of the new stems: «в течение», «сколько».
  'В течение какого срока можно вернуть?',
  'Заказывал у вас в прошлом году, сколько сейчас доставка?',
  // A defect said to be absent, a happy repeat buyer, a quick delivery.
  'Получила, без царапин, спасибо!',
  'Получил, дефектов нет, всё отлично',
  'Брала у вас раньше, понравилось. Есть ещё такие?',
  'Заказал вчера, а привезли уже сегодня, спасибо!',
  'Получил, а не могу разобраться, как включить',
  'Купила у вас крем, пахнет приятно, хочу ещё',
  // Pieces, not money; a service or a trade-in, not an exchange of a bought item.
  'Возьму две штуки, привезёте?',
  'Заберу сотку кирпича, доставка есть?',
  'Хочу поменять резину на зимнюю, запишете?',
  'Хочу обменять свой айфон по трейд-ин',
  // Before buying: what if, a future defect, an order not yet due.
  'Если придёт треснутый, что делать?',
  'Не треснет на морозе?',
  'Если не придёт вовремя, что делать?',
  'Заказала, когда отправите?',
  'Через неделю заберу, отложите?',
  'Сколько дней ожидать доставку?',
  // A seller who brings the item, a machine that is the item, a size table.
  'Продавец сам привезёт?',
  'Стиральная машина автомат?',
  'Можно забрать лично у продавца?',
  'Где можно посмотреть мой размер в таблице?',
];

// Round 6: shapes the fishing set showed after its first run (each positive missed by round 5).
const roundSix: Array<[string, EscalationReason]> = [
  // "A little" and an amount in words with an offer.
  ['Скинете чуточку?', 'bargaining'],
  ['Давайте за две тысячи, и я сразу заберу', 'bargaining'],
  // Leaks of air; «же» after an ordinal; a failure by itself in the past, with no purchase word.
  ['Матрас сдувается за ночь, покупали у вас', 'complaint'],
  ['Куртка порвалась в первый же выход', 'complaint'],
  ['Чайник сгорел, пользовались неделю', 'complaint'],
  // Delivered without a part; the carrier's damage.
  ['Привезли шкаф без ручек', 'complaint'],
  ['Водитель уронил коробку, стекло разбито', 'complaint'],
  // Ordered one thing, another came, without «а»; or the order named after what came.
  ['Заказывала красное платье, пришло синее', 'wrong_item'],
  ['Прислали 5 литров, а у меня в заказе 10', 'wrong_item'],
];

const roundSixNearMisses = [
  // The buyer's own doing, or a failure brought to a repair service.
  'Лодку порвал на коряге, заплатку сделаете?',
  'Сломался телефон, почините?',
  // Without nothing wrong; a delivery praised, timed or tracked.
  'Доставили без опозданий, спасибо',
  'Получил без проблем',
  'Заказала платье, пришло отличное, спасибо!',
  'Заказывал в пятницу, пришло в понедельник — так всегда?',
  'Заказал, прислали трек, когда будет?',
  // An amount in words with no offer; a leak before buying.
  'За две тысячи доставка в область?',
  'Если сдуется за ночь, поменяете?',
];

// Round 7: shapes the garden set showed after its first run (each positive missed by round 6).
const roundSeven: Array<[string, EscalationReason]> = [
  // A colour or state turned, or dried out, in the past.
  ['Крем потемнел через неделю, брала у вас', 'complaint'],
  ['Фикус пожелтел, покупали в вашем магазине', 'complaint'],
  ['Тушь засохла, получила вчера', 'complaint'],
  // What should have happened did not.
  ['Рассада так и не взошла', 'complaint'],
  ['Роутер так и не заработал', 'complaint'],
  ['Котёнок не прижился у нас, заберёте?', 'complaint'],
  // The carrier late.
  ['Водитель опоздал на два часа', 'complaint'],
  // An amount in words after «по».
  ['По тысяче отдадите, если возьму пять?', 'bargaining'],
];

const roundSevenNearMisses = [
  'Не пожелтеет зимой?',
  'Я так и не понял, сколько стоит доставка',
  'Не получилось забрать вчера, можно сегодня?',
  'Пока не определилась с размером, подскажите',
  'Если не приживётся, замените?',
  'Если курьер опоздает, что делать?',
  'Я опоздала, можно завтра забрать?',
  'По тысяче в месяц рассрочка есть?',
];

// Round 8: a statement, not a question, once the buyer has the item — whatever the trade's words.
const roundEight: Array<[string, EscalationReason]> = [
  ['Привезли комод, один ящик перекошен', 'complaint'],
  ['Заказывала чехол для Xiaomi, на коробке написано Samsung', 'complaint'],
  ['Получил заказ, краска по цвету совсем не как на фото', 'complaint'],
  ['Купила у вас кашпо, дно протирается', 'complaint'],
];

const roundEightNearMisses = [
  // A question without «?»: a question word or a request for advice.
  'Купил у вас диван, подскажите как почистить',
  'Заказала вчера, когда отправите',
  // Thanks, all well, buying again.
  'Получил заказ, спасибо большое',
  'Получила посылку, всё в порядке',
  'Купила у вас крем, хочу ещё два',
  // With «?», the answerer keeps it.
  'Купил у вас лодку в прошлом году, на хранение берёте?',
];

// Round 9: a defect stated, not asked about, with no word of buying; a carrier's broken promise.
const roundNine: Array<[string, EscalationReason]> = [
  ['Мотор гудит и выключается на полной скорости', 'complaint'],
  ['Ноутбук не заряжается вообще', 'complaint'],
  ['Клавиатура залипает, буквы не печатаются', 'complaint'],
  ['Экран мерцает и мигает', 'complaint'],
  ['В коробке не хватает двух винтов', 'complaint'],
  ['Курьер обещал привезти до обеда, уже вечер и никого', 'complaint'],
];

const roundNineNearMisses = [
  // Asked, not stated; before buying.
  'Мотор не гудит при работе?',
  'А если мотор будет гудеть, поменяете?',
  'Пульс меряет',
  'Складывается без инструментов',
  // A defect said to be absent, or named as what the item is for or against, in a question without «?»;
  // a carrier's promise that is not said to be broken.
  'Кровать не скрипит',
  'Курьер обещал позвонить за час',
  'Для мокрой уборки подходит',
  'Чехол защищает от царапин',
  // Asking for the shop's number leaves none.
  'Дайте номер телефона магазина',
  'Скиньте ваш номер телефона',
];

const roundTen: Array<[string, EscalationReason]> = [
  // Something fell out of the item, a leak that left a puddle or flooded the neighbours.
  ['У куртки выпала кнопка после первой носки', 'complaint'],
  ['Из пульта выпадает батарейный отсек', 'complaint'],
  ['После вашей установки под стиральной машиной лужа', 'complaint'],
  ['Затопило соседей из-за вашего шланга, приезжайте', 'complaint'],
  // The same words after the fact stay a complaint.
  ['Джинсы сели после первой стирки, верните деньги', 'refund'],
  ['Сели после первой же стирки', 'complaint'],
];

const roundTwelve: Array<[string, EscalationReason]> = [
  // What was ordered, then what the package holds; a person asked for in person; a part that fell out.
  ['Заказывала крем для лица, в посылке шампунь', 'wrong_item'],
  ['Заказывал синий чехол, в коробке какой-то зелёный', 'wrong_item'],
  ['Хочу поговорить с мастером лично', 'human_request'],
  ['Через день после покупки вывалилась кнопка из пульта', 'complaint'],
  // A replacement wanted but not priced: the failure stays a complaint.
  ['Куст не прижился, надо заменить', 'complaint'],
];

const roundTwelveNearMisses = [
  // What a package holds, asked; a replacement priced is a question for the workshop.
  'Заказала набор, в коробке есть инструкция на русском?',
  'Выпала кнопка у пульта, сколько стоит заменить?',
  'Можно лично приехать посмотреть?',
];

const roundTenNearMisses = [
  // Asked before buying, or a puddle that is weather; «при первом …» is a condition asked about.
  'Футболки линяют при первой стирке?',
  'Краска облезает при первом же мытье?',
  'Камни из серёжек не выпадают со временем?',
  'Если будет лужа под машинкой, что делать?',
  'На улице лужи, курьер сможет подъехать к подъезду?',
];

// Rounds 5-12 are tested at one listing price: «за две тысячи» is an offer below 2 500.
const anyTradeCases = [
  ...anyTrade,
  ...roundSix,
  ...roundSeven,
  ...roundEight,
  ...roundNine,
  ...roundTen,
  ...roundTwelve,
];
const anyTradeNearMissCases = [
  ...anyTradeNearMisses,
  ...roundSixNearMisses,
  ...roundSevenNearMisses,
  ...roundEightNearMisses,
  ...roundNineNearMisses,
  ...roundTenNearMisses,
  ...roundTwelveNearMisses,
];

describe('escalation rules for any trade', () => {
  it.each(anyTradeCases)('when a buyer writes «%s», then it escalates as %s', (text, reason) => {
    expect(detectEscalation([text], { listingPrice: 2500 })?.reason).toBe(reason);
  });

  it.each(anyTradeNearMissCases)(
    'when a buyer writes the near-miss «%s», then it does not escalate',
    (text) => {
      expect(detectEscalation([text], { listingPrice: 2500 })).toBeNull();
    },
  );

  it('when a complaint names the defect, then matched quotes the defect word', () => {
    expect(detectEscalation(['Плитка пришла треснутая'])?.matched).toBe('треснутая');
  });

  it('when the offer in words is at the listing price, then it is not bargaining', () => {
    expect(detectEscalation(['Давайте за три тысячи, и я сразу заберу'], { listingPrice: 3000 })).toBeNull();
  });
});

describe('escalation before any answer (properties)', () => {
  const listing = { itemId: '4242', title: 'Кресло офисное', price: `${LISTING_PRICE} ₽`, url: null };

  it('property: when any message matches the rules, then the answerer escalates and never retrieves or answers', async () => {
    await fc.assert(
      fc.asyncProperty(escalatingMessages, fc.boolean(), async (m, withModel) => {
        let retrievals = 0;
        const answer = createAnswerer({
          store: {} as Store,
          logger: silentLogger,
          fallbackText: FALLBACK,
          escalationKeywords: [],
          models: withModel
            ? {
                generate: () => {
                  retrievals++;
                  return Promise.resolve({
                    text: 'Конечно, всё есть.',
                    provider: 'gemini',
                    model: 'gemini-test',
                    finishReason: 'STOP',
                    passages: [
                      {
                        docId: null,
                        title: 'doc',
                        itemId: null,
                        scope: 'general',
                        origin: 'folder',
                        text: 'Конечно, всё есть.',
                      },
                    ],
                    cited: [],
                  });
                },
              }
            : null,
          localIndex: {
            search: () => {
              retrievals++;
              return Promise.resolve([]);
            },
          },
        });
        const decision = await answer(
          { questions: m.questions, history: [], listing },
          { keywords: m.keywords },
        );
        expect(decision).toMatchObject({ kind: 'escalate', reason: m.reason });
        expect(decision).not.toHaveProperty('text');
        if (decision.kind === 'escalate') {
          expect(m.questions.some((q) => q.includes(decision.matched))).toBe(true);
        }
        expect(retrievals).toBe(0);
      }),
      { numRuns: 400 },
    );
  });
});
