#!/usr/bin/env node
// Validates docs/grafana/tiered-memory-dashboard.json (or the file given as argument):
//
// 1. Schema: the whole file against Grafana's own dashboard model (@grafana/schema's classic
//    Dashboard type, turned into JSON Schema by ts-json-schema-generator, see lib/schemas.mjs) plus
//    the export header (__inputs/__requires); each panel's options and custom field config against
//    its plugin's types from @grafana/schema; each target against DataQuery + the Prometheus query
//    fields. Unknown keys are errors (additionalProperties: false), as are wrong types.
// 2. Contract: every panel and target uses the ${DS_PROMETHEUS} input; $store / $instance are
//    defined as documented; every selector of a tiered_memory_* series with a store tag filters by
//    store=~"$store" and instance=~"$instance" (series without a store tag: by instance); every
//    metric exists in docs/metrics.md (or is one of the example's webhook metrics); every label
//    used in a grouping, matcher or legend is a tag of a metric the query reads; refIds are unique
//    across the dashboard; queries use no Grafana macro but $__rate_interval and $__interval;
//    panels have a title, a description and a unit, and do not overlap.
//
// Usage: node validate-dashboard.mjs [dashboard.json]      exit 0 when valid, 1 otherwise.

import Ajv from 'ajv';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { knownSeries, TARGET_LABELS } from './lib/metrics-contract.mjs';
import { legendLabels, scan } from './lib/promql.mjs';
import { loadSchemas, TESTS_DIR } from './lib/schemas.mjs';

export const DASHBOARD_FILE = join(TESTS_DIR, '..', 'grafana', 'tiered-memory-dashboard.json');
export const DS_REF = { type: 'prometheus', uid: '${DS_PROMETHEUS}' };
export const STORE_QUERY = 'label_values(tiered_memory_items, store)';
export const INSTANCE_QUERY = 'label_values(tiered_memory_items{store=~"$store"}, instance)';
/** Variables a query may contain; anything else would not run outside Grafana. */
export const ALLOWED_VARIABLES = ['$store', '$instance', '$__rate_interval', '$__interval'];

/** Every panel that is not a row, also those nested in collapsed rows. */
export function queryPanels(dashboard) {
  const out = [];
  for (const p of dashboard.panels ?? []) {
    if (p?.type === 'row') out.push(...(p.panels ?? []));
    else out.push(p);
  }
  return out;
}

/**
 * The dashboard's queries as another tool would run them against Prometheus: variables replaced
 * ($store/$instance -> .*, $__rate_interval -> 1m, $__interval -> 15s).
 */
export function extractQueries(dashboard) {
  return queryPanels(dashboard).flatMap((p) =>
    (Array.isArray(p?.targets) ? p.targets : [])
      .filter((t) => typeof t?.expr === 'string') // a target without expr is a schema error
      .map((t) => ({
        panelId: p.id,
        panelTitle: p.title,
        refId: t.refId,
        instant: t.instant === true && t.range !== true,
        expr: t.expr,
        promql: t.expr
          .replaceAll('$store', '.*')
          .replaceAll('$instance', '.*')
          .replaceAll('$__rate_interval', '1m')
          .replaceAll('$__interval', '15s'),
      })),
  );
}

const sameJson = (a, b) => JSON.stringify(a) === JSON.stringify(b);

function ajvErrors(validate, where) {
  return (validate.errors ?? []).map((e) => {
    const extra =
      e.keyword === 'additionalProperties'
        ? ` (unknown key "${e.params.additionalProperty}")`
        : e.keyword === 'enum'
          ? ` (one of ${JSON.stringify(e.params.allowedValues)})`
          : '';
    return `${where}${e.instancePath}: ${e.message}${extra}`;
  });
}

