import { z } from 'zod';

const checks = z.strictObject({
  postgres: z.string().meta({ description: '`ok`, or `error: <reason>`' }),
  temporal: z.string().meta({ description: '`ok`, or `error: <reason>`' }),
});

export const healthResponse = z.strictObject({ status: z.literal('ok') });
export const readyResponse = z.strictObject({ status: z.literal('ready'), checks });
export const notReadyResponse = z.strictObject({
  error: z.strictObject({ code: z.literal('not_ready'), message: z.string() }),
  checks,
});
