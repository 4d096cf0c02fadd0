// The suppression annotation: its syntax, read in one place for the engine that honours it and the
// rule that reports a malformed one.
import { SUPPRESSION_ANNOTATION } from '../cni/facts';

/** One entry of the annotation: a rule id and the reason it is suppressed on this object. */
export interface Suppression {
  readonly ruleId: string;
  readonly reason: string;
}

/** The shape of a rule id: lower-case words joined by hyphens. */
export const RULE_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/**
 * The entries of an object's `cdk8s-multus.io/ignore` annotation, and what is wrong with the
 * others. Entries are `<rule-id>=<reason>`, separated by commas or line breaks; the reason is
 * required and runs to the next separator, so it holds no comma.
 */
export function readSuppressions(manifest: any, suppressible: ReadonlySet<string>): { entries: Suppression[]; problems: string[] } {
  const value = manifest?.metadata?.annotations?.[SUPPRESSION_ANNOTATION];
  const entries: Suppression[] = [];
  const problems: string[] = [];
  if (value === undefined) return { entries, problems };
  if (typeof value !== 'string') return { entries, problems: [`the value is ${JSON.stringify(value)}, not a string`] };
  for (const raw of value.split(/[,\n]/)) {
    const entry = raw.trim();
    if (entry === '') continue;
    const eq = entry.indexOf('=');
    const ruleId = (eq < 0 ? entry : entry.slice(0, eq)).trim();
    const reason = eq < 0 ? '' : entry.slice(eq + 1).trim();
    if (!suppressible.has(ruleId)) {
      problems.push(`"${entry}" names no rule of cdk8s-multus that can be suppressed ("${ruleId}")`);
    } else if (reason === '') {
      problems.push(`"${entry}" gives no reason`);
    } else {
      entries.push({ ruleId, reason });
    }
  }
  return { entries, problems };
}
