import type { Express } from 'express';
import { z } from 'zod';
import { CalendarError, invalid, sendError, sendOk } from './errors.js';
import type { GoogleCalendarActors } from './index.js';
import { type CalendarState, eventJson } from './state.js';

const SellerAddsEvent = z.object({
  start: z.string().min(1),
  end: z.string().min(1),
  summary: z.string().optional(),
  calendarId: z.string().optional(),
  transparent: z.boolean().optional(),
});

const SellerDeletesEvent = z.object({ eventId: z.string().min(1), calendarId: z.string().optional() });

/**
 * `/__sim/*`: a human plays the seller from a shell while the service runs against the simulator
 * (`main.ts`), e.g. takes an offered slot by adding a busy event. Not Google's API; loopback only.
 */
export function registerControlRoutes(
  app: Express,
  actors: () => GoogleCalendarActors,
  state: CalendarState,
): void {
  const guard = (run: () => unknown) => {
    try {
      return { ok: true as const, value: run() };
    } catch (error) {
      if (error instanceof CalendarError) return { ok: false as const, error };
      throw error;
    }
  };

  app.post('/__sim/seller-adds-event', (req, res) => {
    const body = SellerAddsEvent.safeParse(req.body);
    if (!body.success)
      return sendError(res, invalid(`validation error: ${body.error.issues[0]?.message ?? ''}`));
    const result = guard(() => actors().sellerAddsEvent(body.data));
    if (!result.ok) return sendError(res, result.error);
    const event = result.value as ReturnType<GoogleCalendarActors['sellerAddsEvent']>;
    sendOk(res, { id: event.id, start: body.data.start, end: body.data.end });
  });

  app.post('/__sim/seller-deletes-event', (req, res) => {
    const body = SellerDeletesEvent.safeParse(req.body);
    if (!body.success) return sendError(res, invalid('validation error: eventId is required'));
    const result = guard(() => actors().sellerDeletesEvent(body.data.eventId, body.data.calendarId));
    if (!result.ok) return sendError(res, result.error);
    sendOk(res, { ok: true });
  });

  app.post('/__sim/expire-tokens', (_req, res) => {
    state.expireTokens();
    sendOk(res, { ok: true });
  });

  app.get('/__sim/state', (_req, res) => {
    sendOk(res, {
      calendars: [...state.calendars.values()].map((c) => ({
        id: c.id,
        summary: c.summary,
        timeZone: c.timeZone,
        sharedWith: Object.fromEntries(c.sharedWith),
        events: [...c.events.values()].map((e) => eventJson(e, c)),
      })),
      tokenIssues: state.tokenIssues,
    });
  });
}
