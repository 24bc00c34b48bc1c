import { BaseNotificationChannel, type JobNotification } from 'agenda';

/**
 * Wakes this process's job processor when this process saves a job that is due, instead of leaving the job
 * to the next poll (`processEvery`). Other processes still find it by polling.
 *
 * Unlike Agenda's `InMemoryNotificationChannel`, `publish` returns at once: the save (on the webhook's hot
 * path) does not wait for the processor to fill its queue. Notifications are coalesced per job name within
 * `windowMs`, because one queue fill claims every due job of that name; a flood of saves costs one fill
 * per window, not one per save.
 */
export class LocalWakeups extends BaseNotificationChannel {
  readonly #pending = new Map<string, JobNotification>();
  #timer: NodeJS.Timeout | undefined;

  constructor(private readonly windowMs = 2) {
    super({ channelName: 'local-wakeups', reconnect: { enabled: false } });
  }

  async connect(): Promise<void> {
    this.setState('connected');
  }

  async disconnect(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending.clear();
    this.setState('disconnected');
  }

  async publish(notification: JobNotification): Promise<void> {
    if (this.state !== 'connected') return;
    const earlier = this.#pending.get(notification.jobName);
    // Keep the soonest run time: the processor ignores a wake-up whose job is due after its next poll.
    if (!earlier || runsSooner(notification, earlier)) this.#pending.set(notification.jobName, notification);
    this.#timer ??= setTimeout(() => this.#flush(), this.windowMs);
  }

  #flush(): void {
    this.#timer = undefined;
    const batch = [...this.#pending.values()];
    this.#pending.clear();
    // A failed fill is Agenda's to report ('error' event); the next poll retries it.
    for (const notification of batch) void this.notifyHandlers(notification);
  }
}

function runsSooner(a: JobNotification, b: JobNotification): boolean {
  if (a.nextRunAt === null) return false;
  return b.nextRunAt === null || a.nextRunAt.getTime() < b.nextRunAt.getTime();
}
