import express, { type Express } from 'express';
import { createVerifier, WebhookVerificationError, type VerifiedWebhook, type Verifier, type WebhookEnvelope } from '../src';

/**
 * A receiver on Express: `express.raw` keeps the body's exact bytes (a JSON body parser would
 * re-serialize them and break the signature). test/integration/receiver-kit.test.ts sends it a
 * real delivery.
 */
export function expressReceiver(verifier: Verifier, onEvent: (event: VerifiedWebhook<WebhookEnvelope>) => void): Express {
  const app = express();
  app.post('/hooks', express.raw({ type: '*/*' }), async (req, res) => {
    try {
      const event = await verifier.verify<WebhookEnvelope>(req.body as Buffer, req.headers);
      onEvent(event);
      res.status(200).send('ok');
    } catch (err) {
      if (!(err instanceof WebhookVerificationError)) throw err;
      res.status(401).json({ error: err.code });
    }
  });
  return app;
}

// `WEBHOOK_SECRET=whsec_... npx tsx clients/receiver/examples/express.ts`
if (require.main === module) {
  const verifier = createVerifier({ secret: process.env.WEBHOOK_SECRET ?? '' });
  expressReceiver(verifier, (event) => console.log(event.id, event.payload.type)).listen(Number(process.env.PORT ?? 4000));
}
