// What a CNI config executes: the knowledge that the installer (which plugins to put on the node) and
// the rules (which plugins a node must have) share.

/** The plugin types a CNI config or conflist executes: each plugin's type and its IPAM type. */
export function pluginTypes(config: any): string[] {
  const out: string[] = [];
  collectPluginTypes(config, out, 0);
  return out;
}

/**
 * The plugins a config runs, nested ones included: each entry of a conflist, its IPAM, the
 * `delegates` of a Multus config, and the delegate of the flannel plugin, which runs `delegate.type`
 * (bridge unless set) with host-local IPAM unless `delegate.ipam` says otherwise
 * (flannel-io/cni-plugin flannel_linux.go, doCmdAdd).
 */
function collectPluginTypes(config: any, out: string[], depth: number): void {
  if (depth > 8 || typeof config !== 'object' || config === null) return;
  const entries = Array.isArray(config.plugins) ? config.plugins : [config];
  for (const p of entries) {
    if (typeof p !== 'object' || p === null) continue;
    if (typeof p.type === 'string' && p.type) out.push(p.type);
    if (typeof p.ipam?.type === 'string' && p.ipam.type) out.push(p.ipam.type);
    if (p.type === 'flannel') {
      const delegate = typeof p.delegate === 'object' && p.delegate !== null ? p.delegate : {};
      out.push(typeof delegate.type === 'string' && delegate.type ? delegate.type : 'bridge');
      out.push(typeof delegate.ipam?.type === 'string' && delegate.ipam.type ? delegate.ipam.type : 'host-local');
    }
    if (Array.isArray(p.delegates)) p.delegates.forEach((d: any) => collectPluginTypes(d, out, depth + 1));
  }
}

/**
 * The plugin of a config that makes the interface and runs the IPAM: the config itself, or the
 * first plugin of a conflist (the ones after it are chained: tuning, portmap, sbr and the like).
 */
export function mainPlugin(config: any): any {
  return Array.isArray(config?.plugins) ? config.plugins[0] : config;
}

/**
 * The layer-2 segment a plugin config puts its interfaces on, as words: the bridge for the bridge
 * plugin (its default is cni0), the master NIC for plugins that hang off one (macvlan, ipvlan;
 * the default-route interface when none is named), the VLAN on a master for vlan, the moved device
 * for host-device. Networks on one segment share its addresses.
 */
export function segmentOf(config: any): string {
  config = mainPlugin(config);
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  if (config?.type === 'host-device') {
    const device = text(config.device) ?? text(config.hwaddr) ?? text(config.kernelpath) ?? text(config.pciBusID) ?? '(none named)';
    return `device ${device}`;
  }
  if (config?.type === 'vlan') return `master ${text(config.master) ?? '(none named)'} vlan ${config.vlanId ?? 0}`;
  if (config?.type === 'bridge') return `bridge ${typeof config.bridge === 'string' && config.bridge !== '' ? config.bridge : 'cni0'}`;
  return `master ${typeof config?.master === 'string' ? config.master : '(default-route interface)'}`;
}

/** What is wrong with `name` as a plugin's file name in a bin dir, or undefined. */
export function pluginNameProblem(name: string): string | undefined {
  return typeof name === 'string' && /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)
    ? undefined
    : `${JSON.stringify(name)} is not a plugin file name (letters, digits, '.', '_' and '-', starting with a letter or digit)`;
}
