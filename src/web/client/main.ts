/**
 * `widget.js`: the seller's chat bubble on any site, from one tag:
 * `<script src="https://bot.example.com/widget.js" data-locale="ru" data-color="#2f6fed" async></script>`.
 * Does nothing on a site that is not in `WIDGET_ORIGINS` (the settings request is refused there).
 */
import type { ListingHint, WidgetSettings } from '../protocol.js';
import { Widget } from './widget.js';

declare global {
  interface Window {
    __avitoResponderWidget?: boolean;
  }
}

const HEX_COLOUR = /^#(?:[0-9a-fA-F]{3}){1,2}$/;

function boot(): void {
  const script = document.currentScript;
  if (!(script instanceof HTMLScriptElement) || window.__avitoResponderWidget) return;
  window.__avitoResponderWidget = true;
  const base = script.src.replace(/\/widget\.js(?:[?#].*)?$/, '');
  const data = script.dataset;
  const locale = data.locale === 'en' || data.locale === 'ru' ? data.locale : undefined;
  const listing: ListingHint | undefined = data.listing
    ? {
        id: data.listing.slice(0, 40),
        title: (data.listingTitle ?? document.title).slice(0, 200),
        url: location.href.slice(0, 2000),
      }
    : undefined;

  fetch(`${base}/widget/settings${locale ? `?locale=${locale}` : ''}`, { credentials: 'omit' })
    .then((res) => {
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return res.json() as Promise<WidgetSettings>;
    })
    .then((settings) => {
      if (data.color && HEX_COLOUR.test(data.color)) settings.color = data.color;
      if (data.title) settings.title = data.title.slice(0, 60);
      const mount = () => new Widget(settings, base, listing).mount(document.body);
      if (document.body) mount();
      else document.addEventListener('DOMContentLoaded', mount, { once: true });
    })
    .catch((err: unknown) => {
      console.warn(
        `[widget] not started: this site (${location.origin}) is not in WIDGET_ORIGINS, or ${base} is unreachable`,
        err,
      );
    });
}

boot();
