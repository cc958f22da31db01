import { Context } from '@temporalio/activity';
import type { Pool } from 'pg';
import type { Config } from '../src/config';
import type { EngineActivities } from '../src/domain/activity-contracts';
import type { Metrics } from '../src/observability/metrics';
import type { Logger } from '../src/logger';
import { SecretBox } from '../src/crypto/secret-box';
import { cacheActiveKey } from '../src/crypto/signing-keys';
import { SigningKeysRepository } from '../src/repositories/signing-keys-repository';
import { DeliveryAttemptsRepository } from '../src/repositories/delivery-attempts-repository';
import { WebhooksRepository } from '../src/repositories/webhooks-repository';
import { failDelivery } from './complete-delivery';
import { awaitDeliveryFinished, nextInLine, type DeliveryLineDeps } from './delivery-line';
import { deliveryOutcomeEvents } from '../src/services/publish-operational-event';
import { deliverAttempt, type DeliveryActivityDeps } from './deliver-attempt';
import { createHttpSender, type HttpSender } from './http-sender';
import { createDispatchers } from './egress-dispatchers';
import { createOAuth2Tokens } from './oauth2-tokens';
import { TargetPolicy } from '../src/security/target-policy';
import { changeWebhookState, releaseHeldDeliveries, type WebhookStateDeps } from './webhook-state';
import { beginSync, endSync, reportSyncOutcome, runConnector, type AccountSyncDeps } from './account-sync';
import type { AccountConnector } from './connectors/connector';
import { purgeExpired } from './retention';
import { createDemoConnector } from './connectors/demo-connector';
import type { WorkflowControl } from './workflow-control';

export interface ActivityDeps {
  pool: Pool;
  config: Pick<Config, 'delivery' | 'secretEncryptionKey' | 'autoDisable' | 'targets' | 'egress'>;
  /** For starting and signalling workflows from activities (controllers, deliveries). */
  workflows: WorkflowControl;
  send?: HttpSender;
  /** Prometheus metrics of this worker. */
  metrics?: Metrics;
  log?: Logger;
  /** Provider connectors for account syncs; the demo connector is always there. */
  connectors?: AccountConnector[];
  /** Told when a delivery attempt begins (the dispatcher's backpressure). */
  onAttemptStart?: (deliveryId: string) => void;
}

/** The worker's activities, built from their dependencies so tests can hand in their own. */
export function createActivities({ pool, config, workflows, send, connectors = [], metrics, log, onAttemptStart }: ActivityDeps): EngineActivities {
  const policy = new TargetPolicy(config.targets);
  // One set of connection pools for deliveries and OAuth2 token requests: both go through the policy and the proxy.
  const dispatchers = createDispatchers(policy, config.egress);
  send ??= createHttpSender(policy, config.egress, dispatchers);
  const tokens = createOAuth2Tokens({ policy, dispatchers });
  const deliveries = new DeliveryAttemptsRepository(pool);
  const secretBox = new SecretBox(config.secretEncryptionKey);
  const signingKeys = new SigningKeysRepository(pool, secretBox);
  const deps: DeliveryActivityDeps = {
    deliveries,
    webhooks: new WebhooksRepository(pool),
    secretBox,
    signingKeys: cacheActiveKey(() => signingKeys.active()),
    send,
    tokens,
    development: config.targets.development,
    delivery: {
      timeoutMs: config.delivery.timeoutMs,
      userAgent: config.delivery.userAgent,
      retryAfterMaxMs: config.delivery.retry.retryAfterMaxMs,
    },
    log,
    observe: metrics && {
      attempted(cls, durationMs) {
        metrics.attempts.inc({ class: cls });
        metrics.attemptDuration.observe({ class: cls }, durationMs / 1000);
      },
      finished(status, latencyMs) {
        metrics.deliveriesFinished.inc({ status });
        if (latencyMs !== undefined) metrics.deliveryLatency.observe(latencyMs / 1000);
      },
    },
    // Best effort: a lost operational event must not fail the delivery it reports on.
    operational: deliveryOutcomeEvents(pool, (err) => log?.warn('could not publish an operational event', { err })),
    async reportFailedAttempt(webhookId, failure) {
      // With auto-disable off, only a 410 matters to the controller: spare it (and Temporal) the rest.
      if (config.autoDisable.failureThreshold < 0 && failure.statusCode !== 410) return;
      try {
        await workflows.reportFailedAttempt(webhookId, failure);
      } catch (err) {
        // Auto-disable is a safeguard, not part of the delivery: a lost report must not fail the attempt.
        Context.current().log.warn('could not report a failed attempt to the webhook controller', { webhookId, err });
      }
    },
  };
  const stateDeps: WebhookStateDeps = { pool, workflows, requestTimeoutMs: config.delivery.timeoutMs };
  const lineDeps: DeliveryLineDeps = {
    pool,
    defaults: {
      retry: {
        initialIntervalMs: config.delivery.retry.initialIntervalMs,
        backoffCoefficient: config.delivery.retry.backoffCoefficient,
        maximumAttempts: config.delivery.retry.maximumAttempts,
      },
      requestTimeoutMs: config.delivery.timeoutMs,
    },
  };
  const syncDeps: AccountSyncDeps = {
    pool,
    connectors: new Map([createDemoConnector(pool), ...connectors].map((c) => [c.provider, c])),
  };
  return {
    /** `attemptNumberBase` is absent in attempts scheduled by workflows of earlier versions: those number from 1. */
    async deliverAttempt(input) {
      const { info } = Context.current();
      onAttemptStart?.(input.deliveryId);
      return deliverAttempt(deps, {
        deliveryId: input.deliveryId,
        workflowId: workflowIdOf(info),
        attempt: (input.attemptNumberBase ?? 0) + info.attempt,
        timeoutMs: input.requestTimeoutMs,
      });
    },
    async failDelivery(input) {
      return failDelivery(deps, { ...input, workflowId: workflowIdOf(Context.current().info) });
    },
    async countAttempts(input) {
      return (await deliveries.progress(input.deliveryId))?.attemptCount ?? 0;
    },
    async changeWebhookState(input) {
      return changeWebhookState(stateDeps, input);
    },
    async releaseHeldDeliveries(input) {
      return releaseHeldDeliveries(stateDeps, input);
    },
    async nextInLine(input) {
      return nextInLine(lineDeps, input);
    },
    async awaitDeliveryFinished(input) {
      return awaitDeliveryFinished(lineDeps, input);
    },
    async beginSync(input) {
      return beginSync(syncDeps, input);
    },
    async endSync(input) {
      return endSync(syncDeps, input);
    },
    async runConnector(input) {
      return runConnector(syncDeps, input);
    },
    async reportSyncOutcome(input) {
      return reportSyncOutcome(syncDeps, input);
    },
    async purgeExpired(input) {
      return purgeExpired({ pool, metrics }, input);
    },
  };
}

/** The workflow that scheduled the running activity; these activities only ever run inside one. */
function workflowIdOf(info: { workflowExecution?: { workflowId: string } }): string {
  if (!info.workflowExecution) throw new Error('this activity must be run by a workflow');
  return info.workflowExecution.workflowId;
}
