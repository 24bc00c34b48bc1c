import { createServer, type RequestListener, type Server } from 'node:http';
import { type AddressInfo, createServer as createTcpServer } from 'node:net';

/** A simulator's HTTP server bound to loopback. */
export interface RunningServer {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:41234`. */
  url: string;
  port: number;
  server: Server;
  /** Ends keep-alive connections too, so clients like grammY never keep a test alive. */
  close(): Promise<void>;
}

/** Starts `handler` on 127.0.0.1 (port 0 = a random free port). */
export async function listen(handler: RequestListener, port = 0, host = '127.0.0.1'): Promise<RunningServer> {
  const server = createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    server,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/**
 * Ports handed out by {@link freePort}: below the ephemeral ranges of Linux (32768–60999), macOS and Windows
 * (49152–65535), which the kernel draws from for every outgoing connection and every `listen(0)`. A port taken
 * from the ephemeral range could be given to a client socket (ours or another program's) before the server that
 * asked for it binds it; this one only collides with a program that names it.
 */
const FREE_PORT_RANGE = { from: 20_000, to: 32_767 };
const FREE_PORT_TRIES = 50;

const tryListen = (port: number) =>
  new Promise<number | null>((resolvePort) => {
    const server = createTcpServer();
    server.once('error', () => resolvePort(null));
    server.listen(port, '127.0.0.1', () => {
      const bound = (server.address() as AddressInfo).port;
      server.close(() => resolvePort(bound));
    });
  });

/**
 * A loopback port free right now, for a server that must know its own address before it listens (the widget's
 * demo page needs the service's origin in WIDGET_ORIGINS). Drawn at random outside the ephemeral range; one the
 * kernel picks when none there is free.
 */
export async function freePort(): Promise<number> {
  const span = FREE_PORT_RANGE.to - FREE_PORT_RANGE.from + 1;
  for (let i = 0; i < FREE_PORT_TRIES; i += 1) {
    const port = await tryListen(FREE_PORT_RANGE.from + Math.floor(Math.random() * span));
    if (port !== null) return port;
  }
  const port = await tryListen(0);
  if (port === null) throw new Error('no free loopback port');
  return port;
}
