/**
 * Who writes Multus's `00-multus.conf` into the node's CNI config dir, and so how long it stays.
 *
 * While that file is absent, containerd uses the primary network's config, and pods start without
 * their secondary networks, silently (multus-cni issues #1527, #1387). While it is present and
 * the daemon is down, multus-shim waits up to 60 s for the daemon's socket in each pod's ADD. The
 * ADD then succeeds if the daemon is back, and fails otherwise, and kubelet retries it: the pod
 * waits, loudly, until the daemon is back.
 */
export enum MultusConfigLifetime {
  /**
   * The daemon generates `00-multus.conf` (`multusConfigFile: auto`) when it starts and deletes it
   * when it stops gracefully: on every rollout, restart, eviction or upgrade, pods created until
   * the new daemon is up get the primary network alone. Removing the DaemonSet removes the file
   * (unless the daemon was killed).
   */
  DAEMON = 'daemon',
  /**
   * The library writes `00-multus.conf` itself (an init container copies it from the ConfigMap,
   * with the content the daemon would generate); the daemon's own copy goes to a scratch dir of
   * its pod. The file stays across daemon restarts and upgrades, so pods created meanwhile wait
   * and are retried instead of starting on the primary network alone. It stays after the
   * DaemonSet is removed too, until it is deleted from each node.
   */
  PERSISTENT = 'persistent',
}
