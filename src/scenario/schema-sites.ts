// `sites`: the fleet's topology. Devices are grouped into sites (a count, or a distribution of
// devices per site); every site reaches the backend over one shared link and, optionally,
// through one gateway. Faults select whole sites with `who.sites`.
import * as z from 'zod';
import {
  bandwidthField,
  durationField,
  positiveIntField,
  ratioField,
  typeError,
  withDefault,
} from './schema-fields.js';

const linkSchema = z.strictObject({
  bandwidth: bandwidthField()
    .optional()
    .describe(
      "The site link's bandwidth, shared by every download at the site at once (two downloads each get half). Default: no shared limit.",
    ),
  latency: withDefault(durationField(), '0s', 'Added to every one-way trip of a device at the site.'),
  loss: withDefault(ratioField(), 0, "Loss on the site link, on top of each device's own radio loss."),
});

export const sitesSchema = z
  .strictObject({
    count: positiveIntField()
      .optional()
      .describe('Number of sites; the fleet is cut into sites of (nearly) equal size.'),
    'devices-per-site': z
      .union([positiveIntField(), z.string().regex(/^\s*\d+\s*\.\.\s*\d+\s*$/)], {
        error: typeError('expected a number or a range such as `50..500`'),
      })
      .optional()
      .describe('Devices per site, drawn uniformly per site from the seed, e.g. `50..500`.'),
    link: linkSchema.optional().describe("Each site's shared link to the backend (backhaul, cell, uplink)."),
    gateway: withDefault(
      z.boolean(),
      false,
      "The site's devices connect through one gateway: a power-loss that selects the site (`who.sites`) is the gateway's, so every device behind it loses its link (not its power) for the gateway's outage.",
    ),
  })
  .describe(
    'Topology: devices grouped into sites, each behind one shared link (and a gateway). Give `count` or `devices-per-site`. Sites are contiguous runs of devices; faults select them with `who.sites`.',
  );

export type SitesParsed = z.output<typeof sitesSchema>;
