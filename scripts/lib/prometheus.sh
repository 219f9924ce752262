# shellcheck shell=bash source-path=SCRIPTDIR
#
# scripts/lib/prometheus.sh -- install the Prometheus and promtool binaries
# (apt, --no-install-recommends). Nothing is started here: tests that need a
# Prometheus start it themselves on TM_PROM_PORT (reserved by tm_start_all).
#
# Provides: tm_install_prometheus.
# Exports:  TM_PROMETHEUS_BIN (/usr/bin/prometheus), TM_PROMTOOL_BIN (/usr/bin/promtool).

if [[ -n "${_TM_PROMETHEUS_SH_LOADED:-}" ]]; then
  return 0
fi
_TM_PROMETHEUS_SH_LOADED=1

if [[ -z "${_TM_COMMON_SH_LOADED:-}" ]]; then
  # shellcheck source=common.sh
  source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/common.sh" || return 1
fi

tm_install_prometheus() {
  if [[ ! -x /usr/bin/prometheus || ! -x /usr/bin/promtool ]]; then
    # --no-install-recommends: skips prometheus-node-exporter & friends
    _tm_apt_install --no-install-recommends prometheus || return 1
    _tm_stop_system_service prometheus
    _tm_stop_system_service prometheus-node-exporter
  fi
  export TM_PROMETHEUS_BIN=/usr/bin/prometheus
  export TM_PROMTOOL_BIN=/usr/bin/promtool
}
