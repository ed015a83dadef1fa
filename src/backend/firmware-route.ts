// GET/HEAD of a firmware image: 200 whole, 206 for one satisfiable range, 416 otherwise
// (RFC 9110 §14); If-Range with a stale validator gets the whole image (§13.1.5).
import type http from 'node:http';
import { pipeline } from 'node:stream';
import { etagOf, imageStream, parseRange, type ImageId } from './firmware-image.js';

export interface FirmwareCounters {
  firmwareRequests: number;
  rangeRequests: number;
  firmwareBytesSent: number;
}

export function serveImage(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  image: ImageId,
  counters: FirmwareCounters,
): void {
  counters.firmwareRequests++;
  const size = image.sizeBytes;
  const etag = etagOf(image);
  let range = parseRange(req.headers.range, size);
  const ifRange = req.headers['if-range'];
  if (range !== null && ifRange !== undefined && ifRange !== etag) range = null;
  const headers: http.OutgoingHttpHeaders = {
    'accept-ranges': 'bytes',
    etag,
    'content-type': 'application/octet-stream',
  };
  if (range === 'unsatisfiable') {
    res.writeHead(416, { ...headers, 'content-range': `bytes */${size}`, 'content-length': 0 });
    return void res.end();
  }
  const start = range === null ? 0 : range.start;
  const end = range === null ? size : range.endExclusive;
  if (range !== null) {
    counters.rangeRequests++;
    headers['content-range'] = `bytes ${start}-${end - 1}/${size}`;
  }
  res.writeHead(range === null ? 200 : 206, { ...headers, 'content-length': end - start });
  if (req.method === 'HEAD' || end === start) return void res.end();
  const body = imageStream(image, start, end);
  body.on('data', (chunk: Buffer) => {
    counters.firmwareBytesSent += chunk.length;
  });
  pipeline(body, res, () => {
    // a client that aborts mid-download (radio drop) is normal: nothing to report here
  });
}
