/**
 * What a buyer lives through in the buyer bot: a greeting (about a listing when a deep link named one), the
 * contact step (consent first, then name, then phone or e-mail; each skippable), and their questions handed to
 * the responder, which answers through the buyer channel like on any other channel. Commands other than the
 * buyer's own (/start, /help, /contact) are refused: the owner's controls live in the owner's bot only.
 */
import { Composer, type Context } from 'grammy';
import { contactOf } from '../../lib/contact.js';
import { normalizePhone } from '../../lib/phone.js';
import type { Logger } from '../../logger.js';
import { formatRub } from '../../rag/listing-document.js';
import {
  chatIdOf,
  type InboundContext,
  type InboundEvent,
  type InboundPort,
} from '../../responder/channel.js';
import type { Store } from '../../store/port.js';
import { textsFor, type Texts } from '../../texts/index.js';
import { buyerMessageId } from './channel.js';
import type { BuyerFloodGuard } from './flood.js';
import { type BuyerProfile, type BuyerProfiles, consentRecord, newProfile } from './profile.js';
import {
  type BuyerUser,
  callbackSchema,
  commandOf,
  CONSENT_CALLBACK,
  type ContactMessage,
  contactMessageSchema,
  describeOther,
  localeOf,
  type OtherMessage,
  otherMessageSchema,
  startPayloadSchema,
  type TextMessage,
  textMessageSchema,
} from './updates.js';

export type BuyerContext = Context & { log: Logger };

export interface BuyerConversationEnv {
  store: Store;
  profiles: BuyerProfiles;
  /** `CONSENT_TEXT` and `PRIVACY_POLICY_URL`. */
  consent: { text: string | undefined; privacyPolicyUrl: string | undefined };
  flood: BuyerFloodGuard;
  /** The responder's inbound side (set once the responder exists; updates are taken only after that). */
  inbound: () => InboundPort;
  now?: () => Date;
}

type BuyerTexts = Texts['buyer'];

/** Longest name kept; a longer text in the name step is taken for a question. */
const MAX_NAME = 64;

/** A text in the name or contact step that is a question rather than an answer to the step. */
const isQuestion = (text: string) =>
  text.includes('?') || text.length > MAX_NAME || text.split(/\s+/).length > 5;

const fullName = (user: BuyerUser) => [user.first_name, user.last_name].filter(Boolean).join(' ') || null;

