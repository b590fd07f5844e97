/** The wire form of a mail user, shared by every group of methods that names one. */
import { z } from 'zod';

/** A mail user by primary address (lower-cased before use). */
export const mailUser = z
  .string()
  .min(3)
  .max(320)
  .regex(/^[^\s@]+@[^\s@]+$/, 'a mail address (local@domain)');

/** A logical store's name, the value of users' `mailHost`. */
export const logicalStoreName = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'a logical store name');
