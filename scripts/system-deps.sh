#!/usr/bin/env bash
# Debian packages the app and its tests need; installs only what is missing.
# SQLCipher is not among them: the sqlcipher3-binary wheel (pyproject.toml) bundles SQLCipher 4
# with its own libcrypto; Debian's libsqlcipher is 3.4.1 on bookworm, over a 2016 SQLite.
set -euo pipefail
need=()
have() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
for pkg in cups-ipp-utils cups-client cups-daemon poppler-utils postgresql libegl1 libgl1 libxkbcommon0 \
           libfontconfig1 libdbus-1-3 dbus-daemon dbus libnss3 fonts-dejavu-core \
           libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 \
           libxcb-shape0 libxcb-xinerama0 libxcb-randr0 libxcb-xkb1 libxkbcommon-x11-0 xvfb xauth \
           chromium chromium-driver zbar-tools; do
  have "$pkg" || need+=("$pkg")
done
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "Installing Debian packages: ${need[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
