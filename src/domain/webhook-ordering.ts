/** The orders a webhook list can be read in: by id, or by creation time either way (`-` is newest first). */
export const WEBHOOK_ORDERINGS = ['id', 'created_at', '-created_at'] as const;
export type WebhookOrdering = (typeof WEBHOOK_ORDERINGS)[number];
