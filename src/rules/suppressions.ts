// The suppression annotation itself: a suppression that names no rule or gives no reason.
import { defineRule } from './_define';
import { readSuppressions } from './_suppress';
import { Finding, Severity } from './finding';
import { SUPPRESSION_ANNOTATION } from '../cni/facts';

export const suppressionValid = defineRule({
  id: 'suppression-valid',
  severity: Severity.ERROR,
  layoutIndependent: true,
  unsuppressible: true,
  summary: `Each entry of a \`${SUPPRESSION_ANNOTATION}\` annotation names a rule of this engine and gives a reason: \`<rule-id>=<reason>\`, entries separated by commas or line breaks.`,
  catches: 'a suppression that hides nothing (a misspelt rule id) or hides a failure without saying why.',
  check: (m, report) => {
    const known = new Set(m.suppressible);
    const out: Finding[] = [];
    for (const o of m.objects) {
      for (const problem of readSuppressions(o.manifest, known).problems) {
        out.push(report(o, {
          field: `metadata.annotations["${SUPPRESSION_ANNOTATION}"]`,
          found: problem,
          expected: '<rule-id>=<reason>, with the id of a rule of cdk8s-multus (docs/rules.md) and a reason that holds no comma',
          message: 'the suppression is not honoured, so the findings it meant to hide still count',
          fix: 'write the rule id as the findings print it, followed by "=" and why the finding does not apply to this object',
        }));
      }
    }
    return out;
  },
});
