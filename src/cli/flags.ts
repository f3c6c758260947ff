// Command-line flags, parsed in one place: `--name value`, `--name=value`
// and boolean `--name`.

export class UsageError extends Error {
  readonly reason = "Usage" as const;
}

export interface FlagSpec {
  [name: string]: { type: "string" | "boolean" | "number"; default?: string | boolean | number; help: string };
}

export type Flags<S extends FlagSpec> = {
  [K in keyof S]: S[K]["type"] extends "boolean" ? boolean : S[K]["type"] extends "number" ? number : string | undefined;
};

export function parseFlags<S extends FlagSpec>(spec: S, argv: string[]): Flags<S> {
  const out: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(spec)) out[name] = f.default ?? (f.type === "boolean" ? false : undefined);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("--")) throw new UsageError(`unexpected argument: ${arg}`);
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const f = spec[name];
    if (f === undefined) throw new UsageError(`unknown flag: --${name}`);
    let value: string | undefined = eq < 0 ? undefined : arg.slice(eq + 1);
    if (f.type === "boolean") {
      out[name] = value === undefined ? true : value === "true";
      continue;
    }
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined) throw new UsageError(`flag --${name} needs a value`);
    }
    if (f.type === "number") {
      const n = Number(value);
      if (!Number.isInteger(n)) throw new UsageError(`flag --${name}: not a number: ${value}`);
      out[name] = n;
    } else out[name] = value;
  }
  return out as Flags<S>;
}

export function usage(spec: FlagSpec): string {
  return Object.entries(spec)
    .map(([name, f]) => `  --${name}${f.type === "boolean" ? "" : ` <${f.type}>`}\t${f.help}${f.default !== undefined ? ` (default ${String(f.default)})` : ""}`)
    .join("\n");
}
