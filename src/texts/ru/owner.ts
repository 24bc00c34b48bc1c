/**
 * Every text the owner reads in Telegram, in Russian (the default). `en/owner.ts` is typed against this object,
 * so a key missing in English is a type error. Texts that embed buyer, AI or document content expect it
 * already escaped (see `bot/html.ts`); the rest is safe HTML.
 */

import { formatKopecks } from '../format.js';
import type { DocumentState, DraftStatus, Mode } from '../../models/records.js';
import type {
  ActionProblem,
  ChannelId,
  DeliveryProblem,
  IntegrationName,
  IngestFailureReason,
  IntegrationOperation,
  OwnerAlert,
} from '../../models/problems.js';
import type { Locale } from '../index.js';

/** Why a Telegram file could not be fetched (see `bot/jobs/ingest-upload.ts`). */
export type DownloadProblem = { code: 'no-path' } | { code: 'too-big' } | { code: 'http'; status: number };

// ▼ sales-pipeline integrations
const integrationName: Record<IntegrationName, string> = {
  amocrm: 'amoCRM',
  calendar: 'Google Календарь',
  yookassa: 'ЮKassa',
  email: 'почта',
};
const operationName: Record<IntegrationOperation, string> = {
  'sync-deal': 'сделка не создана или не обновлена',
  'add-note': 'примечание к сделке не добавлено',
  'register-webhook': 'вебхук смены этапов не подключён',
  'offer-slots': 'свободное время покупателю не отправлено',
  book: 'консультация не записана',
  reschedule: 'консультация не перенесена',
  'cancel-booking': 'консультация не отменена',
  'create-payment': 'ссылка на оплату не создана',
  'check-payment': 'оплата не проверена',
  refund: 'возврат не проведён',
  'send-email': 'письмо не отправлено',
  'message-buyer': 'сообщение покупателю не отправлено',
};
/** `2027-06-02T11:00:00+03:00` → «02.06 в 11:00» (the wall time the string carries, in the seller's zone). */
const wallTime = (rfc3339: string): string => {
  const m = /^\d{4}-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(rfc3339);
  return m ? `${m[2]}.${m[1]} в ${m[3]}:${m[4]}` : rfc3339;
};
const who = (buyer: string | null): string => (buyer ? `«${buyer}»` : 'покупателя');
// ▲ sales-pipeline integrations

const stateIcon: Record<DocumentState, string> = { indexing: '⏳', ready: '✅', failed: '❌' };

const modeName = (m: Mode): string => (m === 'auto' ? '🤖 Авто' : '👀 Проверка');

const CHANNEL_NAMES: Record<ChannelId, string> = { avito: 'Avito', web: 'сайт', telegram: 'Telegram' };

/** Escalation reasons (`src/rag/escalation.ts`) as the owner reads them; unknown codes show as they are. */
const escalationReason = (r: string): string =>
  ({
    human_request: 'покупатель просит человека',
    callback: 'покупатель просит перезвонить или оставил телефон',
    wrong_item: 'привезли не тот товар',
    complaint: 'жалоба (в том числе товар пришёл повреждённым)',
    refund: 'возврат денег или товара',
    bargaining: 'торг',
    threat: 'угроза (суд, полиция, жалоба в Avito)',
    keyword: 'ключевое слово владельца',
    non_text: 'покупатель прислал не текст',
  })[r] ?? r;

/** Where an answer was found (`DraftStrategy`). */
const strategyName = (s: string): string =>
  ({
    item: 'документы объявления',
    general: 'общие документы',
    local: 'локальный поиск (без Gemini)',
    none: 'ничего не нашлось',
  })[s] ?? s;

/** Model services (`LLM_PROVIDERS`) as the owner reads them. */
const providerName = (p: string): string =>
  ({ gemini: 'Gemini', openai: 'OpenAI API', anthropic: 'Anthropic' })[p] ?? p;

/** Where the owner fixes a provider's key (`PROVIDER_KEY_VARIABLE`, plus the gateway's address for OpenAI). */
const keyVariables = (p: string): string =>
  ({
    gemini: 'GEMINI_API_KEY',
    openai: 'OPENAI_API_KEY (и OPENAI_BASE_URL, если ключ от шлюза)',
    anthropic: 'ANTHROPIC_API_KEY',
  })[p] ?? 'ключ провайдера';

