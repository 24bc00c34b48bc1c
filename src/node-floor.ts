/**
 * The oldest Node.js the service runs on. Older versions fail in ways that read like our bugs: 22.12 and
 * earlier have no `node:sqlite` (without a flag), and 22.13 – 22.15 reject a transaction opened inside another
 * one ("cannot start a transaction within a transaction"). The project targets 24 (see `.nvmrc`).
 *
 * This module imports nothing: entry points check the version first and only then import the rest
 * dynamically, since a static import of `node:sqlite` fails on an old Node before any of our code runs.
 */
export const NODE_FLOOR = '22.16.0';

/**
 * Exit status on a too old Node: EX_CONFIG (sysexits.h), the environment cannot run this. The systemd unit
 * does not restart on it (`RestartPreventExitStatus=78`): a restart would meet the same Node.
 */
export const NODE_FLOOR_EXIT = 78;

function parts(version: string): number[] {
  return version
    .replace(/^v/, '')
    .split('.')
    .map((p) => Number.parseInt(p, 10) || 0);
}

/** Whether `running` (e.g. `process.versions.node`) is at least `floor`. */
export function meetsNodeFloor(running: string, floor = NODE_FLOOR): boolean {
  const [a, b] = [parts(running), parts(floor)];
  for (let i = 0; i < 3; i += 1) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return diff > 0;
  }
  return true;
}

/** The one line an operator sees on an old Node: what is needed, what runs, what to do. */
export function nodeFloorMessage(what: string, running: string, floor = NODE_FLOOR): string {
  return (
    `${what} needs Node.js ${floor} or newer (the project targets 24); this is Node.js ${running} ` +
    `(${process.execPath}). Install Node.js 24, e.g. with nvm (see .nvmrc).`
  );
}

/**
 * Exits with {@link nodeFloorMessage} on stderr when this Node is older than {@link NODE_FLOOR}. Call it at
 * the top of an entry point, before `await import()` of the code it runs.
 */
export function requireNodeFloor(what: string): void {
  const running = process.versions.node;
  if (meetsNodeFloor(running)) return;
  process.stderr.write(`${nodeFloorMessage(what, running)}\n`);
  process.exit(NODE_FLOOR_EXIT);
}
