/**
 * Why a KubeVirt interface binding passes no inbound traffic on a network whose main plugin is
 * `pluginType` (with macvlan `mode`), or undefined when nothing is known against it.
 *
 * The bridge binding bridges the VM's NIC to the pod interface, so frames for the VM carry the
 * VM's MAC; a macvlan device other than passthru drops frames for MACs that are not its own
 * (kubevirt issues #2925, #5483; kubevirt user-guide #678/#679).
 */
export function kubevirtBindingProblem(binding: string, pluginType: unknown, macvlanMode: unknown, network: string): string | undefined {
  const mode = typeof macvlanMode === 'string' && macvlanMode !== '' ? macvlanMode : 'bridge';
  if (binding === 'bridge' && pluginType === 'macvlan' && mode !== 'passthru') {
    return `the bridge binding on macvlan network ${network} (mode ${mode}) passes no inbound traffic: ` +
      'macvlan drops frames for the VM\'s MAC, which is not the macvlan device\'s (kubevirt issues #2925, #5483)';
  }
  return undefined;
}
