/**
 * What the words of a buyer's question mean to a seller's documents: the vocabulary the coverage check
 * (does a passage answer this question?) and retrieval share. General to Avito trade in Russian, not to
 * one shop: buyers and documents name the same things differently ("привезёте?" — «доставка»,
 * "батарея" — «аккумулятор», "в кредит" — «рассрочка», "в Пермь" — «в другие города»).
 * Every pattern is matched against a whole normalised word (lower case, `ё` → `е`).
 */

/**
 * A notion that buyers and documents name with different words. A question word matching `ask` is
 * answered by a document word matching `say`, or by text matching `shows` (a price for "сколько стоит",
 * a size for "какой размер"). Directed: "размер" is answered by «ширина», but "ширина" is not answered
 * by «размер». `words` are document words retrieval adds to a query that has an `ask` word.
 */
export interface Concept {
  name: string;
  ask: RegExp;
  say: RegExp;
  shows?: RegExp;
  words: string;
  /**
   * A notion a document often discusses next to this one, under one title ("Доставка и самовывоз"): a
   * sentence about it does not answer this one just because the title names both.
   */
  contrast?: string;
}

/** `(a|b)` plus any ending: a word starting with one of the stems. */
const starts = (stems: string) => new RegExp(`^(?:${stems})\\p{L}*$`, 'u');
/** Exactly one of the forms. */
const exactly = (forms: string) => new RegExp(`^(?:${forms})$`, 'u');
/** A stem with the endings of an adjective (or none): colours and other adjectives with short stems. */
const ADJ = '(?:ый|ий|ой|ая|яя|ое|ее|ые|ие|ого|его|ому|ему|ым|им|ом|ем|ую|юю|ых|их|ыми|ими)?';
const adjective = (stems: string) => new RegExp(`^(?:${stems})${ADJ}$`, 'u');
const either = (...res: RegExp[]) => new RegExp(res.map((r) => `(?:${r.source})`).join('|'), 'u');

