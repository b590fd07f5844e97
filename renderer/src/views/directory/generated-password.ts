/**
 * A password for a clerk to give to a user: 14 characters from an alphabet without look-alikes
 * (no 0/O, 1/l/I), in groups of four joined by hyphens so it can be read out over the phone
 * ("kq7w-Xe3p-..."); about 80 bits from the browser's cryptographic random source.
 */
const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A new random password that meets the directory's password policy. */
export function generatedPassword(): string {
  const groups: string[] = [];
  for (let group = 0; group < 4; group++) {
    // 256 is not a multiple of the alphabet's size: redraw the values past the last whole multiple.
    const limit = 256 - (256 % alphabet.length);
    let text = '';
    while (text.length < (group === 3 ? 2 : 4)) {
      const [value = 0] = crypto.getRandomValues(new Uint8Array(1));
      if (value < limit) text += alphabet[value % alphabet.length];
    }
    groups.push(text);
  }
  return groups.join('-');
}
