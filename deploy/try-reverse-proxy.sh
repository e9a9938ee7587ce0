#!/usr/bin/env bash
# README "Running behind a reverse proxy", reproduced: nginx terminating TLS (a throw-away self-signed certificate)
# on 127.0.0.1:${PROXY_PORT:-8443} in front of a hub started with `npm start` on 127.0.0.1:${HUB_PORT:-3210}, the
# example config with server.publicUrl https://hub.test:<proxy port> and server.trustProxy ${TRUST_PROXY:-true}.
# Signs in to the dashboard through the proxy with curl (the admin token in the form body, the browser's Origin),
# then reads the session with the cookie, and checks that a foreign Origin is refused with the reason.
# Needs: nginx (apt-get install -y nginx), openssl, curl, a build (npm run build). Exit 0 when every check passed.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
proxy_port="${PROXY_PORT:-8443}"
hub_port="${HUB_PORT:-3210}"
trust="${TRUST_PROXY:-true}"
work="$(mktemp -d)"
hub_pid=""
cleanup() {
  if [ -n "$hub_pid" ]; then kill -TERM "$hub_pid" 2>/dev/null || true; wait "$hub_pid" 2>/dev/null || true; fi
  if [ -f "$work/nginx.pid" ]; then kill -QUIT "$(cat "$work/nginx.pid")" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
public="https://hub.test:$proxy_port"
token="try-proxy-admin-token-0123456789abcdef"

# The hub: the example config, its own data directory, only the fields this needs changed.
node -e '
  const c = require(process.argv[1]);
  c.server = { ...c.server, host: "127.0.0.1", port: +process.argv[2], publicUrl: process.argv[3],
               trustProxy: process.argv[4] === "true" };
  c.storage.path = process.argv[5] + "/data/stockbridge.db";
  console.log(JSON.stringify(c, null, 2));
' "$root/stockbridge.example.json" "$hub_port" "$public" "$trust" "$work" >"$work/stockbridge.json"
mkdir -p "$work/data"
for var in $(grep -o '\${[A-Z_][A-Z0-9_]*}' "$root/stockbridge.example.json" | tr -d '${}' | sort -u); do
  export "$var=dummy-$var"
done
export ADMIN_TOKEN="$token" NODE_ENV=production STOCKBRIDGE_CONFIG="$work/stockbridge.json"
(cd "$root" && exec node dist/src/main.js) >"$work/hub.log" 2>&1 &
hub_pid=$!

# nginx: the README's server block, with a certificate for hub.test made here.
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=hub.test" -addext "subjectAltName=DNS:hub.test" \
  -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
mkdir -p "$work/nginx"
cat >"$work/nginx.conf" <<EOF
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events {}
http {
  access_log $work/nginx-access.log;
  client_body_temp_path $work/nginx;
  proxy_temp_path $work/nginx;
  server {
    listen 127.0.0.1:$proxy_port ssl;
    server_name hub.test;
    ssl_certificate $work/cert.pem;
    ssl_certificate_key $work/key.pem;
    client_max_body_size 2m;
    location / {
      proxy_pass http://127.0.0.1:$hub_port;
      proxy_http_version 1.1;
      proxy_set_header Host \$http_host;
      proxy_set_header X-Forwarded-Proto \$scheme;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Host \$http_host;
      proxy_read_timeout 60s;
    }
  }
}
EOF
nginx -c "$work/nginx.conf" -p "$work"

curl_() { curl -sS --resolve "hub.test:$proxy_port:127.0.0.1" --cacert "$work/cert.pem" "$@"; }
for _ in $(seq 1 300); do
  if curl_ -o /dev/null -f "$public/readyz" 2>/dev/null; then break; fi
  if ! kill -0 "$hub_pid" 2>/dev/null; then echo "hub exited:" >&2; cat "$work/hub.log" >&2; exit 1; fi
  sleep 0.1
done
echo "readyz through nginx: $(curl_ -s -o /dev/null -w '%{http_code}' "$public/readyz")"

fail=0
# 1. Sign in as the browser does: form POST, Origin = the public https origin.
curl_ -D "$work/h1" -o /dev/null -H "Origin: $public" --data-urlencode "token=$token" "$public/dashboard/sign-in"
echo "sign-in: $(head -1 "$work/h1" | tr -d '\r'); $(grep -i '^location:' "$work/h1" | tr -d '\r')"
cookie=$(grep -i '^set-cookie:' "$work/h1" | sed 's/^[^:]*: *//; s/;.*//' | tr -d '\r' || true)
if grep -i '^set-cookie:' "$work/h1" | grep -qi '; Secure'; then echo "cookie: Secure"
else echo "cookie not Secure"; fail=1; fi
[ -n "$cookie" ] || { echo "no session cookie"; fail=1; }
status=$(curl_ -o "$work/session.json" -w '%{http_code}' -H "Cookie: $cookie" "$public/dashboard/session")
echo "GET /dashboard/session with the cookie: $status $(head -c 120 "$work/session.json")"
[ "$status" = 200 ] || fail=1
# 2. A form posted from another origin is refused, and says why.
# (From a client address nginx passes on in X-Forwarded-For: the hub logs it only with trustProxy.)
curl_ -D "$work/h2" -o /dev/null -H "Origin: https://evil.test" -H "X-Forwarded-For: 203.0.113.7" \
  --data-urlencode "token=$token" \
  "$public/dashboard/sign-in"
where=$(grep -i '^location:' "$work/h2" | tr -d '\r')
echo "foreign origin: $where"
case "$where" in *sign-in-refused=origin*) ;; *) fail=1 ;; esac
# 3. The page's CSP: upgrade-insecure-requests only because this page was served over https.
csp=$(curl_ -s -D - -o /dev/null "$public/dashboard" | grep -i '^content-security-policy:' | tr -d '\r')
case "$csp" in *upgrade-insecure-requests*) echo "CSP has upgrade-insecure-requests (served over https)" ;;
  *) if [ "$trust" = true ]; then echo "CSP lacks upgrade-insecure-requests"; fail=1; fi ;; esac
echo "hub log, sign-in lines:"
grep "dashboard sign-in" "$work/hub.log" | grep -o "\"ip\":\"[^\"]*\"\|\"msg\":\"dashboard sign-in[^:]*" \
  | paste -sd" " || true
echo "nginx access log:"
sed 's/^/  /' "$work/nginx-access.log"
[ "$fail" = 0 ] && echo "reverse proxy: all checks passed (trustProxy $trust)" || echo "reverse proxy: FAILED"
exit "$fail"
