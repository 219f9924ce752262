// JSON Schemas generated from Grafana's TypeScript types (@grafana/schema) by ts-json-schema-generator.
//
// @grafana/schema ships .d.ts files (and compiled JS defaults), no JSON Schema. schema/dashboard-types.ts
// imports the types it needs from the package; this module runs the generator on that file once
// and caches the result under node_modules/.cache, keyed by the package versions and the types
// file, so a second run takes milliseconds instead of seconds.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const TESTS_DIR = join(here, '..');
const TYPES_FILE = join(TESTS_DIR, 'schema', 'dashboard-types.ts');
const CACHE_DIR = join(TESTS_DIR, 'node_modules', '.cache', 'tiered-memory-docs');

/** Root types generated, by the name the validator uses. */
const ROOTS = {
  dashboard: 'ExportedDashboard',
  prometheusQuery: 'PrometheusQuery',
};

/** Panel plugin id -> the type in dashboard-types.ts holding its options (and custom field config). */
export const PANEL_CONFIG_TYPES = {
  timeseries: 'TimeseriesPanelConfig',
  stat: 'StatPanelConfig',
  bargauge: 'BargaugePanelConfig',
};

function packageVersion(name) {
  const pkgJson = join(TESTS_DIR, 'node_modules', ...name.split('/'), 'package.json');
  if (!existsSync(pkgJson)) {
    throw new Error(`${name} is not installed in ${TESTS_DIR}: run npm ci there`);
  }
  return JSON.parse(readFileSync(pkgJson, 'utf8')).version;
}

export function grafanaSchemaVersion() {
  return packageVersion('@grafana/schema');
}

/**
 * Returns { grafanaSchema, generator, dashboard, prometheusQuery, panels: { <plugin>: schema } },
 * each a draft-07 JSON Schema.
 */
export async function loadSchemas({ useCache = true } = {}) {
  const versions = {
    grafanaSchema: grafanaSchemaVersion(),
    generator: packageVersion('ts-json-schema-generator'),
  };
  const key = createHash('sha256')
    .update(JSON.stringify(versions))
    .update(readFileSync(TYPES_FILE))
    .update(JSON.stringify(ROOTS))
    .update(JSON.stringify(PANEL_CONFIG_TYPES))
    .digest('hex')
    .slice(0, 16);
  const cacheFile = join(CACHE_DIR, `schemas-${key}.json`);
  if (useCache && existsSync(cacheFile)) {
    return JSON.parse(readFileSync(cacheFile, 'utf8'));
  }

  const { createGenerator } = await import('ts-json-schema-generator');
  const generator = createGenerator({
    path: TYPES_FILE,
    tsconfig: join(TESTS_DIR, 'schema', 'tsconfig.json'),
    skipTypeCheck: true, // Grafana's .d.ts are checked by Grafana; we only read their shapes.
    expose: 'export',
    topRef: true,
    jsDoc: 'basic',
    additionalProperties: false, // an unknown key is a typo or a field Grafana would drop
  });
  const result = { ...versions, panels: {} };
  for (const [name, type] of Object.entries(ROOTS)) {
    result[name] = generator.createSchema(type);
  }
  for (const [plugin, type] of Object.entries(PANEL_CONFIG_TYPES)) {
    result.panels[plugin] = generator.createSchema(type);
  }
  mkdirSync(CACHE_DIR, { recursive: true });
  writeFileSync(cacheFile, JSON.stringify(result));
  return result;
}
