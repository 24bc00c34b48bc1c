import type { CardRef, Draft } from '../../src/models/records.js';
import type { CardView, Notice, Notifier, OwnerAlert } from '../../src/responder/ports.js';

/**
 * A Notifier that remembers what the owner would have seen: every card state and notice. Used where the
 * responder is under test; the Telegram rendering has its own tests against the Telegram simulator.
 */
export class RecordingNotifier implements Notifier {
  readonly cards: Draft[] = [];
  /** Every card as it was asked to show (draft, chat, buyer messages), for rendering what the owner saw. */
  readonly views: CardView[] = [];
  readonly notices: Notice[] = [];
  readonly alerts: Array<{ key: string; alert: OwnerAlert }> = [];
  private nextMessageId = 1;

  async syncCard(view: CardView): Promise<CardRef> {
    this.cards.push(structuredClone(view.draft));
    this.views.push(structuredClone(view));
    return view.draft.card ?? { chatId: '100', messageId: this.nextMessageId++ };
  }

  /** Cards shown again at the bottom (`/chats`), as their drafts were then. */
  readonly reposts: Draft[] = [];

  async repostCard(view: CardView): Promise<CardRef> {
    this.reposts.push(structuredClone(view.draft));
    return { chatId: '100', messageId: this.nextMessageId++ };
  }

  async notify(notice: Notice): Promise<void> {
    this.notices.push(notice);
  }

  async alert(key: string, alert: OwnerAlert): Promise<void> {
    this.alerts.push({ key, alert });
  }

  async resolve(): Promise<void> {}

  /** The states a draft's card went through, in order, without repeats. */
  statesOf(draftId: string): string[] {
    const states = this.cards.filter((d) => d.id === draftId).map((d) => d.status);
    return states.filter((s, i) => s !== states[i - 1]);
  }

  noticesOf(kind: Notice['kind']): Notice[] {
    return this.notices.filter((n) => n.kind === kind);
  }
}
