import type { ListingHint, RefusalReason, ServerFrame, WidgetSettings, WireMessage } from '../protocol.js';
import { Connection, type ConnectionState } from './connection.js';
import { CSS } from './styles.js';

/** A message of the visitor's on its way: shown at once, marked sent when the server has stored it. */
interface Outgoing {
  id: string;
  text: string;
  el: HTMLElement;
  status: HTMLElement;
  timer?: ReturnType<typeof setTimeout>;
}

/** Without an answer by then, a message is shown as not sent, with a retry (which cannot duplicate it). */
const ACK_TIMEOUT_MS = 20_000;
const TYPING_TIMEOUT_MS = 60_000;
const ICON =
  '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"/></svg>';

/** Creates an element; text goes in as text, never as HTML. */
function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<Record<string, string>> = {},
  ...children: Array<Node | string>
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) if (value !== undefined) el.setAttribute(name, value);
  el.append(...children);
  return el;
}

function randomId(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Black or white, whichever reads better on the seller's colour. */
function textOn(hex: string): string {
  const full = hex.length === 4 ? hex.replace(/[0-9a-f]/gi, '$&$&') : hex;
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(full.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.4 ? '#000' : '#fff';
}

function storage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined; // blocked (privacy settings, sandboxed frames): the session lasts as long as the page
  }
}

/** The chat bubble and its panel, in a shadow root. */
export class Widget {
  private readonly t;
  private readonly conn: Connection;
  private readonly tokenKey: string;
  private token: string | undefined;
  private lastSeenId: string | undefined;
  private briefed = false;
  private readonly shown = new Set<string>();
  private readonly outgoing = new Map<string, Outgoing>();
  private unread = 0;
  private typingTimer: ReturnType<typeof setTimeout> | undefined;

  private readonly launcher: HTMLButtonElement;
  private readonly badge: HTMLElement;
  private readonly panel: HTMLElement;
  private readonly status: HTMLElement;
  private readonly log: HTMLElement;
  private readonly typing: HTMLElement;
  private readonly briefForm: HTMLFormElement;
  private readonly nameInput: HTMLInputElement;
  private readonly contactInput: HTMLInputElement;
  private readonly consentInput: HTMLInputElement;
  private readonly briefErrors: Record<'name' | 'contact' | 'consent', HTMLElement>;
  private readonly composer: HTMLFormElement;
  private readonly textarea: HTMLTextAreaElement;

