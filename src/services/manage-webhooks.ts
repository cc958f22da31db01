import type { Pool } from 'pg';
import type { SecretBox } from '../crypto/secret-box';
import { DEFAULT_SIGNATURE_SCHEME, type SignatureScheme } from '../crypto/signature-schemes';
import { generateWebhookSecret } from '../crypto/webhook-signature';
import { DEFAULT_DELIVERY_ORDERING } from '../domain/delivery-ordering';
import type { Tenant, Webhook } from '../domain/models';
import { PROFILES, takesSignatureScheme, type ProfileName } from '../domain/profiles';
import type { NewWebhookInput, WebhookChanges } from '../domain/webhook-input';
import { TenantsRepository } from '../repositories/tenants-repository';
import { currentSecretProblem, secretIsOptional, suppliedSecretProblemFor } from './webhook-secrets';
import { checkedCustomProfile } from './custom-profile-settings';
import { headerNames, storedHeaders } from './webhook-headers';
import { NotFoundError, ValidationError } from '../errors';
import { UnsafeTargetError, type TargetPolicy } from '../security/target-policy';
import { WebhooksRepository, type SealedAuth, type WebhookListQuery } from '../repositories/webhooks-repository';
import { shownAuth, type EndpointAuth } from '../domain/endpoint-auth';
import { tlsMaterialProblems } from '../crypto/tls-material';
import { cancelPendingDeliveries } from '../repositories/webhook-state-repository';
import { uuidv7 } from '../util/uuid';
import { signalWebhookDeleted } from '../temporal/workflow-starters';
import { withTransaction } from '../db/pool';
import { wakeOutbox } from '../repositories/outbox-wake';
import { publishWebhookChange } from './publish-operational-event';
import type { ControlPlane } from './control-plane';

export interface WebhookDeps {
  pool: Pool;
  secretBox: SecretBox;
  /** Refuses URLs that point into private networks (SSRF). */
  targets: TargetPolicy;
}

/** The URL must point somewhere the engine may send to: checked when it is set, and again at every delivery. */
async function checkTarget(targets: TargetPolicy, url: string, path = 'body.url'): Promise<void> {
  try {
    await targets.checkUrl(url);
  } catch (err) {
    if (!(err instanceof UnsafeTargetError)) throw err;
    throw new ValidationError(`${path}: ${err.message}`, [{ path, message: err.message }]);
  }
}

/** An OAuth2 token endpoint is held to the rules of webhook URLs: the engine sends its client secret there. */
async function checkAuthTargets(targets: TargetPolicy, auth: EndpointAuth | null | undefined): Promise<void> {
  if (auth?.type === 'oauth2_client_credentials') await checkTarget(targets, auth.token_url, 'body.auth.token_url');
  if (auth?.type === 'mtls') {
    const problems = tlsMaterialProblems(auth);
    if (problems.length > 0) {
      throw new ValidationError(
        problems.map((p) => `body.auth.${p.field}: ${p.message}`).join('; '),
        problems.map((p) => ({ path: `body.auth.${p.field}`, message: p.message })),
      );
    }
  }
}

/**
 * The URL must suit the webhook's profile (`asset`: HTTPS only outside development): checked when
 * either is set, and again at every delivery. `path` names the field that changed.
 */
function checkProfileTarget(targets: TargetPolicy, url: string, profile: ProfileName, path: 'body.url' | 'body.profile'): void {
  try {
    targets.checkProfileUrl(url, profile);
  } catch (err) {
    if (!(err instanceof UnsafeTargetError)) throw err;
    const message = path === 'body.url' ? err.message : `the webhook's url ${err.message}: change the url too`;
    throw new ValidationError(`${path}: ${message}`, [{ path, message }]);
  }
}

/** The `signature` field applies only under profiles that take a scheme; the others fix their own format. */
function checkSignatureFits(profile: ProfileName, signature: SignatureScheme | undefined): void {
  if (signature === undefined || takesSignatureScheme(profile)) return;
  const message = `cannot be set under profile ${profile}, which signs in its own format; only ${Object.values(PROFILES)
    .filter((p) => takesSignatureScheme(p.name))
    .map((p) => p.name)
    .join(' and ')} take a signature scheme`;
  throw new ValidationError(`body.signature: ${message}`, [{ path: 'body.signature', message }]);
}

