/** LDAP result codes the embedded directory answers with, and the error that carries one. */

/** Result codes (RFC 4511 section 4.1.9) used by the embedded directory. */
export const resultCodes = {
  success: 0,
  operationsError: 1,
  protocolError: 2,
  sizeLimitExceeded: 4,
  compareFalse: 5,
  compareTrue: 6,
  authMethodNotSupported: 7,
  noSuchAttribute: 16,
  undefinedAttributeType: 17,
  constraintViolation: 19,
  attributeOrValueExists: 20,
  invalidAttributeSyntax: 21,
  noSuchObject: 32,
  invalidDnSyntax: 34,
  invalidCredentials: 49,
  insufficientAccessRights: 50,
  unavailable: 52,
  unwillingToPerform: 53,
  namingViolation: 64,
  objectClassViolation: 65,
  notAllowedOnNonLeaf: 66,
  notAllowedOnRdn: 67,
  entryAlreadyExists: 68,
  other: 80,
} as const;

/** An operation refused with an LDAP result code and a message in words. */
export class LdapResultError extends Error {
  constructor(
    readonly code: number,
    message: string,
    /** The closest existing entry, for noSuchObject answers. */
    readonly matchedDn = '',
  ) {
    super(message);
    this.name = 'LdapResultError';
  }
}