  constructor(
    private readonly settings: WidgetSettings,
    base: string,
    private readonly listing: ListingHint | undefined,
  ) {
    const t = (this.t = settings.texts);
    this.tokenKey = `avito-responder-widget:${base}`;
    this.token = storage()?.getItem(this.tokenKey) ?? undefined;
    this.conn = new Connection(`${base.replace(/^http/, 'ws')}/widget/ws`, {
      onOpen: () => this.hello(),
      onFrame: (frame) => this.onFrame(frame),
      onState: (state) => this.onState(state),
    });

    this.badge = h('span', { class: 'badge', hidden: '' });
    this.launcher = h('button', {
      type: 'button',
      class: 'launcher',
      'aria-label': t.open,
      'aria-expanded': 'false',
      'aria-controls': 'panel',
    });
    this.launcher.innerHTML = ICON; // a constant: no visitor or server text ever goes through innerHTML
    this.launcher.append(this.badge);

    const close = h('button', { type: 'button', class: 'x', 'aria-label': t.close }, '×');
    this.status = h('div', { class: 'status', role: 'status', 'aria-live': 'polite', hidden: '' });
    this.log = h('div', {
      class: 'log',
      role: 'log',
      'aria-live': 'polite',
      'aria-label': settings.title,
      tabindex: '0',
    });
    this.log.append(this.bubble('seller', t.greeting));
    this.typing = h('div', { class: 'typing', 'aria-live': 'polite', hidden: '' }, t.typing);

    this.nameInput = h('input', {
      type: 'text',
      name: 'name',
      autocomplete: 'name',
      maxlength: '100',
      'aria-describedby': 'e-name',
    });
    this.contactInput = h('input', {
      type: 'text',
      name: 'contact',
      autocomplete: 'tel',
      inputmode: 'email',
      maxlength: '254',
      'aria-describedby': 'h-contact e-contact',
    });
    this.consentInput = h('input', { type: 'checkbox', name: 'consent', 'aria-describedby': 'e-consent' });
    this.briefErrors = {
      name: h('span', { class: 'error', id: 'e-name', hidden: '' }, t.nameInvalid),
      contact: h('span', { class: 'error', id: 'e-contact', hidden: '' }, t.contactInvalid),
      consent: h('span', { class: 'error', id: 'e-consent', hidden: '' }, t.consentRequired),
    };
    const consentText = h('span', {}, settings.consentText);
    if (settings.privacyPolicyUrl) {
      consentText.append(
        ' ',
        h(
          'a',
          { href: settings.privacyPolicyUrl, target: '_blank', rel: 'noopener noreferrer' },
          t.privacyPolicy,
        ),
      );
    }
    this.briefForm = h(
      'form',
      { class: 'brief', novalidate: '', hidden: '' },
      h('p', {}, t.briefIntro),
      // Errors and hints sit outside the labels: they describe a field, they are not part of its name.
      h('label', {}, t.nameLabel, this.nameInput),
      this.briefErrors.name,
      h('label', {}, t.contactLabel, this.contactInput),
      h('span', { class: 'hint', id: 'h-contact' }, t.contactHint),
      this.briefErrors.contact,
      h('label', { class: 'consent' }, this.consentInput, consentText),
      this.briefErrors.consent,
      h('button', { type: 'submit', class: 'go' }, t.start),
    );

    this.textarea = h('textarea', {
      name: 'message',
      rows: '1',
      maxlength: String(settings.maxLength),
      placeholder: t.placeholder,
      'aria-label': t.placeholder,
    });
    this.composer = h(
      'form',
      { class: 'composer', hidden: '' },
      this.textarea,
      h('button', { type: 'submit', class: 'send' }, t.send),
    );

    this.panel = h(
      'div',
      {
        class: 'panel',
        id: 'panel',
        role: 'dialog',
        'aria-modal': 'false',
        'aria-labelledby': 'title',
        hidden: '',
      },
      h('header', {}, h('h2', { id: 'title' }, settings.title), close),
      this.status,
      this.log,
      this.typing,
      this.briefForm,
      this.composer,
    );

    this.launcher.addEventListener('click', () => (this.panel.hidden ? this.open() : this.close()));
    close.addEventListener('click', () => this.close());
    this.panel.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        this.close();
      }
    });
    this.briefForm.addEventListener('submit', (e) => {
      e.preventDefault();
      this.submitBrief();
    });
    this.composer.addEventListener('submit', (e) => {
      e.preventDefault();
      this.submitMessage();
    });
    this.textarea.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        this.submitMessage();
      }
    });
  }

  mount(parent: HTMLElement): void {
    const host = h('div', { 'data-avito-responder-widget': '' });
    const root = host.attachShadow({ mode: 'open' });
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];
    } catch {
      root.append(h('style', {}, CSS)); // browsers without constructable stylesheets
    }
    const frame = h('div', { class: 'w' }, this.panel, this.launcher);
    frame.style.setProperty('--c', this.settings.color);
    frame.style.setProperty('--on', textOn(this.settings.color));
    root.append(frame);
    parent.append(host);
    // A returning visitor is connected at once: the seller's replies arrive (and show as unread) while closed.
    if (this.token) this.conn.start();
  }

  private open(): void {
    this.panel.hidden = false;
    this.launcher.setAttribute('aria-expanded', 'true');
    this.launcher.setAttribute('aria-label', this.t.close);
    this.unread = 0;
    this.badge.hidden = true;
    this.conn.start();
    this.conn.now();
    this.scrollDown();
    (this.briefed ? this.textarea : this.briefForm.hidden ? this.log : this.nameInput).focus();
  }

  private close(): void {
    this.panel.hidden = true;
    this.launcher.setAttribute('aria-expanded', 'false');
    this.launcher.setAttribute('aria-label', this.t.open);
    this.launcher.focus();
  }

  private hello(): void {
    this.conn.send({
      t: 'hello',
      ...(this.token ? { token: this.token } : {}),
      ...(this.lastSeenId ? { lastSeenId: this.lastSeenId } : {}),
      ...(this.listing ? { listing: this.listing } : {}),
    });
  }

  private onState(state: ConnectionState): void {
    if (state === 'open') this.setStatus(undefined);
    else if (state === 'offline') this.setStatus(this.t.offline, true);
    else if (this.status.hidden) this.setStatus(this.t.connecting);
  }

  private onFrame(frame: ServerFrame): void {
    switch (frame.t) {
      case 'welcome':
        this.saveToken(frame.token);
        if (frame.fresh) this.forgetConversation();
        for (const message of frame.messages) this.show(message, false);
        this.setBriefed(frame.briefed);
        break;
      case 'msg':
        this.show(frame.message);
        break;
      case 'ack':
        this.saveToken(frame.token);
        this.acknowledged(frame.id, frame.message);
        break;
      case 'nack':
        this.refused(frame.id, frame.reason, frame.retryAfterMs);
        break;
      case 'typing':
        this.setTyping(frame.on);
        break;
      case 'brief-ok':
        this.setBriefed(true);
        if (!this.panel.hidden) this.textarea.focus();
        break;
      case 'brief-invalid':
        this.showBriefErrors(frame.fields);
        break;
      case 'error':
        if (frame.reason === 'rate_limited') {
          this.conn.backOff(frame.retryAfterMs ?? 60_000);
          this.setStatus(this.t.rateLimited, true);
        } else if (frame.reason === 'unavailable') this.setStatus(this.t.serverError, true);
        else if (frame.reason === 'hello_required') this.hello();
        break;
    }
  }

  private submitBrief(): void {
    const fields: Array<'name' | 'contact' | 'consent'> = [];
    if (!this.nameInput.value.trim()) fields.push('name');
    if (!this.contactInput.value.trim()) fields.push('contact');
    if (!this.consentInput.checked) fields.push('consent');
    this.showBriefErrors(fields);
    if (fields.length > 0) return;
    const sent = this.conn.send({
      t: 'brief',
      name: this.nameInput.value,
      contact: this.contactInput.value,
      consent: true,
      locale: this.settings.locale,
    });
    if (!sent) this.setStatus(this.t.offline, true);
  }

  private showBriefErrors(fields: ReadonlyArray<'name' | 'contact' | 'consent'>): void {
    const inputs = { name: this.nameInput, contact: this.contactInput, consent: this.consentInput };
    for (const key of ['name', 'contact', 'consent'] as const) {
      const bad = fields.includes(key);
      this.briefErrors[key].hidden = !bad;
      inputs[key].setAttribute('aria-invalid', String(bad));
    }
    const first = fields[0];
    if (first) inputs[first].focus();
  }

  private submitMessage(): void {
    const text = this.textarea.value.trim();
    if (!text) return;
    if ([...text].length > this.settings.maxLength) {
      this.setStatus(this.t.tooLong, true);
      return;
    }
    this.textarea.value = '';
    const id = randomId();
    const status = h('span', { class: 'st' }, this.t.sending);
    const el = this.bubble('visitor', text, status);
    const out: Outgoing = { id, text, el, status };
    this.outgoing.set(id, out);
    this.log.append(el);
    this.scrollDown();
    this.conn.start();
    this.conn.now();
    this.transmit(out);
  }

  private transmit(out: Outgoing): void {
    out.el.classList.remove('failed');
    out.status.replaceChildren(this.t.sending);
    clearTimeout(out.timer);
    out.timer = setTimeout(() => this.refused(out.id, 'failed'), ACK_TIMEOUT_MS);
    // Offline: it goes with the next hello (see `welcome`).
    this.conn.send({ t: 'msg', id: out.id, text: out.text });
  }

  private acknowledged(id: string, message: WireMessage): void {
    const out = this.outgoing.get(id);
    if (!out) {
      this.show(message);
      return;
    }
    clearTimeout(out.timer);
    this.outgoing.delete(id);
    out.el.classList.remove('failed');
    out.status.remove();
    this.shown.add(message.id);
    this.lastSeenId = message.id;
  }

  private refused(id: string, reason: RefusalReason, retryAfterMs?: number): void {
    const out = this.outgoing.get(id);
    if (!out) return;
    clearTimeout(out.timer);
    if (reason === 'brief_required') {
      // The session was new after all (an expired token): the brief first, then this message goes again.
      this.setBriefed(false);
      out.status.replaceChildren(this.t.sending);
      return;
    }
    const why =
      reason === 'rate_limited'
        ? this.t.rateLimited
        : reason === 'too_long'
          ? this.t.tooLong
          : reason === 'unavailable' && !this.conn.open
            ? this.t.offline
            : this.t.serverError;
    const retry = h('button', { type: 'button' }, this.t.retry);
    retry.addEventListener('click', () => {
      this.conn.now();
      this.transmit(out);
    });
    out.el.classList.add('failed');
    out.status.replaceChildren(`${this.t.failed} ${why}`, retry);
    if (reason === 'rate_limited' && retryAfterMs) this.setStatus(this.t.rateLimited, true);
  }

  /** Adds a message once; `live` ones from the seller count as unread while the panel is closed. */
  private show(message: WireMessage, live = true): void {
    this.lastSeenId = message.id;
    if (this.shown.has(message.id)) return;
    this.shown.add(message.id);
    this.log.append(this.bubble(message.from, message.text));
    if (message.from === 'seller') {
      this.setTyping(false);
      if (this.panel.hidden && live) {
        this.unread += 1;
        this.badge.textContent = String(this.unread);
        this.badge.hidden = false;
        this.launcher.setAttribute('aria-label', `${this.t.open} (${this.t.unread}: ${this.unread})`);
      }
    }
    this.scrollDown();
  }

  private bubble(from: WireMessage['from'], text: string, ...extra: Node[]): HTMLElement {
    return h(
      'div',
      { class: from === 'visitor' ? 'm v' : 'm' },
      h('span', { class: 'sr' }, `${from === 'visitor' ? this.t.you : this.t.seller}: `),
      text,
      ...extra,
    );
  }

  private setBriefed(briefed: boolean): void {
    this.briefed = briefed;
    this.briefForm.hidden = briefed;
    this.composer.hidden = !briefed;
    const focused = (this.panel.getRootNode() as ShadowRoot).activeElement;
    if (!this.panel.hidden && (!focused || focused === this.log))
      (briefed ? this.textarea : this.nameInput).focus();
    if (briefed) {
      // Messages in flight when the connection broke, or written before the brief, go (again) now, under
      // the same ids: the server takes each id once.
      for (const out of this.outgoing.values()) if (!out.el.classList.contains('failed')) this.transmit(out);
    }
  }

  private setTyping(on: boolean): void {
    clearTimeout(this.typingTimer);
    this.typing.hidden = !on;
    if (on) this.typingTimer = setTimeout(() => (this.typing.hidden = true), TYPING_TIMEOUT_MS);
  }

  private setStatus(text: string | undefined, error = false): void {
    this.status.hidden = text === undefined;
    this.status.textContent = text ?? '';
    this.status.classList.toggle('err', error);
  }

  private saveToken(token: string): void {
    this.token = token;
    storage()?.setItem(this.tokenKey, token);
  }

  /** A new session started (the old one expired): the old conversation is not shown any more. */
  private forgetConversation(): void {
    this.shown.clear();
    this.lastSeenId = undefined;
    for (const el of [...this.log.children].slice(1)) {
      if (![...this.outgoing.values()].some((o) => o.el === el)) el.remove();
    }
  }

  private scrollDown(): void {
    this.log.scrollTop = this.log.scrollHeight;
  }
}