/** Why the fallback text was chosen instead of an answer (`Decision.reason` of a fallback). */
const notFound = (reason: string, detail: string | null): string =>
  reason === 'unavailable'
    ? `⚠️ Модель недоступна${detail ? `: ${detail}` : ''} — поиск не выполнен`
    : reason === 'not_covered'
      ? '🔎 Документы нашлись, но ответа на вопрос в них нет'
      : '🔎 В документах ничего не нашлось';

const originName = (o: string): string =>
  ({ upload: 'загружен', folder: 'папка', listing: 'объявление' })[o] ?? o;

/** Names of the `/status` checks (`readiness` in the composition root); unknown names show as they are. */
const checkName = (name: string): string =>
  ({
    store: 'Хранилище',
    jobs: 'Очередь задач',
    avito: 'Авито',
    avitoWebhook: 'Вебхук Авито',
    telegram: 'Telegram',
    gemini: 'Gemini',
    openai: 'OpenAI API',
    anthropic: 'Anthropic',
  })[name] ?? name;

const checkStatus = (status: string): string =>
  ({ ok: 'работает', degraded: 'с перебоями', down: 'не работает', error: 'ошибка', disabled: 'выключено' })[
    status
  ] ?? status;

/** What a disabled check means for the seller. */
const checkDisabled = (name: string): string =>
  ({
    avito: 'не настроено (AVITO_CLIENT_ID, AVITO_CLIENT_SECRET)',
    telegram: 'не настроено (TELEGRAM_BOT_TOKEN)',
    gemini: 'нет GEMINI_API_KEY: локальный поиск, все ответы через проверку',
  })[name] ?? 'не настроено';

/** Follows «Avito: » in the token alert. */
const tokenCause: Record<Extract<OwnerAlert, { kind: 'avito-token' }>['cause'], string> = {
  tariff: 'для Messenger API нужен платный тариф «Максимальный» (ответ 402).',
  permission:
    'нет доступа к мессенджеру (ответ 403 на свежий токен): у приложения нет этого права, или это аккаунт сотрудника — нужен аккаунт компании.',
  auth: 'client id/secret не приняты — проверьте AVITO_CLIENT_ID и AVITO_CLIENT_SECRET.',
  other: 'не удаётся получить токен.',
};

