#!/usr/bin/env node
// Checks docs/compose.yaml without a Docker engine: that it parses as YAML, and that the stack is
// what the docs promise (every service present, images pinned, ports on 127.0.0.1 only, mounted
// files exist, the example service gets its TM_* settings, Prometheus scrapes the compose service
// names, the Grafana provisioning files point at what compose mounts).
//
// Usage: node validate-compose.mjs      exit 0 when valid, 1 otherwise.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseDocument } from 'yaml';

const DOCS = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const COMPOSE = join(DOCS, 'compose.yaml');

export const EXPECTED_SERVICES = [
  'prometheus',
  'grafana',
  'redis',
  'postgres',
  'chroma',
  'redis-exporter',
  'postgres-exporter',
  'biometric-api',
];

export const EXPECTED_ENV = {
  TM_REDIS_URL: 'redis://redis:6379',
  TM_PG_JDBC_URL: 'jdbc:postgresql://postgres:5432/tiered',
  TM_PG_USER: null, // any value
  TM_PG_PASSWORD: null,
  TM_CHROMA_URL: 'http://chroma:8000',
  DEMO_PORT: '8080',
  DEMO_BIND: '0.0.0.0', // the service binds 127.0.0.1 by default: unreachable from other containers
};

function readYaml(file, errors) {
  const doc = parseDocument(readFileSync(file, 'utf8'), { uniqueKeys: true });
  for (const e of doc.errors) errors.push(`${file}: ${e.message}`);
  for (const w of doc.warnings) errors.push(`${file}: ${w.message}`);
  return doc.toJS();
}

export function validateCompose(file = COMPOSE) {
  const errors = [];
  const c = readYaml(file, errors);
  if (errors.length) return errors;
  const base = dirname(file);
  const services = c?.services ?? {};

  for (const name of EXPECTED_SERVICES) {
    if (!services[name]) errors.push(`service ${name} is missing`);
  }
  for (const [name, s] of Object.entries(services)) {
    if (s.image) {
      const tag = s.image.split('/').pop().split(':')[1];
      if (!tag || tag === 'latest') errors.push(`${name}: image ${s.image} is not pinned to a version`);
    } else if (!s.build) {
      errors.push(`${name}: has neither image nor build`);
    }
    for (const p of s.ports ?? []) {
      const text = typeof p === 'string' ? p : `${p.host_ip ?? ''}:${p.published}:${p.target}`;
      if (!text.startsWith('127.0.0.1:')) errors.push(`${name}: port ${text} is not published on 127.0.0.1 only`);
    }
    for (const v of s.volumes ?? []) {
      const src = typeof v === 'string' ? v.split(':')[0] : v.source;
      if (src.startsWith('.') || src.startsWith('/')) {
        if (!existsSync(resolve(base, src))) errors.push(`${name}: mounts ${src}, which does not exist`);
      } else if (!(c.volumes && src in c.volumes)) {
        errors.push(`${name}: volume ${src} is not declared under volumes`);
      }
    }
    const deps = Array.isArray(s.depends_on) ? s.depends_on : Object.keys(s.depends_on ?? {});
    for (const d of deps) if (!services[d]) errors.push(`${name}: depends on unknown service ${d}`);
  }

  const api = services['biometric-api'] ?? {};
  if (api.build?.context !== '..' || api.build?.dockerfile !== 'examples/biometric-api/Dockerfile') {
    errors.push('biometric-api: must build with context .. and dockerfile examples/biometric-api/Dockerfile');
  }
  const env = api.environment ?? {};
  for (const [k, v] of Object.entries(EXPECTED_ENV)) {
    if (!(k in env)) errors.push(`biometric-api: environment ${k} is missing`);
    else if (v !== null && String(env[k]) !== v) errors.push(`biometric-api: ${k} must be ${v}, is ${env[k]}`);
  }
  if (!/^chromadb\/chroma:1\.0\.\d+$/.test(services.chroma?.image ?? '')) {
    errors.push('chroma: image must be chromadb/chroma:1.0.x');
  }

  // Prometheus scrapes the compose services by name.
  const prom = parse(readFileSync(join(DOCS, 'prometheus', 'prometheus.yml'), 'utf8'));
  const targets = (prom.scrape_configs ?? []).flatMap((j) => (j.static_configs ?? []).flatMap((s) => s.targets ?? []));
  for (const t of targets) {
    const host = t.split(':')[0];
    if (host !== 'localhost' && !services[host]) errors.push(`prometheus.yml: target ${t} is no compose service`);
  }
  for (const t of ['biometric-api:8080', 'redis-exporter:9121', 'postgres-exporter:9187']) {
    if (!targets.includes(t)) errors.push(`prometheus.yml: does not scrape ${t}`);
  }

  // Grafana provisioning matches the mounts.
  const dsFile = join(DOCS, 'grafana', 'provisioning', 'datasources', 'prometheus.yml');
  const ds = parse(readFileSync(dsFile, 'utf8'));
  const promDs = (ds.datasources ?? []).find((d) => d.type === 'prometheus');
  if (!promDs?.uid || promDs.url !== 'http://prometheus:9090') {
    errors.push('provisioning/datasources/prometheus.yml: needs a prometheus data source with a uid at http://prometheus:9090');
  }
  const dbFile = join(DOCS, 'grafana', 'provisioning', 'dashboards', 'dashboards.yml');
  const db = parse(readFileSync(dbFile, 'utf8'));
  const path = db.providers?.[0]?.options?.path;
  const grafanaMounts = (services.grafana?.volumes ?? []).map((v) => String(v).split(':'));
  if (!grafanaMounts.some(([src, dst]) => src === './grafana/tiered-memory-dashboard.json' && dirname(dst) === path)) {
    errors.push(`grafana: the dashboard JSON is not mounted into the provider's folder ${path}`);
  }
  if (!grafanaMounts.some(([src, dst]) => src === './grafana/provisioning' && dst === '/etc/grafana/provisioning')) {
    errors.push('grafana: ./grafana/provisioning is not mounted at /etc/grafana/provisioning');
  }
  const promMounts = (services.prometheus?.volumes ?? []).map((v) => String(v).split(':'));
  for (const f of ['prometheus.yml', 'alerts.yml']) {
    if (!promMounts.some(([src, dst]) => src === `./prometheus/${f}` && dst === `/etc/prometheus/${f}`)) {
      errors.push(`prometheus: ./prometheus/${f} is not mounted at /etc/prometheus/${f}`);
    }
  }
  return errors;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const errors = validateCompose();
  if (errors.length) {
    console.error(`FAIL docs/compose.yaml: ${errors.length} problem(s)`);
    for (const e of errors) console.error(`  - ${e}`);
    process.exit(1);
  }
  console.log('OK docs/compose.yaml: valid YAML; services, pinned images, 127.0.0.1 ports, mounts and provisioning agree');
}
