/**
 * The schemas of a user's mail settings as the console reads and writes them (issue 15): the
 * forwarding, vacation reply and spam handling a user sets on the self-service page, set for the
 * user by a department admin (its domains), the helpdesk or the system tier. Only zod here (the
 * console contract, and so the preload's bundle, imports this).
 */
import { z } from 'zod';
import { forwardAddress, selfServiceChange } from '../../../agent/common/directory/user-self-service.js';

/** Which user's settings to read. */
export const userMailSettingsRefSchema = z.strictObject({
  address: z.string().trim().toLowerCase().pipe(forwardAddress),
});

/** A user's mail settings as the directory holds them now; `null`: that part is off. */
export const userMailSettingsSchema = z.object({
  address: z.string(),
  forwardTo: z.array(z.string()),
  /** Whether forwarded mail is also kept in the mailbox. */
  keepCopy: z.boolean(),
  vacation: z
    .object({
      active: z.boolean(),
      subject: z.string(),
      body: z.string(),
      /** Epoch ms; replies from this moment (inclusive). */
      startsAt: z.number(),
      /** Epoch ms; no replies from this moment on. */
      endsAt: z.number(),
    })
    .nullable(),
  spam: z
    .discriminatedUnion('mode', [
      z.object({ mode: z.literal('junk') }),
      z.object({ mode: z.literal('reject'), rejectScore: z.number() }),
    ])
    .nullable(),
});
/** A user's mail settings. */
export type UserMailSettings = z.infer<typeof userMailSettingsSchema>;

/**
 * Sets all of a user's mail settings at once (an absent vacation or spam handling: off), checked as
 * the self-service page checks them (user-self-service.ts) before the directory is asked.
 */
export const userMailSettingsWriteSchema = z.strictObject({
  // The user's own address (not imported from directory-admin-contract.ts, which imports this file).
  address: z.string().trim().toLowerCase().pipe(forwardAddress),
  ...selfServiceChange.shape,
});
/** Sets a user's mail settings. */
export type UserMailSettingsWrite = z.infer<typeof userMailSettingsWriteSchema>;