/** Returns a list of problems; empty when the dashboard is valid. */
export async function validateDashboard(dashboard, { metricsFile } = {}) {
  const errors = [];
  const schemas = await loadSchemas();
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });

  // ---- 1. Grafana's schema
  // The dashboard's own fields first, then each panel against Panel or RowPanel by its type: the
  // schema's anyOf(Panel, RowPanel) would otherwise report every mismatch of both branches.
  ajv.addSchema(schemas.dashboard, 'grafana-dashboard');
  const validateDashboardSchema = ajv.getSchema('grafana-dashboard');
  const validatePanel = ajv.getSchema('grafana-dashboard#/definitions/Panel');
  const validateRow = ajv.getSchema('grafana-dashboard#/definitions/RowPanel');
  if (typeof dashboard !== 'object' || dashboard === null || Array.isArray(dashboard)) {
    return ['dashboard: must be a JSON object'];
  }
  const top = Array.isArray(dashboard.panels) ? { ...dashboard, panels: [] } : dashboard;
  if (!validateDashboardSchema(top)) errors.push(...ajvErrors(validateDashboardSchema, 'dashboard'));
  for (const [i, p] of (Array.isArray(dashboard.panels) ? dashboard.panels : []).entries()) {
    const v = p?.type === 'row' ? validateRow : validatePanel;
    if (!v(p)) errors.push(...ajvErrors(v, `dashboard/panels/${i} (${p?.type ?? 'no type'} "${p?.title}")`));
  }

  const validateQuery = ajv.compile(schemas.prometheusQuery);
  const panelValidators = Object.fromEntries(
    Object.entries(schemas.panels).map(([plugin, schema]) => [plugin, ajv.compile(schema)]),
  );

  const panels = Array.isArray(dashboard.panels) ? dashboard.panels : [];
  const all = queryPanels(dashboard);
  const label = (p) => `panel ${p?.id} "${p?.title}"`;

  for (const p of all) {
    if (typeof p !== 'object' || p === null) continue;
    const v = panelValidators[p.type];
    if (!v) {
      errors.push(
        `${label(p)}: no schema for panel type "${p.type}" (add it to schema/dashboard-types.ts and lib/schemas.mjs)`,
      );
    } else {
      const config = { options: p.options };
      if (p.fieldConfig?.defaults?.custom !== undefined) config.custom = p.fieldConfig.defaults.custom;
      if (!v(config)) errors.push(...ajvErrors(v, `${label(p)} ${p.type} config`));
    }
    for (const [i, t] of (Array.isArray(p.targets) ? p.targets : []).entries()) {
      if (!validateQuery(t)) errors.push(...ajvErrors(validateQuery, `${label(p)} targets[${i}]`));
    }
  }

  // ---- 2. This project's contract
  const inputs = Array.isArray(dashboard.__inputs) ? dashboard.__inputs : [];
  const ds = inputs.filter((i) => i?.name === 'DS_PROMETHEUS');
  if (ds.length !== 1 || ds[0].type !== 'datasource' || ds[0].pluginId !== 'prometheus') {
    errors.push('__inputs: needs exactly one DS_PROMETHEUS input of type datasource, pluginId prometheus');
  }

  const vars = dashboard.templating?.list ?? [];
  const byName = Object.fromEntries(vars.map((v) => [v?.name, v]));
  const dsVar = byName.DS_PROMETHEUS;
  if (!dsVar || dsVar.type !== 'datasource' || dsVar.query !== 'prometheus') {
    errors.push(
      'templating: needs a datasource variable DS_PROMETHEUS (query "prometheus") so that a provisioned copy resolves ${DS_PROMETHEUS}',
    );
  }
  for (const [name, query] of [
    ['store', STORE_QUERY],
    ['instance', INSTANCE_QUERY],
  ]) {
    const v = byName[name];
    if (!v) {
      errors.push(`templating: variable $${name} is missing`);
      continue;
    }
    if (v.type !== 'query') errors.push(`templating: $${name} must be a query variable`);
    if (v.query !== query) errors.push(`templating: $${name} query must be ${query}, is ${JSON.stringify(v.query)}`);
    if (v.multi !== true) errors.push(`templating: $${name} must allow several values (multi)`);
    if (v.includeAll !== true) errors.push(`templating: $${name} must include All`);
    if (!sameJson(v.datasource, DS_REF)) errors.push(`templating: $${name} datasource must be ${JSON.stringify(DS_REF)}`);
  }

  const { series, errors: contractErrors } = knownSeries(metricsFile);
  errors.push(...contractErrors.map((e) => `metrics contract: ${e}`));

  const panelIds = new Map();
  const refIds = new Map();
  const cells = [];
  for (const p of panels) {
    if (p?.id !== undefined) {
      if (panelIds.has(p.id)) errors.push(`${label(p)}: id ${p.id} also used by "${panelIds.get(p.id)}"`);
      panelIds.set(p.id, p.title);
    }
    const g = p?.gridPos;
    if (g && [g.x, g.y, g.w, g.h].every(Number.isInteger)) {
      if (g.x < 0 || g.w < 1 || g.x + g.w > 24) errors.push(`${label(p)}: gridPos x=${g.x} w=${g.w} leaves the 24 columns`);
      for (const c of cells) {
        if (g.x < c.g.x + c.g.w && c.g.x < g.x + g.w && g.y < c.g.y + c.g.h && c.g.y < g.y + g.h) {
          errors.push(`${label(p)}: overlaps ${label(c.p)}`);
        }
      }
      cells.push({ p, g });
    }
  }

  for (const p of all) {
    if (typeof p !== 'object' || p === null) continue;
    if (!p.title?.trim()) errors.push(`${label(p)}: has no title`);
    if (!p.description?.trim()) errors.push(`${label(p)}: has no description`);
    if (!p.fieldConfig?.defaults?.unit) errors.push(`${label(p)}: has no unit (fieldConfig.defaults.unit)`);
    if (!sameJson(p.datasource, DS_REF)) {
      errors.push(`${label(p)}: datasource must be ${JSON.stringify(DS_REF)}, is ${JSON.stringify(p.datasource)}`);
    }
    const targets = Array.isArray(p.targets) ? p.targets : [];
    if (targets.length === 0) errors.push(`${label(p)}: has no query`);
    for (const [i, t] of targets.entries()) {
      const where = `${label(p)} target ${t?.refId ?? `#${i}`}`;
      if (!sameJson(t?.datasource, DS_REF)) errors.push(`${where}: datasource must be ${JSON.stringify(DS_REF)}`);
      if (typeof t?.refId === 'string') {
        if (refIds.has(t.refId)) errors.push(`${where}: refId also used in ${refIds.get(t.refId)}`);
        refIds.set(t.refId, label(p));
      }
      if (typeof t?.expr !== 'string' || !t.expr.trim()) continue; // the schema reported it
      errors.push(...checkExpr(t.expr, t.legendFormat, series).map((e) => `${where}: ${e}`));
    }
  }
  return errors;
}