/** The webhook's `auth`, sealed whole; only its shown fields stay in clear. */
const sealAuth = (box: SecretBox, auth: EndpointAuth): SealedAuth => ({ sealed: box.seal(JSON.stringify(auth)), shown: shownAuth(auth) });

/**
 * Registers a webhook with the caller's secret or a fresh one, returned to the caller this once.
 * Its profile is the one given, else the tenant's default. Under `argyle` the secret is optional:
 * without one, none is made and its requests go unsigned (`secret: null`).
 */
export async function createWebhook(deps: WebhookDeps, tenant: Tenant, input: NewWebhookInput) {
  const profile = input.profile ?? (await new TenantsRepository(deps.pool).defaultProfile(tenant.id));
  checkSignatureFits(profile, input.signature);
  const customProfile = checkedCustomProfile(profile, input.custom_profile, null, headerNames(input.headers ?? {}));
  const given = storedHeaders(input.headers ?? {}, {}, deps.secretBox);
  if (input.secret !== undefined) {
    const problem = suppliedSecretProblemFor(profile, input.secret);
    if (problem) throw new ValidationError(`body.secret: ${problem}`, [{ path: 'body.secret', message: problem }]);
  }
  await checkTarget(deps.targets, input.url);
  await checkAuthTargets(deps.targets, input.auth);
  checkProfileTarget(deps.targets, input.url, profile, 'body.url');
  const secret = input.secret ?? (secretIsOptional(profile) ? null : generateWebhookSecret());
  const { webhook, published } = await withTransaction(deps.pool, async (tx) => {
    const made = await new WebhooksRepository(tx).insert({
      id: uuidv7(),
      tenantId: tenant.id,
      name: input.name,
      url: input.url,
      events: input.events,
      headers: given.headers,
      secretHeadersSealed: given.secretHeadersSealed,
      profile,
      customProfile,
      signatureScheme: input.signature ?? DEFAULT_SIGNATURE_SCHEME,
      payload: { includeResource: input.config?.include_resource ?? true, fields: input.config?.fields ?? null },
      maxAttempts: input.max_attempts ?? null,
      timeoutMs: input.timeout_ms ?? null,
      ordering: input.ordering ?? DEFAULT_DELIVERY_ORDERING,
      rateLimit: null,
      secretEncrypted: secret === null ? null : deps.secretBox.seal(secret),
      authSealed: input.auth ? sealAuth(deps.secretBox, input.auth) : null,
    });
    // `webhook.created`, with the webhook (README, "Operational webhooks").
    return { webhook: made, published: await publishWebhookChange(tx, 'webhook.created', made.id) };
  });
  if (published) wakeOutbox(deps.pool);
  return { webhook, secret };
}

export async function getWebhook(deps: Pick<WebhookDeps, 'pool'>, tenant: Tenant, id: string): Promise<Webhook> {
  const webhook = await new WebhooksRepository(deps.pool).findById(tenant.id, id);
  if (!webhook) throw new NotFoundError('Webhook', id);
  return webhook;
}

export function listWebhooks(deps: Pick<WebhookDeps, 'pool'>, tenant: Tenant, query: WebhookListQuery) {
  return new WebhooksRepository(deps.pool).list(tenant.id, query);
}

/**
 * Changes a webhook. A new profile applies to deliveries dispatched after the
 * change. Moving to a profile with its own format resets `signature` to
 * `standard`, which it ignores; a `signature` such a profile ignores is refused,
 * and so is a profile the current secret cannot sign under. Under `custom`
 * the settings (`custom_profile`) are replaced whole when given, and checked
 * against the headers as they will be; leaving `custom` drops them. A URL
 * the profile does not take (`asset`: `http:` outside development) is refused.
 */
