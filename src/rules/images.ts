// The rules on images of the Multus workloads.
import { asArray, asText } from '../_json';
import { defineRule } from './_define';
import { Model, nameOf, Obj, podSpecOf } from './_model';
import { Severity } from './finding';
import { imageProblem } from '../cni/images';

/** The containers of the objects that run Multus (and the doctor that inspects it), for the image rule. */
function multusWorkloads(m: Model): Obj[] {
  return [...new Set([...m.daemons.map((d) => d.owner), ...m.installers.map((i) => i.owner), ...m.doctors.map((d) => d.owner)])];
}

export const imagePinned = defineRule({
  id: 'image-pinned',
  severity: Severity.ERROR,
  summary: 'Every image of the Multus workloads is a reference the container runtime accepts, with a release tag or a digest, never a moving tag.',
  catches: 'nodes that run different Multus builds after a restart (`snapshot-thick`, `latest`).',
  // An image is judged by its reference alone, also in an app whose only node workload is the doctor.
  layoutIndependent: true,
  check: (m, report) => multusWorkloads(m).flatMap((w) => {
    const spec = podSpecOf(w.manifest);
    const all: [string, any][] = [
      ...asArray(spec?.initContainers).map((c, i): [string, any] => [`spec.template.spec.initContainers[${i}].image`, c]),
      ...asArray(spec?.containers).map((c, i): [string, any] => [`spec.template.spec.containers[${i}].image`, c]),
    ];
    return all.flatMap(([field, c]) => {
      const problem = imageProblem(c?.image);
      return problem ? [report(w, {
        field,
        found: asText(c?.image),
        expected: 'a release tag (such as v4.3.0-thick) or a @sha256 digest',
        message: `container "${nameOf(c?.name)}": ${problem}`,
        fix: 'pin a release tag or a digest',
      })] : [];
    });
  }),
});