/** Contract checks of one PromQL expression. */
export function checkExpr(expr, legendFormat, series) {
  const errors = [];
  let s;
  try {
    s = scan(expr);
  } catch (e) {
    return [`${e.message} in ${expr}`];
  }
  for (const v of s.variables) {
    if (!ALLOWED_VARIABLES.includes(v)) {
      errors.push(`uses ${v}; queries may only use ${ALLOWED_VARIABLES.join(', ')}`);
    }
  }
  const labels = new Set(TARGET_LABELS);
  if (s.selectors.length === 0) errors.push('reads no metric');
  for (const sel of s.selectors) {
    if (!sel.metric) {
      errors.push('has a selector without a metric name');
      continue;
    }
    const known = series.get(sel.metric);
    if (!known) {
      errors.push(`metric ${sel.metric} is not in docs/metrics.md nor one of the example's webhook metrics`);
      continue;
    }
    known.tags.forEach((t) => labels.add(t));
    const has = (l, v) => sel.matchers.some((m) => m.label === l && m.op === '=~' && m.value === v);
    const needsStore = known.tags.includes('store');
    if (needsStore && !has('store', '$store')) errors.push(`${sel.metric} is not filtered by store=~"$store"`);
    if (!has('instance', '$instance')) errors.push(`${sel.metric} is not filtered by instance=~"$instance"`);
  }
  if (s.selectors.some((sel) => !series.has(sel.metric))) return errors; // labels unknowable
  for (const sel of s.selectors) {
    for (const m of sel.matchers) {
      if (!labels.has(m.label)) errors.push(`matches on label "${m.label}", which none of its metrics has`);
    }
  }
  for (const l of s.grouping) {
    if (!labels.has(l)) errors.push(`groups by label "${l}", which none of its metrics has`);
  }
  for (const l of legendLabels(legendFormat)) {
    if (!labels.has(l)) errors.push(`legend uses {{${l}}}, which none of its metrics has`);
  }
  return errors;
}

async function main() {
  const file = process.argv[2] ?? DASHBOARD_FILE;
  const shown = relative(process.cwd(), file) || file;
  let dashboard;
  try {
    dashboard = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    console.error(`FAIL ${shown}: ${e.message}`);
    process.exit(1);
  }
  const errors = await validateDashboard(dashboard);
  const schemas = await loadSchemas();
  if (errors.length > 0) {
    console.error(`FAIL ${shown}: ${errors.length} problem(s)`);
    for (const e of errors) console.error(`  - ${e}`);
    process.exit(1);
  }
  const queries = extractQueries(dashboard);
  console.log(
    `OK ${shown}: ${queryPanels(dashboard).length} panels, ${queries.length} queries; ` +
      `schema from @grafana/schema ${schemas.grafanaSchema} (ts-json-schema-generator ${schemas.generator}); ` +
      `contract from docs/metrics.md`,
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main();
}
