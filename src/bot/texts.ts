/**
 * Every text the owner reads, in Russian (default) and English (`BOT_LOCALE=en`). Texts that embed
 * buyer, AI or document content expect it already escaped (see `html.ts`); the rest is safe HTML.
 */

import type { DocumentState, DraftStatus, Mode } from '../models/records.js';

export type Locale = 'ru' | 'en';

const ru = {
  locale: 'ru' as Locale,
  timeZone: 'Europe/Moscow',
  tzLabel: 'МСК',
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
    chats: 'Ждущие черновики и чаты, которые вы ведёте',
    docs: 'Документы базы знаний',
    upload: 'Загрузить документ',
    ask: 'Проверить ответ: /ask вопрос',
    cancel: 'Отменить текущее действие',
  },
  start: (name: string, id: number, mode: Mode, paused: boolean, health: string) =>
    `👋 Здравствуйте, <b>${name}</b> (id <code>${id}</code>), вы владелец.\n` +
    `Я отвечаю покупателям Авито и показываю вам черновики.\n\n` +
    `Режим: <b>${modeName.ru(mode)}</b>${paused ? ' · ⏸ <b>пауза</b>' : ''}\n${health}\n\n/help — команды`,
  help:
    '<b>Команды</b>\n' +
    '/mode — режим: 🤖 авто (проверенные ответы уходят сами) или 👀 проверка (всё через вас)\n' +
    '/pause, /resume — глобальная пауза отправки\n' +
    '/status — состояние Авито, Telegram, Gemini, очередей\n' +
    '/chats — ждущие черновики и чаты, которые вы ведёте сами\n' +
    '/docs — документы; /upload — добавить файл (или просто пришлите файл)\n' +
    '/ask &lt;вопрос&gt; — как бы ответил бот (ничего не отправляется)\n' +
    '/cancel — отменить редактирование\n\n' +
    'На карточке: ✅ отправить, ✏️ изменить, 🔄 заново, 🙋 беру на себя, ✖️ отклонить. ' +
    'Ответ (reply) на карточку текстом уходит покупателю.',
  healthLine: (ok: number, total: number, bad: string[]) =>
    ok === total ? `Состояние: ✅ всё в порядке (${total})` : `Состояние: ⚠️ проблемы: ${bad.join(', ')}`,
  statusTitle: '<b>Состояние</b>',
  statusQueue: (pending: number, human: number, jobs: number | undefined) =>
    `Черновиков ждут: <b>${pending}</b> · чатов ведёте вы: <b>${human}</b>` +
    (jobs === undefined ? '' : ` · задач в очереди: <b>${jobs}</b>`),
  statusMode: (mode: Mode, paused: boolean) =>
    `Режим: <b>${modeName.ru(mode)}</b>${paused ? ' · ⏸ пауза' : ''}`,
  statusFailed: 'Не удалось получить состояние, см. журнал.',
  modeTitle: (mode: Mode) => `Режим ответов сейчас: <b>${modeName.ru(mode)}</b>`,
  modeButton: (mode: Mode, current: boolean) => `${current ? '✓ ' : ''}${modeName.ru(mode)}`,
  modeSet: (mode: Mode) => `Режим: ${modeName.ru(mode)}`,
  modeUsage: 'Использование: /mode, /mode auto или /mode review',
  paused: '⏸ Пауза: автоматически ничего не отправляется. Черновики по-прежнему приходят. /resume — снять.',
  resumed: '▶️ Пауза снята.',
  card: {
    buyer: '👤',
    noName: 'покупатель',
    buyerSays: '💬 <b>Покупатель:</b>',
    noMessages: '(сообщений нет)',
    draft: '🤖 <b>Черновик</b>',
    fallbackDraft: '🤷 <b>Запасной ответ</b> (в документах не нашлось)',
    escalation: (reason: string) => `🙋 <b>Нужен человек:</b> ${reasonName.ru(reason)}`,
    sources: '📚 Источники:',
    noSources: '📚 Источников нет',
    grounded: '✅ Подтверждён источниками',
    ungrounded: '⚠️ Не подтверждён источниками',
    findings: 'Проверка нашла:',
    strategy: (s: string) => `Поиск: ${strategyName.ru(s)}`,
    edited: '✏️ текст изменён владельцем',
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
  notice: {
    autoSent: '🤖 <b>Ответ отправлен автоматически</b>',
    fallbackSent: '🤷 <b>В документах нет ответа — отправлен запасной текст</b>',
    chatPaused: (until: string) =>
      `⏸ Вы написали покупателю из приложения Авито — ИИ молчит в этом чате до <b>${until}</b>.`,
    buyerInHumanChat: '💬 <b>Покупатель пишет в чате, который вы ведёте сами</b>',
    answer: '🤖 Ответ:',
    replyHint: 'Ответьте (reply) на это сообщение, чтобы написать покупателю.',
  },
  alert: (text: string) => `⚠️ ${text}`,
  storageFailing: (cause: string) =>
    `Хранилище данных не принимает записи (${cause}). Новые сообщения покупателей пока не принимаются — ` +
    'Авито пришлёт их повторно, ответы ждут. Освободите место на диске: сервис продолжит сам.',
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
    nonePending: 'Ждущих черновиков нет.',
    pendingHeader: (n: number) => `📝 Ждут решения: <b>${n}</b> (карточки ниже)`,
    humanHeader: (n: number) => `🙋 Чаты, которые вы ведёте сами: <b>${n}</b>`,
    noneHuman: 'Чатов, которые вы ведёте сами, нет.',
    humanLine: (name: string, title: string, until: string | null) =>
      `• ${name} — ${title}${until ? ` (пауза до ${until})` : ''}`,
  },
  upload: {
    prompt:
      '📎 Пришлите один или несколько файлов (PDF, TXT, DOCX, MD; до 20 МБ). ' +
      'Для каждого я спрошу, к чему он относится.',
    tooBig: (name: string, mb: string) =>
      `❌ <b>${name}</b>: ${mb} МБ — больше 20 МБ, которые Telegram даёт скачать боту. Сожмите файл или разбейте на части.`,
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
    cancelled: '✖️ Загрузка отменена.',
  },
  docs: {
    title: (n: number) => `📚 <b>Документы</b>: ${n}`,
    none: 'Документов пока нет. /upload — добавить.',
    line: (state: DocumentState, title: string, scope: string, origin: string) =>
      `${stateIcon[state]} ${title} — ${scope} · ${originName.ru(origin)}`,
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
    answer: (strategy: string) => `🤖 <b>Так ответил бы бот</b> (${strategy}):`,
    fallback: (reason: string) => `🤷 <b>Ответа в документах нет</b> (${reason}), покупатель получил бы:`,
    escalate: (reason: string, matched: string) =>
      `🙋 <b>Передано бы вам</b>: ${reason}${matched ? ` («${matched}»)` : ''}`,
    nothingSent: 'Ничего не отправлено.',
    failed: (why: string) => `❌ Не удалось: ${why}`,
  },
  listingsPage: (page: number, pages: number) => `${page}/${pages}`,
  unhandled: 'Не понял. /help — что я умею.',
  genericError: 'Что-то пошло не так, попробуйте ещё раз.',
};

