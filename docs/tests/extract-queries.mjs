#!/usr/bin/env node
// Prints the dashboard's queries with Grafana's variables replaced ($store and $instance -> .*,
// $__rate_interval -> 1m, $__interval -> 15s), the way a test runs them against a real Prometheus.
//
//   node extract-queries.mjs            JSON lines: {"panelId", "panelTitle", "refId", "instant", "promql"}
//   node extract-queries.mjs --rules    a Prometheus rule file with one recording rule per query, so
//                                       that `promtool check rules` parses every query (check-all.sh)

import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { DASHBOARD_FILE, extractQueries } from './validate-dashboard.mjs';

const dashboard = JSON.parse(readFileSync(process.argv.find((a) => a.endsWith('.json')) ?? DASHBOARD_FILE, 'utf8'));
const queries = extractQueries(dashboard);

if (process.argv.includes('--rules')) {
  const rules = queries.map((q) => ({
    record: `dashboard:${String(q.refId).replace(/[^a-zA-Z0-9_:]/g, '_')}`,
    expr: q.promql,
  }));
  process.stdout.write(stringify({ groups: [{ name: 'dashboard-queries', rules }] }, { lineWidth: 0 }));
} else {
  for (const q of queries) {
    const { expr, ...rest } = q;
    void expr;
    console.log(JSON.stringify(rest));
  }
}
