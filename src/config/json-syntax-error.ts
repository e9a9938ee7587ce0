export interface JsonSyntaxProblem {
  line: number;
  column: number;
  problem: string;
}

/**
 * Where and why `text` is not JSON, without quoting any of it: V8's own message quotes the text around the error,
 * which in a config file can be a secret (`"apiSecret": 'H5s…'`). A small recursive-descent scan finds the first
 * error; the problem names the kind of character found (punctuation only, never letters or digits) and what JSON
 * expected there. Undefined when the text is valid JSON.
 */
export function locateJsonError(text: string): JsonSyntaxProblem | undefined {
  let i = 0;
  class Stop extends Error {
    constructor(
      readonly at: number,
      readonly problem: string,
    ) {
      super(problem);
    }
  }
  const found = (at: number): string => {
    if (at >= text.length) return 'the file ends';
    const c = text[at];
    if (c === "'") return 'a single quote (JSON strings and keys need double quotes)';
    if (/[A-Za-z0-9_$]/.test(c))
      return 'a letter or digit outside a string (is a value or key missing its double quotes?)';
    if (c.charCodeAt(0) < 0x20) return 'a control character';
    if (c === '\ufeff') return 'a byte-order mark (save the file as UTF-8 without BOM)';
    if (/[!-~]/.test(c)) return `"${c}"`;
    return 'a character outside a string';
  };
  const fail = (expected: string, at = i): never => {
    throw new Stop(at, `expected ${expected}, found ${found(at)}`);
  };
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else fail('a value');
  };
  const string = () => {
    if (text[i] !== '"') fail('a string in double quotes');
    i++;
    for (;;) {
      if (i >= text.length) fail('the closing double quote of a string');
      const c = text[i];
      if (c === '"') return void i++;
      if (c.charCodeAt(0) < 0x20)
        throw new Stop(i, 'a string contains a raw line break or control character (write it as \\n or \\uXXXX)');
      if (c === '\\') {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6)))
            throw new Stop(i, 'a \\u escape needs four hex digits');
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else throw new Stop(i, 'unknown escape in a string (a backslash must be written as \\\\)');
      } else i++;
    }
  };
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) fail('a value');
    i += m![0].length;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') fail(text[i] === '}' ? 'another key (no comma before "}")' : 'a key in double quotes');
        string();
        ws();
        if (text[i] !== ':') fail('":" after a key');
        i++;
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') return void i++;
        fail('"," or "}" after a value');
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ',') {
          i++;
          ws();
          if (text[i] === ']') fail('another value (no comma before "]")');
          continue;
        }
        if (text[i] === ']') return void i++;
        fail('"," or "]" after a value');
      }
    }
    if (c === '"') return string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    fail('a value');
  };
  try {
    value();
    ws();
    if (i < text.length) fail('the end of the file after the top-level value');
    return undefined;
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
    const before = text.slice(0, e.at);
    const line = before.split('\n').length;
    const column = e.at - before.lastIndexOf('\n');
    return { line, column, problem: e.problem };
  }
}
