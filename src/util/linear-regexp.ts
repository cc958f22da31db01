import { RE2JS } from 're2js';

/**
 * Regular expressions that match in time linear in the input: RE2 semantics
 * (no backreferences, no lookaround), so no pattern can backtrack
 * exponentially, whatever the input.
 */
export interface LinearRegExp {
  readonly source: string;
  /** Whether the pattern matches anywhere in `input`, as `RegExp#test` does. */
  test(input: string): boolean;
  /** Instructions in the compiled program: how much work each input character costs at most. */
  readonly size: number;
  toString(): string;
}

/** Compiles `source`, or throws with RE2's reason (e.g. "invalid or unsupported Perl syntax: `(?=`"). */
export function compileLinear(source: string, flags = ''): LinearRegExp {
  let options = 0;
  if (flags.includes('i')) options |= RE2JS.CASE_INSENSITIVE;
  if (flags.includes('m')) options |= RE2JS.MULTILINE;
  if (flags.includes('s')) options |= RE2JS.DOTALL;
  const re = RE2JS.compile(source, options);
  return {
    source,
    size: programSize(re, source),
    test: (input: string) => re.matcher(input).find(),
    toString: () => `/${source}/${flags}`,
  };
}

function programSize(re: RE2JS, source: string): number {
  // The instruction count is not part of RE2JS's typed surface; fall back to the source length.
  const prog = (re as unknown as { re2Input?: { prog?: { numInst?: () => number } } }).re2Input?.prog;
  return typeof prog?.numInst === 'function' ? prog.numInst() : source.length;
}
