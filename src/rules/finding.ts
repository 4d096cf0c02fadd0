/**
 * How bad a finding is.
 */
export enum Severity {
  /** The deployment does not work as written; synth fails. */
  ERROR = 'error',
  /** The deployment works but carries a risk worth a look; synth goes on. */
  WARNING = 'warning',
}

/**
 * One manifest object handed to the rules, with where it came from.
 */
export interface ManifestObject {
  /** The object in Kubernetes JSON form, exactly as it is (or will be) written. */
  readonly manifest: any;
  /**
   * Where it came from, for messages: a construct path, or a file and line.
   * @default - not known
   */
  readonly source?: string;
}

/**
 * A rule that fired: what is wrong, where, and how to fix it.
 */
export interface Finding {
  /** The stable id of the rule. */
  readonly ruleId: string;
  /** How bad it is. */
  readonly severity: Severity;
  /** The object's kind. */
  readonly kind: string;
  /**
   * The object's namespace.
   * @default - cluster-scoped or not set
   */
  readonly namespace?: string;
  /** The object's name. */
  readonly name: string;
  /** The field that is wrong, as a path into the object (or into the JSON text it carries). */
  readonly field: string;
  /** The value found. */
  readonly found: string;
  /** The value expected, or what it must satisfy. */
  readonly expected: string;
  /** What goes wrong because of it. */
  readonly message: string;
  /** How to fix it. */
  readonly fix: string;
  /**
   * Where the object came from (construct path, file and line).
   * @default - not known
   */
  readonly source?: string;
}
