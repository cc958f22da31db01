import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface DevSecrets {
  apiKey: string;
  adminApiKey: string;
  secretEncryptionKey: string;
}

/**
 * Development keys generated on first start and kept in `.data/`, so webhook
 * secrets stay readable and the API key stays the same across restarts.
 * Production sets API_KEY and SECRET_ENCRYPTION_KEY itself.
 */
export function loadOrCreateDevSecrets(dataDir: string): DevSecrets {
  const file = path.join(dataDir, 'dev-secrets.json');
  const existing: Partial<DevSecrets> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const secrets: DevSecrets = {
    apiKey: existing.apiKey ?? `dev_${randomBytes(24).toString('base64url')}`,
    adminApiKey: existing.adminApiKey ?? `admin_${randomBytes(24).toString('base64url')}`,
    secretEncryptionKey: existing.secretEncryptionKey ?? randomBytes(32).toString('base64'),
  };
  if (existing.apiKey && existing.adminApiKey && existing.secretEncryptionKey) return secrets;
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}
