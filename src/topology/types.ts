// The fleet's topology as the scenario gives it (`sites`): devices grouped into sites, each site
// reaching the backend over one shared link and, optionally, through one gateway.

export interface SiteLinkConfig {
  /** Shared by every download at the site; null: no shared limit. */
  bandwidthBytesPerSec: number | null;
  /** Added to every one-way trip of a device at the site. */
  latencyUs: number;
  /** Loss of the site link, on top of each device's own radio loss. */
  lossRatio: number;
}

export interface SitesConfig {
  /** Number of sites (equal sizes), or null with `perSite`. */
  count: number | null;
  /** Devices per site, drawn uniformly per site; null with `count`. */
  perSite: { min: number; max: number } | null;
  link: SiteLinkConfig;
  /** The site's devices connect through one gateway: its power loss takes the whole site's link down. */
  gateway: boolean;
}

/** `who.sites` of a timed fault: a share or an exact number of the fleet's sites. */
export interface SiteWho {
  ratio: number | null;
  count: number | null;
}
