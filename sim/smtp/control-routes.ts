import type { Express, Response } from 'express';
import { z } from 'zod';
import type { SmtpSim } from './index.js';
import { type CapturedMessage, SMTP_STAGES } from './types.js';

const FaultBody = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('reject'),
    stage: z.enum(SMTP_STAGES),
    code: z.number().int().min(400).max(599),
    message: z.string().max(200).optional(),
    times: z.number().int().min(1).max(1000).default(1),
  }),
  z.object({
    kind: z.literal('drop'),
    stage: z.enum(SMTP_STAGES),
    times: z.number().int().min(1).max(1000).default(1),
  }),
]);

function problem(res: Response, status: number, error: string): void {
  res.status(status).json({ error });
}

/** A message as JSON: attachments without their bytes unless `withContent` (then base64). */
function messageJson(message: CapturedMessage, withContent: boolean): unknown {
  return {
    ...message,
    attachments: message.attachments.map(({ content, ...rest }) =>
      withContent ? { ...rest, content: content.toString('base64') } : rest,
    ),
  };
}

/**
 * The simulator's HTTP control API (JSON, loopback only): read and clear captured mail, inject SMTP
 * faults. `GET /messages`, `GET /messages/:id` (attachment bytes in base64), `DELETE /messages`,
 * `POST /faults` `{stage, kind: "reject", code, message?, times?}` or `{stage, kind: "drop"}`,
 * `DELETE /faults`, `GET /sessions`.
 */
export function registerControlRoutes(app: Express, sim: SmtpSim): void {
  app.get('/messages', (_req, res) => {
    res.json({ messages: sim.messages().map((m) => messageJson(m, false)) });
  });
  app.get('/messages/:id', (req, res) => {
    const message = sim.messages().find((m) => m.id === req.params.id);
    if (!message) return problem(res, 404, 'no such message');
    res.json(messageJson(message, true));
  });
  app.delete('/messages', (_req, res) => {
    sim.clear();
    res.json({ ok: true });
  });
  app.post('/faults', (req, res) => {
    const body = FaultBody.safeParse(req.body);
    if (!body.success)
      return problem(res, 400, body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    const { times, ...fault } = body.data;
    sim.fail(fault, times);
    res.json({ ok: true });
  });
  app.delete('/faults', (_req, res) => {
    sim.clearFaults();
    res.json({ ok: true });
  });
  app.get('/sessions', (_req, res) => {
    res.json({ sessions: sim.sessions() });
  });
  app.use((_req, res) => problem(res, 404, 'not found'));
}
