/**
 * Number literals in JSON text that a JavaScript value cannot carry
 * unchanged: `1e400` (which parses to Infinity and is stored as null) or
 * `12345678901234567890` (rounded to 12345678901234567000). A literal is kept
 * exactly when the double it parses to prints back as the same decimal.
 */
export function firstInexactNumber(json: string): string | undefined {
  const number = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  let i = 0;
  while (i < json.length) {
    const c = json.charCodeAt(i);
    if (c === 0x22 /* " */) {
      i = endOfString(json, i);
      continue;
    }
    if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
      number.lastIndex = i;
      const token = number.exec(json)?.[0];
      if (!token) return json.slice(i, i + 1);
      const value = Number(token);
      if (!Number.isFinite(value) || decimal(token) !== decimal(String(value))) return token;
      i += token.length;
      continue;
    }
    i++;
  }
  return undefined;
}

/** The index just past the string literal starting at `start`. */
function endOfString(json: string, start: number): number {
  let i = start + 1;
  while (i < json.length) {
    const c = json.charCodeAt(i);
    if (c === 0x5c /* \ */) i += 2;
    else if (c === 0x22) return i + 1;
    else i++;
  }
  return i;
}

/** A canonical form of a decimal literal: sign, significant digits, exponent; every zero is `0`. */
function decimal(literal: string): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(literal);
  if (!m) return literal;
  const [, sign, int, frac = '', exp = '0'] = m;
  let digits = (int! + frac).replace(/^0+/, '');
  let exponent = Number(exp) - frac.length;
  if (digits === '') return '0';
  const trailing = digits.length - digits.replace(/0+$/, '').length;
  digits = digits.slice(0, digits.length - trailing);
  exponent += trailing;
  return `${sign}${digits}e${exponent}`;
}
