/** What the integrations' job kinds share in their data. */
import { z } from 'zod';

/** The idempotency key of an outbox job (see ./outbox.ts). */
export const jobKey = z.string().min(1).max(300);
export const leadIdField = z.string().min(1);
export const isoInstant = z.iso.datetime({ offset: true });
