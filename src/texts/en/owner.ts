/** Every text the owner reads in Telegram, in English (`BOT_LOCALE=en`): typed against the Russian texts. */

import { formatKopecks } from '../format.js';
import type { DocumentState, Mode } from '../../models/records.js';
import type { ChannelId, IntegrationName, IntegrationOperation, OwnerAlert } from '../../models/problems.js';
import type { OwnerTexts } from '../ru/owner.js';

// ▼ sales-pipeline integrations
const integrationName: Record<IntegrationName, string> = {
  amocrm: 'amoCRM',
  calendar: 'Google Calendar',
  yookassa: 'YooKassa',
  email: 'e-mail',
};
const operationName: Record<IntegrationOperation, string> = {
  'sync-deal': 'the deal was not created or updated',
  'add-note': 'a note was not added to the deal',
  'register-webhook': 'the stage-change webhook is not connected',
  'offer-slots': 'free times were not sent to the buyer',
  book: 'the consultation was not booked',
  reschedule: 'the consultation was not moved',
  'cancel-booking': 'the consultation was not cancelled',
  'create-payment': 'the payment link was not created',
  'check-payment': 'the payment was not checked',
  refund: 'the refund did not go through',
  'send-email': 'an e-mail was not sent',
  'message-buyer': 'a message to the buyer was not sent',
};
/** `2027-06-02T11:00:00+03:00` → "02.06 at 11:00" (the wall time the string carries, in the seller's zone). */
const wallTime = (rfc3339: string): string => {
  const m = /^\d{4}-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(rfc3339);
  return m ? `${m[2]}.${m[1]} at ${m[3]}:${m[4]}` : rfc3339;
};
const who = (buyer: string | null, possessive = false): string =>
  buyer ? `"${buyer}"${possessive ? "'s" : ''}` : possessive ? "The buyer's" : 'the buyer';
// ▲ sales-pipeline integrations

const stateIcon: Record<DocumentState, string> = { indexing: '⏳', ready: '✅', failed: '❌' };

const modeName = (m: Mode): string => (m === 'auto' ? '🤖 Auto' : '👀 Review');

const CHANNEL_NAMES: Record<ChannelId, string> = { avito: 'Avito', web: 'website', telegram: 'Telegram' };

const escalationReason = (r: string): string =>
  ({
    human_request: 'the buyer asks for a person',
    callback: 'the buyer asks for a call or left a phone number',
    wrong_item: 'the wrong item was delivered',
    complaint: 'a complaint (a damaged delivery among them)',
    refund: 'a refund or return',
    bargaining: 'bargaining',
    threat: 'a threat (court, police, Avito complaint)',
    keyword: 'an owner keyword',
    non_text: 'the buyer sent something other than text',
  })[r] ?? r;

const strategyName = (s: string): string =>
  ({
    item: 'listing documents',
    general: 'general documents',
    local: 'local search (no Gemini)',
    none: 'nothing found',
  })[s] ?? s;

const providerName = (p: string): string =>
  ({ gemini: 'Gemini', openai: 'OpenAI API', anthropic: 'Anthropic' })[p] ?? p;

const keyVariables = (p: string): string =>
  ({
    gemini: 'GEMINI_API_KEY',
    openai: 'OPENAI_API_KEY (and OPENAI_BASE_URL for a gateway key)',
    anthropic: 'ANTHROPIC_API_KEY',
  })[p] ?? "the provider's key";

const notFound = (reason: string, detail: string | null): string =>
  reason === 'unavailable'
    ? `⚠️ The model is unavailable${detail ? `: ${detail}` : ''} — nothing was searched`
    : reason === 'not_covered'
      ? '🔎 Documents were found, but they do not answer the question'
      : '🔎 Nothing was found in the documents';

const originName = (o: string): string =>
  ({ upload: 'uploaded', folder: 'folder', listing: 'listing' })[o] ?? o;

const checkName = (name: string): string =>
  ({
    store: 'Storage',
    jobs: 'Job queue',
    avito: 'Avito',
    avitoWebhook: 'Avito webhook',
    telegram: 'Telegram',
    gemini: 'Gemini',
    openai: 'OpenAI API',
    anthropic: 'Anthropic',
  })[name] ?? name;

