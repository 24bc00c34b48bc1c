import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a {@link Receiver} got. */
export interface Received {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The socket peer: where the request came from. */
  remoteAddress: string | undefined;
}

/** A local HTTP endpoint that records what simulators POST to it (webhooks, notifications). */
export interface Receiver {
  url: string;
  received: Received[];
  /** Status for the next answers (default 200). */
  status: number;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const receiver: Receiver = { url: '', received, status: 200, close: () => Promise.resolve() };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      received.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
        remoteAddress: req.socket.remoteAddress,
      });
      res.writeHead(receiver.status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return receiver;
}
