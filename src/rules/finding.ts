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
  /**
   * Keys that the object's source text defines twice in one mapping, each as the path findings
   * name fields by with the lines of its definitions (`metadata.labels.app (lines 4, 6)`). The
   * object holds the last value, as kubectl reads it.
   * @default - none (objects that were never YAML text, such as an app's at synth)
   */
  readonly duplicateKeys?: string[];
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

/**
 * A finding that an annotation on its object suppresses, with the reason given there: listed,
 * never failing synth or lint.
 */
export interface SuppressedFinding extends Finding {
  /** The reason written in the object's suppression annotation. */
  readonly reason: string;
}

/**
 * What a rule could not judge because the input lacks a piece it needs (a ConfigMap that a
 * DaemonSet mounts, the plugins that something outside the input installs on the nodes). Listed,
 * never failing synth or lint.
 */
export interface NotJudged {
  /** The stable id of the rule that could not judge. */
  readonly ruleId: string;
  /** The kind of the object it could not judge. */
  readonly kind: string;
  /**
   * The object's namespace.
   * @default - cluster-scoped or not set
   */
  readonly namespace?: string;
  /** The object's name. */
  readonly name: string;
  /** The field whose judgement needs the missing piece. */
  readonly field: string;
  /** What is missing from the input, and what would let the rule judge it. */
  readonly missing: string;
  /**
   * Where the object came from (construct path, file and line).
   * @default - not known
   */
  readonly source?: string;
}

/**
 * The three outcomes of judging a set of manifests.
 */
export interface Verdict {
  /** Errors and warnings: what fails synth and lint. */
  readonly findings: Finding[];
  /** Findings that a suppression annotation on their object hides, with its reason. */
  readonly suppressed: SuppressedFinding[];
  /** What the rules could not judge from this input. */
  readonly notJudged: NotJudged[];
}
