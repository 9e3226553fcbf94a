// A small, strict argument parser for the `nexus` command line: `--name value`,
// `--flag`, repeated `--set k=v`, and positionals. Unknown options are usage errors.

import { UserError } from '../errors.ts';

export interface ParsedArgs {
  positionals: string[];
  options: Map<string, string[]>;
  flags: Set<string>;
}

/** `valued` names take a value; `booleans` are bare flags. Anything else is rejected. */
export function parseArgs(argv: string[], valued: string[], booleans: string[] = []): ParsedArgs {
  const out: ParsedArgs = { positionals: [], options: new Map(), flags: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      out.positionals.push(arg);
      continue;
    }
    const name = arg.slice(2);
    if (booleans.includes(name)) {
      out.flags.add(name);
    } else if (valued.includes(name)) {
      const value = argv[++i];
      if (value === undefined) throw new UserError(`option --${name} needs a value`);
      out.options.set(name, [...(out.options.get(name) ?? []), value]);
    } else {
      throw new UserError(`unknown option --${name}`);
    }
  }
  return out;
}

export function option(args: ParsedArgs, name: string): string | undefined {
  return args.options.get(name)?.at(-1);
}

export function requireOption(args: ParsedArgs, name: string): string {
  const value = option(args, name);
  if (value === undefined) throw new UserError(`missing --${name}`);
  return value;
}
