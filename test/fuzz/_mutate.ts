// Seeded mutations of real manifests, for the lint fuzz run: every input the command may meet is
// a manifest someone wrote, changed in one to three places in ways people (and tools) do.
import * as path from 'path';
import { Yaml } from 'cdk8s';

/** A small deterministic generator (Park and Miller's minimal standard), so that a seed names a run exactly. */
export function random(seed: number): () => number {
  let state = (Math.abs(Math.floor(seed)) % 2147483646) + 1;
  return () => {
    state = (state * 48271) % 2147483647;
    return (state - 1) / 2147483646;
  };
}

function deep(levels: number): any {
  let v: any = 'x';
  for (let i = 0; i < levels; i++) v = i % 2 ? [v] : { a: v };
  return v;
}

/** Values found in the wild and at the edges of what the rules parse. */
const VALUES: (() => unknown)[] = [
  () => null, () => undefined, () => 0, () => -1, () => 1e309, () => true, () => '', () => ' ', () => 'eth0',
  () => '..', () => '/host/../etc', () => '/var/lib/../../x', () => 'relative/path', () => '/host', () => '/',
  () => 'a\u0000b', () => '/etc/cni/net.d\n', () => '/\u0000', () => 'snapshot-thick', () => 'image:', () => '@sha256:',
  () => '192.168.1.200/24', () => '192.168.1.0/33', () => 'fe80::1%eth0/64', () => '::/0', () => '0.0.0.0/0', () => '300.1.1.1',
  () => '{"cniVersion":"1.0.0"', () => '{"type":"macvlan","ipam":{"type":"host-local","ranges":[[null]],"routes":[null]}}',
  () => JSON.stringify({ cniVersion: '1.0.0', plugins: [null, 3, { type: 'static', ipam: { type: 'static', addresses: [{}] } }] }),
  () => JSON.stringify(deep(3000)), () => deep(60), () => [], () => [null], () => ({}), () => ({ toString: 1 }),
  () => ({ valueOf: null, constructor: 'x', __proto__: { a: 1 } }), () => ['-config', '--config'], () => 'x'.repeat(5000),
  () => ({ name: 'toString', value: 'hasOwnProperty' }), () => [{ name: 'x', mountPath: '..', subPath: '/abs' }],
  () => ({ hostPath: { path: '../x' } }), () => ({ configMap: { name: 'toString', items: [{ key: 'constructor', path: '/x' }] } }),
];

const KEYS = ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf', 'kind', 'config', 'volumeMounts', 'volumes',
  'command', 'args', 'env', 'hostPath', 'mountPath', 'subPath', 'items', 'data', 'spec', 'metadata', 'annotations', 'template'];

/** Every node of an object tree, as [parent, key] pairs. */
function slots(root: any): [any, string | number][] {
  const out: [any, string | number][] = [];
  const stack = [root];
  while (stack.length) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object') continue;
    for (const k of Object.keys(v)) {
      out.push([v, Array.isArray(v) ? Number(k) : k]);
      stack.push(v[k]);
    }
  }
  return out;
}

/** One mutant of `docs`: a copy changed in one to three places. */
export function mutate(docs: any[], next: () => number): any[] {
  const copy = JSON.parse(JSON.stringify(docs));
  const pick = <T>(list: T[]): T => list[Math.floor(next() * list.length)];
  const changes = 1 + Math.floor(next() * 3);
  for (let i = 0; i < changes; i++) {
    const all = slots(copy);
    if (all.length === 0) break;
    const [parent, key] = pick(all);
    const r = next();
    if (r < 0.6) {
      parent[key] = pick(VALUES)();
    } else if (r < 0.75) {
      if (Array.isArray(parent)) parent.splice(key as number, 1); else delete parent[key];
    } else if (r < 0.9 && parent[key] !== null && typeof parent[key] === 'object' && !Array.isArray(parent[key])) {
      Object.defineProperty(parent[key], pick(KEYS), { value: pick(VALUES)(), enumerable: true, configurable: true, writable: true });
    } else if (typeof parent[key] === 'string') {
      // A string edited as text: a prefix doubled, a character dropped or a separator added.
      const s = parent[key] as string;
      parent[key] = pick([`/host${s}`, s.slice(1), `${s}/..`, `${s},${s}`, s.toUpperCase()]);
    }
  }
  return copy;
}

/** The inputs mutated: upstream manifests and this library's example output. */
export function seeds(root: string): any[][] {
  const fixtures = path.join(root, '..', 'shared', 'fixtures', 'upstream');
  const files = [
    'multus-cni-v4.3.0/multus-daemonset-thick.yml', 'multus-cni-v4.3.0/multus-daemonset.yml',
    'whereabouts-v0.9.4/daemonset-install.yaml', 'nad-client-v1.7.7/networks-crd.yaml',
  ];
  return files.map((f) => Yaml.load(path.join(fixtures, f)).filter(Boolean));
}
