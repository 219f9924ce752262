// The metric contract, read from docs/metrics.md: which Prometheus series exist and their tags.
//
// Two parts of that file are used, and they must agree:
//   - the "Meters" table: Micrometer name, type and tags of each meter;
//   - the paragraph "The Prometheus series are therefore ...": the series names users query.
// Besides the library's series, the dashboard shows the example service's webhook metrics, whose
// names are fixed here (the example registers them; they are not part of the library contract).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TESTS_DIR } from './schemas.mjs';

export const METRICS_MD = join(TESTS_DIR, '..', 'metrics.md');

/** Labels every scraped series has, added by Prometheus. */
export const TARGET_LABELS = ['instance', 'job'];

/** The example service's webhook metrics: series name -> tags. */
export const EXAMPLE_SERIES = {
  biometric_webhook_requests_total: ['source', 'status'],
  biometric_webhook_request_duration_seconds_bucket: ['source', 'le'],
  biometric_webhook_request_duration_seconds_count: ['source'],
  biometric_webhook_request_duration_seconds_sum: ['source'],
  biometric_webhook_request_duration_seconds_max: ['source'],
};

function expand(name) {
  // `a_{bucket,count,sum}` -> a_bucket, a_count, a_sum;  `a_*` -> the four histogram series.
  const brace = name.match(/^(.*)\{([^}]*)\}$/);
  if (brace) return brace[2].split(',').map((s) => brace[1] + s.trim());
  if (name.endsWith('_*')) return ['bucket', 'count', 'sum', 'max'].map((s) => name.slice(0, -1) + s);
  return [name];
}

/**
 * Parses metrics.md. Returns { series: Map<seriesName, { tags: string[], meter: string }>, errors }.
 * `tags` include `le` for `_bucket` series; the target labels (instance, job) are not listed.
 */
export function readMetricsContract(file = METRICS_MD) {
  const text = readFileSync(file, 'utf8');
  const errors = [];

  const meters = [];
  for (const line of text.split('\n')) {
    const m = line.match(/^\|\s*`(tiered\.memory\.[a-z.]+)`\s*\|\s*([^|]+?)\s*\|\s*[^|]*\|\s*([^|]*?)\s*\|/);
    if (!m) continue;
    const tags = m[3].includes('(none)') ? [] : m[3].split(',').map((t) => t.trim().replace(/^\[(.*)\]$/, '$1')).filter(Boolean); // [kind]: only with kinds
    meters.push({ meter: m[1], type: m[2], base: m[1].replaceAll('.', '_'), tags });
  }
  if (meters.length === 0) errors.push(`${file}: found no rows of the Meters table`);

  const para = text.match(/The\s+Prometheus\s+series\s+are\s+therefore([\s\S]*?)plus\s+`\*_max`/);
  const series = new Map();
  if (!para) {
    errors.push(`${file}: found no paragraph "The Prometheus series are therefore ... plus \`*_max\`"`);
    return { series, errors };
  }
  const names = [...para[1].matchAll(/`([a-z_]+(?:\{[a-z,]+\}|\*)?)`/g)].flatMap((m) => expand(m[1]));
  // "plus `*_max` gauges Micrometer adds for timers and summaries"
  for (const n of [...names]) {
    if (n.endsWith('_bucket')) names.push(n.replace(/_bucket$/, '_max'));
  }
  for (const name of new Set(names)) {
    // The meter whose Prometheus base name is the longest prefix of the series name.
    const meter = meters
      .filter((m) => name === m.base || name.startsWith(m.base + '_'))
      .sort((a, b) => b.base.length - a.base.length)[0];
    if (!meter) {
      errors.push(`${file}: series ${name} matches no meter of the table`);
      continue;
    }
    series.set(name, { meter: meter.meter, tags: name.endsWith('_bucket') ? [...meter.tags, 'le'] : meter.tags });
  }
  for (const m of meters) {
    if (![...series.keys()].some((s) => s === m.base || s.startsWith(m.base + '_'))) {
      errors.push(`${file}: meter ${m.meter} has no series in the series paragraph`);
    }
  }
  return { series, errors };
}

/** Contract series plus the example's webhook series: name -> tags (without target labels). */
export function knownSeries(file = METRICS_MD) {
  const { series, errors } = readMetricsContract(file);
  const all = new Map();
  for (const [name, { tags }] of series) all.set(name, { tags, library: true });
  for (const [name, tags] of Object.entries(EXAMPLE_SERIES)) all.set(name, { tags, library: false });
  return { series: all, errors };
}
