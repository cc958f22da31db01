import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createVerifier, WebhookVerificationError, type VerifiedWebhook, type Verifier, type WebhookEnvelope } from '../src';

/**
 * A receiver on plain `node:http`: read the raw body, verify, answer 200 (or 401 with the reason's
 * code). test/integration/receiver-kit.test.ts sends it a real delivery.
 */
export function nodeHttpReceiver(verifier: Verifier, onEvent: (event: VerifiedWebhook<WebhookEnvelope>) => void): Server {
  return createServer((req, res) => {
    rawBody(req)
      .then((body) => verifier.verify<WebhookEnvelope>(body, req.headers))
      .then((event) => {
        onEvent(event);
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      })
      .catch((err: unknown) => {
        const code = err instanceof WebhookVerificationError ? err.code : 'error';
        res.writeHead(err instanceof WebhookVerificationError ? 401 : 500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: code }));
      });
  });
}

function rawBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

// `WEBHOOK_SECRET=whsec_... npx tsx clients/receiver/examples/node-http.ts`
if (require.main === module) {
  const verifier = createVerifier({ secret: process.env.WEBHOOK_SECRET ?? '' });
  nodeHttpReceiver(verifier, (event) => console.log(event.id, event.payload.type)).listen(Number(process.env.PORT ?? 4000));
}
