import { ApplicationFailure } from '@temporalio/common';
import type { SecretBox } from '../src/crypto/secret-box';
import type { Logger } from '../src/logger';
import { requestSignatureHeaders, signatureHeaderName, type ActiveSigningKey } from '../src/crypto/signature-schemes';
import { ActivityFailureType } from '../src/domain/activity-failures';
import type { AttemptResult } from '../src/domain/activity-contracts';
import { profileOf, profileUrlProblem } from '../src/domain/profiles';
import { retryRuleOf } from '../src/domain/custom-profile';
import { AttemptStatus, DeliveryStatus, WebhookStatus } from '../src/domain/statuses';
import type { AttemptFailedArgs } from '../src/domain/webhook-state';
import { isValueRefused } from '../src/db/pool';
import type { DeliveryAttemptsRepository, NewAttempt } from '../src/repositories/delivery-attempts-repository';
import type { WebhooksRepository } from '../src/repositories/webhooks-repository';
import type { DeliveryOutcomeEvents } from '../src/services/publish-operational-event';
import { classifyAttempt } from './classify-response';
import { attemptClass, type AttemptClass } from '../src/observability/metrics';
import { NOTHING_SENT, type HttpSender, type SendResult } from './http-sender';
import { SECRET_HEADER_MASK, type WireHeader } from '../src/domain/delivery-request';
import { buildPayload } from './payload';
import { endpointAuthFromJson } from '../src/domain/endpoint-auth';
import { sendAuthorized } from './authorized-send';
import type { OAuth2Tokens } from './oauth2-tokens';
import { storableText } from './response-body';

export interface DeliveryActivityDeps {
  deliveries: DeliveryAttemptsRepository;
  webhooks: WebhooksRepository;
  secretBox: SecretBox;
  /** The engine's active Ed25519 key, for webhooks on the `ed25519` scheme (cached briefly). */
  signingKeys: { active(): Promise<ActiveSigningKey> };
  send: HttpSender;
  /** OAuth2 tokens of `oauth2_client_credentials` webhooks, cached in this worker. */
  tokens?: OAuth2Tokens;
  /** A development deployment, where `asset` webhooks may still send to `http:` URLs. @default false */
  development?: boolean;
  delivery: { timeoutMs: number; userAgent: string; retryAfterMaxMs: number };
  /** Tells the webhook's controller about a failed attempt (auto-disable, 410). Best effort. */
  reportFailedAttempt: (webhookId: string, failure: AttemptFailedArgs) => Promise<void>;
  now?: () => Date;
  /** Metrics hooks; optional so tests can leave them out. */
  observe?: DeliveryObserver;
  /** One line per attempt. */
  log?: Logger;
  /** Operational events (`delivery.exhausted`, `delivery.recovered`); none without it. */
  operational?: DeliveryOutcomeEvents;
}

export interface DeliveryObserver {
  attempted(cls: AttemptClass, durationMs: number): void;
  finished(status: DeliveryStatus, latencyMs?: number): void;
}

export interface AttemptInput {
  deliveryId: string;
  /** The workflow running this delivery; a run superseded by a redelivery stops. */
  workflowId: string;
  /** The number this try is stored under, 1-based across the delivery's whole life. */
  attempt: number;
  /**
   * The receiver's time limit, fixed with the workflow's input when the delivery was
   * dispatched (the webhook's `timeout_ms`, or the configured one), so it matches the
   * activity's own timeout. Without it, the webhook's current setting.
   */
  timeoutMs?: number;
}

/**
 * One try of a delivery: load it, sign it, POST it, store the attempt. A 2xx
 * completes the delivery here; any other answer throws an ApplicationFailure
 * that tells Temporal whether to retry and, for 408/429, when.
 */
