// The baselines of the verify benchmarks, run as a child process by server-kit.ts:
//   node test/bench/baseline-server.ts bare         — a bare node:http server answering 200
//   node test/bench/baseline-server.ts secret X     — the same plus raw crypto.verify of the Secret
//                                                     in `Authorization: Bearer …` with the Ed25519
//                                                     public key X (base64url); 401 when it fails
// Prints `listening on http://127.0.0.1:PORT` on stderr.
import { createPublicKey, verify } from 'node:crypto';
import { createServer } from 'node:http';

const [mode, x] = process.argv.slice(2);
const publicKey =
  mode === 'secret'
    ? createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: x as string }, format: 'jwk' })
    : null;

const server = createServer((request, response) => {
  if (publicKey) {
    const token = (request.headers.authorization ?? '').slice('Bearer '.length);
    const lastDot = token.lastIndexOf('.');
    const ok =
      lastDot > 0 &&
      verify(
        null,
        Buffer.from(token.slice(0, lastDot)),
        publicKey,
        Buffer.from(token.slice(lastDot + 1), 'base64url'),
      );
    response.writeHead(ok ? 200 : 401, { 'content-type': 'text/plain', 'content-length': 2 });
    response.end(ok ? 'ok' : 'no');
    return;
  }
  response.writeHead(200, { 'content-type': 'text/plain', 'content-length': 2 });
  response.end('ok');
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') {
    process.stderr.write(`listening on http://127.0.0.1:${address.port}\n`);
  }
});
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