const DELIVERY = starts(
  'доставк|достав[илья]|доставлен|привез|привоз|довез|довоз|завез|завоз|перевез|перевоз|отправ|высыл|вышл|высла|пересыл|перешл|пошл[её]|пошлю|пошлит|шл[её]т|отгруз|deliver|ship',
);
/** "Возите?", "до скольки возите": the plain verb, in its forms only ("воз" alone is a cart). */
const CARRY = exactly('возите|возим|возят|возить|возит|возишь|возили|возил');
const PICKUP = either(
  starts('самовывоз|забра|забер|забир|выдач|самостоятельн'),
  exactly('приеду|приедем|приехать|подъеду|подъедем|подъехать|заеду|заедем|заехать|лично|pickup'),
);
const RUSSIA = starts('росси|регион|област|край|стран|город|населенн|рф');
/** The biggest Russian cities, in stems any case form of the name starts with. */
const CITIES = either(
  starts(
    'москв|мск|подмосков|петербург|питер|спб|новосибирск|нск|екатеринбург|екб|казан|новгород|челябинск|самар|омск|ростов|красноярск|воронеж|перм|волгоград|краснодар|саратов|тюмен|тольятти|ижевск|барнаул|ульяновск|иркутск|хабаровск|ярославл|владивосток|махачкал|томск|оренбург|кемеров|новокузнецк|рязан|астрахан|челн|пенз|киров|липецк|чебоксар|калининград|курск|ставропол|сочи|улан|твер|магнитогорск|брянск|белгород|сургут|владимир|архангельск|калуг|смоленск|курган|череповец|вологд|саранск|владикавказ|якутск|мурманск|тамбов|стерлитамак|грозн|костром|петрозаводск|нижневартовск|новороссийск|сыктывкар|нальчик|таганрог|бийск|псков|благовещенск|абакан|норильск|ангарск|химк|подольск|балаших|мытищ|люберц|красногорск|зеленоград|бердск|анап|геленджик|севастопол|симферопол|крым',
  ),
  exactly(
    'уфа|уфы|уфе|уфу|уфой|тула|тулы|туле|тулу|тулой|чита|читы|чите|читу|орел|орла|орле|орлу|иваново|кострома',
  ),
);
/** "От какой суммы …?": an amount is a price too. */
const PRICE = starts(
  'цен|стоимост|стоит|стоят|стоить|стоил|почем|прайс|бюджет|платн|бесплатн|сумм|price|cost',
);
const PRICE_SAY = starts('цен|стоимост|стоит|стоят|стоить|прайс|руб|бесплатн|платн|доплат|копе|тысяч|сумм');
const PRICE_SHOWS = /\d\s*(?:₽|руб|р\.|тыс)/u;
const PAYMENT = starts('оплат|оплач|плат[иеяю]|заплат|расплат|pay');
const PAYMENT_SAY = starts(
  'оплат|оплач|плат[иеяю]|заплат|расплат|налич|карт|безнал|перевод|сбп|предоплат|стоимост|бесплатн|платн|pay',
);
const CASH = either(starts('наличн|наличк|кэш|cash'), exactly('нал|налом'));
const CARD = starts('карт|безнал|терминал|card|visa');
const TRANSFER = starts('перевод|переве|сбп');
const INSTALMENT = either(starts('рассрочк|кредит|сплит|installment'), exactly('частям|долями'));
const LEGAL = either(
  starts('юрлиц|юридическ|организац|фирм|ндс|безналичн|счет'),
  exactly('юр|ип|ооо|ао|b2b'),
);
const WARRANTY = starts('гарант|warrant|guarantee');
const RETURN = either(
  starts('возврат|вернут|вернет|вернуть|вернем|возвращ|return|refund'),
  exactly('верну|сдать'),
);
const EXCHANGE = starts('обмен|поменя|замен|exchange');
/** "Экран целый?", "в каком состоянии?": answered by what a document says about damage, or its absence. */
const CONDITION = starts('цел[аоы]|целый|состояни|износ|изношен');
const DAMAGE = either(
  starts(
    'поврежд|царап|поцарап|трещин|вмятин|дефект|брак|сломал|сломан|слома|полом|разбит|разбил|порван|порвал|порез|прокол|грыж|вздут|потерт|потертост|пятн|испорч|неисправн|перестал|перестан|damage|broken|scratch',
  ),
  exactly('скол|скола|сколом|сколы|сколов|сколами|дыра|дыру|дырка|дырку|дыры'),
);
const ARRIVAL = either(
  starts('пришл|пришел|прибуд|прибыт|получ|дойд|доход|доедет|приедет|приедут|приехал|arriv|receiv'),
  exactly('придет|придут'),
);
const ARRIVAL_SAY = either(starts('получ|прибыт|вручен|приезд'), DELIVERY);
const SIZE = starts('размер|габарит|size|dimension');
const SIZE_SAY = either(
  starts('размер|габарит|диаметр|size'),
  // Nouns only: "длинный" says nothing about the size.
  exactly(
    'ширина|ширины|шириной|ширину|длина|длины|длиной|длину|высота|высоты|высотой|высоту|глубина|глубины|глубиной|глубину|width|length|height|depth',
  ),
);
const SIZE_SHOWS = /\d\s*[×xх*]\s*\d|\d\s*(?:см|мм)(?![\p{L}])/u;
const WEIGHT = either(
  exactly('вес|веса|весу|весом|весит|весят|весить|весе|weight|weigh|weighs'),
  starts('тяжел|тяжест|легк|легче'),
);
const WEIGHT_SAY = either(
  exactly('вес|веса|весу|весом|весит|весят|весе|масса|массы|массой|массу|weight'),
  starts('тяжел'),
);
const WEIGHT_SHOWS = /\d\s*(?:кг|килограм)/u;
/** "Какой объём?": answered by millilitres or litres. */
const VOLUME = starts('объем|емкост|литраж|volume');
const VOLUME_SAY = either(starts('объем|емкост|литр|миллилитр'), exactly('мл|л|ml'));
const VOLUME_SHOWS = /\d\s*(?:мл|л|ml)(?![\p{L}])/u;
/** "На квадрат", "сколько квадратов": square metres, however written. */
const AREA = either(starts('квадрат|метраж|площад'), exactly('кв|м2|м²'));
const AREA_SAY = either(starts('квадратн|площад|метраж'), exactly('м2|м²|кв'));
const AREA_SHOWS = /\d\s*(?:м²|м2|кв\.?\s*м)/u;
/**
 * Units buyers write in full or in slang ("500 ватт", "герцовка", "16 гигов") and documents as symbols
 * («550 Вт», «144 Гц», «16 ГБ»): any trade's specifications.
 */
