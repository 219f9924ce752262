// Proves validate-dashboard.mjs accepts the dashboard and rejects broken copies of it.
// Run: node --test   (from docs/tests)

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import {
  DASHBOARD_FILE,
  DS_REF,
  extractQueries,
  queryPanels,
  validateDashboard,
} from '../validate-dashboard.mjs';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'validate-dashboard.mjs');
const original = JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8'));
const copy = () => structuredClone(original);
const panelTitled = (d, title) => {
  const p = queryPanels(d).find((x) => x.title === title);
  assert.ok(p, `no panel titled ${title}`);
  return p;
};

async function rejects(mutate, expected) {
  const d = copy();
  mutate(d);
  const errors = await validateDashboard(d);
  assert.ok(errors.length > 0, 'the broken dashboard was accepted');
  assert.ok(
    errors.some((e) => expected.test(e)),
    `no error matches ${expected}; got:\n  ${errors.join('\n  ')}`,
  );
}

describe('the dashboard', () => {
  it('is valid', async () => {
    assert.deepEqual(await validateDashboard(copy()), []);
  });

  it('has queries another tool can run once variables are replaced', () => {
    const queries = extractQueries(original);
    assert.ok(queries.length > 20);
    for (const q of queries) {
      assert.doesNotMatch(q.promql, /\$/, `${q.refId} still has a variable: ${q.promql}`);
    }
    assert.equal(new Set(queries.map((q) => q.refId)).size, queries.length, 'refIds are unique');
  });

  it('the CLI exits 0 on it', () => {
    execFileSync(process.execPath, [CLI], {
      stdio: 'pipe',
    });
  });
});

describe('Grafana schema (@grafana/schema) rejects', () => {
  it('a panel whose gridPos is a string', () =>
    rejects((d) => {
      panelTitled(d, 'Memories per tier').gridPos = '0,0,12,8';
    }, /gridPos: must be object/));

  it('a gridPos without its width', () =>
    rejects((d) => {
      delete panelTitled(d, 'Bytes per tier').gridPos.w;
    }, /gridPos: must have required property 'w'/));

  it('a target without expr', () =>
    rejects((d) => {
      delete panelTitled(d, 'Hit ratio per store').targets[0].expr;
    }, /must have required property 'expr'/));

  it('a target without refId', () =>
    rejects((d) => {
      delete panelTitled(d, 'Hit ratio per store').targets[0].refId;
    }, /must have required property 'refId'/));

  it('a panel without type', () =>
    rejects((d) => {
      delete panelTitled(d, 'Evictions by tier').type;
    }, /must have required property 'type'/));

  it('an unknown panel key', () =>
    rejects((d) => {
      panelTitled(d, 'Evictions by tier').colour = 'red';
    }, /unknown key "colour"/));

  it('schemaVersion as a string', () =>
    rejects((d) => {
      d.schemaVersion = '41';
    }, /schemaVersion: must be number/));

  it('a variable with an unknown refresh value', () =>
    rejects((d) => {
      d.templating.list.find((v) => v.name === 'store').refresh = 7;
    }, /templating\/list\/\d+\/refresh: must be equal to one of the allowed values/));

  it('a threshold step without color', () =>
    rejects((d) => {
      delete panelTitled(d, 'Hit ratio (get)').fieldConfig.defaults.thresholds.steps[0].color;
    }, /must have required property 'color'/));

  it('a timeseries legend placed where Grafana has no such place', () =>
    rejects((d) => {
      panelTitled(d, 'Bytes per tier').options.legend.placement = 'top';
    }, /legend\/placement: must be equal to one of the allowed values/));

  it('a misspelt timeseries field option', () =>
    rejects((d) => {
      panelTitled(d, 'Bytes per tier').fieldConfig.defaults.custom.lineWidht = 2;
    }, /unknown key "lineWidht"/));

  it('a stat panel with an unknown color mode', () =>
    rejects((d) => {
      panelTitled(d, 'Requests / s').options.colorMode = 'rainbow';
    }, /colorMode: must be equal to one of the allowed values/));

  it('a panel type the validator has no schema for', () =>
    rejects((d) => {
      panelTitled(d, 'Requests / s').type = 'graph';
    }, /no schema for panel type "graph"/));
});

