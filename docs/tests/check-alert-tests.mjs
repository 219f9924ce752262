#!/usr/bin/env node
// Checks that docs/prometheus/alerts.test.yml covers every alert of alerts.yml both ways (at least
// one case where it fires and one where it stays quiet, exp_alerts: []), that tests name no
// unknown alert, that each alert has a severity, a summary, a description and a runbook, and that
// the library series the rules read exist in docs/metrics.md. promtool then runs the tests.
//
// Usage: node check-alert-tests.mjs      exit 0 when complete, 1 otherwise.

import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { knownSeries } from './lib/metrics-contract.mjs';
import { scan } from './lib/promql.mjs';

const PROM = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'prometheus');
/** Series from outside the library the rules may read: Prometheus itself and the exporters. */
const OTHER_SERIES = ['up', 'redis_up', 'pg_up'];

export function checkAlertTests(rulesFile = join(PROM, 'alerts.yml'), testsFile = join(PROM, 'alerts.test.yml')) {
  const errors = [];
  const rules = parse(readFileSync(rulesFile, 'utf8'));
  const tests = parse(readFileSync(testsFile, 'utf8'));
  const { series, errors: contractErrors } = knownSeries();
  errors.push(...contractErrors);

  const alerts = new Map();
  for (const g of rules.groups ?? []) {
    for (const r of g.rules ?? []) {
      if (!r.alert) continue;
      if (alerts.has(r.alert)) errors.push(`alert ${r.alert} is defined twice`);
      alerts.set(r.alert, { firing: 0, quiet: 0 });
      if (!r.labels?.severity) errors.push(`alert ${r.alert} has no severity label`);
      for (const a of ['summary', 'description', 'runbook']) {
        if (!r.annotations?.[a]?.trim()) errors.push(`alert ${r.alert} has no ${a} annotation`);
      }
      for (const sel of scan(r.expr).selectors) {
        if (!series.has(sel.metric) && !OTHER_SERIES.includes(sel.metric)) {
          errors.push(`alert ${r.alert} reads ${sel.metric}, which is not in docs/metrics.md`);
        }
      }
    }
  }
  for (const t of tests.tests ?? []) {
    for (const c of t.alert_rule_test ?? []) {
      const seen = alerts.get(c.alertname);
      if (!seen) {
        errors.push(`test "${t.name}" names unknown alert ${c.alertname}`);
        continue;
      }
      if ((c.exp_alerts ?? []).length > 0) seen.firing++;
      else seen.quiet++;
    }
  }
  for (const [name, { firing, quiet }] of alerts) {
    if (!firing) errors.push(`alert ${name} has no test case where it fires`);
    if (!quiet) errors.push(`alert ${name} has no test case where it stays quiet (exp_alerts: [])`);
  }
  return { errors, alerts };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { errors, alerts } = checkAlertTests();
  if (errors.length) {
    console.error(`FAIL alert test coverage: ${errors.length} problem(s)`);
    for (const e of errors) console.error(`  - ${e}`);
    process.exit(1);
  }
  const summary = [...alerts].map(([n, c]) => `${n} (${c.firing} firing, ${c.quiet} quiet)`).join(', ');
  console.log(`OK alert test coverage: ${alerts.size} alerts, each fires and stays quiet in alerts.test.yml: ${summary}`);
}
