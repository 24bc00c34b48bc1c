import { z } from 'zod';

const blankToUndefined = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

/** A mailbox: `Name <a@b.ru>` or a bare `a@b.ru`. */
export interface Mailbox {
  name: string | undefined;
  address: string;
}

const emailAddress = z.email({ error: 'expected an e-mail address like shop@example.ru' });

/** Parses `Name <a@b>` or `a@b`; undefined when it is neither. */
export function parseMailbox(value: string): Mailbox | undefined {
  const trimmed = value.trim();
  const angle = /^(.*?)\s*<([^<>\s]+)>$/.exec(trimmed);
  const address = angle ? angle[2]! : trimmed;
  if (!emailAddress.safeParse(address).success) return undefined;
  const name = angle?.[1]?.replace(/^"(.*)"$/, '$1').trim();
  return { name: name ? name : undefined, address };
}

/**
 * The e-mail variables, to merge into the service's env schema. `SMTP_URL` carries the password, so
 * messages about it never quote it.
 */
export const emailEnvSchema = z.object({
  SMTP_URL: z.preprocess(
    blankToUndefined,
    z
      .string()
      .refine(
        (value) => {
          try {
            const url = new URL(value);
            return (url.protocol === 'smtp:' || url.protocol === 'smtps:') && url.hostname !== '';
          } catch {
            return false;
          }
        },
        {
          error:
            'expected smtps://user:app-password@smtp.example.ru:465 or smtp://user:pass@host:587 (percent-encode @ : / ? in the password)',
        },
      )
      .optional(),
  ),
  EMAIL_FROM: z.preprocess(
    blankToUndefined,
    z
      .string()
      .refine((value) => parseMailbox(value) !== undefined, {
        error: 'expected the sender as "Shop name <shop@example.ru>" or shop@example.ru',
      })
      .optional(),
  ),
  OWNER_EMAIL: z.preprocess(blankToUndefined, emailAddress.optional()),
});

/** E-mail settings from the environment: off until `SMTP_URL` and `EMAIL_FROM` are both set. */
export type EmailEnvConfig =
  | { enabled: false; missing: string[]; ownerEmail: string | undefined }
  | { enabled: true; smtpUrl: string; from: Mailbox; ownerEmail: string | undefined };

/** Reads the e-mail variables. Throws a zod error for malformed values. */
export function emailEnvConfig(env: Record<string, string | undefined>): EmailEnvConfig {
  const e = emailEnvSchema.parse(env);
  const from = e.EMAIL_FROM === undefined ? undefined : parseMailbox(e.EMAIL_FROM);
  if (e.SMTP_URL && from) return { enabled: true, smtpUrl: e.SMTP_URL, from, ownerEmail: e.OWNER_EMAIL };
  const missing = [e.SMTP_URL ? undefined : 'SMTP_URL', from ? undefined : 'EMAIL_FROM'].filter(
    (v): v is string => v !== undefined,
  );
  return { enabled: false, missing, ownerEmail: e.OWNER_EMAIL };
}
