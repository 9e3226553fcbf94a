// The plumbing of a shared link's query string: reading each parameter once (a repeated key
// is reported, the first value used), collecting the problem sentences, and writing values
// readably (`ob_hidden=128,64`, `data=sample:6EH4-...`) instead of percent-escaping all.

/** A whole or decimal number as people write it; no hex, no `Infinity`, no blanks. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** The number `text` spells, or undefined when it is not plainly a finite number. */
export function decimal(text: string): number | undefined {
  if (!DECIMAL.test(text)) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

// Controls and bidirectional overrides could disguise a problem sentence; long values would drown it.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const SHOWN_LENGTH = 48;

/** A value from the link as it may appear inside a sentence (always rendered as text). */
export function shown(text: string): string {
  const clean = text.replace(UNSAFE, '\uFFFD');
  return clean.length > SHOWN_LENGTH ? `${clean.slice(0, SHOWN_LENGTH)}…` : clean;
}

/** The sentence of a validator's UserError (or any error). */
export function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

// A hostile link may carry thousands of parameters; a few sentences say enough.
const MAX_UNKNOWN_REPORTED = 10;

export class QueryReader {
  readonly problems: string[] = [];
  private readonly params: URLSearchParams;
  private readonly taken = new Set<string>();

  constructor(search: string) {
    this.params = new URLSearchParams(search);
  }

  /** The first value of `key`, or undefined; each key is read once. */
  take(key: string): string | undefined {
    this.taken.add(key);
    const values = this.params.getAll(key);
    if (values.length === 0) return undefined;
    if (values.length > 1) {
      this.problem(`${key} is given ${values.length} times; used the first, ${key}=${shown(values[0])}`);
    }
    return values[0];
  }

  problem(sentence: string): void {
    this.problems.push(sentence);
  }

  /** Reports every parameter nobody took. Call once, after reading. */
  reportUnknown(): void {
    const unknown = [...new Set(this.params.keys())].filter((k) => !this.taken.has(k));
    for (const key of unknown.slice(0, MAX_UNKNOWN_REPORTED)) this.problem(`unknown parameter "${shown(key)}" ignored`);
    if (unknown.length > MAX_UNKNOWN_REPORTED) this.problem(`${unknown.length - MAX_UNKNOWN_REPORTED} more unknown parameters ignored`);
  }
}

/**
 * `key=value&...` with values escaped as URLSearchParams reads them back, leaving the
 * characters a query may hold as they are (RFC 3986 §3.4: `:` `@` `/` and `,`) so the link
 * stays readable. `+`, `&`, `=` and `#` stay escaped: they would change the parse.
 */
export function writeQuery(pairs: readonly (readonly [string, string])[]): string {
  return pairs.map(([key, value]) => `${key}=${readable(value)}`).join('&');
}

function readable(value: string): string {
  return encodeURIComponent(value).replace(/%(3A|2C|2F|40)/g, (escaped) => decodeURIComponent(escaped));
}