export type Texts = typeof ru;

const stateIcon: Record<DocumentState, string> = { indexing: '⏳', ready: '✅', failed: '❌' };

const modeName = {
  ru: (m: Mode) => (m === 'auto' ? '🤖 Авто' : '👀 Проверка'),
  en: (m: Mode) => (m === 'auto' ? '🤖 Auto' : '👀 Review'),
};
const strategyName = {
  ru: (s: string) =>
    ({ item: 'документы объявления', general: 'общие документы', local: 'локальный индекс', none: 'ничего' })[
      s
    ] ?? s,
  en: (s: string) =>
    ({ item: 'listing documents', general: 'general documents', local: 'local index', none: 'nothing' })[s] ??
    s,
};
/** Escalation reasons (`src/rag/escalation.ts`) as the owner reads them; unknown codes show as they are. */
const reasonName = {
  ru: (r: string) =>
    ({
      human_request: 'покупатель просит человека',
      complaint: 'жалоба',
      refund: 'возврат денег или товара',
      bargaining: 'торг',
      threat: 'угроза (суд, полиция, жалоба в Avito)',
      keyword: 'ключевое слово владельца',
      non_text: 'покупатель прислал не текст',
    })[r] ?? r,
  en: (r: string) =>
    ({
      human_request: 'the buyer asks for a person',
      complaint: 'a complaint',
      refund: 'a refund or return',
      bargaining: 'bargaining',
      threat: 'a threat (court, police, Avito complaint)',
      keyword: 'an owner keyword',
      non_text: 'the buyer sent something other than text',
    })[r] ?? r,
};
const originName = {
  ru: (o: string) => ({ upload: 'загружен', folder: 'папка', listing: 'объявление' })[o] ?? o,
  en: (o: string) => ({ upload: 'uploaded', folder: 'folder', listing: 'listing' })[o] ?? o,
};

