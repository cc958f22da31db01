import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const OPENSSL = process.env.OPENSSL_PATH ?? '/usr/bin/openssl';

export interface TestPki {
  /** The CA that signed the server's certificate: what a client pins. */
  serverCa: string;
  server: { cert: string; key: string };
  /** The CA the server trusts for client certificates. */
  clientCa: string;
  client: { cert: string; key: string };
  /** A client certificate the server does not trust (self-signed). */
  stranger: { cert: string; key: string };
}

/**
 * Certificates made with Debian's openssl for one test file: a server CA and a server certificate
 * for `localhost`, `receiver.test` and 127.0.0.1, a client CA and a client certificate
 * (CN=hookline-client), and a self-signed client certificate no one trusts.
 */
export function makeTestPki(): TestPki {
  const dir = mkdtempSync(path.join(tmpdir(), 'hookline-pki-'));
  const run = (...args: string[]) => execFileSync(OPENSSL, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const read = (name: string) => readFileSync(path.join(dir, name), 'utf8');
  try {
    const ca = (name: string, cn: string) =>
      run('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2', '-subj', `/CN=${cn}`, '-keyout', `${name}.key`, '-out', `${name}.crt`);
    const leaf = (name: string, cn: string, caName: string, ext: string) => {
      run('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', `/CN=${cn}`, '-keyout', `${name}.key`, '-out', `${name}.csr`);
      writeFileSync(path.join(dir, `${name}.ext`), ext);
      run('x509', '-req', '-in', `${name}.csr`, '-CA', `${caName}.crt`, '-CAkey', `${caName}.key`, '-CAcreateserial', '-days', '2', '-extfile', `${name}.ext`, '-out', `${name}.crt`);
    };
    ca('server-ca', 'Hookline test server CA');
    ca('client-ca', 'Hookline test client CA');
    leaf('server', 'localhost', 'server-ca', 'subjectAltName=DNS:localhost,DNS:receiver.test,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
    leaf('client', 'hookline-client', 'client-ca', 'extendedKeyUsage=clientAuth\n');
    ca('stranger', 'hookline-client');
    return {
      serverCa: read('server-ca.crt'),
      server: { cert: read('server.crt'), key: read('server.key') },
      clientCa: read('client-ca.crt'),
      client: { cert: read('client.crt'), key: read('client.key') },
      stranger: { cert: read('stranger.crt'), key: read('stranger.key') },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