export async function deliverAttempt(deps: DeliveryActivityDeps, input: AttemptInput): Promise<AttemptResult> {
  const now = deps.now ?? (() => new Date());
  const found = await deps.deliveries.findForAttempt(input.deliveryId);
  if (!found) {
    throw ApplicationFailure.create({ type: ActivityFailureType.DeliveryNotFound, message: `delivery ${input.deliveryId} does not exist`, nonRetryable: true });
  }
  const { delivery, webhook } = found;
  if (delivery.status !== DeliveryStatus.Pending || delivery.workflowId !== input.workflowId) {
    return { status: delivery.status, reason: 'already finished' };
  }

  if (!webhook || webhook.deleted || webhook.status === WebhookStatus.Disabled) {
    const reason = webhook?.status === WebhookStatus.Disabled && !webhook.deleted ? 'webhook is disabled' : 'webhook was deleted';
    if (await deps.deliveries.complete(delivery.id, DeliveryStatus.Cancelled, reason, input.workflowId)) {
      deps.observe?.finished(DeliveryStatus.Cancelled);
    }
    return { status: DeliveryStatus.Cancelled, reason };
  }
  if (webhook.status === WebhookStatus.Paused) return { status: 'held', attemptsMade: delivery.attemptCount };
  // Fixed when the delivery was dispatched; a delivery dispatched before profiles existed takes the webhook's.
  const profile = profileOf(delivery.profile ?? webhook.profile);
  // The custom settings were fixed with the profile.
  const custom = delivery.profile ? delivery.customProfile : webhook.customProfile;

  // Shaped once, at the first attempt that gets this far, and stored: retries send (and show) the same bytes.
  const body =
    delivery.payload ??
    (await deps.deliveries.storePayload(
      delivery.id,
      buildPayload(
        { id: delivery.eventId, type: delivery.eventType, createdAt: delivery.eventCreatedAt, data: delivery.data, format: delivery.payloadFormat },
        {
          webhook: { id: webhook.id, name: webhook.name },
          includeResource: webhook.payload.includeResource,
          fields: webhook.payload.fields,
          testBody: profile.testBody,
        },
      ),
    ));
  const startedAt = now();
  const secrets = [webhook.secretEncrypted, webhook.previousSecretEncrypted].flatMap((sealed) => (sealed ? [deps.secretBox.open(sealed)] : []));
  const signsWithEngineKey =
    profile.signing === 'asset' ||
    (profile.signing === 'signature-scheme' && webhook.signatureScheme === 'ed25519') ||
    (profile.signing === 'custom' && custom?.algorithm === 'ed25519');
  const signed = requestSignatureHeaders(profile.name, webhook.signatureScheme, {
    secrets,
    messageId: delivery.eventId,
    timestampSeconds: Math.floor(startedAt.getTime() / 1000),
    body,
    signingKey: signsWithEngineKey ? await deps.signingKeys.active() : undefined,
    custom,
  });
  // Checked when the URL or profile was set, and again here: the deployment may have changed since.
  const refused = profileUrlProblem(profile.name, webhook.url, deps.development === true);
  const auth = webhook.authSealed ? endpointAuthFromJson(deps.secretBox.open(webhook.authSealed)) : null;
  const own = (authorization: string | null): WireHeader[] => [
    ['content-type', 'application/json'],
    ['user-agent', deps.delivery.userAgent],
    ['x-client-id', webhook.clientId],
    // From the webhook's `auth`; it replaces a custom Authorization header.
    ...(authorization === null ? [] : [['authorization', authorization] as WireHeader]),
    ...Object.entries(signed),
  ];
  const ownNames = new Set(own(null).map(([name]) => name.toLowerCase()));
  const secretNames = new Set(Object.keys(webhook.secretHeadersSealed));
  if (auth && auth.type !== 'mtls') {
    ownNames.add('authorization');
    secretNames.add('authorization');
  }
  // Custom headers first, plain then secret; the engine's own headers win over a namesake.
  const customHeaders: WireHeader[] = [
    ...Object.entries(webhook.headers),
    ...Object.entries(webhook.secretHeadersSealed).map(([name, sealed]): WireHeader => [name, deps.secretBox.open(sealed)]),
  ].filter(([name]) => !ownNames.has(name.toLowerCase()));
  const result: SendResult = refused
    ? { kind: 'blocked', reason: `url ${refused}`, durationMs: 0, responseBody: null, ...NOTHING_SENT }
    : await sendAuthorized(deps, auth, {
        url: webhook.url,
        body,
        timeoutMs: input.timeoutMs ?? webhook.timeoutMs ?? deps.delivery.timeoutMs,
        headers: (authorization) => [...customHeaders, ...own(authorization)],
        proxyUrl: webhook.egressProxySealed ? deps.secretBox.open(webhook.egressProxySealed) : undefined,
      });
  const signatureHeader = signatureHeaderName(profile.name, webhook.signatureScheme, secrets.length > 0, custom);

  deps.observe?.attempted(attemptClass({ kind: result.kind, statusCode: statusCodeOf(result) ?? undefined }), result.durationMs);
  const verdict = classifyAttempt(result, deps.delivery.retryAfterMaxMs, now(), retryRuleOf(profile, custom));
  deps.log?.info('attempt', {
    deliveryId: delivery.id,
    webhookId: webhook.id,
    eventId: delivery.eventId,
    attempt: input.attempt,
    profile: profile.name,
    signedWith: signatureHeader,
    outcome: verdict.kind,
    statusCode: statusCodeOf(result),
    durationMs: result.durationMs,
    ...(verdict.kind === 'delivered' ? {} : { error: verdict.reason }),
  });
  if (profile.warnOnClientError && result.kind === 'response' && result.statusCode >= 400 && result.statusCode < 500) {
    // Assets Server's rule: a 4xx is not retried, and its response body is reported as a warning.
    deps.log?.warn('receiver refused the delivery', {
      deliveryId: delivery.id,
      webhookId: webhook.id,
      statusCode: result.statusCode,
      responseBody: result.responseBody,
    });
  }
  const attempt = {
    deliveryId: delivery.id,
    attempt: input.attempt,
    profile: profile.name,
    statusCode: statusCodeOf(result),
    durationMs: result.durationMs,
    responseBody: result.responseBody,
    startedAt,
    // Blocked before sending: nothing went out.
    requestSent: result.requestHeaders !== null,
    requestUrl: webhook.url,
    // Secret custom values never reach the attempt's row: the receiver alone gets them.
    requestHeaders: result.requestHeaders && result.requestHeaders.map(([name, value]): WireHeader => [name, secretNames.has(name) ? SECRET_HEADER_MASK : value]),
    signatureHeader: signatureHeader?.toLowerCase() ?? null,
    responseHeaders: result.responseHeaders,
    responseHeadersTruncated: result.responseHeadersTruncated,
  };
  if (verdict.kind === 'delivered') {
    // The attempt, the delivery's completion and the webhook's bookkeeping in one round trip.
    const finished = await storeAttempt(deps, { ...attempt, status: AttemptStatus.Succeeded, error: null }, (a) =>
      deps.deliveries.recordSuccess(a, input.workflowId),
    );
    if (finished) {
      deps.observe?.finished(DeliveryStatus.Succeeded, now().getTime() - delivery.eventCreatedAt.getTime());
      await deps.operational?.succeeded(delivery, webhook.failureCount);
    }
    return { status: DeliveryStatus.Succeeded, statusCode: statusCodeOf(result)! };
  }
  await storeAttempt(deps, { ...attempt, status: AttemptStatus.Failed, error: verdict.reason }, (a) => deps.deliveries.recordAttempt(a));
  if (
    verdict.kind === 'reject' &&
    (await deps.deliveries.complete(delivery.id, DeliveryStatus.Failed, verdict.reason, input.workflowId))
  ) {
    // Final before anyone hears of it: a 410 disables the webhook, which must not turn this failure into a cancellation.
    await deps.webhooks.recordOutcome(webhook.id, false);
    deps.observe?.finished(DeliveryStatus.Failed);
    await deps.operational?.exhausted(delivery.id);
  }
  await deps.reportFailedAttempt(webhook.id, { at: startedAt.getTime(), statusCode: statusCodeOf(result) });

  switch (verdict.kind) {
    case 'retry':
      throw ApplicationFailure.create({
        type: ActivityFailureType.ReceiverUnavailable,
        message: verdict.reason,
        details: [{ statusCode: statusCodeOf(result) }],
        nextRetryDelay: verdict.retryAfterMs,
      });
    case 'reject':
      throw ApplicationFailure.create({
        type: ActivityFailureType.ReceiverRejected,
        message: verdict.reason,
        details: [{ statusCode: statusCodeOf(result) }],
        nonRetryable: true,
      });
  }
}

/**
 * Stores an attempt whose request has been made. Should Postgres refuse a value the receiver sent
 * (a data or constraint error, which no retry of the same statement cures), the attempt is stored
 * again with its response body replaced by a marker: failing here would make Temporal retry the
 * activity, and so send the request again, for an answer that was already given.
 */
async function storeAttempt<T>(deps: DeliveryActivityDeps, attempt: NewAttempt, write: (a: NewAttempt) => Promise<T>): Promise<T> {
  try {
    return await write(attempt);
  } catch (err) {
    if (!isValueRefused(err) || attempt.responseBody === null) throw err;
    const reason = err instanceof Error ? err.message : String(err);
    deps.log?.warn('response body refused by the database; the attempt is stored without it', { deliveryId: attempt.deliveryId, attempt: attempt.attempt, error: reason });
    return write({ ...attempt, responseBody: unstoredBodyMarker(reason) });
  }
}

/** What an attempt shows for a response body the database refused. */
export const unstoredBodyMarker = (reason: string) => storableText(`[response body not stored: ${reason.slice(0, 200)}]`);

function statusCodeOf(result: SendResult): number | null {
  return result.kind === 'response' ? result.statusCode : null;
}
