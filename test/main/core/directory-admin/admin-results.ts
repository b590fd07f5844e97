/** Checks DirectoryAdmin results against the contract and unwraps them, for the tests. */
import { expect } from 'vitest';
import {
  type DirectoryAdminCall,
  type DirectoryAdminResult,
  directoryAdminCalls,
  resultSchema,
} from '../../../../main/core/directory-admin/directory-admin-contract.js';

/** The value of a successful result, after checking the result against the contract. */
export function succeeded<T>(call: DirectoryAdminCall, result: DirectoryAdminResult<T>): T {
  resultSchema(directoryAdminCalls[call].value).parse(result);
  if (!result.ok) throw new Error(`${call} failed: ${JSON.stringify(result.error)}`);
  return result.value;
}

/** The error of a failed result: its code and field, with both languages' words present. */
export function refused(call: DirectoryAdminCall, result: DirectoryAdminResult<unknown>) {
  resultSchema(directoryAdminCalls[call].value).parse(result);
  if (result.ok) throw new Error(`${call} succeeded: ${JSON.stringify(result.value)}`);
  expect(result.error.message.en.length).toBeGreaterThan(0);
  expect(result.error.message.ja).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
  return result.error;
}
