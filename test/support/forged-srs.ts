/**
 * An SRS address with its hash forged: the hash's first character changed, the rest as it was.
 * The hash is compared without case (relays lower-case addresses), so the new character differs
 * from the old one in any case: an 'a' made 'A' would still be a valid hash (a test that did so
 * failed once in about 60 runs).
 */
export function forgedSrsHash(address: string): string {
  return address.replace(
    /^(SRS[01]=)(.)/,
    (_, tag: string, first: string) => `${tag}${first.toLowerCase() === 'a' ? 'B' : 'A'}`,
  );
}
