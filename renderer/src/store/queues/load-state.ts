/** How far a read from the console got: shown as loading, the figures, or the error in words. */
export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';
