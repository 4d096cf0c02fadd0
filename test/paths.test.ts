import { HostPath, MountTable, PodPath } from '../src';

describe('HostPath and PodPath', () => {
  test('normalize duplicate and trailing slashes', () => {
    expect(HostPath.of('/var//lib/rancher/k3s/').path).toBe('/var/lib/rancher/k3s');
    expect(PodPath.of('/host/run/multus/').path).toBe('/host/run/multus');
    expect(HostPath.of('/').path).toBe('/');
  });

  test('fails when a path is relative, empty or climbs with ..', () => {
    expect(() => HostPath.of('var/lib')).toThrow(/must be absolute.*"var\/lib"/);
    expect(() => PodPath.of('')).toThrow(/non-empty/);
    expect(() => HostPath.of('/var/lib/../etc')).toThrow(/must not contain "\.\."/);
  });

  test('join takes relative segments only', () => {
    expect(HostPath.of('/etc').join('cni', 'net.d').path).toBe('/etc/cni/net.d');
    expect(() => HostPath.of('/etc').join('/cni')).toThrow(/relative segments/);
  });

  test('isWithin respects segment boundaries', () => {
    expect(HostPath.of('/run/multus').isWithin(HostPath.of('/run'))).toBe(true);
    expect(HostPath.of('/running').isWithin(HostPath.of('/run'))).toBe(false);
    expect(HostPath.of('/anything').isWithin(HostPath.ROOT)).toBe(true);
  });
});

describe('MountTable', () => {
  const podSpec = {
    containers: [{
      name: 'daemon',
      volumeMounts: [
        { name: 'conf', mountPath: '/host/etc/cni/net.d' },
        { name: 'run', mountPath: '/host/run' },
        { name: 'netns', mountPath: '/run/netns', mountPropagation: 'HostToContainer' },
        { name: 'root', mountPath: '/hostroot' },
        { name: 'cfg', mountPath: '/etc/cni/net.d/multus.d', readOnly: true },
        { name: 'sub', mountPath: '/data', subPath: 'x/y' },
        { name: 'missing', mountPath: '/nowhere' },
      ],
    }],
    volumes: [
      { name: 'conf', hostPath: { path: '/var/lib/rancher/k3s/agent/etc/cni/net.d' } },
      { name: 'run', hostPath: { path: '/run' } },
      { name: 'netns', hostPath: { path: '/run/netns/' } },
      { name: 'root', hostPath: { path: '/' } },
      { name: 'cfg', configMap: { name: 'multus-daemon-config', items: [{ key: 'daemon-config.json', path: 'daemon-config.json' }] } },
      { name: 'sub', hostPath: { path: '/srv' } },
    ],
  };
  const table = MountTable.fromPodSpec(podSpec, 'daemon');

  test('reads volumeMounts joined with their volumes, leaving out mounts without a volume', () => {
    expect(table.entries.map((e) => e.volumeName)).toEqual(['conf', 'run', 'netns', 'root', 'cfg', 'sub']);
    expect(table.entries[4].configMapFiles).toEqual({ 'daemon-config.json': 'daemon-config.json' });
    expect(table.entries[2].propagation).toBe('HostToContainer');
  });

  test('turns a pod path into the host path it means through the longest mount', () => {
    expect(table.toHost(PodPath.of('/host/etc/cni/net.d/00-multus.conf'))?.path).toBe('/var/lib/rancher/k3s/agent/etc/cni/net.d/00-multus.conf');
    expect(table.toHost(PodPath.of('/run/netns/cni-1'))?.path).toBe('/run/netns/cni-1');
    expect(table.toHost(PodPath.of('/data/z'))?.path).toBe('/srv/x/y/z');
  });

  test('a pod path under no host mount means no host path', () => {
    expect(table.toHost(PodPath.of('/etc/cni/net.d'))).toBeUndefined();
    expect(table.toHost(PodPath.of('/etc/cni/net.d/multus.d/daemon-config.json'))).toBeUndefined();
  });

  test('turns a host path into the pod path of the most specific mount that shows it', () => {
    expect(table.toPod(HostPath.of('/run/multus'))?.path).toBe('/host/run/multus');
    expect(table.toPod(HostPath.of('/run/netns/x'))?.path).toBe('/run/netns/x');
    expect(table.toPod(HostPath.of('/var/lib/rancher/k3s/agent/etc/cni/net.d'))?.path).toBe('/host/etc/cni/net.d');
    expect(table.toPod(HostPath.of('/opt/cni/bin'))?.path).toBe('/hostroot/opt/cni/bin');
  });

  test('toPod skips a pod path that another mount hides', () => {
    // host /srv/x/y is mounted at /data; host /etc/cni/net.d through /hostroot would be
    // /hostroot/etc/cni/net.d, which no mount hides, but /etc/cni/net.d/multus.d is a ConfigMap.
    const t = MountTable.fromPodSpec({
      containers: [{ name: 'c', volumeMounts: [{ name: 'a', mountPath: '/a' }, { name: 'b', mountPath: '/a/b' }] }],
      volumes: [{ name: 'a', hostPath: { path: '/x' } }, { name: 'b', configMap: { name: 'cm' } }],
    }, 'c');
    expect(t.toPod(HostPath.of('/x/b/file'))).toBeUndefined();
    expect(t.toPod(HostPath.of('/x/c'))?.path).toBe('/a/c');
  });

  test('fails when the container does not exist', () => {
    expect(() => MountTable.fromPodSpec(podSpec, 'nope')).toThrow(/no container named "nope"/);
  });
});
