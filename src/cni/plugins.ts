// What a CNI config executes: the knowledge that the installer (which plugins to put on the node) and
// the rules (which plugins a node must have) share.

/** The plugin types a CNI config or conflist executes: each plugin's type and its IPAM type. */
export function pluginTypes(config: any): string[] {
  const entries = Array.isArray(config?.plugins) ? config.plugins : [config];
  const out: string[] = [];
  for (const p of entries) {
    if (typeof p?.type === 'string' && p.type) out.push(p.type);
    if (typeof p?.ipam?.type === 'string' && p.ipam.type) out.push(p.ipam.type);
  }
  return out;
}

/**
 * The layer-2 segment a plugin config puts its interfaces on, as words: the bridge for the bridge
 * plugin (its default is cni0), the master NIC for plugins that hang off one (macvlan, ipvlan;
 * the default-route interface when none is named). Networks on one segment share its addresses.
 */
export function segmentOf(config: any): string {
  if (config?.type === 'bridge') return `bridge ${typeof config.bridge === 'string' && config.bridge !== '' ? config.bridge : 'cni0'}`;
  return `master ${typeof config?.master === 'string' ? config.master : '(default-route interface)'}`;
}
