/**
 * The benchmark's baseline: a bare Express app whose one route parses the JSON body and answers 200. Run as
 * its own process, like the service, so neither is measured with the other's heap or work; prints its URL.
 */
import express from 'express';

const app = express();
app.post('/hook', express.json(), (_req, res) => void res.status(200).json({ ok: true }));
const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') process.stdout.write(`http://127.0.0.1:${address.port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
