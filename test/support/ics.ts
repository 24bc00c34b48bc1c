/**
 * A small, strict iCalendar reader for tests: checks CRLF line ends and the 75-octet fold limit, unfolds,
 * splits name;params:value, unescapes TEXT, and checks that BEGIN/END nest. Throws on anything malformed.
 */
export interface IcsProperty {
  name: string;
  params: Record<string, string>;
  value: string;
}

export interface IcsComponent {
  name: string;
  properties: IcsProperty[];
  components: IcsComponent[];
  /** First property of that name. */
  get(name: string): IcsProperty | undefined;
}

export function unescapeText(value: string): string {
  return value.replace(/\\([\\;,nN])/g, (_m, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
}

function splitProperty(line: string): IcsProperty {
  let i = 0;
  let inQuotes = false;
  for (; i < line.length; i++) {
    const c = line[i];
    if (c === '"') inQuotes = !inQuotes;
    else if (c === ':' && !inQuotes) break;
  }
  if (i === line.length) throw new Error(`ics: no ":" in ${line}`);
  const [name, ...rawParams] = line.slice(0, i).split(/;(?=(?:[^"]*"[^"]*")*[^"]*$)/);
  const params: Record<string, string> = {};
  for (const p of rawParams) {
    const at = p.indexOf('=');
    params[p.slice(0, at).toUpperCase()] = p.slice(at + 1).replace(/^"(.*)"$/, '$1');
  }
  return { name: name!.toUpperCase(), params, value: line.slice(i + 1) };
}

export function parseIcs(text: string): IcsComponent {
  if (!text.endsWith('\r\n')) throw new Error('ics: must end with CRLF');
  const physical = text.slice(0, -2).split('\r\n');
  for (const line of physical) {
    if (line.includes('\n') || line.includes('\r')) throw new Error('ics: bare LF or CR');
    if (Buffer.byteLength(line) > 75) throw new Error(`ics: line over 75 octets: ${line}`);
  }
  const logical: string[] = [];
  for (const line of physical) {
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (logical.length === 0) throw new Error('ics: continuation without a line');
      logical[logical.length - 1] += line.slice(1);
    } else logical.push(line);
  }
  const make = (name: string): IcsComponent => {
    const c: IcsComponent = {
      name,
      properties: [],
      components: [],
      get: (n) => c.properties.find((p) => p.name === n),
    };
    return c;
  };
  const stack: IcsComponent[] = [];
  let root: IcsComponent | undefined;
  for (const line of logical) {
    const prop = splitProperty(line);
    if (prop.name === 'BEGIN') {
      const child = make(prop.value);
      if (stack.length > 0) stack.at(-1)!.components.push(child);
      else if (root) throw new Error('ics: two top-level components');
      else root = child;
      stack.push(child);
    } else if (prop.name === 'END') {
      const open = stack.pop();
      if (!open || open.name !== prop.value)
        throw new Error(`ics: END:${prop.value} does not close ${open?.name}`);
    } else {
      const current = stack.at(-1);
      if (!current) throw new Error(`ics: property outside a component: ${line}`);
      current.properties.push(prop);
    }
  }
  if (!root || stack.length > 0) throw new Error('ics: unbalanced BEGIN/END');
  return root;
}
