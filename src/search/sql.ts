/** A growing list of SQL parameters: add() returns the placeholder for a value. */
export class SqlParams {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** A parsed search value prefix (eq, ne, gt, lt, ge, le, sa, eb, ap) and the rest of the value. */
export function splitPrefix(value: string): { prefix: string; rest: string } {
  const m = /^(eq|ne|gt|lt|ge|le|sa|eb|ap)(?=[-+0-9.])/.exec(value);
  return m ? { prefix: m[1], rest: value.slice(2) } : { prefix: 'eq', rest: value };
}

/** Splits a parameter value on unescaped commas (OR), and unescapes \, \$ \| \\. */
export function splitValues(raw: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '\\' && i + 1 < raw.length) {
      cur += c + raw[++i];
    } else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** Splits on the first unescaped '|' and unescapes both sides. */
export function splitPipe(value: string): [string, string] | [string] {
  for (let i = 0; i < value.length; i++) {
    if (value[i] === '\\') i++;
    else if (value[i] === '|') return [unescape(value.slice(0, i)), unescape(value.slice(i + 1))];
  }
  return [unescape(value)];
}

export function unescape(s: string): string {
  return s.replace(/\\([,$|\\])/g, '$1');
}

export function likeEscape(s: string): string {
  return s.replace(/[\\%_]/g, (c) => '\\' + c);
}
