import { z } from 'zod';

/** Dispensing channels a PBM contract prices separately. */
export const channels = ['retail30', 'retail90', 'mail', 'specialty'] as const;
export const channelSchema = z.enum(channels);
export type Channel = z.infer<typeof channelSchema>;

export const drugTypes = ['brand', 'generic'] as const;
export const drugTypeSchema = z.enum(drugTypes);
export type DrugType = z.infer<typeof drugTypeSchema>;
