import { ApiObject, Duration, JsonPatch, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as facts from './cni/facts';

/**
 * The attachment guard: an init container that waits for the pod's own network-status annotation
 * (through a downward API volume, which kubelet refreshes) to list every guarded interface, and
 * fails loudly when it does not within the timeout. A pod created while the Multus daemon
 * restarted otherwise runs on the primary network alone, silently (multus-cni #1527, #1387).
 *
 * kubelet writes the annotations file as `key="value"` lines, the value quoted with escapes, so the
 * script looks for the escaped form of `"interface": "<name>"` as Multus writes it.
 */
export const GUARD_SCRIPT = [
  'set -eu',
  'file="${GUARD_ANNOTATIONS_FILE:-/etc/podinfo/annotations}"',
  'deadline=$(( $(date +%s) + ${GUARD_TIMEOUT_SECONDS} ))',
  'while :; do',
  '  missing=""',
  '  for ifc in $GUARD_INTERFACES; do',
  '    grep -F -q "\\\\\\"interface\\\\\\": \\\\\\"$ifc\\\\\\"" "$file" 2>/dev/null || missing="$missing $ifc"',
  '  done',
  '  if [ -z "$missing" ]; then echo "multus-guard: attached: $GUARD_INTERFACES"; exit 0; fi',
  '  if [ "$(date +%s)" -ge "$deadline" ]; then',
  `    echo "multus-guard: interfaces${'$'}missing are not in the pod's ${facts.NETWORK_STATUS_ANNOTATION} annotation after ${'$'}{GUARD_TIMEOUT_SECONDS}s:" >&2`,
  '    echo "the pod was probably created while the Multus daemon was not running and has only its primary network; delete the pod" >&2',
  '    exit 1',
  '  fi',
  '  sleep 2',
  'done',
].join('\n');

const GUARDS = new WeakMap<kplus.AbstractPod, { interfaces: string[] }>();

/** The JSON pointer of the pod spec in a workload's L1 object. */
function podSpecPointer(target: kplus.AbstractPod): string {
  if (target instanceof kplus.Pod) return '/spec';
  if (target instanceof kplus.CronJob) return '/spec/jobTemplate/spec/template/spec';
  return '/spec/template/spec';
}

/** Adds (once per pod) the guard init container, and guards `iface`. */
export function guardInterface(target: kplus.AbstractPod, iface: string, timeout: Duration): void {
  const existing = GUARDS.get(target);
  if (existing) {
    existing.interfaces.push(iface);
    return;
  }
  const state = { interfaces: [iface] };
  GUARDS.set(target, state);
  let patched = false;
  const scratch = kplus.Volume.fromEmptyDir(target, 'MultusGuardScratch', 'multus-guard-scratch');
  const guard = target.addInitContainer({
    name: 'multus-guard',
    image: facts.BUSYBOX_IMAGE,
    command: ['/bin/sh', '-c', GUARD_SCRIPT],
    envVariables: {
      GUARD_TIMEOUT_SECONDS: kplus.EnvValue.fromValue(String(timeout.toSeconds())),
      // Resolved at synth, when every attachment of the pod is known. The downward API volume is
      // added here too: cdk8s-plus-27 has no downward API volume, so it goes in as a JSON patch on
      // the L1 object, with its TypeScript keys, at the guard's index.
      GUARD_INTERFACES: kplus.EnvValue.fromValue(Lazy.any({
        produce: () => {
          if (!patched) {
            patched = true;
            const spec = podSpecPointer(target);
            const index = target.initContainers.indexOf(guard);
            ApiObject.of(target).addJsonPatch(
              JsonPatch.add(`${spec}/volumes/-`, {
                name: 'multus-guard-podinfo',
                downwardApi: { items: [{ path: 'annotations', fieldRef: { fieldPath: 'metadata.annotations' } }] },
              }),
              JsonPatch.add(`${spec}/initContainers/${index}/volumeMounts/-`, { name: 'multus-guard-podinfo', mountPath: '/etc/podinfo', readOnly: true }),
            );
          }
          return state.interfaces.join(' ');
        },
      }) as any),
    },
    resources: { cpu: { request: kplus.Cpu.millis(10) } },
    // runAsNonRoot (cdk8s-plus's default) needs a user: busybox has no USER, and kubelet refuses
    // to start a non-root container whose image would run as root. nobody reads the file and waits.
    securityContext: { user: facts.NOBODY, group: facts.NOBODY },
    volumeMounts: [{ path: '/tmp', volume: scratch }],
  });
}
