/** Helpers for reading Kubernetes JSON that may be malformed (manifests of any origin). */

/** The value if it is an array, else an empty array. */
export function asArray(value: unknown): any[] {
  return Array.isArray(value) ? value : [];
}

/** A container's command line: `command` then `args`, as strings. */
export function argvOf(container: any): string[] {
  const argv: string[] = [];
  for (const a of asArray(container?.command)) argv.push(String(a));
  for (const a of asArray(container?.args)) argv.push(String(a));
  return argv;
}
