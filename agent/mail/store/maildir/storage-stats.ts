/** Figures a MaildirStorage counts since it was made (for metrics and to see group commit at work). */
export interface MaildirStats {
  /** Folder commits (each: one directory fsync + one uidlist append and fdatasync). */
  commits: number;
  /** Messages those commits made durable (deliveries, APPENDs, copies, moves). */
  committedMessages: number;
  /** Folders loaded from disk. */
  foldersLoaded: number;
  /** Folders whose index crash recovery had to repair. */
  foldersRepaired: number;
}

/** Fresh figures, all zero. */
export function newMaildirStats(): MaildirStats {
  return { commits: 0, committedMessages: 0, foldersLoaded: 0, foldersRepaired: 0 };
}
