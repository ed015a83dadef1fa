// Name → index maps for the hot path. Built from the catalogue lists, then switched to V8's
// fast-properties mode (an object used as a prototype is optimised for lookups): a map built
// with many computed keys otherwise stays a hash table, and the fleet core reads these maps
// several times per event.

export function indexMap<const T extends readonly string[]>(names: T): { readonly [K in T[number]]: number } {
  const map: Record<string, number> = {};
  names.forEach((n, i) => (map[n] = i));
  function Fast(): void {}
  Fast.prototype = map;
  // @ts-expect-error - constructing once is what turns the prototype's properties fast
  void new Fast();
  return map as { readonly [K in T[number]]: number };
}
