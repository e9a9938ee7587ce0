#!/usr/bin/env bash
# README "Container image": run the image deploy/build-local-image.sh built, with the example config (publicUrl
# changed, storage in a mounted data directory), check /readyz from the host and the image's HEALTHCHECK
# (`podman healthcheck run`), that it runs as uid 10001, that a second container on the same data directory is
# refused (the SQLite lock), and that SIGTERM (`podman stop`) ends it with exit code 0.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
image="${IMAGE:-stockbridge:$(node -p "require('$root/package.json').version")}"
port="${HOST_PORT:-3310}"
work="$(mktemp -d)"
name="stockbridge-try-$$"
cleanup() {
  podman rm -f "$name" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/config" "$work/data"
chown 10001 "$work/data"
node -e '
  const c = require(process.argv[1]);
  c.server = { ...c.server, publicUrl: "https://hub.test" };
  c.storage.path = "/app/data/stockbridge.db";
  console.log(JSON.stringify(c, null, 2));
' "$root/stockbridge.example.json" >"$work/config/stockbridge.json"
run_args=(-v "$work/config:/app/config:ro" -v "$work/data:/app/data")
run_args+=(-e "ADMIN_TOKEN=try-image-admin-token-0123456789abcdef")
for var in $(grep -o '\${[A-Z_][A-Z0-9_]*}' "$root/stockbridge.example.json" | tr -d '${}' | sort -u); do
  [ "$var" = ADMIN_TOKEN ] || run_args+=(-e "$var=dummy-$var")
done

podman run -d --name "$name" -p "127.0.0.1:$port:3000" "${run_args[@]}" "$image" >/dev/null
ready=""
for _ in $(seq 1 300); do
  ready=$(curl -s -w ' %{http_code}' "http://127.0.0.1:$port/readyz" || true)
  case "$ready" in *' 200') break ;; esac
  sleep 0.1
done
echo "GET /readyz from the host: $ready"
case "$ready" in *' 200') ;; *) podman logs "$name" >&2; exit 1 ;; esac
podman healthcheck run "$name" && echo "HEALTHCHECK: $(podman inspect "$name" --format '{{.State.Health.Status}}')"
echo "user in the container: $(podman exec "$name" id -u)"
set +e
second=$(podman run --rm "${run_args[@]}" "$image" 2>&1 | grep 'cannot start')
second_rc=${PIPESTATUS[0]}
set -e
echo "second container on the same data (exit $second_rc): $second"
[ "$second_rc" != 0 ] || exit 1
podman stop -t 20 "$name" >/dev/null
code=$(podman inspect "$name" --format '{{.State.ExitCode}}')
echo "after podman stop: exit $code; $(podman logs "$name" 2>/dev/null | grep -o '"msg":"stopped cleanly"')"
[ "$code" = 0 ] && echo "container image: all checks passed"
