import type { Express } from 'express';

/** What `GET /d/<token>` opens: the PDF and its file name, or null for any token that opens nothing. */
export type DocumentOpener = (token: string) => Promise<{ pdf: Uint8Array; fileName: string } | null>;

/** The path of a buyer's document link. */
export const DOCUMENT_LINK_PATH = '/d/:token';

/**
 * `GET /d/<token>`: the buyer's download link. A wrong, expired or malformed token gets the same 404 as any
 * unknown path (nothing tells a guess from a lapsed link); there is no listing under `/d/`. Nothing is cached
 * or indexed, and the token never reaches a log line or a metric label.
 */
export function mountDocumentLinks(app: Express, open: DocumentOpener): void {
  app.get(DOCUMENT_LINK_PATH, async (req, res, next) => {
    try {
      const found = await open(String(req.params.token));
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('X-Robots-Tag', 'noindex, nofollow');
      res.setHeader('Referrer-Policy', 'no-referrer');
      if (!found) {
        res.status(404).json({ error: 'not_found' });
        return;
      }
      res.setHeader('Content-Type', 'application/pdf');
      res.setHeader('Content-Disposition', `attachment; filename="${found.fileName}"`);
      res.setHeader('Content-Length', String(found.pdf.byteLength));
      res.status(200).end(Buffer.from(found.pdf.buffer, found.pdf.byteOffset, found.pdf.byteLength));
    } catch (err) {
      next(err);
    }
  });
}
