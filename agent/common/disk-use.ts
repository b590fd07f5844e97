/**
 * How full a disk is, one rule for the dashboard's store tiles, the metrics page and the move
 * planner, so an administrator never sees two percentages for one disk.
 */

/** A file system's figures, in bytes, as statfs gives them. */
export interface DiskFigures {
  /** The file system's size (all blocks). */
  totalBytes: number;
  /** Blocks in use (size minus free). */
  usedBytes: number;
  /**
   * What an unprivileged process, the agent's mail writers included, can still write. Less than
   * size minus used where the file system keeps blocks for root (ext4 keeps 5 % by default).
   * Absent from agents before 2026-12.
   */
  availableBytes?: number;
}

/**
 * The used share, 0..1, as `df` prints it (used / (used + available)): the blocks kept for root are
 * not space for mail, so a disk that `df` calls 100 % full is 100 % here too. Without the available
 * figure (an older agent), used / size. Undefined without a size.
 */
export function diskUsedShare(disk: DiskFigures, addBytes = 0): number | undefined {
  if (!(disk.totalBytes > 0)) return undefined;
  const used = disk.usedBytes + addBytes;
  const capacity = disk.availableBytes === undefined ? disk.totalBytes : disk.usedBytes + disk.availableBytes;
  return capacity > 0 ? used / capacity : 1;
}
