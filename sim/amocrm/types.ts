/**
 * Records and options of the amoCRM simulator. Field names follow amoCRM's wire format where a record is
 * rendered as-is (see /work/shared/api/amocrm/NOTES.md); everything else is camelCase.
 */

/** An OAuth integration installed in the simulated account. */
export interface AmoIntegration {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

/** One value of a custom field as amoCRM stores and renders it. */
export interface FieldValue {
  value: string | number | boolean;
  enum_id?: number;
  enum_code?: string;
}

/** A custom field's values on an entity (rendered with the field's name, code and type). */
export interface FieldValues {
  field_id: number;
  field_name: string;
  field_code: string | null;
  field_type: string;
  values: FieldValue[];
}

/** A custom field definition (`GET /api/v4/{entity}/custom_fields`). */
export interface CustomField {
  id: number;
  name: string;
  type: string;
  code: string | null;
  sort: number;
  entity_type: 'leads' | 'contacts';
  is_api_only: boolean;
  enums: Array<{ id: number; value: string; sort: number }> | null;
}

export interface StatusRecord {
  id: number;
  name: string;
  sort: number;
  is_editable: boolean;
  pipeline_id: number;
  color: string;
  /** 0 = a regular stage, 1 = «Неразобранное» (unsorted). */
  type: 0 | 1;
  account_id: number;
}

export interface PipelineRecord {
  id: number;
  name: string;
  sort: number;
  is_main: boolean;
  is_unsorted_on: boolean;
  is_archive: boolean;
  account_id: number;
  statuses: StatusRecord[];
}

export interface TagRecord {
  id: number;
  name: string;
  color: string | null;
}

export interface LeadRecord {
  id: number;
  name: string;
  price: number;
  responsible_user_id: number;
  group_id: number;
  status_id: number;
  pipeline_id: number;
  loss_reason_id: number | null;
  created_by: number;
  updated_by: number;
  /** Unix seconds. */
  created_at: number;
  updated_at: number;
  closed_at: number | null;
  closest_task_at: number | null;
  is_deleted: boolean;
  custom_fields_values: FieldValues[] | null;
  score: number | null;
  account_id: number;
  labor_cost: number | null;
  tagIds: number[];
  contactIds: number[];
  companyIds: number[];
  /** `_embedded.metadata` given to `leads/complex` (form/source info), kept for inspection. */
  metadata: Record<string, unknown> | null;
}

export interface ContactRecord {
  id: number;
  name: string;
  first_name: string;
  last_name: string;
  responsible_user_id: number;
  group_id: number;
  created_by: number;
  updated_by: number;
  created_at: number;
  updated_at: number;
  closest_task_at: number | null;
  is_deleted: boolean;
  is_unsorted: boolean;
  custom_fields_values: FieldValues[] | null;
  account_id: number;
  tagIds: number[];
  companyIds: number[];
}

export interface CompanyRecord {
  id: number;
  name: string;
  created_at: number;
  updated_at: number;
  account_id: number;
}

export interface NoteRecord {
  id: number;
  entity_id: number;
  created_by: number;
  updated_by: number;
  created_at: number;
  updated_at: number;
  responsible_user_id: number;
  group_id: number;
  note_type: string;
  params: Record<string, unknown>;
  account_id: number;
}

/** A webhook registered in the account (Settings → Integrations, or `POST /api/v4/webhooks`). */
export interface WebhookRecord {
  id: number;
  destination: string;
  settings: string[];
  created_at: number;
  updated_at: number;
  disabled: boolean;
}

/** One stage change, as `leads[status][i]` of the webhook carries it. */
export interface StatusChange {
  leadId: number;
  statusId: number;
  pipelineId: number;
  oldStatusId: number;
  oldPipelineId: number;
}

/** Options of `startAmoCrmSim`. */
export interface AmoCrmSimOptions {
  /** 0 (default) = a random free port. */
  port?: number;
  /** Account subdomain (`example` → example.amocrm.ru); default `example`. */
  subdomain?: string;
  /** Default 29000000. */
  accountId?: number;
  /** Installed OAuth integrations; default one (`sim-amo-client` / `sim-amo-secret`). */
  integrations?: AmoIntegration[];
  /** Long-lived tokens of private integrations, accepted as Bearer tokens. */
  longLivedTokens?: string[];
  /** Access token lifetime; default 86400 (`expires_in` of amoCRM's answer). */
  accessTokenTtlSeconds?: number;
  /** Refresh token lifetime; default 90 days [U]. */
  refreshTokenTtlSeconds?: number;
  /** Authorization code lifetime; default 20 minutes [U]. */
  codeTtlSeconds?: number;
  /** Requests per second per integration before 429; default 7; 0 = off. */
  rateLimitPerSecond?: number;
  /** 429 body: none (default; the SDK notes it may be non-JSON) or problem+json. */
  rateLimitBody?: 'empty' | 'problem';
  /**
   * How long a new lead or contact stays invisible to `query` searches (the full-text index catching up
   * [U: amoCRM's lag is undocumented]). Default 0.
   */
  searchLagMs?: number;
  /** amoCRM merges a new contact into an existing one with the same phone (`merged: true`). Default false. */
  duplicateControl?: boolean;
  /** Also fire `status_lead` webhooks for stage changes made through the API. Default true [U]. */
  webhookOnApiChanges?: boolean;
  /** Webhook POST timeout; default 2000 ms (amoCRM waits ~2 s [U]). */
  webhookTimeoutMs?: number;
  /** Retries of a failed webhook (amoCRM retries, numbers undocumented); default 2 retries, 200 ms. */
  webhookRetry?: { retries?: number; backoffMs?: number };
  /** Local address webhooks leave from (e.g. 127.0.0.2). */
  webhookSourceAddress?: string;
  /** Webhook URLs registered from the start (status_lead), as if set up in the account's settings. */
  webhooks?: string[];
  /** Seed of ids and fault fractions. Default 1. */
  seed?: number;
  /** Mount `/__sim/*` routes so a human can play the seller from a shell (used by `main.ts`). Default false. */
  controlRoutes?: boolean;
}
