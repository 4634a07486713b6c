#!/usr/bin/env bash
# Installs Debian's Chromium (and ChromeDriver) for the console's browser test when it is missing.
# The test itself drives Chromium through chromedp; without a browser it is skipped, so this script
# only warns when it cannot install one.
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
	exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
	echo "browser.sh: chromium is missing and cannot be installed here (needs root and apt-get): the browser test will be skipped" >&2
	exit 0
fi
echo "browser.sh: installing chromium and chromium-driver from Debian" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null || true
if ! apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-noto-core >/dev/null; then
	echo "browser.sh: could not install chromium: the browser test will be skipped" >&2
fi
