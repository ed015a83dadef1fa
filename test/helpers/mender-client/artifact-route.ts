// A route on the embedded backend's HTTP API that serves real Mender Artifact files (the
// firmware route serves generated images, which the real client would refuse): whole with
// Content-Length (the client refuses a download of unknown size), or one Range (it resumes so).
import type { HttpRoute } from '../../../src/backend/types.js';
import { parseRange } from '../../../src/backend/firmware-image.js';

export const ARTIFACT_PREFIX = '/v1/artifacts/';

export interface ArtifactShelf {
  route: HttpRoute;
  /** Path of an artifact on the API (a DeskDeployment's `path`). */
  put(name: string, bytes: Buffer): string;
  /** GETs of each artifact (by name). */
  downloads: Map<string, number>;
}

export function artifactShelf(): ArtifactShelf {
  const files = new Map<string, Buffer>();
  const downloads = new Map<string, number>();
  const route: HttpRoute = {
    name: 'mender artifact',
    method: 'GET',
    pattern: /^\/v1\/artifacts\/([^/]+)\.mender$/,
    handle(req, res, params) {
      const name = params[0] ?? '';
      const bytes = files.get(name);
      if (bytes === undefined) {
        res.writeHead(404, { 'content-length': 0 });
        return void res.end();
      }
      downloads.set(name, (downloads.get(name) ?? 0) + 1);
      const range = parseRange(req.headers.range, bytes.length);
      if (range === 'unsatisfiable') {
        res.writeHead(416, { 'content-range': `bytes */${bytes.length}`, 'content-length': 0 });
        return void res.end();
      }
      const headers = { 'content-type': 'application/vnd.mender-artifact', 'accept-ranges': 'bytes' };
      if (range === null) {
        res.writeHead(200, { ...headers, 'content-length': bytes.length });
        return void res.end(bytes);
      }
      const part = bytes.subarray(range.start, range.endExclusive);
      res.writeHead(206, {
        ...headers,
        'content-length': part.length,
        'content-range': `bytes ${range.start}-${range.endExclusive - 1}/${bytes.length}`,
      });
      res.end(part);
    },
  };
  return {
    route,
    downloads,
    put(name, bytes) {
      files.set(name, bytes);
      return `${ARTIFACT_PREFIX}${encodeURIComponent(name)}.mender`;
    },
  };
}
