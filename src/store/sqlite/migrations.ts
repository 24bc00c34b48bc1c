import type { DatabaseSync } from 'node:sqlite';

/**
 * Schema history. Append new steps; never edit a shipped one. Each runs once, in a transaction,
 * and bumps `schema_version`. Dates are epoch milliseconds, JSON columns are text.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE chats (
    id TEXT PRIMARY KEY,
    item_id TEXT,
    buyer_id TEXT,
    buyer_name TEXT,
    listing TEXT,
    state TEXT NOT NULL DEFAULT 'ai' CHECK (state IN ('ai', 'human')),
    human_until INTEGER,
    mode TEXT CHECK (mode IN ('auto', 'review')),
    last_inbound_at INTEGER,
    last_outbound_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX chats_state ON chats (state, updated_at);

  CREATE TABLE messages (
    id TEXT NOT NULL UNIQUE,
    chat_id TEXT NOT NULL,
    direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    author TEXT NOT NULL CHECK (author IN ('buyer', 'ai', 'owner', 'system')),
    type TEXT NOT NULL,
    text TEXT,
    content TEXT,
    draft_id TEXT,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX messages_chat_time ON messages (chat_id, created_at);

  CREATE TABLE events (
    id TEXT PRIMARY KEY,
    message_id TEXT UNIQUE,
    payload TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'processed', 'ignored', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    received_at INTEGER NOT NULL,
    processed_at INTEGER
  );
  CREATE INDEX events_status ON events (status, received_at);

  CREATE TABLE drafts (
    id TEXT PRIMARY KEY,
    chat_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('answer', 'fallback', 'escalation')),
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'sending', 'sent', 'dismissed', 'superseded', 'failed')),
    text TEXT NOT NULL,
    original_text TEXT NOT NULL,
    sources TEXT NOT NULL,
    grounded INTEGER NOT NULL,
    findings TEXT NOT NULL,
    strategy TEXT NOT NULL,
    covers TEXT NOT NULL,
    card TEXT,
    approved_by TEXT,
    sent_message_ids TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX drafts_chat ON drafts (chat_id, created_at);
  CREATE INDEX drafts_status ON drafts (status, created_at);

  CREATE TABLE documents (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    scope TEXT NOT NULL CHECK (scope IN ('general', 'item')),
    item_id TEXT,
    origin TEXT NOT NULL CHECK (origin IN ('upload', 'folder', 'listing')),
    source_key TEXT,
    mime_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    remote_name TEXT,
    state TEXT NOT NULL CHECK (state IN ('indexing', 'ready', 'failed')),
    error TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX documents_scope ON documents (scope, item_id);
  CREATE INDEX documents_source ON documents (origin, source_key);

  CREATE TABLE chunks (
    doc_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (doc_id, idx)
  ) WITHOUT ROWID;

  CREATE TABLE settings (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    value TEXT NOT NULL
  );

  CREATE TABLE audit (
    id TEXT NOT NULL UNIQUE,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    chat_id TEXT,
    draft_id TEXT,
    before TEXT,
    after TEXT,
    details TEXT
  );
  CREATE INDEX audit_at ON audit (at);
  CREATE INDEX audit_chat ON audit (chat_id, at);
  CREATE INDEX audit_draft ON audit (draft_id, at);

  CREATE TABLE kv (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    expires_at INTEGER
  );
  `,
  `
  CREATE TABLE listings (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    price INTEGER,
    url TEXT,
    status TEXT NOT NULL,
    category TEXT,
    address TEXT,
    synced_at INTEGER NOT NULL
  );
  CREATE INDEX listings_status ON listings (status, title);
  `,
  // Drafts gain the `reply` kind (the owner's own words); SQLite changes a CHECK by rebuilding the table.
  `
  CREATE TABLE drafts_v3 (
    id TEXT PRIMARY KEY,
    chat_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('answer', 'fallback', 'escalation', 'reply')),
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'sending', 'sent', 'dismissed', 'superseded', 'failed')),
    text TEXT NOT NULL,
    original_text TEXT NOT NULL,
    sources TEXT NOT NULL,
    grounded INTEGER NOT NULL,
    findings TEXT NOT NULL,
    strategy TEXT NOT NULL,
    covers TEXT NOT NULL,
    card TEXT,
    approved_by TEXT,
    sent_message_ids TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  INSERT INTO drafts_v3 SELECT * FROM drafts;
  DROP TABLE drafts;
  ALTER TABLE drafts_v3 RENAME TO drafts;
  CREATE INDEX drafts_chat ON drafts (chat_id, created_at);
  CREATE INDEX drafts_status ON drafts (status, created_at);
  `,
  `
  CREATE TABLE sequences (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
  ) WITHOUT ROWID;
  `,
  // Messages gain their arrival number (what is answered is decided by it, never by Avito's clock); messages
  // stored before keep the order they were shown in. Leases: one worker per chat across processes.
  `
  ALTER TABLE messages ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
  UPDATE messages SET seq = o.n
    FROM (SELECT rowid AS r, row_number() OVER (ORDER BY created_at, rowid) AS n FROM messages) AS o
    WHERE o.r = messages.rowid;
  CREATE UNIQUE INDEX messages_seq ON messages (seq);
  CREATE INDEX messages_chat_seq ON messages (chat_id, seq);
  DROP INDEX messages_chat_time;

  CREATE TABLE leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at INTEGER NOT NULL
  );
  `,
  // Leads. An open lead claims its conversations (the partial unique index: one open lead per
  // conversation); contact lookup keys are digests, never the phone or e-mail (see security/contact-keys.ts).
  `
  ALTER TABLE audit ADD COLUMN lead_id TEXT;
  CREATE INDEX audit_lead ON audit (lead_id, at);

  CREATE TABLE leads (
    id TEXT PRIMARY KEY,
    channel TEXT NOT NULL CHECK (channel IN ('avito', 'telegram', 'web')),
    conversation_id TEXT NOT NULL,
    conversations TEXT NOT NULL,
    listing TEXT,
    contact TEXT NOT NULL,
    brief TEXT NOT NULL,
    stage TEXT NOT NULL
      CHECK (stage IN ('new', 'qualified', 'offer_sent', 'booked', 'invoiced', 'paid', 'won', 'lost')),
    lost_reason TEXT,
    lost_from TEXT,
    tags TEXT NOT NULL,
    quoted INTEGER,
    invoiced INTEGER,
    paid INTEGER,
    documents TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    stage_changed_at INTEGER NOT NULL,
    closed_at INTEGER
  );
  CREATE INDEX leads_stage ON leads (stage, created_at, id);

  CREATE TABLE lead_conversations (
    lead_id TEXT NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    open INTEGER NOT NULL CHECK (open IN (0, 1)),
    PRIMARY KEY (lead_id, key)
  ) WITHOUT ROWID;
  CREATE UNIQUE INDEX lead_conversations_open ON lead_conversations (key) WHERE open = 1;

  CREATE TABLE lead_contact_keys (
    lead_id TEXT NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    PRIMARY KEY (lead_id, key)
  ) WITHOUT ROWID;
  CREATE INDEX lead_contact_keys_key ON lead_contact_keys (key);
  `,
  // Drafts name the model service and model that wrote them; chunks get their embedding vectors.
  `
  ALTER TABLE drafts ADD COLUMN provider TEXT;
  ALTER TABLE drafts ADD COLUMN model TEXT;

  CREATE TABLE chunk_embeddings (
    doc_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    model TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (doc_id, idx)
  ) WITHOUT ROWID;
  `,
  // The owner's documents for leads, the buyers' download links (kept as token hashes), the leads' quoted orders.
  `
  CREATE TABLE sales_documents (
    id TEXT PRIMARY KEY,
    lead_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    number TEXT NOT NULL,
    title TEXT NOT NULL,
    total INTEGER NOT NULL,
    order_json TEXT NOT NULL,
    status TEXT NOT NULL,
    file_name TEXT NOT NULL,
    pages INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    sent_at INTEGER
  );
  CREATE INDEX sales_documents_lead ON sales_documents (lead_id);

  CREATE TABLE document_links (
    token_hash TEXT PRIMARY KEY,
    document_id TEXT NOT NULL,
    lead_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    number TEXT NOT NULL,
    expires_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX document_links_expiry ON document_links (expires_at);

  CREATE TABLE lead_orders (
    lead_id TEXT PRIMARY KEY,
    order_json TEXT NOT NULL,
    updated_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  `,
  // The integrations' records, out of kv: consultation offers and bookings (one per lead; an event is one
  // lead's), invoice payments (one per invoice; a payment id is one invoice's) and the refunds counted on them
  // (once each), amoCRM deals (one per lead, one lead per deal), messages to buyers by idempotence key, and the
  // issued documents' PDFs as bytes (sealed when encryption is on; a rowid table: key rotation walks it by rowid).
  `
  CREATE TABLE consultation_offers (
    lead_id TEXT PRIMARY KEY,
    chat_id TEXT NOT NULL,
    slots TEXT NOT NULL,
    at INTEGER NOT NULL,
    booked_event_id TEXT,
    booked_start INTEGER
  ) WITHOUT ROWID;

  CREATE TABLE consultation_bookings (
    lead_id TEXT PRIMARY KEY,
    event_id TEXT NOT NULL UNIQUE,
    chat_id TEXT NOT NULL,
    start_at INTEGER NOT NULL,
    end_at INTEGER NOT NULL,
    sequence INTEGER NOT NULL CHECK (sequence >= 0),
    status TEXT NOT NULL CHECK (status IN ('booked', 'cancelled'))
  ) WITHOUT ROWID;

  CREATE TABLE invoice_payments (
    invoice TEXT PRIMARY KEY,
    lead_id TEXT NOT NULL,
    amount INTEGER NOT NULL CHECK (amount > 0),
    attempt INTEGER NOT NULL CHECK (attempt >= 0),
    payment_id TEXT UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('creating', 'pending', 'succeeded', 'canceled')),
    confirmation_url TEXT,
    paid_at INTEGER,
    refunded INTEGER NOT NULL CHECK (refunded >= 0 AND refunded <= amount)
  ) WITHOUT ROWID;

  CREATE TABLE payment_refunds (
    refund_id TEXT PRIMARY KEY,
    invoice TEXT,
    amount INTEGER NOT NULL
  ) WITHOUT ROWID;

  CREATE TABLE crm_deals (
    lead_id TEXT PRIMARY KEY,
    deal_id INTEGER NOT NULL UNIQUE,
    contact_id INTEGER,
    tags TEXT NOT NULL,
    status TEXT,
    brief_digest TEXT
  ) WITHOUT ROWID;

  CREATE TABLE buyer_messages (
    key TEXT PRIMARY KEY,
    state TEXT NOT NULL CHECK (state IN ('sending', 'sent')),
    since INTEGER,
    draft_id TEXT
  ) WITHOUT ROWID;

  CREATE TABLE document_files (
    kind TEXT NOT NULL,
    number TEXT NOT NULL,
    pdf BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (kind, number)
  );
  `,
];

/** Brings the schema up to date; safe when several processes open the file at once. */
export function migrate(db: DatabaseSync): number {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  // IMMEDIATE takes the write lock first, so two processes never run the same step twice.
  db.exec('BEGIN IMMEDIATE');
  try {
    const row = db.prepare('SELECT MAX(version) AS v FROM schema_version').get() as
      { v: number | null } | undefined;
    let version = row?.v ?? 0;
    for (; version < MIGRATIONS.length; version += 1) {
      db.exec(MIGRATIONS[version] as string);
      db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(version + 1);
    }
    db.exec('COMMIT');
    return version;
  } catch (err) {
    db.exec('ROLLBACK');
    throw err;
  }
}
