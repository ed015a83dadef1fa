// The live-mode HTTP transport: check-in, status and resumable firmware download (undici).
export { OtaHttpClient } from './client.js';
export { DownloadCursor, newDownloadCursor } from './download.js';
export type {
  CheckinResult,
  DownloadOptions,
  DownloadOutcome,
  DownloadResult,
  FirmwareOfferBody,
  HttpResult,
  HttpTransportOptions,
  StatusBody,
} from './types.js';
