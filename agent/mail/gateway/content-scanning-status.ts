/**
 * What the gateway says about content scanning in its status: scanned by which rspamd, or plainly
 * not configured (so nobody believes mail is scanned when it is not).
 */

/** Virus scanning as the gateway's status shows it. */
export type VirusScanningStatus =
  | { configured: false; text: 'virus scanning: not configured' }
  | { configured: true; scanner: 'clamd'; address: string; text: string };

/** The status for a gateway with or without clamd. */
export function virusScanningStatus(clamdAddress: string | undefined): VirusScanningStatus {
  if (!clamdAddress) return { configured: false, text: 'virus scanning: not configured' };
  return {
    configured: true,
    scanner: 'clamd',
    address: clamdAddress,
    text: `virus scanning: clamd at ${clamdAddress}`,
  };
}

/** Content scanning as the gateway's status shows it. */
export type ContentScanningStatus =
  | { configured: false; text: 'content scanning: not configured' }
  | { configured: true; scanner: 'rspamd'; url: string; text: string };

/** The status for a gateway with or without an rspamd URL. */
export function contentScanningStatus(rspamdUrl: string | undefined): ContentScanningStatus {
  if (!rspamdUrl) return { configured: false, text: 'content scanning: not configured' };
  return {
    configured: true,
    scanner: 'rspamd',
    url: rspamdUrl,
    text: `content scanning: rspamd at ${rspamdUrl}`,
  };
}
