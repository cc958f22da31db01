import Koa from 'koa';
import type { IncomingMessage } from 'node:http';
import { createVerifier, WebhookVerificationError, type VerifiedWebhook, type Verifier, type WebhookEnvelope } from '../src';

/**
 * A receiver on Koa, with no body parser: the raw bytes are read from the request stream.
 * test/integration/receiver-kit.test.ts sends it a real delivery.
 */
export function koaReceiver(verifier: Verifier, onEvent: (event: VerifiedWebhook<WebhookEnvelope>) => void): Koa {
  const app = new Koa();
  app.use(async (ctx) => {
    if (ctx.method !== 'POST' || ctx.path !== '/hooks') return; // 404
    try {
      const event = await verifier.verify<WebhookEnvelope>(await rawBody(ctx.req), ctx.headers);
      onEvent(event);
      ctx.body = 'ok';
    } catch (err) {
      if (!(err instanceof WebhookVerificationError)) throw err;
      ctx.status = 401;
      ctx.body = { error: err.code };
    }
  });
  return app;
}

async function rawBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

// `WEBHOOK_SECRET=whsec_... npx tsx clients/receiver/examples/koa.ts`
if (require.main === module) {
  const verifier = createVerifier({ secret: process.env.WEBHOOK_SECRET ?? '' });
  koaReceiver(verifier, (event) => console.log(event.id, event.payload.type)).listen(Number(process.env.PORT ?? 4000));
}
