/**
 * The lead card: contact, brief, listing, stage, amounts, documents and channel as Telegram HTML, with the
 * owner's buttons (stages, ✏️ brief, 📄 КП, 📝 Договор, 🧾 Счёт, ❌ lost) and the rows and lines integrations add
 * through {@link LeadCardRegistry} (📅 booking, 💳 payment…), so they never edit this file.
 */
import type { Composer, MiddlewareFn } from 'grammy';
import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'grammy/types';
import type { Lead, LeadStage } from '../../models/records.js';
import type { BriefField } from '../../sales/leads/brief/fields.js';
import { formatBriefValue } from '../../sales/leads/brief/values.js';
import { movesFrom } from '../../sales/leads/stages.js';
import { rublesForBuyer } from '../../sales/pricing/price-question.js';
import type { BotContext } from '../context.js';
import { cutText, escapeHtml, MESSAGE_BUDGET } from '../html.js';
import { salesCallback } from '../sales-callbacks.js';
import { formatWhen, type Texts } from '../../texts/index.js';
import type { Rendered } from './render.js';

/** What an extension sees when the card is drawn. */
export interface LeadCardContext {
  lead: Lead;
  /** The owner's texts (locale); extensions bring their own words for their buttons. */
  t: Texts;
}

/**
 * Buttons an integration adds to every lead card. Its callback data must use a prefix of its own (not `l:`,
 * `g:`, `y:`, nor the draft card's `d:`, `c:`, `f:`, `e:`, `u:`, `a:`, `k:`), 1–64 bytes, and its `composer`
 * answers those taps.
 */
export interface LeadCardExtension {
  /** Unique name, for logs (`calendar`, `payments`). */
  id: string;
  /** Rows under the card's own buttons; none for a lead it has nothing to offer. May read the store. */
  rows(context: LeadCardContext): InlineKeyboardButton[][] | Promise<InlineKeyboardButton[][]>;
  /** Lines of the card's text (Telegram HTML, escaped by the extension) above «updated», e.g. the booking. */
  lines?(context: LeadCardContext): string[] | Promise<string[]>;
  /** Handles the taps on its buttons; runs after the bot's own features, before the catch-all. */
  composer?: Composer<BotContext>;
}

/**
 * The extension point of the lead card: `add` an extension (at start-up, before or after the bot is built);
 * its rows appear on every card drawn afterwards and its composer receives the updates the bot's own features
 * passed on. An extension whose `rows` throws is logged and left out of that card.
 */
export class LeadCardRegistry {
  private readonly extensions: LeadCardExtension[] = [];

  add(extension: LeadCardExtension): void {
    if (this.extensions.some((e) => e.id === extension.id))
      throw new Error(`lead card extension "${extension.id}" is already added`);
    this.extensions.push(extension);
  }

  /** Every extension's rows for this lead, in the order they were added. */
  async rows(context: LeadCardContext, log?: { warn(obj: object, msg: string): void }) {
    const out: InlineKeyboardButton[][] = [];
    for (const extension of this.extensions) {
      try {
        out.push(...(await extension.rows(context)));
      } catch (err) {
        log?.warn({ err, extension: extension.id }, 'lead card extension failed: its rows are left out');
      }
    }
    return out;
  }

  /** Every extension's lines of the card's text, in the order they were added. */
  async lines(context: LeadCardContext, log?: { warn(obj: object, msg: string): void }) {
    const out: string[] = [];
    for (const extension of this.extensions) {
      try {
        out.push(...((await extension.lines?.(context)) ?? []));
      } catch (err) {
        log?.warn({ err, extension: extension.id }, 'lead card extension failed: its lines are left out');
      }
    }
    return out;
  }

  /** Passes an update through the extensions' composers (added at any time). */
  middleware(): MiddlewareFn<BotContext> {
    return (ctx, next) => {
      const composers = this.extensions.flatMap((e) => (e.composer ? [e.composer] : []));
      const run = async (i: number): Promise<void> => {
        if (i < composers.length) await composers[i]!.middleware()(ctx, () => run(i + 1));
        else await next();
      };
      return run(0);
    };
  }
}

const button = (text: string, data: string): InlineKeyboardButton => ({ text, callback_data: data });
const money = (kopecks: number | null) => (kopecks === null ? '—' : rublesForBuyer(kopecks));
const LIMIT = { field: 300, listing: 150, reason: 300 };

/** Whether the lead is still being worked on (not won, not lost): the card offers its actions. */
export const leadIsOpen = (lead: Pick<Lead, 'stage'>) => lead.stage !== 'won' && lead.stage !== 'lost';

/** The short form of a lead id the owner reads. */
export const leadNumber = (lead: Pick<Lead, 'id'>) => lead.id.slice(0, 8);

