// The DHCP daemon: the dhcp IPAM plugin only forwards to it over a socket on the host.
import * as path from 'path';
import { DoctorFinding, findingsOf } from './finding';
import { NodeFacts } from './node';
import * as facts from '../cni/facts';
import { Severity } from '../rules/finding';

const finding = findingsOf('dhcp');

/** Who uses dhcp IPAM: the NADs given, the primary config and Multus's delegates. */
function dhcpUsers(node: NodeFacts): string[] {
  const usesDhcp = (config: any) => (Array.isArray(config?.plugins) ? config.plugins : [config]).some((p: any) => p?.ipam?.type === 'dhcp');
  const users = (node.nads ?? []).filter((n) => usesDhcp(n.config)).map((n) => `NAD ${n.name}`);
  if (node.primary && usesDhcp(node.primary.config)) users.push(node.primary.name);
  for (const d of Array.isArray(node.multus?.config?.delegates) ? node.multus!.config.delegates : []) if (usesDhcp(d)) users.push(`${node.multus!.name} delegates`);
  return users;
}

export function checkDhcp(node: NodeFacts): DoctorFinding[] {
  const users = dhcpUsers(node);
  const socket = path.posix.join(facts.DHCP_SOCKET_DIR, facts.DHCP_SOCKET_FILE);
  if (users.length === 0 || node.root.stat(socket)?.isSocket()) return [];
  return [finding('dhcp-daemon-missing', Severity.ERROR, {
    path: socket,
    message: `${users.join(', ')} take${users.length === 1 ? 's' : ''} addresses from DHCP, and no DHCP daemon listens on ${socket}: ADD fails with "dial unix ${socket}: connect: no such file or directory"`,
    fix: 'add a DhcpDaemon to the chart (it runs the node\'s dhcp plugin in daemon mode on every node)',
  })];
}
