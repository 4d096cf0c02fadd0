// What the chained plugins accept, shared by the Chain factories and the rules that judge conflists.

/**
 * Plugins that only change what an earlier plugin of the list made: each fails without a
 * prevResult (v1.9.1 tuning "Required prevResult missing", portmap "must be called as chained
 * plugin", sbr "This plugin must be called as chained plugin").
 */
export const CHAINED_ONLY: readonly string[] = ['tuning', 'portmap', 'sbr'];

/**
 * What is wrong with a tuning sysctl key, or undefined. The plugin turns the dots into '/', puts
 * the attachment's interface for `IFNAME`, and refuses a file outside /proc/sys/net/
 * (containernetworking/plugins v1.9.1 plugins/meta/tuning/tuning.go, getSysctlFilename).
 */
export function sysctlKeyProblem(key: string): string | undefined {
  if (typeof key !== 'string' || !/^net(\.[A-Za-z0-9_:-]+)+$/.test(key)) {
    return `key ${JSON.stringify(key)} is not a network sysctl: the tuning plugin writes only under /proc/sys/net and fails the ADD with "invalid net sysctl key"; ` +
      'write a dotted key under net., such as net.ipv4.conf.IFNAME.arp_filter';
  }
  return undefined;
}

/**
 * What is wrong with a MAC address to set on an Ethernet interface, or undefined: the kernel takes
 * only a unicast, non-zero address (is_valid_ether_addr), and the form is the usual six octets.
 */
export function macProblem(mac: string): string | undefined {
  if (typeof mac !== 'string' || !/^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$/.test(mac)) {
    return `${JSON.stringify(mac)} is not a MAC address; write six octets like 02:00:00:00:00:01`;
  }
  if (parseInt(mac.slice(0, 2), 16) % 2 === 1) {
    return `${mac} is a multicast address, which the kernel refuses on an interface ("cannot assign requested address"); make the first octet even, such as 02`;
  }
  if (/^(00:){5}00$/.test(mac)) return `${mac} is the zero address, which the kernel refuses on an interface; give a unicast address such as 02:00:00:00:00:01`;
  return undefined;
}
