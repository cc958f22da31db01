import { Context } from '@temporalio/activity';
import type { Pool } from 'pg';
import type { Config } from '../src/config';
import { SecretBox } from '../src/crypto/secret-box';
import { DeliveriesRepository } from '../src/repositories/deliveries-repository';
import { WebhooksRepository } from '../src/repositories/webhooks-repository';
import { failDelivery } from './complete-delivery';
import { deliverAttempt, type DeliveryActivityDeps } from './deliver-attempt';
import { createHttpSender, type HttpSender } from './http-sender';

export interface ActivityDeps {
  pool: Pool;
  config: Pick<Config, 'delivery' | 'secretEncryptionKey'>;
  send?: HttpSender;
}

/** The worker's activities, built from their dependencies so tests can hand in their own. */
export function createActivities({ pool, config, send = createHttpSender() }: ActivityDeps) {
  const deps: DeliveryActivityDeps = {
    deliveries: new DeliveriesRepository(pool),
    webhooks: new WebhooksRepository(pool),
    secretBox: new SecretBox(config.secretEncryptionKey),
    send,
    delivery: {
      timeoutMs: config.delivery.timeoutMs,
      userAgent: config.delivery.userAgent,
      retryAfterMaxMs: config.delivery.retry.retryAfterMaxMs,
    },
  };
  return {
    async deliverAttempt(input: { deliveryId: string }) {
      return deliverAttempt(deps, { deliveryId: input.deliveryId, attempt: Context.current().info.attempt });
    },
    async failDelivery(input: { deliveryId: string; webhookId: string; error: string }) {
      return failDelivery(deps, input);
    },
  };
}

export type DeliveryActivities = ReturnType<typeof createActivities>;
