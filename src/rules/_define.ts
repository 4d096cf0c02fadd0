import { Model, Obj } from './_model';
import { Finding, Severity } from './finding';

/** What a rule says about one object: the rest of a finding is filled in by `defineRule`. */
export type FindingDetails = Pick<Finding, 'field' | 'found' | 'expected' | 'message' | 'fix'>;

/** Makes a finding of the rule being checked against `obj`, with the rule's id and severity. */
export type Report = (obj: Obj, details: FindingDetails) => Finding;

/** A rule as it is written: what it checks, and the check itself. */
export interface RuleDefinition {
  /** The stable id, as it appears in findings and suppressions. */
  readonly id: string;
  readonly severity: Severity;
  /** What it checks, for the rules reference. */
  readonly summary: string;
  /** The failure seen in the field that it answers. */
  readonly catches: string;
  /**
   * Whether the rule judges the manifests alone, without the node's layout (a NAD's config, an
   * attachment). Such rules run in every app that has a network, with or without a layout in it.
   */
  readonly layoutIndependent?: boolean;
  readonly check: (model: Model, report: Report) => Finding[];
}

/** A rule ready to run over a model. */
export interface Rule extends Omit<RuleDefinition, 'check'> {
  readonly check: (model: Model) => Finding[];
}

/** One rule: its findings carry its id and severity, stated here once. */
export function defineRule(definition: RuleDefinition): Rule {
  const { check, ...info } = definition;
  const report: Report = (obj, details) => ({
    ruleId: info.id, severity: info.severity, kind: obj.kind, namespace: obj.namespace, name: obj.name, source: obj.source, ...details,
  });
  return { ...info, check: (model) => check(model, report) };
}
