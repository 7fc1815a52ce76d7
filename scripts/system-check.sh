#!/usr/bin/env bash
# Checks the system packages Lasītava needs and says exactly how to install what is missing.
# As root (e.g. in CI or a fresh container) it installs them with apt-get itself.
#   run:  Python 3.11+, Pango and HarfBuzz-Subset (WeasyPrint), fonts with every Latvian and Lithuanian letter
#   test: the above, plus Chromium (browser tests), poppler-utils and zbar-tools (PDF/QR checks)
set -euo pipefail
mode=${1:-run}
missing=()

python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || {
  echo "Lasītava needs Python 3.11 or newer (found $(python3 --version 2>&1))." >&2; exit 1; }
# `python3 -m venv` needs ensurepip, which Debian ships separately.
python3 -c 'import ensurepip' 2>/dev/null || missing+=(python3-venv)

# ldconfig lives in /sbin, which is not on a normal user's PATH on Debian.
ldconfig_bin=$(command -v ldconfig || echo /sbin/ldconfig)
libs=$("$ldconfig_bin" -p 2>/dev/null || true)
fonts=$(fc-list 2>/dev/null || true)
have_lib() { grep -q "$1" <<<"$libs"; }
have_lib 'libpango-1.0.so' || missing+=(libpango-1.0-0)
have_lib 'libpangoft2-1.0.so' || missing+=(libpangoft2-1.0-0)
# WeasyPrint subsets fonts with HarfBuzz; without it, recent versions warn (an error under pytest).
have_lib 'libharfbuzz-subset.so' || missing+=(libharfbuzz-subset0)
grep -q 'NotoSans-Regular' <<<"$fonts" || missing+=(fonts-noto-core)
grep -q 'DejaVuSans.ttf' <<<"$fonts" || missing+=(fonts-dejavu-core)
if [ "$mode" = test ]; then
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  command -v pdftoppm >/dev/null || missing+=(poppler-utils)
  command -v zbarimg >/dev/null || missing+=(zbar-tools)
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "Missing system packages: ${missing[*]}"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing them with apt-get (running as root)…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fc-cache -f >/dev/null 2>&1 || true
  echo "Installed: ${missing[*]}"
  exit 0
fi
echo "Install them with:  sudo apt-get install ${missing[*]}" >&2
if [ "$mode" = test ]; then
  echo "Without them the browser and PDF tests are skipped (they fail under REQUIRE_BROWSER=1)." >&2
  exit 0
fi
exit 1