/** The buyer bot's handlers, for private chats (the bot ignores groups it is added to). */
export function buyerConversation(env: BuyerConversationEnv): Composer<BuyerContext> {
  const { profiles } = env;
  const now = env.now ?? (() => new Date());
  const composer = new Composer<BuyerContext>();
  const textsOf = (locale: BuyerProfile['locale']): BuyerTexts => textsFor(locale).buyer;

  /** The consent text the buyer is asked to agree to (the configured one replaces the default). */
  const consentText = (t: BuyerTexts) => env.consent.text ?? t.consent;

  async function offerConsent(ctx: BuyerContext, t: BuyerTexts): Promise<void> {
    const policy = env.consent.privacyPolicyUrl;
    await ctx.reply(
      [t.contactOffer, consentText(t), ...(policy ? [t.privacyPolicy(policy)] : [])].join('\n\n'),
      {
        reply_markup: {
          inline_keyboard: [
            [
              { text: t.agree, callback_data: CONSENT_CALLBACK.agree },
              { text: t.decline, callback_data: CONSENT_CALLBACK.decline },
            ],
          ],
        },
        link_preview_options: { is_disabled: true },
      },
    );
  }

  async function askName(ctx: BuyerContext, t: BuyerTexts): Promise<void> {
    await ctx.reply(t.askName, {
      reply_markup: { keyboard: [[{ text: t.skip }]], resize_keyboard: true, one_time_keyboard: true },
    });
  }

  async function askContact(ctx: BuyerContext, t: BuyerTexts, name: string): Promise<void> {
    await ctx.reply(t.askContact(name), {
      reply_markup: {
        keyboard: [[{ text: t.shareContact, request_contact: true }], [{ text: t.skip }]],
        resize_keyboard: true,
        one_time_keyboard: true,
      },
    });
  }

  /** Ends the contact step with `text`, taking the step's keyboard away. */
  async function finishStep(ctx: BuyerContext, text: string): Promise<void> {
    await ctx.reply(text, { reply_markup: { remove_keyboard: true } });
  }

  /** The listing a deep link names, as the conversation's context; null when the store does not know it. */
  async function listingOf(payload: string): Promise<BuyerProfile['listing']> {
    const listing = await env.store.listings.get(payload);
    if (!listing) return null;
    return {
      itemId: listing.id,
      title: listing.title,
      price: listing.price === null ? null : formatRub(listing.price),
      url: listing.url,
    };
  }

  /** Hands a buyer's message to the responder; the buyer is told when it could not be taken. */
  async function handOver(
    ctx: BuyerContext,
    message: { message_id: number; date: number; chat: { id: number }; from: BuyerUser },
    kind: Pick<InboundEvent, 'type' | 'text' | 'content'>,
    profile: BuyerProfile,
  ): Promise<void> {
    const contact = profile.phone
      ? { phone: profile.phone }
      : profile.email
        ? { email: profile.email }
        : undefined;
    const context: InboundContext = {
      buyer: {
        id: String(message.from.id),
        name: profile.name ?? fullName(message.from),
        ...(contact ? { contact } : {}),
      },
      ...(profile.listing ? { listing: profile.listing } : {}),
    };
    const event: InboundEvent = {
      channel: 'telegram',
      chatId: chatIdOf('telegram', String(message.chat.id)),
      messageId: buyerMessageId(message.chat.id, message.message_id),
      direction: 'in',
      ...kind,
      at: new Date(message.date * 1000),
      context,
    };
    try {
      const outcome = await env.inbound().receive(event);
      ctx.log.debug(
        { chatId: event.chatId, messageId: event.messageId, outcome },
        'buyer message handed over',
      );
    } catch (error) {
      ctx.log.error(
        { err: error, chatId: event.chatId, messageId: event.messageId },
        'buyer message not taken',
      );
      await ctx.reply(textsOf(profile.locale).notReceived);
    }
  }

  /** The buyer's profile, created (in their language) for one we do not know yet. */
  async function profileOf(
    chatId: string,
    user: BuyerUser,
  ): Promise<{ profile: BuyerProfile; fresh: boolean }> {
    const known = await profiles.get(chatId);
    return known ? { profile: known, fresh: false } : { profile: newProfile(localeOf(user)), fresh: true };
  }

  // Only private chats, and each message checked against the flood limit before anything is done with it.
  composer.use(async (ctx, next) => {
    if (ctx.chat && ctx.chat.type !== 'private') {
      ctx.log.info(
        { chatId: ctx.chat.id, type: ctx.chat.type },
        'buyer bot update outside a private chat ignored',
      );
      return;
    }
    if (ctx.message && ctx.from) {
      const verdict = env.flood.check(ctx.from.id);
      if (verdict !== 'ok') {
        ctx.log.info({ userId: ctx.from.id, verdict }, 'buyer flooding: message not handled');
        if (verdict === 'warn') await ctx.reply(textsOf(localeOf(ctx.from)).slowDown);
        return;
      }
    }
    await next();
  });

  composer.on('callback_query:data', async (ctx) => {
    const parsed = callbackSchema.safeParse(ctx.callbackQuery);
    const offer = parsed.data?.message;
    if (!parsed.success || !offer) {
      ctx.log.info({ data: ctx.callbackQuery.data }, 'buyer tap not understood');
      await ctx
        .answerCallbackQuery()
        .catch((error: unknown) => ctx.log.debug({ err: error }, 'tap not answered'));
      return;
    }
    const tap = parsed.data;
    const chatId = chatIdOf('telegram', String(offer.chat.id));
    const { profile } = await profileOf(chatId, tap.from);
    const t = textsOf(profile.locale);
    await ctx
      .answerCallbackQuery(tap.data === CONSENT_CALLBACK.agree ? { text: t.agreed } : undefined)
      .catch((error: unknown) => ctx.log.debug({ err: error }, 'tap not answered'));
    // A second tap on the same offer (or a redelivered one) changes nothing.
    if (profile.step !== 'consent' && !(profile.step === 'declined' && tap.data === CONSENT_CALLBACK.agree))
      return;
    await ctx
      .editMessageReplyMarkup()
      .catch((error: unknown) => ctx.log.debug({ err: error }, 'offer kept its buttons'));
    if (tap.data === CONSENT_CALLBACK.decline) {
      await profiles.save(chatId, { ...profile, step: 'declined' });
      await ctx.reply(t.declined);
      return;
    }
    // Recorded before any contact is asked for: what was agreed to, when.
    const consent = consentRecord(consentText(t), env.consent.privacyPolicyUrl, now());
    await profiles.save(chatId, { ...profile, step: 'name', consent });
    ctx.log.info({ chatId }, 'buyer consented to the processing of personal data');
    await askName(ctx, t);
  });

  composer.on('message:contact', async (ctx) => {
    const parsed = contactMessageSchema.safeParse(ctx.message);
    if (!parsed.success)
      return void ctx.log.warn({ issues: parsed.error.issues }, 'buyer contact not understood');
    await onContact(ctx, parsed.data);
  });

  composer.on('message:text', async (ctx) => {
    const parsed = textMessageSchema.safeParse(ctx.message);
    if (!parsed.success)
      return void ctx.log.warn({ issues: parsed.error.issues }, 'buyer text not understood');
    const message = parsed.data;
    const command = commandOf(message);
    if (command) await onCommand(ctx, message, command);
    else await onText(ctx, message);
  });

  composer.on('message', async (ctx) => {
    const parsed = otherMessageSchema.safeParse(ctx.message);
    if (!parsed.success)
      return void ctx.log.warn({ issues: parsed.error.issues }, 'buyer message not understood');
    await onOther(ctx, parsed.data);
  });

  async function onCommand(
    ctx: BuyerContext,
    message: TextMessage,
    command: { name: string; payload: string },
  ): Promise<void> {
    const chatId = chatIdOf('telegram', String(message.chat.id));
    const { profile, fresh } = await profileOf(chatId, message.from);
    const t = textsOf(profile.locale);
    if (command.name === 'start') {
      // A deep link names a listing; an unknown one (or none) is a conversation about anything.
      const payload = startPayloadSchema.safeParse(command.payload);
      const listing = payload.success
        ? await listingOf(payload.data)
        : command.payload
          ? null
          : profile.listing;
      if (payload.success && !listing)
        ctx.log.info({ payload: payload.data }, 'deep link to an unknown listing');
      await profiles.save(chatId, { ...profile, listing });
      await ctx.reply(listing ? t.greetingListing(listing.title, listing.price) : t.greeting);
      if (fresh || profile.step === 'consent') await offerConsent(ctx, t);
      return;
    }
    if (command.name === 'help') return void (await ctx.reply(t.help));
    if (command.name === 'contact') {
      if (profile.consent) {
        await profiles.save(chatId, { ...profile, step: 'name' });
        await askName(ctx, t);
      } else {
        await profiles.save(chatId, { ...profile, step: 'consent' });
        await offerConsent(ctx, t);
      }
      return;
    }
    ctx.log.info({ command: command.name }, 'command refused in the buyer bot');
    await ctx.reply(t.notHere);
  }

  async function onText(ctx: BuyerContext, message: TextMessage): Promise<void> {
    const chatId = chatIdOf('telegram', String(message.chat.id));
    const { profile, fresh } = await profileOf(chatId, message.from);
    const t = textsOf(profile.locale);
    const text = message.text.trim();
    if (profile.step === 'name' || profile.step === 'contact') {
      if (text === t.skip) {
        await profiles.save(chatId, { ...profile, step: 'done' });
        return finishStep(ctx, t.skipped);
      }
      if (profile.step === 'name' && !isQuestion(text)) {
        await profiles.save(chatId, { ...profile, step: 'contact', name: text });
        return askContact(ctx, t, text);
      }
      if (profile.step === 'contact') {
        const contact = contactOf(text);
        if (contact) {
          await profiles.save(chatId, { ...profile, step: 'done', ...contact });
          return finishStep(ctx, t.contactSaved);
        }
        if (!isQuestion(text)) return void (await ctx.reply(t.badContact));
      }
    }
    // A question: the step (if any) waits while it is answered.
    await profiles.save(chatId, profile);
    await handOver(ctx, message, { type: 'text', text: message.text, content: null }, profile);
    if (fresh) await offerConsent(ctx, t);
  }

  async function onContact(ctx: BuyerContext, message: ContactMessage): Promise<void> {
    const chatId = chatIdOf('telegram', String(message.chat.id));
    const { profile } = await profileOf(chatId, message.from);
    const t = textsOf(profile.locale);
    if (!profile.consent) {
      // Nothing of the contact is kept without consent.
      await profiles.save(chatId, { ...profile, step: 'consent' });
      await ctx.reply(t.consentFirst);
      return offerConsent(ctx, t);
    }
    const digits = normalizePhone(message.contact.phone_number);
    if (!digits) return void (await ctx.reply(t.badContact));
    await profiles.save(chatId, {
      ...profile,
      step: 'done',
      phone: `+${digits}`,
      name: profile.name ?? fullName(message.from),
    });
    await finishStep(ctx, t.contactSaved);
  }

  async function onOther(ctx: BuyerContext, message: OtherMessage): Promise<void> {
    const chatId = chatIdOf('telegram', String(message.chat.id));
    const { profile } = await profileOf(chatId, message.from);
    await profiles.save(chatId, profile);
    const { type, content } = describeOther(message);
    await handOver(ctx, message, { type, text: message.caption ?? null, content }, profile);
  }

  return composer;
}