const WATT = either(starts('ватт|киловатт'), exactly('вт|квт|w|kw'));
const HERTZ = either(starts('герц'), exactly('гц|hz'));
const UNITS: Concept[] = [
  // «Вес: 27,9 г», «пачки по 250 г»: a gram is a letter after a number in documents ("г." alone is a city,
  // and after a year «2026 г.» a year).
  {
    name: 'gram',
    ask: either(starts('грамм'), exactly('гр|g')),
    say: starts('грамм'),
    shows: /(?<!(?:19|20)\d)\d\s*(?:г|гр)(?![\p{L}])/u,
    words: 'г',
  },
  { name: 'watt', ask: WATT, say: WATT, words: 'вт' },
  { name: 'hertz', ask: HERTZ, say: HERTZ, words: 'гц' },
  {
    name: 'inch',
    ask: starts('дюйм|inch|диагонал'),
    say: starts('дюйм|inch'),
    shows: /\d\s*(?:"|″|'')/u,
    words: 'дюймов',
  },
];

/**
 * "Минимальные диски какие?", "максимальная нагрузка?": answered by the bound a document gives — a word
 * of the bound or a range («диски от 1,25 до 5 кг»).
 */
const LIMIT = starts('минимальн|максимальн|наименьш|наибольш|предельн');
const LIMIT_SAY = starts('минимальн|максимальн|минимум|максимум|наименьш|наибольш|предельн');

/** "7 кило", «до 8 кг»: one unit ("километр" is not it). */
const KILOGRAM = either(exactly('кг|кило|kg'), starts('килограм'));
const COLOR = starts('цвет|расцвет|оттен|окрас|colou?r');
const COLORS = adjective(
  'красн|син|черн|бел|сер|зелен|желт|розов|голуб|фиолетов|коричнев|бежев|графитов|оранжев|бордов|бирюзов|серебрист|золотист|молочн|салатов|кремов|песочн|изумрудн|лилов|малинов|вишнев|темн|светл|графит|беж|хаки|бордо',
);
const MATERIAL = either(
  starts('материал|дерев|древесин'),
  exactly('сделан|сделана|сделано|сделаны|изготовлен|изготовлена|изготовлено'),
);
const MATERIAL_SAY = either(
  starts(
    'материал|дерев|древесин|массив|фанер|лдсп|мдф|дсп|металл|стальн|алюмини|пластик|пластмасс|кож|экокож|ткан|велюр|хлоп|полиэстер|нейлон|бук|дуб|сосн|берез|орех|ясен|бамбук|стекл|карбон|резин|рогож|шенил|флок|микрофибр|войлок|шерст',
  ),
  exactly('сталь|стали|лен|льна|бука|дуба'),
);
const CHILD = either(
  starts('ребен|ребят|ребенк|детск|детишк|малыш|младен|новорожд|child|kid|bab'),
  exactly(
    'дети|детей|детям|детьми|детях|сын|сына|сыну|сыном|дочь|дочка|дочки|дочке|дочку|дочери|сынок|сыночек|доча',
  ),
);
const AGE = either(starts('возраст|годик|годовал|месячн'), exactly('лет|года|год|годам|age'));
const AGE_SAY = either(starts('возраст|новорожд|месяц|месячн'), exactly('лет|года|год|годам|мес'));
const BATTERY = either(starts('аккумулятор|батаре|аккум|акум|battery'), exactly('акб'));
const CHARGE = starts('заряд|заряж|подзаряд|charg');
const DURATION = either(
  starts('долго|быстр|срок|оперативн'),
  exactly(
    'время|времени|дней|дня|день|неделю|недели|недель|час|часа|часов|минут|когда|скоро|сегодня|завтра|послезавтра|сейчас|сразу',
  ),
);
const DURATION_SAY = either(
  starts('срок|следующ|ежедневн|быстр|оперативн|месяц'),
  exactly(
    'день|дня|дней|неделю|недели|недель|неделя|час|часа|часов|минут|минуты|сегодня|завтра|сразу|сутки|суток|год|года|лет',
  ),
);
const DURATION_SHOWS = /\d\s*(?:[–-]\s*\d+\s*)?(?:дн|дня|дней|час|мин|недел|сут|мес|год|лет)|\d{1,2}:\d{2}/u;
/**
 * Opening hours: a span of the day, «с 10 до 21», «10:00–21:00» — not one time, which may be a deadline
 * («если оформить до 15:00»).
 */
const HOURS_SHOWS =
  /(?<![\p{L}\d])с\s+\d{1,2}(?::\d{2})?\s+до\s+\d{1,2}|\d{1,2}:\d{2}\s*(?:[–—-]|до)\s*\d{1,2}:\d{2}/u;
const WEEKDAY = either(
  starts('понедельник|вторник|четверг|пятниц|суббот|воскресен|выходн|будн|weekend|sunday|saturday'),
  exactly('среда|среду|среды'),
);
const WEEKDAY_SAY = either(
  starts('ежедневн|выходн|будн|круглосуточн|понедельник|вторник|четверг|пятниц|суббот|воскресен|daily'),
  exactly('среда|среду|среды'),
);
/**
 * Opening hours written short, «пн–пт с 10 до 19, сб с 11 до 17»: a day's abbreviation only before hours
 * or in a span of days ("Вт" alone is a watt).
 */
const WEEKDAY_SHORT =
  /(?<![\p{L}])(?:пн|вт|ср|чт|пт|сб|вс)(?:\s*[–—-]\s*(?:пн|вт|ср|чт|пт|сб|вс))?(?:\s*[–—-]\s*|,?\s+с\s+)\d/iu;
/** "В лифт войдёт?", "в багажник влезет?": answered by a size, or by a document saying it fits. */
const FIT = starts(
  'войдет|войдут|влез|помест|пролез|пройдет|пройдут|проходит|проходят|встан|уместит|заед|заезж|проед|проезж|fit',
);
const FIT_SAY = either(FIT, SIZE_SAY, starts('подходит|подходят'));
const REMOVABLE = starts('съемн|снима|снять|сним|отстег|отстеги|отсоедин|отвинч|откручива|removab|detach');
const WASH = starts('стир|постир|стирк|машинн|washing|wash');
const LIFT = starts('подъем|подъём|подня|подним|поднос|занес|занос|затащ|lift');
const NOISE = either(starts('шум|тих|громк|noise|noisy|quiet'), exactly('дб|db'));
const SUIT = starts('подойд|подойт|подош|подход');
const ASSEMBLY = starts('сборк|собра|собир|собер|разбор|разобра|монтаж|assembl');
const INCLUDED = either(
  starts('комплект|прилага|набор|отдельн|включ'),
  exactly('входит|входят|идет|идут|include|included'),
);
const INCLUDED_SAY = either(
  starts('комплект|прилага|набор|включ'),
  exactly('входит|входят|include|included'),
);
const REPAIR = either(
  starts('ремонт|почин|обслуж|сервис|техобслуж|мастерск|repair|servic'),
  exactly('чините|чинить|чините|чиним|чинит|чинят'),
);
const REPAIR_SAY = starts('ремонт|почин|обслуж|сервис|техобслуж|мастерск|техническ|repair|servic');
const AVAILABILITY = either(starts('наличи|актуальн|остал|продан|available|stock'));
const AVAILABILITY_SAY = starts('наличи|актуальн|активн|статус|продан|остал|склад');
const LOCATION = either(
  starts('адрес|находит|находя|располож|район|метро|address|location'),
  exactly('где|куда|where'),
);
const LOCATION_SAY = either(
  starts('адрес|улиц|проспект|переул|шоссе|бульвар|площад|метро|район|располож|находи|пункт|корпус|тц'),
  exactly('ул|просп|пр|д|дом|этаж|address'),
);
const LOOK = starts('посмотр|смотр|осмотр|пример|пощупа|вживую|живую');
const TYRES = either(
  starts('резин|покрышк|tyre|tire'),
  exactly('шина|шины|шине|шину|шиной|шин|шинам|шинами|шинах'),
);
const BIKE = either(exactly('велик|велика|велику|великом|велики|великов|великам'), starts('велосипед|байк'));
const COMPUTER = either(
  exactly('ноут|ноута|ноуту|ноутом|комп|компа|компу|компом'),
  starts('ноутбук|компьютер|laptop'),
);

/** "Летнюю …?": answered by what a document says of that season, or of every season («сезонное хранение»). */
const SEASONS: Concept[] = [
  {
    name: 'summer',
    ask: starts('летн|лето|летом|summer'),
    say: starts('летн|лето|летом|сезон|всесезон|summer'),
    words: 'летние сезонные',
  },
  {
    name: 'winter',
    ask: starts('зимн|зима|зиму|зимой|winter'),
    say: starts('зимн|зима|зиму|зимой|сезон|всесезон|winter'),
    words: 'зимние сезонные',
  },
];

/**
 * Pets, young and grown, whose words share no stem ("котёнок" / «кошек», "щенок" / «собак»): answered by
 * any word for the same animal (not by «питомец»: "для собак?" is not answered by what fits every pet).
 */
const PETS: Concept[] = [
  {
    name: 'cat',
    ask: either(
      starts('кош|котен|котят|котик|котэ|кису|киси|cat|kitt'),
      exactly('кот|кота|коту|котом|коте|коты|котов|котам'),
    ),
    say: either(starts('кош|котен|котят|котик|cat|kitt'), exactly('кот|кота|коту|котом|коты|котов|котам')),
    words: 'кошек кошки',
  },
  {
    name: 'dog',
    ask: either(starts('собак|собач|щен|песик|пёсик|dog|pupp'), exactly('пес|пса|псу|псом|псы|псов')),
    say: either(starts('собак|собач|щен|dog|pupp'), exactly('пес|пса|псу|псом|псы|псов')),
    words: 'собак собаки',
  },
];

/** "Пакет", "пачка", "мешок", "коробка": one notion, the package the goods come in. */
const PACKAGE = either(
  starts('упаков|пакет|пачк|пачек|мешк|коробк|коробоч|фасовк|расфасов|тар[аеуы]|package|pack|box|bag'),
  exactly('мешок|короб|тара'),
);

const TIME_OF_DAY: Concept[] = [
  {
    name: 'night',
    ask: starts('ноч|night'),
    say: starts('ноч|круглосуточн|night'),
    words: 'ночью круглосуточно',
  },
  {
    name: 'evening',
    ask: starts('вечер|evening'),
    say: starts('вечер|круглосуточн'),
    shows: /до\s+(?:19|2[0-4])(?::00)?(?!\d)/u,
    words: 'вечером круглосуточно',
  },
  {
    name: 'morning',
    ask: starts('утр|утром|morning'),
    say: starts('утр|круглосуточн'),
    shows: /с\s+[5-9](?::\d\d)?(?!\d)/u,
    words: 'утром',
  },
];

export const CONCEPTS: readonly Concept[] = [
  {
    name: 'delivery',
    ask: either(DELIVERY, CARRY),
    say: DELIVERY,
    words: 'доставка доставляем привозим отправляем отправка',
    contrast: 'pickup',
  },
  { name: 'arrival', ask: ARRIVAL, say: ARRIVAL_SAY, words: 'получении доставка доставляем привозим' },
  { name: 'pickup', ask: PICKUP, say: PICKUP, words: 'самовывоз забрать выдачи', contrast: 'delivery' },
  // A city is answered by what a document says about other cities or the whole country; «по городу» alone
  // means the shop's own city, which may not be the one asked about.
  {
    name: 'city',
    ask: CITIES,
    say: starts('росси|регион|област|край|стран|населенн|рф'),
    shows: /(?:друг|любо|все|всех|ваш|мног|ины)\p{L}*\s+город/iu,
    words: 'города регионы россии',
  },
  { name: 'region', ask: RUSSIA, say: RUSSIA, words: 'города регионы россии' },
  { name: 'price', ask: PRICE, say: PRICE_SAY, shows: PRICE_SHOWS, words: 'цена стоимость стоит рублей' },
  { name: 'payment', ask: PAYMENT, say: PAYMENT_SAY, words: 'оплата оплатить наличные карты перевод' },
  { name: 'cash', ask: CASH, say: CASH, words: 'наличные наличными' },
  { name: 'card', ask: CARD, say: CARD, words: 'карта картой карты' },
  { name: 'transfer', ask: TRANSFER, say: TRANSFER, words: 'перевод сбп' },
  { name: 'instalment', ask: INSTALMENT, say: INSTALMENT, words: 'рассрочка кредит' },
  { name: 'legal', ask: LEGAL, say: LEGAL, words: 'юридических счет ндс организаций' },
  { name: 'warranty', ask: WARRANTY, say: WARRANTY, words: 'гарантия гарантийный', contrast: 'return' },
  { name: 'return', ask: RETURN, say: RETURN, words: 'возврат вернуть', contrast: 'warranty' },
  { name: 'exchange', ask: EXCHANGE, say: EXCHANGE, words: 'обмен обменять заменим' },
  // A breakage is answered by what the documents say about damage, repair or the warranty.
  {
    name: 'damage',
    ask: DAMAGE,
    say: either(DAMAGE, REPAIR_SAY, WARRANTY),
    words: 'повреждение брак дефект ремонт',
  },
  {
    name: 'condition',
    ask: CONDITION,
    say: either(DAMAGE, CONDITION),
    words: 'состояние царапин повреждений',
  },
  {
    name: 'original',
    ask: starts('оригинал|подлинн|родн|копи|реплик|подделк|паленк|original|fake'),
    say: starts('оригинал|подлинн|родн|сертифик|original'),
    words: 'оригинальные оригинал',
  },
  {
    name: 'percent',
    ask: starts('процент|percent'),
    say: starts('процент|percent'),
    shows: /\d\s*%/u,
    words: 'процентов',
  },
  {
    name: 'memory',
    ask: either(starts('памят|объем|гигабайт|терабайт|storage|memory'), exactly('гиг|гига|гигов|гигами')),
    say: either(starts('памят|гигабайт|терабайт|storage|memory'), exactly('гб|тб|gb|tb|ssd|hdd')),
    shows: /\d\s*(?:гб|тб|gb|tb)(?![\p{L}])/iu,
    words: 'память гб',
  },
  {
    name: 'this city',
    ask: exactly('город|города|городу|городе|городом|town|city'),
    say: either(CITIES, RUSSIA),
    words: 'городу',
  },
  { name: 'size', ask: SIZE, say: SIZE_SAY, shows: SIZE_SHOWS, words: 'размер габариты ширина длина высота' },
  { name: 'weight', ask: WEIGHT, say: WEIGHT_SAY, shows: WEIGHT_SHOWS, words: 'вес кг' },
  // "А поменьше есть?": answered by the sizes, weights and volumes on offer.
  {
    name: 'bigger or smaller',
    ask: exactly('поменьше|побольше|меньше|больше|помельче|покрупнее|мельче|крупнее|smaller|bigger|larger'),
    say: either(SIZE_SAY, WEIGHT_SAY, starts('объем')),
    shows: either(SIZE_SHOWS, WEIGHT_SHOWS, /\d\s*(?:л|мл|литр)(?![\p{L}])/u),
    words: 'размеры объем',
  },
  { name: 'kilogram', ask: KILOGRAM, say: KILOGRAM, words: 'кг' },
  ...UNITS,
  { name: 'limit', ask: LIMIT, say: LIMIT_SAY, shows: /(?:от|до)\s+\d/u, words: 'максимальный до' },
  // "Наложенным платежом можно?": answered by what a document says of paying on receipt or in advance.
  {
    name: 'cash on delivery',
    ask: starts('наложен'),
    say: starts('наложен|предоплат|постоплат'),
    shows: /при\s+получени/u,
    words: 'наложенный платёж предоплата',
  },
  { name: 'colour', ask: COLOR, say: either(COLOR, COLORS), words: 'цвет' },
  { name: 'material', ask: MATERIAL, say: MATERIAL_SAY, words: 'материал массив ткань' },
  { name: 'child', ask: CHILD, say: CHILD, words: 'детей детский ребенка' },
  { name: 'age', ask: AGE, say: AGE_SAY, words: 'лет возраст' },
  { name: 'battery', ask: BATTERY, say: BATTERY, words: 'аккумулятор батарея' },
  // "Сколько держит заряд?": answered by the hours it works.
  {
    name: 'charge',
    ask: CHARGE,
    say: CHARGE,
    shows: /\d\s*(?:час|ч(?![\p{L}]))/u,
    words: 'зарядка заряд часов работы',
  },
  // "Наушники подключить можно?": answered by the outputs, inputs and ports a document lists.
  {
    name: 'connect',
    ask: starts('подключ|подсоедин|connect'),
    say: starts('подключ|подсоедин|выход|вход|разъем|порт|connect|bluetooth|блютуз|блютус'),
    words: 'подключение выход разъём',
  },
  // "Для новичка подойдёт?": answered by what a document says of beginners.
  {
    name: 'beginner',
    ask: starts('новичк|новичок|начинающ|чайник'),
    say: starts('новичк|новичок|начинающ'),
    words: 'начинающих',
  },
  { name: 'duration', ask: DURATION, say: DURATION_SAY, shows: DURATION_SHOWS, words: 'срок дней' },
  // Opening hours answer "вечером?" and "утром?"; nothing but a night service answers "ночью?".
  ...TIME_OF_DAY.map((c) => ({ ...c, shows: c.name === 'night' ? undefined : (c.shows ?? HOURS_SHOWS) })),
  {
    name: 'weekday',
    ask: WEEKDAY,
    say: WEEKDAY_SAY,
    shows: WEEKDAY_SHORT,
    words: 'ежедневно выходных пн сб вс',
  },
  {
    name: 'opening hours',
    ask: exactly('работаете|работает|работаешь|открыты|открыто|открываетесь|закрываетесь'),
    say: either(WEEKDAY_SAY, starts('работа')),
    shows: new RegExp(`${HOURS_SHOWS.source}|${WEEKDAY_SHORT.source}`, 'iu'),
    words: 'ежедневно работаем пн сб вс',
  },
  { name: 'volume', ask: VOLUME, say: VOLUME_SAY, shows: VOLUME_SHOWS, words: 'объём мл литров' },
  { name: 'area', ask: AREA, say: AREA_SAY, shows: AREA_SHOWS, words: 'м² квадратный метр' },
  { name: 'assembly', ask: ASSEMBLY, say: ASSEMBLY, words: 'сборка собранным' },
  ...SEASONS,
  ...PETS,
  { name: 'package', ask: PACKAGE, say: PACKAGE, words: 'упаковка пакет мешок' },
  // "Сложно собрать?", "трудно подключить?": answered by how easy or how long it is, or by an instruction.
  {
    name: 'effort',
    ask: starts('сложн|трудн|difficult|hard'),
    say: starts('сложн|трудн|легк|легко|прост|быстр|инструкц|самостоятельн|easy|simple'),
    shows: DURATION_SHOWS,
    words: 'легко просто инструкция',
  },
  { name: 'fit', ask: FIT, say: FIT_SAY, shows: SIZE_SHOWS, words: 'проходит размеры ширина' },
  { name: 'lifting', ask: LIFT, say: LIFT, words: 'подъём поднимаем' },
  { name: 'noise', ask: NOISE, say: NOISE, words: 'шум уровень шума' },
  { name: 'removable', ask: REMOVABLE, say: REMOVABLE, words: 'съёмный снимается' },
  { name: 'wash', ask: WASH, say: WASH, words: 'стирка стирать' },
  // "подойдёт" / «подошёл» / «подходит»: one verb the stemmer cannot join.
  { name: 'suit', ask: SUIT, say: SUIT, words: 'подходит подошел' },
  { name: 'included', ask: INCLUDED, say: INCLUDED_SAY, words: 'комплекте комплект входит' },
  { name: 'repair', ask: REPAIR, say: REPAIR_SAY, words: 'ремонт обслуживание' },
  { name: 'availability', ask: AVAILABILITY, say: AVAILABILITY_SAY, words: 'наличии статус' },
  {
    // "Чехол продаёте?": a sentence that only mentions a case (in the return terms) does not sell one.
    name: 'sale',
    ask: exactly('продаете|продаешь|продается|продаются|продадите|торгуете'),
    say: either(starts('прода|наличи|купи|покуп|заказ|цен|стоимост|ассортимент'), PRICE_SAY),
    shows: PRICE_SHOWS,
    words: 'продаём в наличии цена',
  },
  { name: 'location', ask: LOCATION, say: LOCATION_SAY, words: 'адрес улица ул проспект шоссе самовывоз' },
  // "Адрес магазина": the shop is where its address is ("магазин в Тюмени?" still needs the city).
  {
    name: 'shop',
    ask: exactly('магазин|магазина|магазине|магазину|магазином|магаз|магазе'),
    say: either(starts('магазин|шоурум|салон|склад|офис|пункт'), LOCATION_SAY),
    words: 'магазин адрес',
  },
  { name: 'look', ask: LOOK, say: either(LOOK, LOCATION_SAY, PICKUP), words: 'посмотреть адрес' },
  { name: 'bicycle', ask: BIKE, say: BIKE, words: 'велосипед' },
  { name: 'tyres', ask: TYRES, say: TYRES, words: 'шины резина' },
  { name: 'computer', ask: COMPUTER, say: COMPUTER, words: 'ноутбук компьютер' },
];

/** Words that make a question, or point, without saying what it is about: ignored. */
export const QUESTION_WORDS = new Set(
  (
    'сколько скольки скока скоко скок почему зачем откуда чего кого кому насколько каков какова каково каковы ' +
    'скажите скажи подскажи подскажешь подскажете расскажите объясните уточните уточнить интересует ' +
    'интересуют интересно узнать знать понять вопрос вопросик хотелось будет будут нужно нужен нужна ' +
    'нужны могу может можете сможете возможно возможна возможен возможны вообще просто вот вдруг ' +
    'реально получится получиться вариант варианты возможность ли или же ведь случайно придется ' +
    'надо после перед через около кроме вместо между возле вокруг среди ради насчет против ' +
    'внутри снаружи напротив вроде типа какого какую каком каких какими какому чей чья чье чьи чьего ' +
    'который которая которое которые которого себе себя собой сам сама сами само самому самой самим ' +
    'самого самих самими самом один одна одно одни одной одного одну одним одном ' +
    'пока покамест пока что че чё чо шо чего-то када мб оч потом тогда нем ней ним ними нему нее нём ' +
    'much many does did could would should'
  ).split(' '),
);

/** Chatter and politeness: a message made only of these asks nothing. */
export const CHATTER_WORDS = new Set(
  (
    'ок ok окей хорошо понял поняла поняли понятно ясно спасибо спс благодарю благодарим жду ждем ждём ' +
    'договорились отлично супер ладно класс круто приветствую извините простите уважением прошу ' +
    'плиз пжл пж пжлст плз пасиб пасибо ' +
    'thanks thank ok okay great'
  ).split(' '),
);

/**
 * Words that carry a question's frame, not its subject ("X в комплекте идёт?", "Y продаёте?", "можно
 * поставить Z?"): a question with other key terms is answered without them; alone, one must be found.
 */
export const WEAK_WORDS: RegExp = either(
  exactly(
    'есть|был|была|было|были|быть|будет|делать|делаете|сделать|сделаете|сделаем|продавать|купить|куплю|покупать|покупаю|взять|возьму|заказать|закажу|заказываю|заказывать|хотеть|хочется|подойти|подойдет|подойдут|подходит|подходят|подходить|идет|идут|входит|входят|иметь|имеется|имеются|даете|дадите|давать|дать|принимаете|принимать|получить|получу|ставить|поставить|поставите|установить|установите|также|тоже|например|примерно|приблизительно|точно|обычно|товар|товара|товаре|товаром|вещь|вещи|штука|штуку|модель|модели|объявление|объявлению|объявлении|позиция|позицию|вас|вам|ваш|ваша|ваше|ваши|наш|свой|своя|мой|моя|мне|нам|нас|где|куда|когда|доп|дополнительн|дополнительный|дополнительные|нормально|норм|тот|той|ту|тем|те|этим|менять|поменять|заменить|обменять|сделан|сделана|сделано|сделаны|работает|работают|работать|работаете|сейчас|сегодня|завтра|смогу|смогу|можно|какие|какой|какая|какое',
  ),
  starts(
    'дополнительн|комплект|поменя|замен|обмен|меня[лею]|меняю|понрав|нравит|открыт|разверн|поверн|переверн',
  ),
  exactly('случай|случае|случаем|ситуация|ситуации'),
  starts('обраща|обратит'),
  adjective('нов|друг|так|хорош|нормальн|обычн'),
  exactly('берете|берем|берут|беру|брать|взять'),
  // Whether it happens, holds or copes frames the question ("доставка бесплатная бывает?", "выдержит 120
  // кг?", "потянет?"), and so does coming over to do it ("можно прийти попробовать?").
  exactly(
    'бывает|бывают|держит|держат|выдержит|выдержат|выдерживает|выдерживают|потянет|потянут|осилит|справится|прийти|приду|придем|придём|зайти|зайду|зайдем|зайдём|заглянуть|загляну',
  ),
  // Having a service done frames the service ("рассрочку оформить?", "вызвать мастера на замер", "можно
  // повесить горизонтально?"), and a number frames whose it is ("номер телефона", "дайте номер карты").
  exactly(
    'оформить|оформлю|оформите|оформим|оформляете|оформлять|оформляем|вызвать|вызову|вызовете|вызывать|вызываете|повесить|повешу|повесите|повесим|вешать|вешаете|номер|номера|номеру|номером|дайте|дай',
  ),
  // "пойдёт?" is the buyer's "подойдёт?"; help, manage, use and mine frame what is asked about.
  exactly(
    'пойдет|пойдут|пойдёт|поможете|поможешь|помогите|помочь|успеете|успеешь|успеть|успею|пользоваться|использовать|применять|мою|моего|моей|моим|моих|мои|мое',
  ),
);

/** Greetings, thanks and polite closings: what an answer may say without a source. */
export const PLEASANTRY =
  /^(?:здравствуйте|добр(?:ый|ого|ое)\s+(?:день|дня|вечер|вечера|утро|утра|времени\s+суток)|привет(?:ствую)?|hello|hi|good\s+(?:morning|afternoon|evening)|спасибо(?:\s+за\s+(?:вопрос|обращение|интерес))?|благодарим(?:\s+за\s+(?:вопрос|обращение|интерес))?|thank\s+you(?:\s+for\s+\p{L}+(?:\s+\p{L}+)?)?|thanks|(?:будем\s+)?рады\s+помочь|(?:если\s+(?:будут|остались|появятся)\s+(?:ещё\s+|еще\s+)?вопросы[,\s—–-]*)?(?:пишите|обращайтесь|спрашивайте)(?:,?\s+будем\s+рады(?:\s+помочь)?)?|хорошего\s+(?:дня|вечера)|всего\s+доброго|с\s+уважением(?:,\s*[\p{L}\s]+)?|(?:if\s+you\s+have\s+(?:any\s+)?(?:other\s+|more\s+)?questions,?\s+)?(?:feel\s+free\s+to\s+)?(?:ask|write)(?:\s+us)?|have\s+a\s+nice\s+day|we\s+are\s+happy\s+to\s+help|happy\s+to\s+help)[\s!.,)😊🙂]*$/iu;

