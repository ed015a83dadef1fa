// `sites` parsed → SitesConfig, and the checks that tie faults' `who.sites` to it. Pure.
import { ToolError } from '../errors/tool-error.js';
import type { SitesConfig } from '../topology/types.js';
import type { At } from './resolve-device.js';
import type { SitesParsed } from './schema-sites.js';
import type { FaultConfig } from './types.js';
import { parseBandwidthBytesPerSec, parseDurationUs, parseRatio } from './units.js';

function invalid(message: string, where: string, got: unknown, fix: string): ToolError {
  return new ToolError('FLEETSTORM_ERR_SCENARIO_INVALID', message, { where, got, fix });
}

export function resolveSites(p: SitesParsed | undefined, devices: number, at: At): SitesConfig | null {
  if (p === undefined) return null;
  const per = p['devices-per-site'];
  if ((p.count === undefined) === (per === undefined)) {
    throw invalid(
      'give the number of sites or the devices per site',
      at('sites'),
      p,
      'set exactly one of `count: 200` or `devices-per-site: 50..500`',
    );
  }
  if (p.count !== undefined && p.count > devices) {
    throw invalid('more sites than devices', at('sites.count'), p.count, `use at most ${devices} sites`);
  }
  let perSite: SitesConfig['perSite'] = null;
  if (per !== undefined) {
    const [lo, hi] = typeof per === 'number' ? [per, per] : per.split('..').map((v) => Number(v.trim()));
    if (lo === undefined || hi === undefined || lo < 1 || lo > hi) {
      throw invalid(
        'devices per site must be a range of whole numbers ≥ 1, smallest first',
        at('sites.devices-per-site'),
        per,
        'write e.g. `50..500`',
      );
    }
    perSite = { min: lo, max: hi };
  }
  const link = p.link;
  return {
    count: p.count ?? null,
    perSite,
    link: {
      bandwidthBytesPerSec:
        link?.bandwidth === undefined
          ? null
          : parseBandwidthBytesPerSec(link.bandwidth, at('sites.link.bandwidth')),
      latencyUs: parseDurationUs(link?.latency ?? '0s', at('sites.link.latency')),
      lossRatio: parseRatio(link?.loss ?? 0, at('sites.link.loss')),
    },
    gateway: p.gateway,
  };
}

/** `who.sites` needs `sites`, and selects whole sites: not with a device share or count, nor `during`. */
export function checkSiteFaults(faults: FaultConfig[], sites: SitesConfig | null, at: At): void {
  faults.forEach((f, i) => {
    const w = f.who.sites;
    if (w === undefined || w === null) return;
    const where = at(`faults[${i}].who.sites`);
    if (sites === null)
      throw invalid(
        '`who.sites` selects sites, but the scenario has none',
        where,
        w,
        'add `sites: { count: 100 }`',
      );
    if (f.during !== null)
      throw invalid(
        '`who.sites` selects sites when a timed occurrence starts; it does not go with `during`',
        where,
        w,
        'give `at` / `every` instead of `during`',
      );
    if (f.who.count !== null || f.who.ratio !== 1)
      throw invalid(
        '`who.sites` hits every matching device of the chosen sites: it does not go with `share` or `count`',
        where,
        w,
        'remove `share` / `count`',
      );
  });
}