describe('project contract rejects', () => {
  it('a panel on another data source', () =>
    rejects((d) => {
      panelTitled(d, 'Bytes per tier').datasource = { type: 'prometheus', uid: 'prom1' };
    }, /datasource must be/));

  it('a target on another data source', () =>
    rejects((d) => {
      panelTitled(d, 'Bytes per tier').targets[0].datasource = { uid: '${DS_PROMETHEUS}' };
    }, /target bytes_by_store_tier: datasource must be/));

  it('a missing DS_PROMETHEUS input', () =>
    rejects((d) => {
      d.__inputs = [];
    }, /DS_PROMETHEUS input/));

  it('a query not filtered by $store', () =>
    rejects((d) => {
      const t = panelTitled(d, 'Bytes per tier').targets[0];
      t.expr = t.expr.replace('store=~"$store", ', '');
    }, /tiered_memory_bytes is not filtered by store=~"\$store"/));

  it('one selector of a ratio not filtered by $instance', () =>
    rejects((d) => {
      const t = panelTitled(d, 'Hit ratio per store').targets[0];
      const at = t.expr.lastIndexOf(', instance=~"$instance"');
      t.expr = t.expr.slice(0, at) + t.expr.slice(at + ', instance=~"$instance"'.length);
    }, /is not filtered by instance=~"\$instance"/));

  it('a webhook query not filtered by $instance', () =>
    rejects((d) => {
      const t = panelTitled(d, 'Webhook latency p95 by source').targets[0];
      t.expr = t.expr.replace('{instance=~"$instance"}', '');
    }, /biometric_webhook_request_duration_seconds_bucket is not filtered by instance/));

  it('a metric that metrics.md does not list', () =>
    rejects((d) => {
      panelTitled(d, 'Bytes per tier').targets[0].expr =
        'max by (store, tier) (tiered_memory_size_bytes{store=~"$store", instance=~"$instance"})';
    }, /metric tiered_memory_size_bytes is not in docs\/metrics.md/));

  it('a label the metric does not have', () =>
    rejects((d) => {
      const t = panelTitled(d, 'Bytes per tier').targets[0];
      t.expr = t.expr.replace('sum by (store, tier)', 'sum by (store, tiers)');
    }, /groups by label "tiers"/));

  it('a legend naming a label the metric does not have', () =>
    rejects((d) => {
      panelTitled(d, 'Bytes per tier').targets[0].legendFormat = '{{operation}}';
    }, /legend uses \{\{operation\}\}/));

  it('another Grafana macro', () =>
    rejects((d) => {
      const t = panelTitled(d, 'Movements in the last hour (from → to, by reason)').targets[0];
      t.expr = t.expr.replace('[1h]', '[$__range]');
    }, /uses \$__range/));

  it('a refId used twice', () =>
    rejects((d) => {
      panelTitled(d, 'Bytes per tier').targets[0].refId = panelTitled(d, 'Memories per tier').targets[0].refId;
    }, /refId also used/));

  it('a $store variable that is not multi-value', () =>
    rejects((d) => {
      d.templating.list.find((v) => v.name === 'store').multi = false;
    }, /\$store must allow several values/));

  it('a missing DS_PROMETHEUS datasource variable', () =>
    rejects((d) => {
      d.templating.list = d.templating.list.filter((v) => v.name !== 'DS_PROMETHEUS');
    }, /datasource variable DS_PROMETHEUS/));

  it('overlapping panels', () =>
    rejects((d) => {
      panelTitled(d, 'Bytes per tier').gridPos.x = 6;
    }, /overlaps panel/));

  it('a panel without description', () =>
    rejects((d) => {
      delete panelTitled(d, 'Evictions by tier').description;
    }, /has no description/));
});

describe('the CLI', () => {
  it('exits 1 and names the problem for a broken file', () => {
    const d = copy();
    panelTitled(d, 'Memories per tier').gridPos = 'top-left';
    const dir = mkdtempSync(join(tmpdir(), 'dash-'));
    const file = join(dir, 'broken.json');
    writeFileSync(file, JSON.stringify(d));
    const r = spawnSync(process.execPath, [CLI, file], {
      encoding: 'utf8',
    });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /FAIL .*broken\.json/);
    assert.match(r.stderr, /gridPos: must be object/);
  });

  it('uses the DS_PROMETHEUS reference the import screen replaces', () => {
    assert.deepEqual(DS_REF, { type: 'prometheus', uid: '${DS_PROMETHEUS}' });
  });
});
