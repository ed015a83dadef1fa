// Schema of TLS settings: `target.tls` (how the fleet reaches a TLS broker or HTTPS API: the CA to
// trust, the name to check, a fleet-wide client certificate) and a device type's
// `connectivity.tls` (a client certificate per device, from path templates such as
// `certs/{id}.pem`). Paths are relative to the scenario file and read only when a live run starts
// (device files: when that device connects).
import * as z from 'zod';
import { typeError } from './schema-fields.js';

const path = () => z.string().min(1, { error: 'expected a file path' });

export const targetTlsSchema = z.strictObject({
  ca: path()
    .optional()
    .describe('PEM file of the CA(s) that signed the broker/API certificate. Default: the system CAs.'),
  servername: z
    .string()
    .min(1)
    .optional()
    .describe('Name checked against the server certificate (and sent as SNI). Default: the URL host name.'),
  insecure: z
    .boolean()
    .optional()
    .describe('true: connect without verifying the server certificate (warned in the run and the report).'),
  cert: path().optional().describe('PEM client certificate shared by the fleet (with `key`).'),
  key: path().optional().describe('PEM private key of `cert`.'),
  alpn: z
    .union([z.string().min(1), z.array(z.string().min(1)).min(1)], {
      error: typeError('expected a protocol name or a list of them'),
    })
    .optional()
    .describe('ALPN protocol name(s) offered, e.g. `mqtt` (AWS IoT on port 443) or `x-amzn-mqtt-ca`.'),
});

export const deviceTlsSchema = z.strictObject({
  cert: z
    .string()
    .min(1)
    .describe('Client certificate path template, e.g. `certs/{id}.pem` (see `fleetstorm certs`).'),
  key: z.string().min(1).describe('Private key path template, e.g. `certs/{id}.key`.'),
});
