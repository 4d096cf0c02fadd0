// Where in a file a field of an object was written: findings point at the field's line and
// column, not only at the document's first line. Also finds the keys a mapping defines twice.
import { isMap, isScalar, isSeq, LineCounter, Pair, Scalar } from 'yaml';

/** A line and column, both counted from 1. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/** The text an object was read from: its YAML node, or for a CNI config file the file's JSON. */
export interface ObjectText {
  readonly text: string;
  readonly lines: LineCounter;
  /** The object's YAML node; undefined for a CNI config file, whose text is the config itself. */
  readonly node?: unknown;
}

/** A key that one mapping defines more than once. */
export interface DuplicateKey {
  /** The path of the key, in the form findings name fields (`metadata.labels.app`). */
  readonly path: string;
  /** The lines of each definition, in order. */
  readonly lines: number[];
}

type Segment = { key: string } | { index: number } | { match: [string, string] };

/** `spec.containers[0].env.X`, `data["k"].binDir`, `interfaces[name=a].binding`; a trailing ` (...)` is a note. */
function segments(field: string): Segment[] {
  const out: Segment[] = [];
  const re = /\.?([^.[\]"\s]+)|\["((?:[^"\\]|\\.)*)"\]|\[(\d+)\]|\[([^=\]]+)=([^\]]*)\]/y;
  const text = field.replace(/ \(.*\)$/, '');
  let m: RegExpExecArray | null;
  while (re.lastIndex < text.length && (m = re.exec(text))) {
    if (m[1] !== undefined) out.push({ key: m[1] });
    else if (m[2] !== undefined) out.push({ key: m[2].replace(/\\(.)/g, '$1') });
    else if (m[3] !== undefined) out.push({ index: Number(m[3]) });
    else out.push({ match: [m[4], m[5]] });
  }
  return out;
}

function keyText(pair: Pair): string | undefined {
  return isScalar(pair.key) && (typeof pair.key.value === 'string' || typeof pair.key.value === 'number' || typeof pair.key.value === 'boolean')
    ? String(pair.key.value) : undefined;
}

function start(node: unknown): number | undefined {
  return (node as { range?: [number, number, number] } | null)?.range?.[0];
}

/**
 * The position of `field` in the object's text: the key of the deepest mapping entry the path
 * reaches (the last one, where a key is defined twice: the value that counts), the list item, or
 * inside a string of JSON (a NAD's config, a daemon config) the key named last.
 */
export function locate(t: ObjectText, field: string): Position | undefined {
  const segs = segments(field);
  if (t.node === undefined) {
    // A CNI config file is judged as the NAD that would carry it: spec.config is the file.
    if (segs.length < 2 || !('key' in segs[0]) || segs[0].key !== 'spec' || !('key' in segs[1]) || segs[1].key !== 'config') return undefined;
    return position(t, searchJson(t.text, 0, t.text.length, segs.slice(2)) ?? 0);
  }
  let node: unknown = t.node;
  let at = start(node);
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i];
    if (isMap(node) && 'key' in seg) {
      const pair = [...node.items].reverse().find((p) => keyText(p) === seg.key);
      if (!pair) break;
      at = start(pair.key) ?? at;
      node = pair.value;
    } else if (isSeq(node)) {
      const item = 'index' in seg ? node.items[seg.index]
        : node.items.find((it) => isMap(it) && String((it.get('name', true) as Scalar | undefined)?.value) === ('key' in seg ? seg.key : seg.match[1]));
      if (!item) break;
      at = start(item) ?? at;
      node = item;
    } else if (isScalar(node) && typeof node.value === 'string' && node.range) {
      at = searchJson(t.text, node.range[0], node.range[1], segs.slice(i)) ?? at;
      break;
    } else {
      break;
    }
  }
  return at === undefined ? undefined : position(t, at);
}

function position(t: ObjectText, offset: number): Position {
  const p = t.lines.linePos(offset);
  return { line: p.line, column: p.col };
}

/** The offset of the last key of `segs` in JSON text, found key after key from `from`. */
function searchJson(text: string, from: number, to: number, segs: Segment[]): number | undefined {
  let at: number | undefined;
  let cursor = from;
  for (const seg of segs) {
    if (!('key' in seg)) continue;
    // A JSON key, written plainly, or with its quotes escaped inside a double-quoted YAML string.
    const found = [`"${seg.key}"`, `\\"${seg.key}\\"`].map((k) => text.indexOf(k, cursor)).filter((n) => n >= 0 && n < to);
    if (found.length === 0) break;
    at = Math.min(...found);
    cursor = at + 1;
  }
  return at;
}

/** Keys defined twice in one mapping, anywhere under `node`, with the path findings would name them by. */
export function duplicateKeys(node: unknown, lines: LineCounter, path = ''): DuplicateKey[] {
  const child = (key: string) => (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? `${path}${path ? '.' : ''}${key}` : `${path}[${JSON.stringify(key)}]`);
  const out: DuplicateKey[] = [];
  if (isMap(node)) {
    const seen = new Map<string, number[]>();
    let twice = false;
    for (const pair of node.items) {
      const key = keyText(pair);
      const offset = start(pair.key);
      if (key === undefined || offset === undefined) continue;
      const offsets = seen.get(key);
      if (offsets) {
        offsets.push(offset);
        twice = true;
      } else {
        seen.set(key, [offset]);
      }
    }
    if (twice) {
      for (const [key, at] of seen) if (at.length > 1) out.push({ path: child(key), lines: at.map((o) => lines.linePos(o).line) });
    }
    for (const pair of node.items) {
      if (isMap(pair.value) || isSeq(pair.value)) {
        const key = keyText(pair);
        if (key !== undefined) out.push(...duplicateKeys(pair.value, lines, child(key)));
      }
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      if (isMap(item) || isSeq(item)) out.push(...duplicateKeys(item, lines, `${path}[${i}]`));
    });
  }
  return out;
}
