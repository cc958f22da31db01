/**
 * @hookline/receiver: verifies the requests a Hookline engine sends, under every signature
 * scheme and profile (README, "Signature schemes", "Profiles", "Clients"), with constant-time
 * comparisons and a timestamp tolerance against replays; and the payloads' types.
 */
export { createVerifier, DEFAULT_TOLERANCE_SECONDS, type CustomProfile, type VerifiedWebhook, type Verifier, type VerifierOptions, type VerifierSetup, type VerifyOptions } from './verify';
export { RemoteJwks, StaticJwks, type KeySource, type RemoteJwksOptions } from './jwks';
export { WebhookVerificationError, type VerificationFailure } from './errors';
export { headerValue, type HeaderSource } from './headers';
export { anyValueMatches, sameText } from './compare';
export * from './events';
