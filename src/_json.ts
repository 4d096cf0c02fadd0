/** Helpers for reading Kubernetes JSON that may be malformed (manifests of any origin). */

/** The value if it is an array, else an empty array. */
export function asArray(value: unknown): any[] {
  return Array.isArray(value) ? value : [];
}

/**
 * A value of a manifest as text, for comparing and for messages: a string as it is, anything else
 * as its JSON. Never throws: `String()` does on an object whose `toString` key holds data.
 */
export function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object') return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return '(unreadable value)';
  }
}

/** A container's command line: `command` then `args`, as strings. */
export function argvOf(container: any): string[] {
  const argv: string[] = [];
  for (const a of asArray(container?.command)) argv.push(asText(a));
  for (const a of asArray(container?.args)) argv.push(asText(a));
  return argv;
}

/** How deep a manifest or CNI config may nest: real ones stay under 30 levels. */
export const MAX_DEPTH = 256;

/**
 * Manifest data as plain data: keys that name members of every object (`toString`, `valueOf`,
 * `__proto__`, ...) are dropped, since no Kubernetes or CNI field has such a name and, kept, they
 * break every use of the object as text. Refuses data nested deeper than `MAX_DEPTH`, whatever the
 * stack allows at the moment. Walks without recursion.
 */
export function plainData(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  const root: any = Array.isArray(value) ? [] : {};
  const stack: [any, any, number][] = [[value, root, 1]];
  while (stack.length > 0) {
    const [from, to, depth] = stack.pop()!;
    if (depth > MAX_DEPTH) throw new Error(`nested more than ${MAX_DEPTH} levels deep`);
    for (const key of Object.keys(from)) {
      if (!Array.isArray(from) && key in Object.prototype) continue;
      const v = from[key];
      // Keys of Object.prototype (__proto__ among them) are skipped above, so plain assignment
      // cannot reach a prototype.
      if (v !== null && typeof v === 'object') {
        const copy = Array.isArray(v) ? [] : {};
        to[key] = copy;
        stack.push([v, copy, depth + 1]);
      } else {
        to[key] = v;
      }
    }
  }
  return root;
}

/** JSON text as plain data (see `plainData`); throws on invalid JSON and on data nested too deep. */
export function parseJson(textValue: string): unknown {
  return plainData(JSON.parse(textValue));
}