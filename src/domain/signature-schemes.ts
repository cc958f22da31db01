/**
 * How a webhook's requests are signed, chosen per webhook (`signature`):
 *
 * - `standard`: Standard Webhooks, `webhook-signature: v1,<base64 HMAC-SHA256>` over
 *   `"<webhook-id>.<webhook-timestamp>.<body>"`, keyed with the base64-decoded part of the secret.
 * - `hmac-sha256`: `x-webhook-signature: sha256=<hex HMAC-SHA256 of the body>` (AssetsUp's value format; the `assetsup` profile also uses AssetsUp's header).
 * - `hmac-sha512`: `x-webhook-signature: <hex HMAC-SHA512 of the body>` (Argyle's value format; the `argyle` profile also uses Argyle's header).
 *   Both HMAC schemes use the whole secret string, `whsec_` included, as the key (its UTF-8 bytes).
 * - `ed25519`: Standard Webhooks' asymmetric form, `webhook-signature: v1a,<base64 Ed25519>` over
 *   `"<webhook-id>.<webhook-timestamp>.<body>"` with the engine's active signing key, named by
 *   `webhook-key-id`; receivers verify with the public key from `/.well-known/jwks.json`.
 *
 * Every scheme sends `webhook-id` and `webhook-timestamp`; only `standard` and `ed25519` sign them.
 */
export const SIGNATURE_SCHEMES = ['standard', 'hmac-sha256', 'hmac-sha512', 'ed25519'] as const;
export type SignatureScheme = (typeof SIGNATURE_SCHEMES)[number];
export const DEFAULT_SIGNATURE_SCHEME: SignatureScheme = 'standard';
