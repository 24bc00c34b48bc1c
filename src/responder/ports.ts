/**
 * How the core tells the owner about problems without knowing about Telegram: the bot implements it,
 * a log-only version stands in when no bot is configured.
 */
export interface OwnerAlerts {
  /**
   * Tells the owner once per `key` until {@link OwnerAlerts.resolve} is called for it, so a persistent failure
   * (a revoked token, a lost subscription) is one message, not a flood.
   */
  alert(key: string, text: string): Promise<void>;
  /** The problem behind `key` is over; the next alert with it is sent again. */
  resolve(key: string): Promise<void>;
}

/** Alerts that only go to the log: used when no Telegram bot is configured. */
export function logOnlyAlerts(logger: { warn(obj: object, msg: string): void }): OwnerAlerts {
  const open = new Set<string>();
  return {
    async alert(key, text) {
      if (open.has(key)) return;
      open.add(key);
      logger.warn({ alert: key }, text);
    },
    async resolve(key) {
      open.delete(key);
    },
  };
}
