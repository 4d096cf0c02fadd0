// A reader for the TOML that containerd's config files are written in (TOML v1.0.0: tables,
// arrays of tables, dotted and quoted keys, strings of all four kinds, arrays, inline tables,
// booleans; numbers and dates are kept as text). Enough to find the CNI dirs; the tests check it
// against Python's tomllib on the configs k3s and containerd write.

/** A TOML document that cannot be read, with the line. */
export class TomlError extends Error {}

export function parseToml(text: string): { [key: string]: any } {
  return new Reader(text).document();
}

class Reader {
  private pos = 0;

  public constructor(private readonly text: string) {}

  public document(): { [key: string]: any } {
    const root: { [key: string]: any } = {};
    let table = root;
    for (;;) {
      this.skip(true);
      if (this.pos >= this.text.length) return root;
      if (this.text[this.pos] === '[') {
        const arrayOfTables = this.text[this.pos + 1] === '[';
        this.pos += arrayOfTables ? 2 : 1;
        const keys = this.key();
        this.expect(arrayOfTables ? ']]' : ']');
        if (arrayOfTables) {
          const parent = this.tableAt(root, keys.slice(0, -1));
          const last = keys[keys.length - 1];
          if (!Array.isArray(parent[last])) parent[last] = [];
          table = {};
          parent[last].push(table);
        } else {
          table = this.tableAt(root, keys);
        }
      } else {
        this.keyValue(table);
      }
      this.endOfLine();
    }
  }

  private keyValue(table: { [key: string]: any }): void {
    const keys = this.key();
    this.expect('=');
    this.skip(false);
    const value = this.value();
    this.tableAt(table, keys.slice(0, -1))[keys[keys.length - 1]] = value;
  }

  /** The table at a key path under `from`, created when absent (the last table of an array). */
  private tableAt(from: { [key: string]: any }, keys: string[]): { [key: string]: any } {
    let t = from;
    for (const k of keys) {
      if (!Object.prototype.hasOwnProperty.call(t, k)) t[k] = {};
      const next = t[k];
      t = Array.isArray(next) ? next[next.length - 1] : next;
      if (typeof t !== 'object' || t === null) throw this.error(`key "${k}" is a value, not a table`);
    }
    return t;
  }

  private key(): string[] {
    const keys: string[] = [];
    for (;;) {
      this.skip(false);
      const c = this.text[this.pos];
      if (c === '"' || c === '\'') {
        keys.push(this.string());
      } else {
        const m = /^[A-Za-z0-9_-]+/.exec(this.text.slice(this.pos, this.pos + 256));
        if (!m) throw this.error('a key was expected');
        keys.push(m[0]);
        this.pos += m[0].length;
      }
      this.skip(false);
      if (this.text[this.pos] !== '.') return keys;
      this.pos++;
    }
  }

  private value(): any {
    const c = this.text[this.pos];
    if (c === '"' || c === '\'') return this.string();
    if (c === '[') {
      this.pos++;
      const out: any[] = [];
      for (;;) {
        this.skip(true);
        if (this.text[this.pos] === ']') break;
        out.push(this.value());
        this.skip(true);
        if (this.text[this.pos] === ',') this.pos++;
        else if (this.text[this.pos] !== ']') throw this.error('"," or "]" was expected in an array');
      }
      this.pos++;
      return out;
    }
    if (c === '{') {
      this.pos++;
      const out: { [key: string]: any } = {};
      this.skip(false);
      while (this.text[this.pos] !== '}') {
        this.keyValue(out);
        this.skip(false);
        if (this.text[this.pos] === ',') this.pos++;
        else if (this.text[this.pos] !== '}') throw this.error('"," or "}" was expected in an inline table');
        this.skip(false);
      }
      this.pos++;
      return out;
    }
    const m = /^[^\s,\]}#]+/.exec(this.text.slice(this.pos, this.pos + 256));
    if (!m) throw this.error('a value was expected');
    this.pos += m[0].length;
    if (m[0] === 'true') return true;
    if (m[0] === 'false') return false;
    return m[0];
  }

  private string(): string {
    const q = this.text[this.pos];
    const multi = this.text.startsWith(q.repeat(3), this.pos);
    this.pos += multi ? 3 : 1;
    // A newline right after the opening delimiter of a multi-line string is dropped.
    if (multi && this.text[this.pos] === '\n') this.pos++;
    else if (multi && this.text.startsWith('\r\n', this.pos)) this.pos += 2;
    let out = '';
    for (;;) {
      if (this.pos >= this.text.length) throw this.error('unterminated string');
      if (multi ? this.text.startsWith(q.repeat(3), this.pos) : this.text[this.pos] === q) {
        this.pos += multi ? 3 : 1;
        // Up to two more quotes right before the closing delimiter belong to the string.
        while (multi && this.text[this.pos] === q) {
          out += q;
          this.pos++;
        }
        return out;
      }
      const c = this.text[this.pos];
      if (!multi && c === '\n') throw this.error('newline in a single-line string');
      if (q === '"' && c === '\\') {
        out += this.escape(multi);
        continue;
      }
      out += c;
      this.pos++;
    }
  }

  private escape(multi: boolean): string {
    const e = this.text[this.pos + 1];
    this.pos += 2;
    const simple: { [k: string]: string } = { 'b': '\b', 't': '\t', 'n': '\n', 'f': '\f', 'r': '\r', '"': '"', '\\': '\\', 'e': '\x1b' };
    if (e in simple) return simple[e];
    if (e === 'u' || e === 'U') {
      const n = e === 'u' ? 4 : 8;
      const hex = this.text.slice(this.pos, this.pos + n);
      if (!/^[0-9A-Fa-f]+$/.test(hex) || hex.length !== n) throw this.error(`bad \\${e} escape`);
      this.pos += n;
      return String.fromCodePoint(parseInt(hex, 16));
    }
    if (multi && /[ \t\r\n]/.test(e)) {
      // A line-ending backslash joins the lines, dropping the white space that follows.
      this.pos--;
      while (/[ \t\r\n]/.test(this.text[this.pos] ?? '')) this.pos++;
      return '';
    }
    throw this.error(`bad escape \\${e}`);
  }

  /** Skips spaces and comments, and newlines too when `newlines`. */
  private skip(newlines: boolean): void {
    for (;;) {
      const c = this.text[this.pos];
      if (c === ' ' || c === '\t' || (newlines && (c === '\n' || c === '\r'))) {
        this.pos++;
      } else if (c === '#') {
        while (this.pos < this.text.length && this.text[this.pos] !== '\n') this.pos++;
      } else {
        return;
      }
    }
  }

  private endOfLine(): void {
    this.skip(false);
    if (this.pos >= this.text.length) return;
    if (this.text[this.pos] === '\r') this.pos++;
    if (this.text[this.pos] !== '\n') throw this.error('end of line was expected');
    this.pos++;
  }

  private expect(s: string): void {
    this.skip(false);
    if (!this.text.startsWith(s, this.pos)) throw this.error(`"${s}" was expected`);
    this.pos += s.length;
  }

  private error(message: string): TomlError {
    const line = this.text.slice(0, this.pos).split('\n').length;
    return new TomlError(`line ${line}: ${message}`);
  }
}
