// What the vlan plugin and the kernel take as a VLAN id, shared by VlanNetwork and the rules.

/** The largest VLAN id (4095 is reserved by 802.1Q). */
export const VLAN_ID_MAX = 4094;

/**
 * What is wrong with a vlan plugin's `vlanId`, or undefined. The plugin takes 0 to 4094
 * (containernetworking/plugins v1.9.1 plugins/main/vlan/vlan.go, loadConf); 0 (also what a missing
 * key reads as) tags no VLAN, only a priority, so the library asks for 1 to 4094.
 */
export function vlanIdProblem(id: unknown): string | undefined {
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 1 || id > VLAN_ID_MAX) {
    return `vlanId must be a VLAN id from 1 to ${VLAN_ID_MAX}, got ${JSON.stringify(id)}; the vlan plugin fails the ADD on ids above ${VLAN_ID_MAX}, and 0 (or no vlanId) tags no VLAN`;
  }
  return undefined;
}
