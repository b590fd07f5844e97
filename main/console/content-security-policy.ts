/**
 * The renderer's Content-Security-Policy, the same in Electron and in browser mode: only our own
 * scripts and styles, no inline script, no eval, no framing, connections only back to where the page
 * came from (the WebSocket in browser mode; 'self' covers ws: of the same host and port).
 */
export const rendererContentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/** Headers every renderer file is sent with. */
export const rendererSecurityHeaders: Record<string, string> = {
  'content-security-policy': rendererContentSecurityPolicy,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};
