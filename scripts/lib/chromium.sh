# shellcheck shell=bash source-path=SCRIPTDIR
#
# scripts/lib/chromium.sh -- install headless Chromium and chromedriver (apt)
# for browser tests (LiveViewIT). Nothing is started here.
#
# Provides: tm_install_chromium.
# Reads/exports: no env vars (binaries are /usr/bin/chromium, /usr/bin/chromedriver).

if [[ -n "${_TM_CHROMIUM_SH_LOADED:-}" ]]; then
  return 0
fi
_TM_CHROMIUM_SH_LOADED=1

if [[ -z "${_TM_COMMON_SH_LOADED:-}" ]]; then
  # shellcheck source=common.sh
  source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/common.sh" || return 1
fi

tm_install_chromium() {
  if [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]]; then
    return 0
  fi
  _tm_apt_install chromium chromium-driver || return 1
}
