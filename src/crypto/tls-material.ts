import { createPrivateKey, X509Certificate } from 'node:crypto';

/** PEM text of one or more certificates, each parsed; undefined when one is not a certificate. */
function certificates(pem: string): X509Certificate[] | undefined {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  if (!blocks) return undefined;
  try {
    return blocks.map((b) => new X509Certificate(b));
  } catch {
    return undefined;
  }
}

/**
 * What is wrong with an `mtls` auth's PEM material, by field, or an empty list: the client
 * certificate and its key must parse and belong together; the pinned CA, when given, must be
 * certificates. Messages never quote the material.
 */
export function tlsMaterialProblems(m: { cert_pem: string; key_pem: string; ca_pem?: string }): Array<{ field: 'cert_pem' | 'key_pem' | 'ca_pem'; message: string }> {
  const problems: Array<{ field: 'cert_pem' | 'key_pem' | 'ca_pem'; message: string }> = [];
  const certs = certificates(m.cert_pem);
  if (!certs) problems.push({ field: 'cert_pem', message: 'must be a PEM certificate (-----BEGIN CERTIFICATE-----)' });
  let key: ReturnType<typeof createPrivateKey> | undefined;
  try {
    key = createPrivateKey({ key: m.key_pem, format: 'pem' });
  } catch {
    problems.push({ field: 'key_pem', message: 'must be an unencrypted PEM private key' });
  }
  if (certs && key && !certs[0]!.checkPrivateKey(key)) problems.push({ field: 'key_pem', message: 'is not the key of cert_pem' });
  if (m.ca_pem !== undefined && !certificates(m.ca_pem)) problems.push({ field: 'ca_pem', message: 'must be one or more PEM certificates' });
  return problems;
}