const en: Texts = {
  locale: 'en',
  timeZone: 'Europe/Moscow',
  tzLabel: 'MSK',
  cutMarker: '(cut)',
  refused: "Sorry, this bot manages a seller's replies and only takes commands from its owner.",
  refusedToast: 'Only the owner can do this.',
  commands: {
    start: 'Who am I and how things are',
    help: 'What the bot can do',
    mode: 'Mode: auto or review',
    pause: 'Pause: send nothing automatically',
    resume: 'Lift the pause',
    status: 'Service status',
    chats: 'Pending drafts and chats you handle',
    docs: 'Knowledge base documents',
    upload: 'Upload a document',
    ask: 'Preview an answer: /ask question',
    cancel: 'Cancel the current action',
  },
  start: (name, id, mode, paused, health) =>
    `👋 Hello, <b>${name}</b> (id <code>${id}</code>), you are the owner.\n` +
    `I answer Avito buyers and show you the drafts.\n\n` +
    `Mode: <b>${modeName.en(mode)}</b>${paused ? ' · ⏸ <b>paused</b>' : ''}\n${health}\n\n/help — commands`,
  help:
    '<b>Commands</b>\n' +
    '/mode — 🤖 auto (grounded answers go out by themselves) or 👀 review (everything through you)\n' +
    '/pause, /resume — global send pause\n' +
    '/status — Avito, Telegram, Gemini, queues\n' +
    '/chats — pending drafts and chats you handle yourself\n' +
    '/docs — documents; /upload — add a file (or just send a file)\n' +
    '/ask &lt;question&gt; — how the bot would answer (nothing is sent)\n' +
    '/cancel — cancel editing\n\n' +
    'On a card: ✅ send, ✏️ edit, 🔄 regenerate, 🙋 take over, ✖️ dismiss. ' +
    'A text reply to a card goes to the buyer.',
  healthLine: (ok, total, bad) =>
    ok === total ? `Health: ✅ all fine (${total})` : `Health: ⚠️ problems: ${bad.join(', ')}`,
  statusTitle: '<b>Status</b>',
  statusQueue: (pending, human, jobs) =>
    `Drafts waiting: <b>${pending}</b> · chats you handle: <b>${human}</b>` +
    (jobs === undefined ? '' : ` · jobs queued: <b>${jobs}</b>`),
  statusMode: (mode, paused) => `Mode: <b>${modeName.en(mode)}</b>${paused ? ' · ⏸ paused' : ''}`,
  statusFailed: 'Could not read the status, see the log.',
  modeTitle: (mode) => `Answer mode now: <b>${modeName.en(mode)}</b>`,
  modeButton: (mode, current) => `${current ? '✓ ' : ''}${modeName.en(mode)}`,
  modeSet: (mode) => `Mode: ${modeName.en(mode)}`,
  modeUsage: 'Usage: /mode, /mode auto or /mode review',
  paused: '⏸ Paused: nothing is sent automatically. Drafts still arrive. /resume to lift.',
  resumed: '▶️ Pause lifted.',
  card: {
    buyer: '👤',
    noName: 'buyer',
    buyerSays: '💬 <b>Buyer:</b>',
    noMessages: '(no messages)',
    draft: '🤖 <b>Draft</b>',
    fallbackDraft: '🤷 <b>Fallback answer</b> (not found in the documents)',
    escalation: (reason) => `🙋 <b>Needs a human:</b> ${reasonName.en(reason)}`,
    sources: '📚 Sources:',
    noSources: '📚 No sources',
    grounded: '✅ Backed by the sources',
    ungrounded: '⚠️ Not backed by the sources',
    findings: 'The check found:',
    strategy: (s) => `Search: ${strategyName.en(s)}`,
    edited: '✏️ edited by the owner',
  },
  messageType: (type) =>
    ({
      image: '📷 the buyer sent a photo',
      voice: '🎤 the buyer sent a voice message',
      video: '🎬 the buyer sent a video',
      file: '📎 the buyer sent a file',
      location: '📍 the buyer sent a location',
      link: '🔗 the buyer sent a link',
      item: '🛍 the buyer sent a listing',
      call: '📞 a call',
      deleted: '🗑 message deleted',
      system: 'ℹ️ system message',
    })[type] ?? `✉️ a "${type}" message`,
  status: (status, who, when, error) =>
    ({
      pending: '',
      approved: '⏳ sending',
      sending: '⏳ sending',
      sent: `✅ sent (${who}, ${when})`,
      dismissed: `✖️ dismissed (${when})`,
      superseded: '↪️ replaced by a newer draft',
      failed: `❌ not sent: ${error}`,
    })[status],
  whoAuto: 'automatically',
  whoOwner: (name) => name,
  buttons: {
    send: '✅ Send',
    edit: '✏️ Edit',
    regen: '🔄 Regenerate',
    take: '🙋 Take over',
    dismiss: '✖️ Dismiss',
    reply: '✍️ Reply',
    ai: '🤖 Let the AI answer',
    retry: '🔁 Retry',
    handBack: '🤖 Hand back to AI',
    bad: '👎 Bad answer',
    cancel: '✖️ Cancel',
    general: '📚 General',
    prev: '◀️',
    next: '▶️',
    delete: '🗑',
    yesDelete: '🗑 Yes, delete',
    no: '↩️ No',
    sync: '🔄 Sync the folder',
  },
  toast: {
    approve: '✅ Sending',
    edited: '✅ Sending the edited text',
    dismiss: '✖️ Dismissed',
    regen: '🔄 Making a new draft',
    retry: '🔁 Trying again',
    ai: '🤖 The AI answers',
    feedback: '👎 Thanks, noted',
    takeOver: '🙋 The chat is yours: the AI stays quiet until you hand it back',
    handBack: '🤖 The AI answers in this chat again',
    stale: 'Already handled',
    notFound: 'Draft not found',
    invalid: 'Not available now',
    working: '⏳ Working…',
    unknown: 'This button is outdated',
    failed: 'That did not work, see the log',
    editStarted: '✏️ Send the new text',
    replyStarted: '✍️ Send your reply',
    uploadQueued: '⏳ Uploading',
  },
  notice: {
    autoSent: '🤖 <b>Answer sent automatically</b>',
    fallbackSent: '🤷 <b>No answer in the documents — the fallback text was sent</b>',
    chatPaused: (until) =>
      `⏸ You wrote to the buyer from the Avito app — the AI is quiet in this chat until <b>${until}</b>.`,
    buyerInHumanChat: '💬 <b>A buyer writes in a chat you handle yourself</b>',
    answer: '🤖 Answer:',
    replyHint: 'Reply to this message to write to the buyer.',
  },
  alert: (text) => `⚠️ ${text}`,
  storageFailing: (cause) =>
    `The data store refuses writes (${cause}). New buyer messages are not taken for now — Avito will deliver ` +
    'them again, answers wait. Free up disk space: the service resumes by itself.',
  edit: {
    prompt: (current) =>
      `✏️ <b>Current text</b> (tap to copy):\n<code>${current}</code>\n\n` +
      'Send the new text in one message. /cancel to cancel. Waiting 10 minutes.',
    replyPrompt: '✍️ Send the text for the buyer. /cancel to cancel. Waiting 10 minutes.',
    preview: (text) => `👀 <b>The buyer will get:</b>\n\n${text}`,
    cancelled: '✖️ Cancelled, the draft is unchanged.',
    sent: '✅ Sending.',
    notPending: 'This draft is already handled — nothing to edit.',
    tooLong: (max) => `Too long: at most ${max} characters. Send a shorter text.`,
    empty: 'Send the text as a message.',
    failed: (why) => `That did not work: ${why}`,
    nothingToCancel: 'Nothing to cancel.',
  },
  reply: {
    relayed: '✅ Sending to the buyer.',
    unknownCard: 'I cannot tell which chat this is for. Reply to a draft card.',
    failed: (why) => `Not sent: ${why}`,
  },
  chats: {
    nonePending: 'No drafts are waiting.',
    pendingHeader: (n) => `📝 Waiting for you: <b>${n}</b> (cards below)`,
    humanHeader: (n) => `🙋 Chats you handle yourself: <b>${n}</b>`,
    noneHuman: 'No chats handled by you.',
    humanLine: (name, title, until) => `• ${name} — ${title}${until ? ` (paused until ${until})` : ''}`,
  },
  upload: {
    prompt:
      '📎 Send one or more files (PDF, TXT, DOCX, MD; up to 20 MB). For each I will ask what it is about.',
    tooBig: (name, mb) =>
      `❌ <b>${name}</b>: ${mb} MB — over the 20 MB Telegram lets a bot download. Compress or split the file.`,
    choose: (name) => `📄 <b>${name}</b>\nWhat is this document about?`,
    expired: 'This request is outdated, send the file again.',
    scopeGeneral: 'general',
    progress: (name, scope, stage) => `📄 <b>${name}</b> → ${scope}\n${stage}`,
    stages: {
      queued: '⏳ queued',
      downloading: '⬇️ downloading…',
      extracting: '📖 reading the text…',
      uploading: '⬆️ uploading…',
      indexing: '🗂 indexing…',
      ready: '✅ ready',
      failed: (why) => `❌ error: ${why}`,
    },
    cancelled: '✖️ Upload cancelled.',
  },
  docs: {
    title: (n) => `📚 <b>Documents</b>: ${n}`,
    none: 'No documents yet. /upload to add one.',
    line: (state, title, scope, origin) =>
      `${stateIcon[state]} ${title} — ${scope} · ${originName.en(origin)}`,
    confirm: (title) => `Delete "${title}" from the knowledge base?`,
    deleted: (title) => `🗑 "${title}" deleted.`,
    syncQueued: '🔄 Folder sync started.',
    syncDone: '✅ Folder synced.',
    syncFailed: (why) => `❌ Sync failed: ${why}`,
    noSync: 'Folder sync is not configured.',
  },
  ask: {
    usage: "Usage: /ask the buyer's question",
    choose: (q) => `❓ <b>${q}</b>\nWhich listing should the answer be for?`,
    thinking: '⏳ Thinking…',
    answer: (strategy) => `🤖 <b>The bot would answer</b> (${strategy}):`,
    fallback: (reason) => `🤷 <b>Not in the documents</b> (${reason}); the buyer would get:`,
    escalate: (reason, matched) =>
      `🙋 <b>Would be passed to you</b>: ${reason}${matched ? ` ("${matched}")` : ''}`,
    nothingSent: 'Nothing was sent.',
    failed: (why) => `❌ Failed: ${why}`,
  },
  listingsPage: (page, pages) => `${page}/${pages}`,
  unhandled: 'I did not get that. /help lists what I can do.',
  genericError: 'Something went wrong, please try again.',
};

/** The texts for a locale; anything but `en` is Russian. */
export function textsFor(locale: string | undefined): Texts {
  return locale === 'en' ? en : ru;
}

/** Strategy names for `/ask` and cards. */
export function strategyLabel(t: Texts, strategy: string): string {
  return t.locale === 'en' ? strategyName.en(strategy) : strategyName.ru(strategy);
}

/** Building an Intl formatter costs far more than using one (it showed in the card-rendering profile). */
const whenFormats = new Map<string, Intl.DateTimeFormat>();

/** A date as the owner reads it, in Moscow time (Avito's clock). */
export function formatWhen(t: Texts, date: Date): string {
  const key = `${t.locale}|${t.timeZone}`;
  let format = whenFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(t.locale === 'en' ? 'en-GB' : 'ru-RU', {
      timeZone: t.timeZone,
      day: '2-digit',
      month: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    whenFormats.set(key, format);
  }
  return `${format.format(date)} ${t.tzLabel}`;
}
