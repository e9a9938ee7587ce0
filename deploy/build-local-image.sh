#!/usr/bin/env bash
# README "Container image": build the Dockerfile where no image registry is reachable, with podman.
#   1. a Debian bookworm root file system made by debootstrap (python3, make, g++ for the better-sqlite3 addon),
#      with this machine's Node 20 (node, npm, headers) copied in, imported as localhost/node-local:20-bookworm;
#   2. `podman build` with that as NODE_IMAGE; this machine's CA bundle goes to the build stage's `npm ci` as a
#      build secret (an npm registry behind a TLS-intercepting proxy), never into a layer of the image.
# Usage: deploy/build-local-image.sh [rootfs dir]   (as root; apt-get install -y podman debootstrap)
# Env: BASE_IMAGE (default localhost/node-local:20-bookworm), IMAGE (default stockbridge:<package version>),
#      CA_BUNDLE (default /etc/ssl/certs/ca-certificates.crt), DEBIAN_MIRROR.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
rootfs="${1:-/var/tmp/stockbridge-rootfs}"
base="${BASE_IMAGE:-localhost/node-local:20-bookworm}"
image="${IMAGE:-stockbridge:$(node -p "require('$root/package.json').version")}"
ca="${CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}"
node_bin="$(command -v node)"
node_prefix="$(cd "$(dirname "$(readlink -f "$node_bin")")/.." && pwd)"

if ! podman image exists "$base"; then
  if [ ! -x "$rootfs/bin/bash" ]; then
    debootstrap --variant=minbase --include=python3,make,g++,ca-certificates bookworm "$rootfs" \
      "${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
  fi
  # Node as the host has it (same Debian release, so the same libc and libstdc++), npm and the headers node-gyp
  # compiles the addon against (no download from nodejs.org).
  install -m 0755 "$node_bin" "$rootfs/usr/local/bin/node"
  mkdir -p "$rootfs/usr/local/lib/node_modules" "$rootfs/usr/local/include" "$rootfs/usr/local/etc"
  rm -rf "$rootfs/usr/local/lib/node_modules/npm" "$rootfs/usr/local/include/node"
  cp -a "$node_prefix/lib/node_modules/npm" "$rootfs/usr/local/lib/node_modules/npm"
  cp -a "$node_prefix/include/node" "$rootfs/usr/local/include/node"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
  printf 'nodedir=/usr/local\nupdate-notifier=false\n' >"$rootfs/usr/local/etc/npmrc"
  rm -rf "$rootfs/var/cache/apt/archives/"*.deb "$rootfs/var/lib/apt/lists/"*
  tar -C "$rootfs" -c . | podman import --change 'CMD ["node"]' - "$base"
fi
podman run --rm "$base" node -v

# The npm proxy settings of this machine, if any, go to the build stage as build arguments (not kept either:
# ARGs of the build stage do not reach the final stage).
proxy_args=()
for var in HTTP_PROXY HTTPS_PROXY NO_PROXY http_proxy https_proxy no_proxy; do
  if [ -n "${!var:-}" ]; then proxy_args+=(--build-arg "$var=${!var}"); fi
done
for key in proxy https-proxy noproxy; do
  value="$(npm config get "$key" 2>/dev/null || true)"
  if [ -n "$value" ] && [ "$value" != null ]; then proxy_args+=(--build-arg "npm_config_${key//-/_}=$value"); fi
done

# --format docker: OCI images have no HEALTHCHECK; --network host: the build reaches the registry as the host does.
podman build --format docker --network host --build-arg "NODE_IMAGE=$base" \
  --secret "id=npm_ca,src=$ca" "${proxy_args[@]}" -t "$image" "$root"
echo "built $image on $base"
