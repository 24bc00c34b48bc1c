/** The SMTP stages a fault can hit, in the order a session reaches them. */
export const SMTP_STAGES = ['connect', 'auth', 'mail', 'rcpt', 'data'] as const;
export type SmtpStage = (typeof SMTP_STAGES)[number];

/** What goes wrong at a stage: an SMTP reply code (4xx transient, 5xx permanent) or a cut connection. */
export type SmtpFault =
  { stage: SmtpStage; kind: 'reject'; code: number; message?: string } | { stage: SmtpStage; kind: 'drop' };

/** One address as captured. */
export interface CapturedAddress {
  address: string;
  name: string;
}

/** An attachment of a captured message; `content` is the decoded bytes. */
export interface CapturedAttachment {
  filename: string | undefined;
  contentType: string;
  contentDisposition: string | undefined;
  size: number;
  /** md5 of the content, as mailparser computes it. */
  checksum: string;
  content: Buffer;
}

/** A message the simulator accepted, parsed by mailparser. */
export interface CapturedMessage {
  id: string;
  receivedAt: string;
  /** The SMTP envelope (MAIL FROM / RCPT TO), which may differ from the headers (Bcc). */
  envelope: { from: string | undefined; to: string[] };
  /** Username that authenticated the session, if any. */
  user: string | undefined;
  messageId: string | undefined;
  from: CapturedAddress[];
  to: CapturedAddress[];
  cc: CapturedAddress[];
  subject: string | undefined;
  date: string | undefined;
  text: string | undefined;
  html: string | undefined;
  /** Header lines as sent (lower-case names; repeated headers joined with "\n"). */
  headers: Record<string, string>;
  attachments: CapturedAttachment[];
  /** Size of the raw message in bytes. */
  size: number;
}

/** One SMTP session, for asserting on auth attempts and faults. */
export interface SmtpSessionRecord {
  id: string;
  remoteAddress: string;
  events: Array<{ stage: SmtpStage | 'close'; outcome: string }>;
}