export const owner = {
  locale: 'ru' as Locale,
  /** Why a document was refused (`rag/errors.ts`); a detail (file name, limit) follows in brackets. */
  ingestFailure: {
    empty: 'В файле нет текста: пустой файл или скан без текстового слоя.',
    unsupported: 'Такой тип файла не поддерживается. Подходят PDF, DOCX, XLSX, TXT, MD, HTML, CSV.',
    too_large: 'Файл слишком большой.',
    corrupt: 'Файл повреждён или не читается.',
    indexing_failed: 'Gemini не смог проиндексировать документ.',
    gemini_unavailable: 'Gemini сейчас недоступен, документ не загружен. Попробуйте позже.',
  } as Record<IngestFailureReason, string>,
  timeZone: 'Europe/Moscow',
  tzLabel: 'МСК',
  /** Decimal comma. */
  numberLocale: 'ru-RU',
  cutMarker: '(обрезано)',
  refused: 'Извините, этот бот управляет ответами продавца и принимает команды только от владельца.',
  refusedToast: 'Только владелец может это сделать.',
  commands: {
    start: 'Кто я и как дела',
    help: 'Что умеет бот',
    mode: 'Режим: авто или проверка',
    pause: 'Пауза: ничего не отправлять автоматически',
    resume: 'Снять паузу',
    status: 'Состояние сервиса',
    chats: 'Черновики на решении и чаты, которые вы ведёте',
    docs: 'Документы базы знаний',
    upload: 'Загрузить документ',
    ask: 'Проверить ответ: /ask вопрос',
    leads: 'Заявки по этапам',
    quote: 'Расчёт по прайсу и КП',
    cancel: 'Отменить текущее действие',
  },
  modeName,
  strategyName,
  escalationReason,
  start: (name: string, id: number, mode: Mode, paused: boolean, health: string) =>
    `👋 Здравствуйте, <b>${name}</b> (id <code>${id}</code>), вы владелец.\n` +
    `Я отвечаю покупателям Авито и показываю вам черновики.\n\n` +
    `Режим: <b>${modeName(mode)}</b>${paused ? ' · ⏸ <b>пауза</b>' : ''}\n${health}\n\n/help — команды`,
  help:
    '<b>Команды</b>\n' +
    '/mode — режим: 🤖 авто (проверенные ответы уходят сами) или 👀 проверка (всё через вас)\n' +
    '/pause, /resume — глобальная пауза отправки\n' +
    '/status — состояние Авито, Telegram, Gemini, очередей\n' +
    '/chats — черновики на решении и чаты, которые вы ведёте сами\n' +
    '/docs — документы; /upload — добавить файл (или просто пришлите файл)\n' +
    '/ask &lt;вопрос&gt; — как бы ответил бот (ничего не отправляется)\n' +
    '/leads — заявки по этапам: карточка, этапы, бриф, 📄 КП, 📝 договор, 🧾 счёт\n' +
    '/quote — расчёт по прайсу и КП для заявки\n' +
    '/cancel — отменить редактирование\n\n' +
    'На карточке: ✅ отправить, ✏️ изменить, 🔄 заново, 🙋 беру на себя, ✖️ отклонить. ' +
    'Ответ (reply) на карточку текстом уходит покупателю.',
  /** `bad`: names of the checks with problems, already worded by {@link ru.check}. */
  healthLine: (bad: string[]) =>
    bad.length === 0 ? 'Состояние: ✅ всё в порядке' : `Состояние: ⚠️ проблемы: ${bad.join(', ')}`,
  check: { name: checkName, status: checkStatus, disabled: checkDisabled },
  statusTitle: '<b>Состояние</b>',
  statusQueue: (pending: number, human: number, jobs: number | undefined) =>
    `Черновиков ждут решения: <b>${pending}</b> · чатов ведёте вы: <b>${human}</b>` +
    (jobs === undefined ? '' : ` · задач в очереди: <b>${jobs}</b>`),
  statusMode: (mode: Mode, paused: boolean) => `Режим: <b>${modeName(mode)}</b>${paused ? ' · ⏸ пауза' : ''}`,
  statusFailed: 'Не удалось получить состояние, см. журнал.',
  modeTitle: (mode: Mode) => `Режим ответов сейчас: <b>${modeName(mode)}</b>`,
  modeButton: (mode: Mode, current: boolean) => `${current ? '✓ ' : ''}${modeName(mode)}`,
  modeSet: (mode: Mode) => `Режим: ${modeName(mode)}`,
  modeUsage: 'Использование: /mode, /mode auto или /mode review',
  paused: '⏸ Пауза: автоматически ничего не отправляется. Черновики по-прежнему приходят. /resume — снять.',
  resumed: '▶️ Пауза снята.',
  /** Where the buyer writes: shown on every card and notice. */
  channelName: (channel: ChannelId): string => CHANNEL_NAMES[channel],
  card: {
    buyer: '👤',
    noName: 'покупатель',
    buyerSays: '💬 <b>Покупатель:</b>',
    noMessages: '(сообщений нет)',
    draft: '🤖 <b>Черновик</b>',
    fallbackDraft: '🤷 <b>Запасной ответ</b> (в документах не нашлось)',
    fallbackUnavailable: '🤷 <b>Запасной ответ</b> (модель недоступна)',
    /** The owner's own words (reply to a card, ✍️). */
    ownerReply: (who: string) => `✍️ <b>Ваш ответ</b> (${who})`,
    /** A fallback the owner rewrote: it is the owner's text now. */
    ownerFallback: (who: string) => `✏️ <b>Ваш текст</b> (${who}) вместо запасного ответа`,
    escalation: (reason: string) => `🙋 <b>Нужен человек:</b> ${escalationReason(reason)}`,
    sources: '📚 Источники:',
    noSources: '📚 Источников нет',
    grounded: '✅ Подтверждён источниками',
    ungrounded: '⚠️ Не подтверждён источниками',
    findings: 'Проверка нашла:',
    /** Sentences of the draft the sources do not back, each quoted. */
    unsupported: (sentences: string) => `Документы этого не подтверждают: ${sentences}`,
    /** The buyer's questions the draft leaves open, each quoted. */
    unanswered: (questions: string) => `Без ответа остался вопрос: ${questions}`,
    /** Where the answer was found. */
    found: (strategy: string) => `🔎 Найдено: ${strategyName(strategy)}`,
    /** Which model wrote the draft (`model` already escaped). */
    model: (provider: string, model: string) => `🧠 Модель: ${providerName(provider)} · ${model}`,
    notFound,
    edited: '✏️ текст изменён владельцем',
    takenOver: (who: string, when: string) => `🙋 Чат взял на себя: ${who} (${when})`,
    handedBack: '🤖 Чат снова ведёт ИИ',
    /** What an older copy of a card says once `/chats` showed the card again below. */
    movedBelow: '⬇️ Эта карточка перенесена ниже.',
  },
  messageType: (type: string): string =>
    ({
      image: '📷 покупатель прислал фото',
      voice: '🎤 покупатель прислал голосовое сообщение',
      video: '🎬 покупатель прислал видео',
      file: '📎 покупатель прислал файл',
      location: '📍 покупатель прислал геолокацию',
      link: '🔗 покупатель прислал ссылку',
      item: '🛍 покупатель прислал объявление',
      call: '📞 звонок',
      deleted: '🗑 сообщение удалено',
      system: 'ℹ️ системное сообщение',
    })[type] ?? `✉️ сообщение типа «${type}»`,
  status: (status: DraftStatus, who: string, when: string, error: string): string =>
    ({
      pending: '',
      approved: '⏳ отправляется',
      sending: '⏳ отправляется',
      sent: `✅ отправлено (${who}, ${when})`,
      dismissed: `✖️ отклонено (${when})`,
      superseded: '↪️ заменён новым черновиком',
      failed: `❌ не отправлено: ${error}`,
    })[status],
  /** Why a draft did not (fully) reach the buyer; `reason` is a technical cause, already escaped. */
  deliveryProblem: (p: DeliveryProblem, reason: string): string => {
    switch (p.code) {
      case 'send-failed':
        return reason;
      case 'partly-sent':
        return `отправлено ${p.sent} из ${p.total} частей, остальные нет${reason ? ` (${reason})` : ''}`;
      case 'unconfirmed':
        return `не удалось подтвердить отправку${reason ? ` (${reason})` : ''}`;
    }
  },
  whoAuto: 'автоматически',
  whoOwner: (name: string) => name,
  buttons: {
    send: '✅ Отправить',
    edit: '✏️ Изменить',
    regen: '🔄 Заново',
    take: '🙋 Беру на себя',
    dismiss: '✖️ Отклонить',
    reply: '✍️ Ответить',
    ai: '🤖 Пусть отвечает ИИ',
    retry: '🔁 Повторить',
    handBack: '🤖 Вернуть ИИ',
    bad: '👎 Плохой ответ',
    cancel: '✖️ Отмена',
    general: '📚 Общий',
    prev: '◀️',
    next: '▶️',
    delete: '🗑',
    yesDelete: '🗑 Да, удалить',
    no: '↩️ Нет',
    sync: '🔄 Синхронизировать папку',
  },
  toast: {
    approve: '✅ Отправляю',
    edited: '✅ Отправляю изменённый текст',
    dismiss: '✖️ Отклонено',
    regen: '🔄 Готовлю новый черновик',
    retry: '🔁 Пробую ещё раз',
    ai: '🤖 Отвечает ИИ',
    feedback: '👎 Спасибо, отмечено',
    takeOver: '🙋 Чат ваш: ИИ молчит, пока не вернёте',
    handBack: '🤖 ИИ снова отвечает в этом чате',
    stale: 'Уже обработано',
    notFound: 'Черновик не найден',
    invalid: 'Это действие сейчас недоступно',
    working: '⏳ Выполняю…',
    unknown: 'Кнопка устарела',
    failed: 'Не получилось, см. журнал',
    editStarted: '✏️ Пришлите новый текст',
    replyStarted: '✍️ Пришлите текст ответа',
    uploadQueued: '⏳ Загружаю',
  },
  /** Why an action refused the owner's input. */
  actionProblem: (p: ActionProblem): string => {
    switch (p.code) {
      case 'empty-text':
        return 'пустой текст';
      case 'text-too-long':
        return `текст длиннее ${p.max} символов`;
      case 'not-escalation':
        return 'это не эскалация';
    }
  },
  notice: {
    autoSent: '🤖 <b>Ответ отправлен автоматически</b>',
    fallbackSent: '🤷 <b>В документах нет ответа — отправлен запасной текст</b>',
    chatPaused: (until: string) =>
      `⏸ Вы написали покупателю из приложения Авито — ИИ молчит в этом чате до <b>${until}</b>.`,
    buyerInHumanChat: '💬 <b>Покупатель пишет в чате, который вы ведёте сами</b>',
    answer: '🤖 Ответ:',
    replyHint: 'Ответьте (reply) на это сообщение, чтобы написать покупателю.',
  },
  /** Problems the core reports (`OwnerAlert`), sent as plain text; `reason` is the technical cause. */
  alert: (a: OwnerAlert, reason: string): string => {
    switch (a.kind) {
      case 'inbound-failed':
        return `⚠️ Сообщение из Avito не обработано после ${a.attempts} попыток: ${reason}`;
      case 'avito-token':
        return `⚠️ Avito: ${tokenCause[a.cause]}${a.cause === 'other' ? ` ${reason}` : ''}`;
      case 'avito-subscription-restored':
        return '⚠️ Подписка Avito на вебхук пропала — подписал заново. Сообщения снова будут приходить.';
      case 'storage-failing':
        return (
          `⚠️ Хранилище данных не принимает записи (${reason}). Новые сообщения покупателей пока не ` +
          'принимаются — Авито пришлёт их повторно, ответы ждут. Освободите место на диске: сервис продолжит сам.'
        );
      case 'model-provider':
        return a.problem === 'quota'
          ? `⚠️ ${providerName(a.provider)}: закончилась квота или деньги на счёте (${reason}). ` +
              'Пополните баланс или поднимите лимит в кабинете провайдера. Пока ответы пишет следующий ' +
              'провайдер из LLM_PROVIDERS, а если его нет — черновики приходят с запасным ответом.'
          : `⚠️ ${providerName(a.provider)}: ключ не принят (${reason}). Проверьте ${keyVariables(a.provider)} ` +
              'и перезапустите сервис. Пока ответы пишет следующий провайдер из LLM_PROVIDERS, если он есть.';
      case 'integration-failed':
        return (
          `⚠️ ${integrationName[a.integration]}: ${operationName[a.operation]}` +
          `${a.leadId ? ` (заявка ${a.leadId})` : ''} — ${reason}. Задание сохранено; повторите после исправления.`
        );
      case 'consultation':
        return a.change === 'booked'
          ? `📅 Консультация: ${who(a.buyer)} записался на ${wallTime(a.start)}${a.listing ? ` (${a.listing})` : ''}.`
          : a.change === 'rescheduled'
            ? `📅 Консультация ${who(a.buyer)} перенесена на ${wallTime(a.start)}.`
            : `📅 Консультация ${who(a.buyer)} на ${wallTime(a.start)} отменена.`;
      case 'payment':
        return a.change === 'succeeded'
          ? `💳 Оплата: ${formatKopecks(a.amountKopecks, 'ru')} по счёту № ${a.invoice} от ${who(a.buyer)}.`
          : a.change === 'refunded'
            ? `💳 Возврат ${formatKopecks(a.amountKopecks, 'ru')} по счёту № ${a.invoice} проведён.`
            : `💳 Платёж по счёту № ${a.invoice} не состоялся${a.cancellation ? ` (${a.cancellation})` : ''}.`;
    }
  },
  edit: {
    prompt: (current: string) =>
      `✏️ <b>Текущий текст</b> (нажмите, чтобы скопировать):\n<code>${current}</code>\n\n` +
      'Пришлите новый текст одним сообщением. /cancel — отмена. Ждём 10 минут.',
    replyPrompt: '✍️ Пришлите текст, который уйдёт покупателю. /cancel — отмена. Ждём 10 минут.',
    preview: (text: string) => `👀 <b>Так уйдёт покупателю:</b>\n\n${text}`,
    cancelled: '✖️ Отменено, черновик не изменён.',
    sent: '✅ Отправляю.',
    notPending: 'Этот черновик уже обработан — изменять нечего.',
    tooLong: (max: number) => `Слишком длинно: не больше ${max} символов. Пришлите текст короче.`,
    empty: 'Пришлите текст сообщением.',
    failed: (why: string) => `Не получилось: ${why}`,
    nothingToCancel: 'Нечего отменять.',
  },
  reply: {
    relayed: '✅ Отправляю покупателю.',
    unknownCard: 'Не понял, к какому чату это относится. Ответьте (reply) на карточку черновика.',
    failed: (why: string) => `Не отправлено: ${why}`,
  },
  chats: {
    nonePending: 'Черновиков на решении нет.',
    pendingHeader: (n: number) => `📝 Ждут решения: <b>${n}</b> (карточки ниже)`,
    humanHeader: (n: number) => `🙋 Чаты, которые вы ведёте сами: <b>${n}</b>`,
    noneHuman: 'Чатов, которые вы ведёте сами, нет.',
    humanLine: (name: string, channel: string, title: string, until: string | null) =>
      `• ${name} (${channel}) — ${title}${until ? ` (пауза до ${until})` : ''}`,
  },
  upload: {
    /** `types`: the accepted kinds, e.g. `PDF, DOCX, TXT`. */
    prompt: (types: string) =>
      `📎 Пришлите один или несколько файлов: ${types}; до 20 МБ. ` +
      'Для каждого я спрошу, к чему он относится.',
    tooBig: (name: string, mb: string) =>
      `❌ <b>${name}</b>: ${mb} МБ — больше 20 МБ, которые Telegram даёт скачать боту. Сожмите файл или разбейте на части.`,
    unsupported: (name: string, types: string) =>
      `❌ <b>${name}</b>: такой тип файла я не читаю. Подходят: ${types}.`,
    choose: (name: string) => `📄 <b>${name}</b>\nК чему относится документ?`,
    expired: 'Запрос устарел, пришлите файл ещё раз.',
    scopeGeneral: 'общий',
    progress: (name: string, scope: string, stage: string) => `📄 <b>${name}</b> → ${scope}\n${stage}`,
    stages: {
      queued: '⏳ в очереди',
      downloading: '⬇️ загрузка…',
      extracting: '📖 читаю текст…',
      uploading: '⬆️ загрузка…',
      indexing: '🗂 индексация…',
      ready: '✅ готово',
      failed: (why: string) => `❌ ошибка: ${why}`,
    },
    download: (p: DownloadProblem): string => {
      switch (p.code) {
        case 'no-path':
          return 'Telegram не отдал файл';
        case 'too-big':
          return 'файл больше 20 МБ';
        case 'http':
          return `скачать не удалось (HTTP ${p.status})`;
      }
    },
    cancelled: '✖️ Загрузка отменена.',
  },
  docs: {
    title: (n: number) => `📚 <b>Документы</b>: ${n}`,
    none: 'Документов пока нет. /upload — добавить.',
    line: (state: DocumentState, title: string, scope: string, origin: string) =>
      `${stateIcon[state]} ${title} — ${scope} · ${originName(origin)}`,
    confirm: (title: string) => `Удалить «${title}» из базы знаний?`,
    deleted: (title: string) => `🗑 «${title}» удалён.`,
    syncQueued: '🔄 Синхронизация папки запущена.',
    syncDone: '✅ Папка синхронизирована.',
    syncFailed: (why: string) => `❌ Синхронизация не удалась: ${why}`,
    noSync: 'Синхронизация папки не настроена.',
  },
  ask: {
    usage: 'Использование: /ask вопрос покупателя',
    choose: (q: string) => `❓ <b>${q}</b>\nДля какого объявления проверить ответ?`,
    thinking: '⏳ Думаю…',
    answer: (strategy: string) => `🤖 <b>Так ответил бы бот</b> (${strategyName(strategy)}):`,
    fallback: '🤷 <b>Ответа нет, покупатель получил бы запасной текст:</b>',
    escalate: (reason: string, matched: string) =>
      `🙋 <b>Бот передал бы этот вопрос вам</b>: ${escalationReason(reason)}${matched ? ` («${matched}»)` : ''}`,
    nothingSent: 'Ничего не отправлено.',
    failed: (why: string) => `❌ Не удалось: ${why}`,
  },
  listingsPage: (page: number, pages: number) => `${page}/${pages}`,
  unhandled: 'Не понял. /help — что я умею.',
  genericError: 'Что-то пошло не так, попробуйте ещё раз.',
  // ---- Sales: /leads, the lead card, documents, /quote ----
  sales: {
    notConfigured: 'Продажи не настроены: нет файла SALES_CONFIG (образец — examples/sales.yaml).',
    stage: (s: string): string =>
      ({
        new: '🆕 Новая',
        qualified: '🎯 Квалифицирована',
        offer_sent: '📄 КП отправлено',
        booked: '📅 Запись',
        invoiced: '🧾 Счёт выставлен',
        paid: '💳 Оплачена',
        won: '🏆 Сделка',
        lost: '❌ Потеряна',
      })[s] ?? s,
    channel: (c: string): string => ({ avito: 'Авито', telegram: 'Telegram', web: 'сайт' })[c] ?? c,
    docKind: (k: string): string => ({ offer: 'КП', contract: 'Договор', invoice: 'Счёт' })[k] ?? k,
    leadsTitle: (total: number) => `📇 <b>Открытые заявки</b>: ${total}`,
    noLeads: 'Открытых заявок нет.',
    stageTitle: (stage: string, page: number, pages: number) =>
      `📇 <b>${stage}</b>${pages > 1 ? ` · ${page}/${pages}` : ''}`,
    stageEmpty: 'На этом этапе заявок нет.',
    leadButton: (name: string, listing: string) => `${name}${listing ? ` · ${listing}` : ''}`,
    noName: 'без имени',
    card: {
      title: (n: string) => `📇 <b>Заявка</b> <code>${n}</code>`,
      stage: (s: string) => `Этап: <b>${s}</b>`,
      lostReason: (r: string) => `Причина: ${r}`,
      channel: (c: string) => `Канал: ${c}`,
      contact: 'Контакт:',
      noContact: 'Контакт: —',
      listing: (l: string) => `Объявление: ${l}`,
      brief: '<b>Бриф</b>',
      briefEmpty: 'Бриф пока пуст.',
      amounts: (quoted: string, invoiced: string, paid: string) =>
        `Суммы: КП ${quoted} · счёт ${invoiced} · оплачено ${paid}`,
      documents: '<b>Документы</b>',
      document: (kind: string, number: string, total: string, sent: boolean, downloads: number) =>
        `${kind} ${number} — ${total}${sent ? ` · отправлен${downloads > 0 ? ` · скачан ${downloads}×` : ''}` : ' · не отправлен'}`,
      updated: (when: string) => `Обновлена ${when}`,
    },
    buttons: {
      list: '📋 Этапы',
      prev: '◀️',
      next: '▶️',
      card: '📇 Заявка',
      editBrief: '✏️ Бриф',
      offer: '📄 КП',
      contract: '📝 Договор',
      invoice: '🧾 Счёт',
      lost: '❌ Потеряна',
      reopen: '↩️ Вернуть в работу',
      refresh: '🔄 Обновить',
      sendDoc: '✅ Отправить покупателю',
      regenDoc: '🔄 Заново',
      cancelDoc: '✖️ Отмена',
      cancel: '✖️ Отмена',
      clear: '🧹 Очистить',
      yes: 'Да',
      no: 'Нет',
      toStage: (s: string) => `→ ${s}`,
    },
    toast: {
      moved: (s: string) => `Этап: ${s}`,
      notFound: 'Заявка не найдена',
      conflict: 'Заявка только что изменилась, попробуйте ещё раз',
      refused: 'Так перевести нельзя',
      preparing: '⏳ Готовлю документ…',
      sent: '✅ Ссылка отправлена покупателю',
      cancelled: 'Отменено',
      stale: 'Уже отправлен или отменён',
    },
    lost: {
      ask: 'Почему заявка потеряна? Выберите или напишите причину (/cancel — отмена).',
      quick: ['Дорого', 'Выбрал другого', 'Не отвечает', 'Передумал', 'Не наш профиль'],
      done: (r: string) => `❌ Заявка потеряна: ${r}`,
    },
    brief: {
      pick: 'Какое поле брифа изменить?',
      ask: (label: string, current: string) =>
        `✏️ <b>${label}</b>\nСейчас: ${current}\nНапишите новое значение (/cancel — отмена).`,
      saved: (label: string, value: string) => `✅ ${label}: ${value}`,
      cleared: (label: string) => `🧹 ${label}: очищено`,
      invalid: (why: string) => `Не подходит: ${why}. Попробуйте ещё раз или /cancel.`,
      timeout: 'Время вышло, поле не изменено.',
    },
    doc: {
      caption: (title: string, total: string, buyer: string) =>
        `${title}\nСумма: <b>${total}</b>\nПокупатель: ${buyer}`,
      sentCaption: (title: string, url: string) => `${title}\n✅ Отправлено покупателю: ${url}`,
      cancelledCaption: (title: string) => `${title}\n✖️ Отменено`,
      noOrder:
        'Не из чего составить документ: объявление не связано с товаром прайса. Посчитайте через /quote.',
      missing: (list: string) => `Не хватает реквизитов в SALES_CONFIG: ${list}`,
      tooLarge: 'PDF больше MAX_PDF_SIZE_MB.',
      quoteError: (why: string) => `Не удалось посчитать: ${why}`,
      notDelivered: 'Не удалось отправить: чат покупателя не найден.',
    },
    quote: {
      pickProduct: '🧮 <b>Расчёт</b>\nВыберите товар или услугу:',
      pickOption: (title: string) => `Выберите: <b>${title}</b>`,
      yes: 'Да',
      no: 'Нет',
      askCount: (title: string, unit: string) => `Сколько (${unit}): <b>${title}</b>? Напишите число.`,
      askQty: (unit: string, min: string, max: string) =>
        `Количество (${unit}), от ${min} до ${max}? Напишите число.`,
      badNumber: 'Нужно число в допустимых пределах. Ещё раз или /cancel.',
      result: (table: string) => `<pre>${table}</pre>`,
      forLead: '📄 КП для заявки',
      pickLead: 'Для какой заявки составить КП?',
      noLeads: 'Открытых заявок нет: КП не к чему привязать.',
      cancelled: 'Расчёт отменён.',
      timeout: 'Время вышло, расчёт отменён.',
    },
    draftLead: (stage: string) => `📇 Заявка: ${stage}`,
    /** 📅 on the lead card (Google Calendar); `when` is the slot in the calendar's zone, `zone` its label. */
    booking: {
      line: (when: string, zone: string) => `📅 Консультация: <b>${when}</b> (${zone})`,
      offer: '📅 Предложить консультацию',
      reschedule: '🔁 Перенести',
      cancel: '✖️ Отменить консультацию',
      back: '◀️ Назад',
      pick: (when: string, zone: string) =>
        `🔁 <b>Перенос консультации</b>\nСейчас: ${when} (${zone}).\nВыберите новое время (${zone}) — покупателю ` +
        'сообщим. Пока время не выбрано, запись остаётся прежней.',
      confirmCancel: (when: string, zone: string) =>
        `✖️ <b>Отменить консультацию ${when} (${zone})?</b>\nСобытие удалится из календаря, покупателю сообщим.`,
      toast: {
        offered: '📅 Свободное время отправлено покупателю',
        booked: 'Консультация уже назначена',
        moving: (when: string) => `🔁 Переношу на ${when}, покупателю сообщим`,
        cancelling: '✖️ Консультация отменяется, покупателю сообщим',
        noBooking: 'Записи уже нет: её отменили или перенесли',
        noSlots: 'Свободного времени в ближайшие дни нет',
        slotGone: 'Это время уже занято или прошло, выберите другое',
        closed: 'Заявка закрыта',
      },
    },
    /** 💳 on the lead card (YooKassa); amounts are kopecks. */
    payment: {
      pending: (invoice: string) => `💳 Счёт № ${invoice}: ссылка на оплату отправлена, ждём оплату`,
      creating: (invoice: string) => `💳 Счёт № ${invoice}: готовим ссылку на оплату`,
      canceled: (invoice: string) => `💳 Счёт № ${invoice}: платёж не состоялся`,
      paid: (invoice: string, kopecks: number, refunded: number) =>
        `💳 Счёт № ${invoice}: оплачено ${formatKopecks(kopecks, 'ru')}${refunded > 0 ? `, возвращено ${formatKopecks(refunded, 'ru')}` : ''}`,
      link: (invoice: string | null) => `💳 Ссылка на оплату${invoice ? ` · ${invoice}` : ''}`,
      refund: (invoice: string | null) => `↩️ Возврат${invoice ? ` · ${invoice}` : ''}`,
      other: '✏️ Другая сумма',
      askAmount: (invoice: string, max: number) =>
        `↩️ Сколько вернуть по счёту № ${invoice}? Напишите сумму в рублях, до ${formatKopecks(max, 'ru')} (/cancel — отмена).`,
      badAmount: (max: number) =>
        `Нужна сумма от 0,01 до ${formatKopecks(max, 'ru')}, например 1 500 или 1 500,50. Ещё раз или /cancel.`,
      confirmRefund: (invoice: string, kopecks: number) =>
        `↩️ <b>Вернуть ${formatKopecks(kopecks, 'ru')} по счёту № ${invoice}?</b>\nДеньги вернутся покупателю через ЮKassa.`,
      toast: {
        linkQueued: '💳 Ссылка на оплату уйдёт покупателю',
        linkSent: 'Ссылка на оплату уже отправлена',
        refunding: (kopecks: number) => `↩️ Возврат ${formatKopecks(kopecks, 'ru')} отправлен в ЮKassa`,
        alreadyPaid: 'Счёт уже оплачен',
        notPaid: 'Счёт не оплачен: возвращать нечего',
        refunded: 'Уже возвращено',
        noInvoice: 'Счёта больше нет в заявке',
      },
    },
  },
};

export type OwnerTexts = typeof owner;
