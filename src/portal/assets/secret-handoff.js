/**
 * A new signing secret is shown once, on the webhook's page right after it
 * is created. It travels there in memory only: never in the URL, never in
 * storage, and it is gone once shown.
 */
const pending = new Map();

export function keepSecretForDisplay(webhookId, secret) {
  pending.set(webhookId, secret);
}

export function takeSecretForDisplay(webhookId) {
  const secret = pending.get(webhookId);
  pending.delete(webhookId);
  return secret;
}