const checkStatus = (status: string): string =>
  ({ ok: 'working', degraded: 'degraded', down: 'down', error: 'error', disabled: 'off' })[status] ?? status;

const checkDisabled = (name: string): string =>
  ({
    avito: 'not configured (AVITO_CLIENT_ID, AVITO_CLIENT_SECRET)',
    telegram: 'not configured (TELEGRAM_BOT_TOKEN)',
    gemini: 'no GEMINI_API_KEY: local search, every answer goes to review',
  })[name] ?? 'not configured';

const tokenCause: Record<Extract<OwnerAlert, { kind: 'avito-token' }>['cause'], string> = {
  tariff: 'the Messenger API needs the paid «Максимальный» tariff (answer 402).',
  permission:
    'no access to the messenger (403 with a fresh token): the app lacks the scope, or this is an employee account — use the company account.',
  auth: 'the client id/secret were refused — check AVITO_CLIENT_ID and AVITO_CLIENT_SECRET.',
  other: 'no access token.',
};

export const owner: OwnerTexts = {
  locale: 'en',
  ingestFailure: {
    empty: 'The file has no text: it is empty or a scan without a text layer.',
    unsupported: 'This file type is not supported. Use PDF, DOCX, XLSX, TXT, MD, HTML or CSV.',
    too_large: 'The file is too large.',
    corrupt: 'The file is damaged or cannot be read.',
    indexing_failed: 'Gemini could not index the document.',
    gemini_unavailable: 'Gemini is unavailable right now; the document was not uploaded. Try again later.',
  },
  timeZone: 'Europe/Moscow',
  tzLabel: 'MSK',
  numberLocale: 'en-GB',
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
    chats: 'Drafts awaiting you and chats you handle',
    docs: 'Knowledge base documents',
    upload: 'Upload a document',
    ask: 'Preview an answer: /ask question',
    leads: 'Leads by stage',
    quote: 'Price-list quote and offer',
    cancel: 'Cancel the current action',
  },
  modeName,
  strategyName,
  escalationReason,
  start: (name, id, mode, paused, health) =>
    `👋 Hello, <b>${name}</b> (id <code>${id}</code>), you are the owner.\n` +
    `I answer Avito buyers and show you the drafts.\n\n` +
    `Mode: <b>${modeName(mode)}</b>${paused ? ' · ⏸ <b>paused</b>' : ''}\n${health}\n\n/help — commands`,
  help:
    '<b>Commands</b>\n' +
    '/mode — 🤖 auto (grounded answers go out by themselves) or 👀 review (everything through you)\n' +
    '/pause, /resume — global send pause\n' +
    '/status — Avito, Telegram, Gemini, queues\n' +
    '/chats — drafts awaiting you and chats you handle yourself\n' +
    '/docs — documents; /upload — add a file (or just send a file)\n' +
    '/ask &lt;question&gt; — how the bot would answer (nothing is sent)\n' +
    '/leads — leads by stage: card, stages, brief, 📄 offer, 📝 contract, 🧾 invoice\n' +
    '/quote — a price-list quote and an offer for a lead\n' +
    '/cancel — cancel editing\n\n' +
    'On a card: ✅ send, ✏️ edit, 🔄 regenerate, 🙋 take over, ✖️ dismiss. ' +
    'A text reply to a card goes to the buyer.',
  healthLine: (bad) => (bad.length === 0 ? 'Health: ✅ all fine' : `Health: ⚠️ problems: ${bad.join(', ')}`),
  check: { name: checkName, status: checkStatus, disabled: checkDisabled },
  statusTitle: '<b>Status</b>',
  statusQueue: (pending, human, jobs) =>
    `Drafts awaiting you: <b>${pending}</b> · chats you handle: <b>${human}</b>` +
    (jobs === undefined ? '' : ` · jobs queued: <b>${jobs}</b>`),
  statusMode: (mode, paused) => `Mode: <b>${modeName(mode)}</b>${paused ? ' · ⏸ paused' : ''}`,
  statusFailed: 'Could not read the status, see the log.',
  modeTitle: (mode) => `Answer mode now: <b>${modeName(mode)}</b>`,
  modeButton: (mode, current) => `${current ? '✓ ' : ''}${modeName(mode)}`,
  modeSet: (mode) => `Mode: ${modeName(mode)}`,
  modeUsage: 'Usage: /mode, /mode auto or /mode review',
  paused: '⏸ Paused: nothing is sent automatically. Drafts still arrive. /resume to lift.',
  resumed: '▶️ Pause lifted.',
  channelName: (channel) => CHANNEL_NAMES[channel],
  card: {
    buyer: '👤',
    noName: 'buyer',
    buyerSays: '💬 <b>Buyer:</b>',
    noMessages: '(no messages)',
    draft: '🤖 <b>Draft</b>',
    fallbackDraft: '🤷 <b>Fallback answer</b> (not found in the documents)',
    fallbackUnavailable: '🤷 <b>Fallback answer</b> (the model is unavailable)',
    ownerReply: (who) => `✍️ <b>Your reply</b> (${who})`,
    ownerFallback: (who) => `✏️ <b>Your text</b> (${who}) instead of the fallback answer`,
    escalation: (reason) => `🙋 <b>Needs a human:</b> ${escalationReason(reason)}`,
    sources: '📚 Sources:',
    noSources: '📚 No sources',
    grounded: '✅ Backed by the sources',
    ungrounded: '⚠️ Not backed by the sources',
    findings: 'The check found:',
    unsupported: (sentences: string) => `The documents do not back: ${sentences}`,
    unanswered: (questions: string) => `Left unanswered: ${questions}`,
    found: (strategy) => `🔎 Found in: ${strategyName(strategy)}`,
    model: (provider, model) => `🧠 Model: ${providerName(provider)} · ${model}`,
    notFound,
    edited: '✏️ edited by the owner',
    takenOver: (who, when) => `🙋 Taken over by ${who} (${when})`,
    handedBack: '🤖 The AI handles the chat again',
    movedBelow: '⬇️ This card moved below.',
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
  deliveryProblem: (p, reason) => {
    switch (p.code) {
      case 'send-failed':
        return reason;
      case 'partly-sent':
        return `${p.sent} of ${p.total} parts sent, the rest not${reason ? ` (${reason})` : ''}`;
      case 'unconfirmed':
        return `the send could not be confirmed${reason ? ` (${reason})` : ''}`;
    }
  },
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
  actionProblem: (p) => {
    switch (p.code) {
      case 'empty-text':
        return 'the text is empty';
      case 'text-too-long':
        return `the text is longer than ${p.max} characters`;
      case 'not-escalation':
        return 'this is not an escalation';
    }
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
  alert: (a, reason) => {
    switch (a.kind) {
      case 'inbound-failed':
        return `⚠️ An Avito message was not processed after ${a.attempts} attempts: ${reason}`;
      case 'avito-token':
        return `⚠️ Avito: ${tokenCause[a.cause]}${a.cause === 'other' ? ` ${reason}` : ''}`;
      case 'avito-subscription-restored':
        return '⚠️ The Avito webhook subscription was gone — subscribed again. Messages will arrive again.';
      case 'storage-failing':
        return (
          `⚠️ The data store refuses writes (${reason}). New buyer messages are not taken for now — Avito will ` +
          'deliver them again, answers wait. Free up disk space: the service resumes by itself.'
        );
      case 'model-provider':
        return a.problem === 'quota'
          ? `⚠️ ${providerName(a.provider)}: the quota or the account balance is used up (${reason}). ` +
              "Top up or raise the limit in the provider's console. Meanwhile the next provider in " +
              'LLM_PROVIDERS writes the answers; without one, drafts come with the fallback text.'
          : `⚠️ ${providerName(a.provider)}: the key was refused (${reason}). Check ${keyVariables(a.provider)} ` +
              'and restart the service. Meanwhile the next provider in LLM_PROVIDERS writes the answers, if there is one.';
      case 'integration-failed':
        return (
          `⚠️ ${integrationName[a.integration]}: ${operationName[a.operation]}` +
          `${a.leadId ? ` (lead ${a.leadId})` : ''} — ${reason}. The job is kept; retry it once fixed.`
        );
      case 'consultation':
        return a.change === 'booked'
          ? `📅 Consultation: ${who(a.buyer)} booked ${wallTime(a.start)}${a.listing ? ` (${a.listing})` : ''}.`
          : a.change === 'rescheduled'
            ? `📅 ${who(a.buyer, true)} consultation moved to ${wallTime(a.start)}.`
            : `📅 ${who(a.buyer, true)} consultation on ${wallTime(a.start)} cancelled.`;
      case 'payment':
        return a.change === 'succeeded'
          ? `💳 Payment: ${formatKopecks(a.amountKopecks, 'en')} for invoice No. ${a.invoice} from ${who(a.buyer)}.`
          : a.change === 'refunded'
            ? `💳 Refund of ${formatKopecks(a.amountKopecks, 'en')} for invoice No. ${a.invoice} done.`
            : `💳 The payment for invoice No. ${a.invoice} did not go through${a.cancellation ? ` (${a.cancellation})` : ''}.`;
    }
  },
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
    nonePending: 'No drafts are awaiting you.',
    pendingHeader: (n) => `📝 Awaiting you: <b>${n}</b> (cards below)`,
    humanHeader: (n) => `🙋 Chats you handle yourself: <b>${n}</b>`,
    noneHuman: 'No chats handled by you.',
    humanLine: (name, channel, title, until) =>
      `• ${name} (${channel}) — ${title}${until ? ` (paused until ${until})` : ''}`,
  },
  upload: {
    prompt: (types) =>
      `📎 Send one or more files: ${types}; up to 20 MB. For each I will ask what it is about.`,
    tooBig: (name, mb) =>
      `❌ <b>${name}</b>: ${mb} MB — over the 20 MB Telegram lets a bot download. Compress or split the file.`,
    unsupported: (name, types) => `❌ <b>${name}</b>: I cannot read this type of file. Accepted: ${types}.`,
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
    download: (p) => {
      switch (p.code) {
        case 'no-path':
          return 'Telegram did not hand out the file';
        case 'too-big':
          return 'the file is over 20 MB';
        case 'http':
          return `the download failed (HTTP ${p.status})`;
      }
    },
    cancelled: '✖️ Upload cancelled.',
  },
  docs: {
    title: (n) => `📚 <b>Documents</b>: ${n}`,
    none: 'No documents yet. /upload to add one.',
    line: (state, title, scope, origin) => `${stateIcon[state]} ${title} — ${scope} · ${originName(origin)}`,
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
    answer: (strategy) => `🤖 <b>The bot would answer</b> (${strategyName(strategy)}):`,
    fallback: '🤷 <b>No answer; the buyer would get the fallback text:</b>',
    escalate: (reason, matched) =>
      `🙋 <b>The bot would pass this to you</b>: ${escalationReason(reason)}${matched ? ` ("${matched}")` : ''}`,
    nothingSent: 'Nothing was sent.',
    failed: (why) => `❌ Failed: ${why}`,
  },
  listingsPage: (page, pages) => `${page}/${pages}`,
  unhandled: 'I did not get that. /help lists what I can do.',
  genericError: 'Something went wrong, please try again.',
  sales: {
    notConfigured: 'Sales are not set up: no SALES_CONFIG file (sample: examples/sales.yaml).',
    stage: (s: string): string =>
      ({
        new: '🆕 New',
        qualified: '🎯 Qualified',
        offer_sent: '📄 Offer sent',
        booked: '📅 Booked',
        invoiced: '🧾 Invoiced',
        paid: '💳 Paid',
        won: '🏆 Won',
        lost: '❌ Lost',
      })[s] ?? s,
    channel: (c: string): string => ({ avito: 'Avito', telegram: 'Telegram', web: 'website' })[c] ?? c,
    docKind: (k: string): string => ({ offer: 'Offer', contract: 'Contract', invoice: 'Invoice' })[k] ?? k,
    leadsTitle: (total: number) => `📇 <b>Open leads</b>: ${total}`,
    noLeads: 'No open leads.',
    stageTitle: (stage: string, page: number, pages: number) =>
      `📇 <b>${stage}</b>${pages > 1 ? ` · ${page}/${pages}` : ''}`,
    stageEmpty: 'No leads at this stage.',
    leadButton: (name: string, listing: string) => `${name}${listing ? ` · ${listing}` : ''}`,
    noName: 'no name',
    card: {
      title: (n: string) => `📇 <b>Lead</b> <code>${n}</code>`,
      stage: (s: string) => `Stage: <b>${s}</b>`,
      lostReason: (r: string) => `Reason: ${r}`,
      channel: (c: string) => `Channel: ${c}`,
      contact: 'Contact:',
      noContact: 'Contact: —',
      listing: (l: string) => `Listing: ${l}`,
      brief: '<b>Brief</b>',
      briefEmpty: 'The brief is empty so far.',
      amounts: (quoted: string, invoiced: string, paid: string) =>
        `Amounts: offer ${quoted} · invoiced ${invoiced} · paid ${paid}`,
      documents: '<b>Documents</b>',
      document: (kind: string, number: string, total: string, sent: boolean, downloads: number) =>
        `${kind} ${number} — ${total}${sent ? ` · sent${downloads > 0 ? ` · downloaded ${downloads}×` : ''}` : ' · not sent'}`,
      updated: (when: string) => `Updated ${when}`,
    },
    buttons: {
      list: '📋 Stages',
      prev: '◀️',
      next: '▶️',
      card: '📇 Lead',
      editBrief: '✏️ Brief',
      offer: '📄 Offer',
      contract: '📝 Contract',
      invoice: '🧾 Invoice',
      lost: '❌ Lost',
      reopen: '↩️ Reopen',
      refresh: '🔄 Refresh',
      sendDoc: '✅ Send to the buyer',
      regenDoc: '🔄 Again',
      cancelDoc: '✖️ Cancel',
      cancel: '✖️ Cancel',
      clear: '🧹 Clear',
      yes: 'Yes',
      no: 'No',
      toStage: (s: string) => `→ ${s}`,
    },
    toast: {
      moved: (s: string) => `Stage: ${s}`,
      notFound: 'Lead not found',
      conflict: 'The lead just changed, try again',
      refused: 'That move is not allowed',
      preparing: '⏳ Preparing the document…',
      sent: '✅ Link sent to the buyer',
      cancelled: 'Cancelled',
      stale: 'Already sent or cancelled',
    },
    lost: {
      ask: 'Why is the lead lost? Pick or type a reason (/cancel to stop).',
      quick: ['Too expensive', 'Chose another seller', 'No reply', 'Changed their mind', 'Not our line'],
      done: (r: string) => `❌ Lead lost: ${r}`,
    },
    brief: {
      pick: 'Which brief field to change?',
      ask: (label: string, current: string) =>
        `✏️ <b>${label}</b>\nNow: ${current}\nType the new value (/cancel to stop).`,
      saved: (label: string, value: string) => `✅ ${label}: ${value}`,
      cleared: (label: string) => `🧹 ${label}: cleared`,
      invalid: (why: string) => `Not accepted: ${why}. Try again or /cancel.`,
      timeout: 'Time is up, the field was not changed.',
    },
    doc: {
      caption: (title: string, total: string, buyer: string) =>
        `${title}\nTotal: <b>${total}</b>\nBuyer: ${buyer}`,
      sentCaption: (title: string, url: string) => `${title}\n✅ Sent to the buyer: ${url}`,
      cancelledCaption: (title: string) => `${title}\n✖️ Cancelled`,
      noOrder: 'Nothing to price: the listing is not linked to a price-list product. Price it with /quote.',
      missing: (list: string) => `Requisites missing in SALES_CONFIG: ${list}`,
      tooLarge: 'The PDF is over MAX_PDF_SIZE_MB.',
      quoteError: (why: string) => `Could not price it: ${why}`,
      notDelivered: 'Not sent: the buyer’s chat was not found.',
    },
    quote: {
      pickProduct: '🧮 <b>Quote</b>\nPick a product or service:',
      pickOption: (title: string) => `Choose: <b>${title}</b>`,
      yes: 'Yes',
      no: 'No',
      askCount: (title: string, unit: string) => `How many (${unit}): <b>${title}</b>? Type a number.`,
      askQty: (unit: string, min: string, max: string) =>
        `Quantity (${unit}), ${min} to ${max}? Type a number.`,
      badNumber: 'A number within the limits, please. Again or /cancel.',
      result: (table: string) => `<pre>${table}</pre>`,
      forLead: '📄 Offer for a lead',
      pickLead: 'Which lead is the offer for?',
      noLeads: 'No open leads to attach the offer to.',
      cancelled: 'Quote cancelled.',
      timeout: 'Time is up, quote cancelled.',
    },
    draftLead: (stage: string) => `📇 Lead: ${stage}`,
    booking: {
      line: (when: string, zone: string) => `📅 Consultation: <b>${when}</b> (${zone})`,
      offer: '📅 Offer a consultation',
      reschedule: '🔁 Reschedule',
      cancel: '✖️ Cancel the consultation',
      back: '◀️ Back',
      pick: (when: string, zone: string) =>
        `🔁 <b>Rescheduling the consultation</b>\nNow: ${when} (${zone}).\nPick a new time (${zone}); the buyer ` +
        'will be told. Until you pick one, the booking stays as it is.',
      confirmCancel: (when: string, zone: string) =>
        `✖️ <b>Cancel the consultation on ${when} (${zone})?</b>\nThe event is deleted from the calendar and the buyer told.`,
      toast: {
        offered: '📅 Free times sent to the buyer',
        booked: 'A consultation is booked already',
        moving: (when: string) => `🔁 Moving it to ${when}; the buyer will be told`,
        cancelling: '✖️ Cancelling the consultation; the buyer will be told',
        noBooking: 'There is no booking any more: it was cancelled or moved',
        noSlots: 'No free time in the coming days',
        slotGone: 'That time is taken or past; pick another',
        closed: 'The lead is closed',
      },
    },
    payment: {
      pending: (invoice: string) => `💳 Invoice ${invoice}: payment link sent, awaiting payment`,
      creating: (invoice: string) => `💳 Invoice ${invoice}: preparing the payment link`,
      canceled: (invoice: string) => `💳 Invoice ${invoice}: the payment did not go through`,
      paid: (invoice: string, kopecks: number, refunded: number) =>
        `💳 Invoice ${invoice}: paid ${formatKopecks(kopecks, 'en')}${refunded > 0 ? `, refunded ${formatKopecks(refunded, 'en')}` : ''}`,
      link: (invoice: string | null) => `💳 Payment link${invoice ? ` · ${invoice}` : ''}`,
      refund: (invoice: string | null) => `↩️ Refund${invoice ? ` · ${invoice}` : ''}`,
      other: '✏️ Another amount',
      askAmount: (invoice: string, max: number) =>
        `↩️ How much of invoice ${invoice} to refund? Write the amount in rubles, up to ${formatKopecks(max, 'en')} (/cancel to stop).`,
      badAmount: (max: number) =>
        `An amount from 0.01 to ${formatKopecks(max, 'en')} is needed, e.g. 1500 or 1500.50. Again, or /cancel.`,
      confirmRefund: (invoice: string, kopecks: number) =>
        `↩️ <b>Refund ${formatKopecks(kopecks, 'en')} of invoice ${invoice}?</b>\nThe money goes back to the buyer through YooKassa.`,
      toast: {
        linkQueued: '💳 The payment link is on its way to the buyer',
        linkSent: 'The payment link was sent already',
        refunding: (kopecks: number) => `↩️ Refund of ${formatKopecks(kopecks, 'en')} sent to YooKassa`,
        alreadyPaid: 'The invoice is paid already',
        notPaid: 'The invoice is not paid: nothing to refund',
        refunded: 'Refunded already',
        noInvoice: 'The invoice is no longer on the lead',
      },
    },
  },
};
