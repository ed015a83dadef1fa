// Checks that names used in a scenario (device types in selectors and `who`) exist. Pure.
import { ToolError } from '../errors/tool-error.js';
import { closest } from './suggest.js';

export function unknownDeviceType(
  name: string,
  known: readonly string[],
  where: string,
  extra = '',
): ToolError {
  const guess = closest(name, known);
  const list = known.length ? `known: ${[...known].sort().join(', ')}` : 'no device types are defined';
  return new ToolError('FLEETSTORM_ERR_DEVICE_TYPE', `unknown device type \`${name}\``, {
    where,
    got: name,
    fix: `${guess ? `did you mean \`${guess}\`? ` : ''}${list}${extra}`,
  });
}

/** Throws FLEETSTORM_ERR_DEVICE_TYPE for the first name not among the fleet's device types. */
export function checkDeviceTypeNames(
  names: readonly string[] | null,
  inFleet: readonly string[],
  where: string,
): void {
  for (const name of names ?? []) {
    if (inFleet.includes(name)) continue;
    const guess = closest(name, inFleet);
    throw new ToolError('FLEETSTORM_ERR_DEVICE_TYPE', `no device type \`${name}\` in the fleet`, {
      where,
      got: name,
      fix: `${guess ? `did you mean \`${guess}\`? ` : ''}the fleet has: ${inFleet.join(', ')}`,
    });
  }
}
