// A small PromQL scanner: enough to find the metric selectors, their label matchers and the labels
// named in grouping clauses of the dashboard's queries. Syntax itself is checked by promtool
// (check-all.sh compiles every query as a recording rule), so this only has to read valid PromQL.

const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'atan2']);
const GROUPING = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);
const AGGREGATIONS = new Set([
  'sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values',
  'bottomk', 'topk', 'quantile', 'limitk', 'limit_ratio',
]);

const TOKEN = new RegExp(
  [
    /(?<ws>\s+)/,
    /(?<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`)/,
    /(?<range>\[[^\]]*\])/,
    /(?<num>(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?(?:ms|[smhdwy])?|0x[0-9a-f]+|Inf|NaN)/,
    /(?<ident>[a-zA-Z_:][a-zA-Z0-9_:]*)/,
    /(?<var>\$\{[^}]*\}|\$[a-zA-Z_][a-zA-Z0-9_]*)/,
    /(?<op>=~|!~|!=|==|<=|>=|[-+*/%^<>=,(){}@])/,
  ]
    .map((r) => r.source)
    .join('|'),
  'y',
);

export function tokenize(expr) {
  const tokens = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < expr.length) {
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(expr);
    if (!m) throw new Error(`cannot read PromQL at offset ${at}: ${expr.slice(at, at + 20)}`);
    const [kind, text] = Object.entries(m.groups).find(([, v]) => v !== undefined);
    if (kind !== 'ws') tokens.push({ kind, text, at });
  }
  return tokens;
}

function unquote(s) {
  return s.slice(1, -1).replace(/\\(.)/g, '$1');
}

/**
 * Returns { selectors: [{ metric, matchers: [{ label, op, value }] }], grouping: [label],
 *           functions: [name], variables: [text] }.
 * `variables` are the Grafana variables left in the text ($store, ${x}, ...), wherever they are.
 */
export function scan(expr) {
  const t = tokenize(expr);
  const selectors = [];
  const grouping = [];
  const functions = [];
  const variables = [];
  for (const m of expr.matchAll(/\$\{[^}]*\}|\$[a-zA-Z_][a-zA-Z0-9_]*|\[\[[^\]]*\]\]/g)) variables.push(m[0]);

  const readMatchers = (i) => {
    // t[i] is '{'; returns [matchers, index after '}']
    const matchers = [];
    let j = i + 1;
    while (j < t.length && t[j].text !== '}') {
      if (t[j].text === ',') {
        j++;
        continue;
      }
      const label = t[j];
      const op = t[j + 1];
      const value = t[j + 2];
      if (label?.kind !== 'ident' || !['=', '!=', '=~', '!~'].includes(op?.text) || value?.kind !== 'str') {
        throw new Error(`cannot read label matcher at offset ${label?.at}`);
      }
      matchers.push({ label: label.text, op: op.text, value: unquote(value.text) });
      j += 3;
    }
    return [matchers, j + 1];
  };

  for (let i = 0; i < t.length; i++) {
    const tok = t[i];
    if (tok.kind === 'op' && tok.text === '{') {
      const [matchers, next] = readMatchers(i);
      selectors.push({ metric: null, matchers });
      i = next - 1;
      continue;
    }
    if (tok.kind !== 'ident') continue;
    const next = t[i + 1];
    if (GROUPING.has(tok.text)) {
      if (next?.text === '(') {
        let j = i + 2;
        while (j < t.length && t[j].text !== ')') {
          if (t[j].kind === 'ident') grouping.push(t[j].text);
          j++;
        }
        i = j;
      }
      continue;
    }
    if (KEYWORDS.has(tok.text)) continue;
    if (next?.text === '(' || (AGGREGATIONS.has(tok.text) && GROUPING.has(next?.text))) {
      functions.push(tok.text); // a call, or an aggregation written `sum by (x) (...)`
      continue;
    }
    if (next?.text === '{') {
      const [matchers, after] = readMatchers(i + 1);
      selectors.push({ metric: tok.text, matchers });
      i = after - 1;
    } else {
      selectors.push({ metric: tok.text, matchers: [] });
    }
  }
  return { selectors, grouping, functions, variables };
}

/** `{{label}}` references of a Grafana legend format. */
export function legendLabels(legendFormat = '') {
  return [...legendFormat.matchAll(/\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g)].map((m) => m[1]);
}