/** The card's text; `extra` are the extensions' lines. */
export function leadCardText(
  lead: Lead,
  fields: readonly BriefField[],
  t: Texts,
  extra: readonly string[] = [],
): string {
  const s = t.sales;
  const safe = (text: string, max: number) => escapeHtml(cutText(text, max, t.cutMarker));
  const lines = [s.card.title(leadNumber(lead)), s.card.stage(s.stage(lead.stage))];
  if (lead.stage === 'lost' && lead.lostReason)
    lines.push(s.card.lostReason(safe(lead.lostReason, LIMIT.reason)));
  lines.push(s.card.channel([...new Set(lead.conversations.map((c) => s.channel(c.channel)))].join(', ')));
  const contact = [lead.contact.name, lead.contact.phone, lead.contact.email].filter(Boolean).join(' · ');
  lines.push(contact ? `${s.card.contact} ${safe(contact, LIMIT.field)}` : s.card.noContact);
  if (lead.listing)
    lines.push(s.card.listing(safe(lead.listing.title ?? lead.listing.itemId, LIMIT.listing)));
  lines.push('', s.card.brief);
  const brief = fields.flatMap((f) => {
    const value = lead.brief[f.id]?.value;
    return value === undefined || value === null
      ? []
      : [`• ${escapeHtml(f.label)}: ${safe(formatBriefValue(f, value), LIMIT.field)}`];
  });
  lines.push(...(brief.length > 0 ? brief : [s.card.briefEmpty]));
  lines.push(
    '',
    s.card.amounts(money(lead.amounts.quoted), money(lead.amounts.invoiced), money(lead.amounts.paid)),
  );
  if (lead.documents.length > 0) {
    lines.push('', s.card.documents);
    for (const d of lead.documents)
      lines.push(
        `• ${s.card.document(s.docKind(d.kind), escapeHtml(d.number), money(d.total), Boolean(d.sentAt), d.downloads ?? 0)}`,
      );
  }
  if (extra.length > 0) lines.push('', ...extra);
  lines.push('', s.card.updated(formatWhen(t, lead.updatedAt)));
  return cutText(lines.join('\n'), MESSAGE_BUDGET, '');
}

/** The owner's stage buttons: the next open stages forward, and a step back (a mistaken tap). */
function stageRows(lead: Lead, t: Texts): InlineKeyboardButton[][] {
  if (lead.stage === 'lost')
    return [[button(t.sales.buttons.reopen, salesCallback({ kind: 'reopen', leadId: lead.id }))]];
  const moves = movesFrom(lead, 'owner').filter((s): s is LeadStage => s !== 'lost');
  const buttons = moves.map((to) =>
    button(
      t.sales.buttons.toStage(t.sales.stage(to)),
      salesCallback({ kind: 'move', stage: to, leadId: lead.id }),
    ),
  );
  const rows: InlineKeyboardButton[][] = [];
  for (let i = 0; i < buttons.length; i += 3) rows.push(buttons.slice(i, i + 3));
  return rows;
}

/** The card's buttons: stages, brief, documents, lost; then the extensions' rows. */
export async function leadCardKeyboard(
  lead: Lead,
  t: Texts,
  registry: LeadCardRegistry,
  log?: { warn(obj: object, msg: string): void },
): Promise<InlineKeyboardMarkup> {
  const b = t.sales.buttons;
  const id = lead.id;
  const open = leadIsOpen(lead);
  const rows: InlineKeyboardButton[][] = [...stageRows(lead, t)];
  if (open) {
    rows.push([
      button(b.offer, salesCallback({ kind: 'document', doc: 'offer', leadId: id })),
      button(b.contract, salesCallback({ kind: 'document', doc: 'contract', leadId: id })),
      button(b.invoice, salesCallback({ kind: 'document', doc: 'invoice', leadId: id })),
    ]);
    rows.push([
      button(b.editBrief, salesCallback({ kind: 'brief', leadId: id })),
      button(b.lost, salesCallback({ kind: 'lost', leadId: id })),
    ]);
  }
  rows.push(...(await registry.rows({ lead, t }, log)));
  rows.push([
    button(b.refresh, salesCallback({ kind: 'refresh', leadId: id })),
    button(b.list, salesCallback({ kind: 'stages' })),
  ]);
  return { inline_keyboard: rows };
}

/** The whole card, ready for `sendMessage`/`editMessageText` with HTML. */
export async function renderLeadCard(
  lead: Lead,
  fields: readonly BriefField[],
  t: Texts,
  registry: LeadCardRegistry,
  log?: { warn(obj: object, msg: string): void },
): Promise<Rendered> {
  return {
    text: leadCardText(lead, fields, t, await registry.lines({ lead, t }, log)),
    replyMarkup: await leadCardKeyboard(lead, t, registry, log),
  };
}