/** Short forms buyers write, as the documents spell them out. Replaced in the question before matching. */
export const SHORT_FORMS: ReadonlyArray<readonly [RegExp, string]> = [
  [/(?<![\p{L}\d])ТО(?![\p{L}\d])/gu, 'техническое обслуживание'],
  [/(?<![\p{L}\d])б\s*\/\s*у(?![\p{L}\d])/giu, 'бывший в употреблении'],
  // How buyers write "used" and other everyday words of any trade in chat.
  [/(?<![\p{L}\d])(?:бу|б\.у\.?|бэу|б[эе]?ушн\p{L}*|б[эе]шн\p{L}*)(?![\p{L}\d])/giu, 'бывший в употреблении'],
  [/(?<![\p{L}\d])(?:щас|щаc|щя|ща|щяс|счас)(?![\p{L}\d])/giu, 'сейчас'],
  [/(?<![\p{L}\d])(?:седня|с[её]дня|сення|сеня|сёня)(?![\p{L}\d])/giu, 'сегодня'],
  [/(?<![\p{L}\d])(?:завтро|зафтра)(?![\p{L}\d])/giu, 'завтра'],
  [/(?<![\p{L}\d])тыщ\p{L}*/giu, 'тысяч'],
  [/(?<![\p{L}\d])юрлиц(\p{L}*)/giu, 'юридическое лицо'],
  [/(?<![\p{L}\d])физлиц(\p{L}*)/giu, 'физическое лицо'],
  [/(?<![\p{L}\d])мат(?:еринск\p{L}*)?\s*капитал\p{L}*/giu, 'материнский капитал'],
  [/(?<![\p{L}\d])маткапитал\p{L}*/giu, 'материнский капитал'],
  [/(?<![\p{L}\d])ТК(?![\p{L}\d])/gu, 'транспортная компания'],
  [/(?<![\p{L}\d])ПВЗ(?![\p{L}\d])/gu, 'пункт выдачи'],
  [/(?<![\p{L}\d])СДЭК\p{L}*/giu, 'СДЭК'],
  [/(?<![\p{L}\d])наложк\p{L}*/giu, 'наложенный платёж'],
  [/(?<![\p{L}\d])(?:питер\p{L}*|спб)(?![\p{L}\d])/giu, 'Петербург'],
  [/(?<![\p{L}\d])мск(?![\p{L}\d])/giu, 'Москва'],
  [/(?<![\p{L}\d])екб(?![\p{L}\d])/giu, 'Екатеринбург'],
  [/(?<![\p{L}\d])нск(?![\p{L}\d])/giu, 'Новосибирск'],
];

/** The concept named so (for {@link Concept.contrast}). */
export const conceptNamed = (name: string) => CONCEPTS.find((c) => c.name === name);

/** Concepts whose `ask` side a word matches. */
export function conceptsOf(word: string): Concept[] {
  return CONCEPTS.filter((c) => c.ask.test(word));
}

/** Whether a word only frames the question (see {@link WEAK_WORDS}). */
export const isWeak = (word: string) => WEAK_WORDS.test(word);
