import type { IRouter, Request, Response } from 'express';
import { z } from 'zod';
import { textsFor, type Locale } from '../texts/index.js';
import type { AllowedOrigins } from './network.js';
import { MAX_VISITOR_TEXT, type WidgetSettings, type WidgetTexts } from './protocol.js';
import type { WidgetScript } from './script.js';

export interface WidgetLook {
  color: string;
  title: string | undefined;
  locale: Locale;
  consentText: string | undefined;
  privacyPolicyUrl: string | undefined;
}

export interface WidgetRoutesDeps {
  script: WidgetScript;
  origins: AllowedOrigins;
  look: WidgetLook;
}

const settingsQuery = z.object({ locale: z.enum(['ru', 'en']).optional() });
const demoQuery = z.object({
  locale: z.enum(['ru', 'en']).optional(),
  listing: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,40}$/)
    .optional(),
});

/** The widget's texts for a locale, from the one texts module (`src/texts/`). */
export function widgetTexts(locale: Locale): WidgetTexts {
  return textsFor(locale).widget;
}

/** What the widget shows before anything else: colours, title, texts, the consent to ask for. */
export function widgetSettings(look: WidgetLook, locale: Locale = look.locale): WidgetSettings {
  const texts = widgetTexts(locale);
  return {
    locale,
    title: look.title ?? texts.title,
    color: look.color,
    consentText: look.consentText ?? texts.consent,
    privacyPolicyUrl: look.privacyPolicyUrl ?? null,
    maxLength: MAX_VISITOR_TEXT,
    texts,
  };
}

/**
 * `GET /widget.js` (any site may load the script; it does nothing where the site is not allowed),
 * `GET /widget/settings` (CORS: only `WIDGET_ORIGINS`), `GET /widget/demo` (a page to try it on).
 */
export function mountWidgetRoutes(app: IRouter, deps: WidgetRoutesDeps): void {
  app.get('/widget.js', (req, res) => {
    const { script } = deps;
    res.setHeader('Content-Type', 'application/javascript; charset=utf-8');
    // Loaded by other sites' pages: the app-wide same-origin policy would block it.
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.setHeader('ETag', script.etag);
    res.setHeader('Vary', 'Accept-Encoding');
    if (req.get('if-none-match') === script.etag) {
      res.status(304).end();
      return;
    }
    if (/\bgzip\b/.test(req.get('accept-encoding') ?? '')) {
      res.setHeader('Content-Encoding', 'gzip');
      res.send(script.gzip);
    } else res.send(script.js);
  });

  app.options('/widget/settings', (req, res) => {
    if (!cors(req, res, deps.origins)) return;
    res.setHeader('Access-Control-Allow-Methods', 'GET');
    res.setHeader('Access-Control-Max-Age', '600');
    res.status(204).end();
  });

  app.get('/widget/settings', (req, res) => {
    if (!cors(req, res, deps.origins)) return;
    const query = settingsQuery.safeParse(req.query);
    if (!query.success) {
      res.status(400).json({ error: 'bad_request', reason: 'locale must be "ru" or "en"' });
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.json(widgetSettings(deps.look, query.data.locale));
  });

  app.get('/widget/demo', (req, res) => {
    // The page works only where the widget may run: served at an address that is one of WIDGET_ORIGINS.
    const self = `${req.protocol}://${req.get('host') ?? ''}`;
    if (!deps.origins.allows(self)) {
      res.status(404).json({
        error: 'not_found',
        reason: `the demo page is served only at an address listed in WIDGET_ORIGINS (add ${self} to try it here)`,
      });
      return;
    }
    const query = demoQuery.safeParse(req.query);
    if (!query.success) {
      res.status(400).json({ error: 'bad_request', reason: 'locale must be "ru" or "en"; listing an id' });
      return;
    }
    res.setHeader(
      'Content-Security-Policy',
      "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    res.type('html').send(demoPage(query.data.locale ?? deps.look.locale, query.data.listing));
  });
}

/**
 * CORS for the widget's routes: a browser request from another site passes only from `WIDGET_ORIGINS`
 * (403 otherwise). A request without `Origin` is not a cross-site browser call (same-origin GETs carry none).
 */
function cors(req: Request, res: Response, origins: AllowedOrigins): boolean {
  const origin = req.get('origin');
  res.setHeader('Vary', 'Origin');
  if (origin === undefined) return true;
  if (!origins.allows(origin)) {
    res.status(403).json({ error: 'origin_not_allowed', reason: 'this site is not in WIDGET_ORIGINS' });
    return false;
  }
  res.setHeader('Access-Control-Allow-Origin', origin);
  return true;
}

/** The demo shop page: static text and the one script tag a seller puts on their site. */
function demoPage(locale: Locale, listing: string | undefined): string {
  const ru = locale === 'ru';
  // Attribute values come from the enums and the id pattern above: nothing here needs escaping.
  const attributes = [`data-locale="${locale}"`, ...(listing ? [`data-listing="${listing}"`] : [])].join(' ');
  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${ru ? 'Демо-магазин — чат с продавцом' : 'Demo shop — chat with the seller'}</title>
<style>
body { font: 16px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 42rem; padding: 2rem 1rem; color: #222; }
code { background: #f3f3f3; padding: 0 .25em; }
</style>
</head>
<body>
<main>
<h1>${ru ? 'Демо-магазин' : 'Demo shop'}</h1>
<p>${
    ru
      ? 'Это страница для проверки виджета чата. Нажмите на кнопку чата в правом нижнем углу и задайте вопрос.'
      : 'A page for trying the chat widget. Press the chat button in the bottom right corner and ask a question.'
  }</p>
<p>${ru ? 'На своём сайте вставьте одну строку:' : 'On your own site, add one line:'}</p>
<p><code>&lt;script src="…/widget.js" async&gt;&lt;/script&gt;</code></p>
</main>
<script src="../widget.js" ${attributes} async></script>
</body>
</html>
`;
}
