import { SimulatorClock } from '../common/clock.js';
import type {
  AmoCrmSimOptions,
  AmoIntegration,
  CompanyRecord,
  ContactRecord,
  CustomField,
  LeadRecord,
  NoteRecord,
  PipelineRecord,
  StatusRecord,
  TagRecord,
  WebhookRecord,
} from './types.js';

/** The two system stages every pipeline has [U: well known, not re-read]. */
export const WON_STATUS_ID = 142;
export const LOST_STATUS_ID = 143;

/** The admin the API acts as (`created_by`, `responsible_user_id`). */
export const API_USER_ID = 8_000_001;
/** The seller who moves deals in the amoCRM interface. */
export const SELLER_USER_ID = 8_000_002;

const PHONE_ENUMS = ['WORK', 'WORKDD', 'MOB', 'FAX', 'HOME', 'OTHER'];
const EMAIL_ENUMS = ['WORK', 'PRIV', 'OTHER'];

interface AccessToken {
  integration: string;
  /** Epoch ms on the simulator clock. */
  expiresAt: number;
}

interface RefreshToken {
  clientId: string;
  expiresAt: number;
  used: boolean;
}

interface AuthCode {
  clientId: string;
  expiresAt: number;
  used: boolean;
}

/** Everything the simulated amoCRM account holds, plus its clock and id generators. */
export class AmoState extends SimulatorClock {
  readonly subdomain: string;
  readonly accountId: number;
  readonly integrations: AmoIntegration[];
  readonly longLived: Set<string>;
  readonly accessTtlMs: number;
  readonly refreshTtlMs: number;
  readonly codeTtlMs: number;
  readonly duplicateControl: boolean;
  readonly searchLagMs: number;
  /** When each new lead/contact (`lead:1`, `contact:2`) becomes visible to `query`, epoch ms. */
  private readonly indexedAt = new Map<string, number>();
  ipBlocked = false;

  readonly pipelines: PipelineRecord[] = [];
  readonly fields: CustomField[] = [];
  readonly leads = new Map<number, LeadRecord>();
  readonly contacts = new Map<number, ContactRecord>();
  readonly companies = new Map<number, CompanyRecord>();
  readonly tags = new Map<number, TagRecord>();
  readonly notes: NoteRecord[] = [];
  readonly webhooks: WebhookRecord[] = [];

  readonly accessTokens = new Map<string, AccessToken>();
  readonly refreshTokens = new Map<string, RefreshToken>();
  readonly codes = new Map<string, AuthCode>();
  /** Successful `/oauth2/access_token` answers by grant, for "refreshed once" assertions. */
  readonly grants = { authorization_code: 0, refresh_token: 0 };

  private nextIds = { lead: 31_000_001, contact: 41_000_001, company: 51_000_001, note: 61_000_001 };
  private nextTagId = 70_001;
  private nextFieldId = 900_001;
  private nextWebhookId = 1;

  constructor(opts: AmoCrmSimOptions) {
    super((opts.seed ?? 1) + 4242);
    this.subdomain = opts.subdomain ?? 'example';
    this.accountId = opts.accountId ?? 29_000_000;
    this.integrations = opts.integrations ?? [
      {
        clientId: 'sim-amo-client',
        clientSecret: 'sim-amo-secret',
        redirectUri: 'https://example.com/amocrm',
      },
    ];
    this.longLived = new Set(opts.longLivedTokens ?? []);
    this.accessTtlMs = (opts.accessTokenTtlSeconds ?? 86_400) * 1000;
    this.refreshTtlMs = (opts.refreshTokenTtlSeconds ?? 90 * 86_400) * 1000;
    this.codeTtlMs = (opts.codeTtlSeconds ?? 20 * 60) * 1000;
    this.duplicateControl = opts.duplicateControl ?? false;
    this.searchLagMs = opts.searchLagMs ?? 0;
    this.seedPipeline();
    this.seedContactFields();
  }

  nextId(kind: keyof AmoState['nextIds']): number {
    const id = this.nextIds[kind];
    this.nextIds[kind] += 1;
    return id;
  }

  /** `https://{subdomain}.amocrm.ru`, as `_links` and webhooks name the account. */
  get origin(): string {
    return `https://${this.subdomain}.amocrm.ru`;
  }

