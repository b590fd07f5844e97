/**
 * A large text (a dovecot-uidlist or mailfleet-modseq rewrite of 100,000 lines) built as bytes in
 * pieces of about 64 KiB, so it never sits in the JavaScript heap as one string with an array of
 * its lines beside it.
 */
const pieceLength = 64 * 1024;

/** Lines in, one Buffer out. */
export class TextChunks {
  private readonly pieces: Buffer[] = [];
  private part = '';

  /** Appends text. */
  add(text: string): void {
    this.part += text;
    if (this.part.length >= pieceLength) this.flush();
  }

  /** Everything added, as UTF-8 bytes. */
  toBuffer(): Buffer {
    this.flush();
    return Buffer.concat(this.pieces);
  }

  private flush(): void {
    if (this.part.length > 0) this.pieces.push(Buffer.from(this.part, 'utf8'));
    this.part = '';
  }
}