export async function updateWebhook(deps: Pick<WebhookDeps, 'pool' | 'targets' | 'secretBox'>, tenant: Tenant, id: string, changes: WebhookChanges) {
  const repo = new WebhooksRepository(deps.pool);
  const { profile, custom_profile, signature, config, max_attempts, timeout_ms, headers, auth, ...fields } = changes;
  let signatureScheme = signature;
  let customProfile: Webhook['customProfile'] | undefined;
  const needsCurrent = profile !== undefined || signature !== undefined || custom_profile !== undefined || changes.headers !== undefined;
  let current: Webhook | undefined = needsCurrent ? await getWebhook(deps, tenant, id) : undefined;
  if (current && (profile !== undefined || custom_profile !== undefined || changes.headers !== undefined)) {
    const names = changes.headers ? headerNames(changes.headers) : { ...current.headers, ...headerNames(Object.fromEntries(current.secretHeaders.map((n) => [n, '']))) };
    const checked = checkedCustomProfile(profile ?? current.profile, custom_profile, current.customProfile, names);
    if (checked !== current.customProfile) customProfile = checked;
  }
  if (current && (profile !== undefined || signature !== undefined)) {
    const nextProfile = profile ?? current.profile;
    checkSignatureFits(nextProfile, signature);
    if (!takesSignatureScheme(nextProfile)) signatureScheme = DEFAULT_SIGNATURE_SCHEME;
    const sealed = await repo.sealedSecret(tenant.id, id);
    if (sealed === undefined) throw new NotFoundError('Webhook', id);
    const problem = currentSecretProblem(nextProfile, signatureScheme ?? current.signatureScheme, sealed && deps.secretBox.open(sealed));
    const path = profile !== undefined ? 'body.profile' : 'body.signature';
    if (problem) throw new ValidationError(`${path}: ${problem}`, [{ path, message: problem }]);
  }
  if (changes.url !== undefined) await checkTarget(deps.targets, changes.url);
  await checkAuthTargets(deps.targets, auth);
  if (changes.url !== undefined || profile !== undefined) {
    // The new URL under the webhook's profile, or the URL it has under the profile it moves to.
    current ??= await getWebhook(deps, tenant, id);
    checkProfileTarget(deps.targets, changes.url ?? current.url, profile ?? current.profile, changes.url !== undefined ? 'body.url' : 'body.profile');
  }
  let headerChanges: { headers?: Record<string, string>; secretHeadersSealed?: Record<string, string> } = {};
  if (headers !== undefined) {
    const sealed = await repo.sealedHeaders(tenant.id, id);
    if (sealed === undefined) throw new NotFoundError('Webhook', id);
    headerChanges = storedHeaders(headers, sealed, deps.secretBox);
  }
  const { webhook, published } = await withTransaction(deps.pool, async (tx) => {
    const updated = await new WebhooksRepository(tx).update(tenant.id, id, {
      ...fields,
      ...headerChanges,
      profile,
      customProfile,
      signatureScheme,
      payload: config && { includeResource: config.include_resource, fields: config.fields },
      maxAttempts: max_attempts,
      timeoutMs: timeout_ms,
      authSealed: auth === undefined ? undefined : auth && sealAuth(deps.secretBox, auth),
    });
    if (!updated) throw new NotFoundError('Webhook', id);
    // `webhook.updated`, with the names of the fields given (never their values: headers may hold secrets).
    const changed = Object.keys(changes).filter((k) => changes[k as keyof WebhookChanges] !== undefined);
    return { webhook: updated, published: await publishWebhookChange(tx, 'webhook.updated', id, changed) };
  });
  if (published) wakeOutbox(deps.pool);
  return webhook;
}

/**
 * Deletes a webhook. Its deliveries keep their history; those still pending
 * end as cancelled at once, and its controller workflow is told to finish.
 */
export async function deleteWebhook(deps: Pick<WebhookDeps, 'pool'> & { control?: ControlPlane }, tenant: Tenant, id: string) {
  const published = await withTransaction(deps.pool, async (tx) => {
    if (!(await new WebhooksRepository(tx).softDelete(tenant.id, id))) throw new NotFoundError('Webhook', id);
    await cancelPendingDeliveries(tx, id, 'webhook was deleted');
    return publishWebhookChange(tx, 'webhook.deleted', id);
  });
  if (published) wakeOutbox(deps.pool);
  // Best effort: a controller left running is idle and harmless; it finds the webhook gone if ever signalled.
  if (deps.control) {
    await deps.control
      .temporal()
      .then((client) => signalWebhookDeleted(client, id))
      .catch(() => undefined);
  }
}
