import { z } from 'zod';
import { webhookBodySchema } from './registry.js';

/** One accepted webhook, as stored and as rendered. */
export const feedEventSchema = z.object({
  body: webhookBodySchema,
  clientIp: z.string().max(64).optional(),
  platform: z.string().max(32).optional(),
  /** When our server accepted it, ms since the epoch. */
  receivedAt: z.number(),
});

export type FeedEvent = z.infer<typeof feedEventSchema>;