  /** Records that an entity was just created (for the search lag). */
  created(kind: 'lead' | 'contact', id: number): void {
    if (this.searchLagMs > 0) this.indexedAt.set(`${kind}:${id}`, this.nowMs() + this.searchLagMs);
  }

  /** Whether `query` searches see this entity yet. */
  searchable(kind: 'lead' | 'contact', id: number): boolean {
    return (this.indexedAt.get(`${kind}:${id}`) ?? 0) <= this.nowMs();
  }

  // --- OAuth ---

  /** Mints an authorization code as amoCRM does when an admin installs the integration. */
  issueCode(clientId: string): string {
    const code = `def50200${this.randomString(120, '0123456789abcdef')}`;
    this.codes.set(code, { clientId, expiresAt: this.nowMs() + this.codeTtlMs, used: false });
    return code;
  }

  /** A new access/refresh pair for an integration. */
  issuePair(clientId: string): { accessToken: string; refreshToken: string; expiresIn: number } {
    const iat = this.now();
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const jti = this.randomString(40, '0123456789abcdef');
    const accessToken = [
      encode({ typ: 'JWT', alg: 'RS256' }),
      encode({
        aud: clientId,
        jti,
        iat,
        nbf: iat,
        exp: iat + this.accessTtlMs / 1000,
        account_id: this.accountId,
      }),
      this.randomString(86, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'),
    ].join('.');
    const refreshToken = `def50200${this.randomString(200, '0123456789abcdef')}`;
    this.accessTokens.set(accessToken, { integration: clientId, expiresAt: this.nowMs() + this.accessTtlMs });
    this.refreshTokens.set(refreshToken, {
      clientId,
      expiresAt: this.nowMs() + this.refreshTtlMs,
      used: false,
    });
    return { accessToken, refreshToken, expiresIn: this.accessTtlMs / 1000 };
  }

  /** Consumes an authorization code; the reason when it cannot be used. */
  useCode(code: string, clientId: string): string | undefined {
    const record = this.codes.get(code);
    if (!record || record.clientId !== clientId) return 'Authorization code is invalid';
    if (record.used) return 'Authorization code has been revoked';
    if (record.expiresAt <= this.nowMs()) return 'Authorization code has expired';
    record.used = true;
    return undefined;
  }

  /** Consumes a refresh token (single use); the reason when it cannot be used. */
  useRefreshToken(token: string, clientId: string): string | undefined {
    const record = this.refreshTokens.get(token);
    if (!record || record.clientId !== clientId) return 'Cannot decrypt the refresh token';
    if (record.used) return 'Token has been revoked';
    if (record.expiresAt <= this.nowMs()) return 'Token has expired';
    record.used = true;
    return undefined;
  }

  /** Which integration a Bearer token acts for, or why it is refused. */
  checkBearer(token: string): { integration: string } | { refused: 'expired' | 'unknown' } {
    if (this.longLived.has(token)) return { integration: 'long-lived' };
    const record = this.accessTokens.get(token);
    if (!record) return { refused: 'unknown' };
    if (record.expiresAt <= this.nowMs()) return { refused: 'expired' };
    return { integration: record.integration };
  }

  expireAccessTokens(): void {
    const past = this.nowMs() - 1;
    for (const record of this.accessTokens.values()) record.expiresAt = past;
  }

  // --- catalog ---

  mainPipeline(): PipelineRecord {
    return this.pipelines.find((p) => p.is_main) ?? this.pipelines[0]!;
  }

  pipeline(id: number): PipelineRecord | undefined {
    return this.pipelines.find((p) => p.id === id);
  }

  status(pipelineId: number, statusId: number): StatusRecord | undefined {
    return this.pipeline(pipelineId)?.statuses.find((s) => s.id === statusId);
  }

  /** The stage a lead lands in when none is given: the first after «Неразобранное». */
  firstStatus(pipeline: PipelineRecord): StatusRecord {
    return pipeline.statuses.find((s) => s.type === 0) ?? pipeline.statuses[0]!;
  }

  addPipeline(name: string, stageNames: string[], isMain: boolean): PipelineRecord {
    const id = 7_000_000 + this.pipelines.length + 1;
    const base = id * 10;
    const colors = ['#99ccff', '#ffff99', '#ffcc66', '#ffcccc', '#deff81', '#87f2c0'];
    const statuses: StatusRecord[] = (
      [
        {
          id: base,
          name: 'Неразобранное',
          sort: 10,
          is_editable: false,
          pipeline_id: id,
          color: '#c1c1c1',
          type: 1,
        },
        ...stageNames.map((n, i) => ({
          id: base + i + 1,
          name: n,
          sort: 20 + i * 10,
          is_editable: true,
          pipeline_id: id,
          color: colors[i % colors.length]!,
          type: 0 as const,
        })),
        {
          id: WON_STATUS_ID,
          name: 'Успешно реализовано',
          sort: 10000,
          is_editable: false,
          pipeline_id: id,
          color: '#CCFF66',
          type: 0,
        },
        {
          id: LOST_STATUS_ID,
          name: 'Закрыто и не реализовано',
          sort: 11000,
          is_editable: false,
          pipeline_id: id,
          color: '#D5D8DB',
          type: 0,
        },
      ] satisfies Array<Omit<StatusRecord, 'account_id'>>
    ).map((s) => ({ ...s, account_id: this.accountId }));
    const pipeline: PipelineRecord = {
      id,
      name,
      sort: this.pipelines.length + 1,
      is_main: isMain,
      is_unsorted_on: true,
      is_archive: false,
      account_id: this.accountId,
      statuses,
    };
    this.pipelines.push(pipeline);
    return pipeline;
  }

  addField(input: {
    entity: 'leads' | 'contacts';
    name: string;
    type: string;
    code?: string | null;
    enums?: string[];
    isApiOnly?: boolean;
  }): CustomField {
    const id = this.nextFieldId++;
    const field: CustomField = {
      id,
      name: input.name,
      type: input.type,
      code: input.code ?? null,
      sort: this.fields.length * 10 + 500,
      entity_type: input.entity,
      is_api_only: input.isApiOnly ?? false,
      enums: input.enums
        ? input.enums.map((value, i) => ({ id: id * 10 + i + 1, value, sort: (i + 1) * 2 }))
        : null,
    };
    this.fields.push(field);
    return field;
  }

  field(entity: 'leads' | 'contacts', match: { id?: number; code?: string }): CustomField | undefined {
    return this.fields.find(
      (f) =>
        f.entity_type === entity &&
        (match.id !== undefined ? f.id === match.id : f.code !== null && f.code === match.code),
    );
  }

  /** Finds a tag by id, or by name (creating it, as leads do with unknown names [U]). */
  tagByName(name: string): TagRecord {
    for (const tag of this.tags.values()) if (tag.name.toLowerCase() === name.toLowerCase()) return tag;
    const tag: TagRecord = { id: this.nextTagId++, name, color: null };
    this.tags.set(tag.id, tag);
    return tag;
  }

  addWebhook(destination: string, settings: string[]): WebhookRecord {
    const existing = this.webhooks.find((w) => w.destination === destination);
    const now = this.now();
    if (existing) {
      existing.settings = settings;
      existing.updated_at = now;
      existing.disabled = false;
      return existing;
    }
    const hook: WebhookRecord = {
      id: this.nextWebhookId++,
      destination,
      settings,
      created_at: now,
      updated_at: now,
      disabled: false,
    };
    this.webhooks.push(hook);
    return hook;
  }

  /** Leads linked to a contact, in creation order. */
  leadsOfContact(contactId: number): LeadRecord[] {
    return [...this.leads.values()].filter((l) => l.contactIds.includes(contactId));
  }

  private seedPipeline(): void {
    this.addPipeline(
      'Воронка',
      ['Первичный контакт', 'Переговоры', 'Принимают решение', 'Согласование договора'],
      true,
    );
  }

  private seedContactFields(): void {
    this.addField({
      entity: 'contacts',
      name: 'Телефон',
      type: 'multitext',
      code: 'PHONE',
      enums: PHONE_ENUMS,
    });
    this.addField({
      entity: 'contacts',
      name: 'Email',
      type: 'multitext',
      code: 'EMAIL',
      enums: EMAIL_ENUMS,
    });
  }
}
