/** A tenant's API key, without its secret: the key itself is shown once, when it is created. */
export interface ApiKey {
  id: string;
  tenantId: string;
  name: string | null;
  /** The public part of the key, `hk_<prefix>_...`, by which it is looked up. */
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  /** The key that minted it; null for a tenant's first key and keys minted with `API_KEY`. */
  createdByKeyId: string | null;
}
