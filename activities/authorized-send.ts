import { authorizationValue, type EndpointAuth } from '../src/domain/endpoint-auth';
import type { WireHeader } from '../src/domain/delivery-request';
import { NOTHING_SENT, type HttpSender, type OutgoingRequest, type SendResult } from './http-sender';
import { TokenUnavailableError, type OAuth2Tokens } from './oauth2-tokens';

export interface AuthorizedRequest extends Omit<OutgoingRequest, 'headers'> {
  /** The request's headers, given the `Authorization` value the webhook's `auth` calls for (null: none). */
  headers: (authorization: string | null) => WireHeader[];
}

/**
 * Sends one attempt's request with the webhook's `auth`: a static Authorization header (`basic`,
 * `bearer`), or an OAuth2 token, fetched or cached; a 401 to a cached token fetches a new one and
 * sends once more, within the same attempt.
 */
export async function sendAuthorized(deps: { send: HttpSender; tokens?: OAuth2Tokens }, auth: EndpointAuth | null, req: AuthorizedRequest): Promise<SendResult> {
  const send = (authorization: string | null) => deps.send({ ...req, headers: req.headers(authorization) });
  if (!auth) return send(null);
  // The certificate goes in the TLS handshake; no Authorization header.
  if (auth.type === 'mtls') return deps.send({ ...req, headers: req.headers(null), tls: { cert: auth.cert_pem, key: auth.key_pem, ca: auth.ca_pem } });
  if (auth.type !== 'oauth2_client_credentials') return send(authorizationValue(auth));
  if (!deps.tokens) throw new Error('no OAuth2 token cache configured');
  const started = performance.now();
  const token = (fresh: boolean) => deps.tokens!.token(auth, { proxyUrl: req.proxyUrl, fresh });
  const unavailable = (err: unknown): SendResult => {
    if (!(err instanceof TokenUnavailableError)) throw err;
    const durationMs = Math.round(performance.now() - started);
    return err.blocked
      ? { kind: 'blocked', reason: err.message, durationMs, responseBody: null, ...NOTHING_SENT }
      : { kind: 'connection_error', message: err.message, durationMs, responseBody: null, ...NOTHING_SENT };
  };
  let first: SendResult;
  try {
    first = await send(`Bearer ${await token(false)}`);
  } catch (err) {
    return unavailable(err);
  }
  if (first.kind !== 'response' || first.statusCode !== 401) return first;
  // The token may have been revoked or expired early: one new token, one more try.
  try {
    const second = await send(`Bearer ${await token(true)}`);
    return { ...second, durationMs: Math.round(performance.now() - started) };
  } catch (err) {
    return unavailable(err);
  }
}
