// The types validate-dashboard.mjs turns into JSON Schema (with ts-json-schema-generator).
//
// Everything Grafana defines comes from @grafana/schema, the package Grafana generates from its
// own CUE kinds: the classic dashboard model (raw/dashboard/x), the common DataQuery, and the
// options / field config of each panel plugin (raw/composable/<plugin>/panelcfg/x). Only two
// things are declared here, because the package does not ship them:
//   - the export wrapper (__inputs, __requires, __elements) that "Export for sharing externally"
//     adds and the import screen reads;
//   - the Prometheus query: the Prometheus plugin's query kind left @grafana/schema when the plugin
//     moved out of core, so its fields are listed from the plugin's PrometheusDataQuery kind
//     (expr, instant, range, exemplar, format, legendFormat, interval, intervalFactor, editorMode),
//     on top of Grafana's own DataQuery (refId, hide, queryType, datasource).
// Only the panel plugins this dashboard uses are mapped; using another one makes the validator
// fail with a message naming it, so it gets added here.

import type { Dashboard } from '../node_modules/@grafana/schema/dist/types/raw/dashboard/x/types.gen';
import type { DataQuery, DataSourceRef } from '../node_modules/@grafana/schema/dist/types/common/common.gen';
import type {
  Options as TimeSeriesOptions,
  FieldConfig as TimeSeriesFieldConfig,
} from '../node_modules/@grafana/schema/dist/types/raw/composable/timeseries/panelcfg/x/types.gen';
import type { Options as StatOptions } from '../node_modules/@grafana/schema/dist/types/raw/composable/stat/panelcfg/x/types.gen';
import type { Options as BarGaugeOptions } from '../node_modules/@grafana/schema/dist/types/raw/composable/bargauge/panelcfg/x/types.gen';

/** One entry of `__inputs`: what the import screen asks for. */
export interface DashboardInput {
  name: string;
  label: string;
  description?: string;
  type: 'datasource' | 'constant';
  pluginId?: string;
  pluginName?: string;
  value?: string;
}

/** One entry of `__requires`: a plugin or Grafana version the dashboard was exported from. */
export interface DashboardRequirement {
  type: 'grafana' | 'panel' | 'datasource';
  id: string;
  name: string;
  version: string;
}

/** A dashboard as "Export for sharing externally" writes it: Grafana's model plus the import header. */
export interface ExportedDashboard extends Dashboard {
  __inputs: DashboardInput[];
  __requires?: DashboardRequirement[];
  __elements?: Record<string, unknown>;
}

/** A query of the Prometheus data source plugin. */
export interface PrometheusQuery extends DataQuery {
  datasource?: DataSourceRef;
  /** The PromQL expression. */
  expr: string;
  /** Evaluate at the end of the range only. */
  instant?: boolean;
  /** Evaluate over the dashboard range. */
  range?: boolean;
  /** Also fetch exemplars. */
  exemplar?: boolean;
  format?: 'time_series' | 'table' | 'heatmap';
  /** Series name template, e.g. `{{tier}}`. */
  legendFormat?: string;
  /** Lower limit for the step, e.g. `30s`. */
  interval?: string;
  intervalFactor?: number;
  editorMode?: 'code' | 'builder';
}

/** Panel plugin id -> its options and (where the plugin declares one) its custom field config. */
export interface TimeseriesPanelConfig {
  options: TimeSeriesOptions;
  custom?: TimeSeriesFieldConfig;
}
export interface StatPanelConfig {
  options: StatOptions;
}
export interface BargaugePanelConfig {
  options: BarGaugeOptions;
}
