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
