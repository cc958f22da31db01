import { z } from 'zod';

export const createPortalSessionBody = z.strictObject({
  read_only: z
    .boolean({ error: 'must be true or false' })
    .optional()
    .meta({ description: 'The session may look but not change anything: no actions, no edits. `false` unless given.' }),
});
