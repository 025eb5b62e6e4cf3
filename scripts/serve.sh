#!/usr/bin/env bash
# Serve the dashboard from several processes behind nginx (README "More than one server process"):
#
#   scripts/serve.sh --processes N [--port 8080] [--address 0.0.0.0] [--app-port 8501] [-- STREAMLIT ARGS]
#
# Starts N `streamlit run dashboard/app.py` processes on 127.0.0.1, ports APP_PORT … APP_PORT+N-1, all
# on the database of DATABASE_URL (PostgreSQL when N > 1: SQLite is for one process), and Debian's nginx
# on ADDRESS:PORT in front of them with sticky sessions and WebSocket pass-through. nginx's config is
# written from scripts/nginx.conf.template into a fresh run directory, which also holds every log.
# Ctrl-C, SIGTERM, or any of the processes ending stops all of them and removes that directory.
set -euo pipefail
cd "$(dirname "$0")/.."

die() { echo "serve.sh: $*" >&2; exit 2; }

processes=2 port=8080 address=0.0.0.0 app_port=8501
while [ $# -gt 0 ]; do
  case $1 in
    --processes | --port | --address | --app-port)
      [ $# -ge 2 ] || die "$1 needs a value"
      case $1 in
        --processes) processes=$2 ;; --port) port=$2 ;; --address) address=$2 ;; --app-port) app_port=$2 ;;
      esac
      shift 2 ;;
    --) shift; break ;;
    -h | --help) sed -n '2,11s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done
[[ $processes =~ ^[1-9][0-9]?$ ]] || die "--processes must be a number from 1 to 99, not '$processes'"
for p in "$port" "$app_port"; do
  [[ $p =~ ^[0-9]{2,5}$ ]] && [ "$p" -ge 1 ] && [ "$p" -le 65535 ] || die "'$p' is not a port number"
done
[ $((app_port + processes - 1)) -le 65535 ] || die "--app-port $app_port leaves no room for $processes processes"
[[ $address =~ ^[][0-9A-Za-z.:-]+$ ]] || die "'$address' is not an address"

case ${DATABASE_URL:-} in
  postgres://* | postgresql://* | postgresql+psycopg://*) ;;
  *) [ "$processes" -eq 1 ] || die "$processes processes need PostgreSQL: set DATABASE_URL=postgresql://… \
(SQLite keeps the data in one file that only one process should write; use --processes 1 or scripts/run.sh)" ;;
esac

NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$NGINX" ] || die "nginx is not installed: run 'bash scripts/setup.sh --system' (or apt-get install nginx)"

bash scripts/setup.sh
PY=.venv/bin/python

RUN=$(mktemp -d "${TMPDIR:-/tmp}/lao-serve.XXXXXX")
chmod 755 "$RUN"                      # nginx's workers (user nobody when started as root) write temp files here
pids=()
stop_all() {
  trap - EXIT INT TERM
  local pid i
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for i in $(seq 100); do             # up to 10 s for a clean stop, then no more waiting
    local alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$RUN"
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# One cookie-signing key for every process, so a cookie Streamlit signed in one is valid in all.
STREAMLIT_SERVER_COOKIE_SECRET=${STREAMLIT_SERVER_COOKIE_SECRET:-$($PY -c 'import secrets; print(secrets.token_hex(32))')}
export STREAMLIT_SERVER_COOKIE_SECRET

ports=()
for i in $(seq 0 $((processes - 1))); do
  p=$((app_port + i))
  ports+=("$p")
  $PY -m streamlit run dashboard/app.py --server.port "$p" --server.address 127.0.0.1 --server.headless true \
    "$@" >"$RUN/app-$p.log" 2>&1 &
  pids+=($!)
done

# Wait until every process answers (a process that exits instead is reported with its log).
$PY - "$RUN" "${ports[@]}" <<'PYEOF'
import sys, time, urllib.request
run, ports = sys.argv[1], sys.argv[2:]
deadline = time.monotonic() + 120
for port in ports:
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if time.monotonic() > deadline:
            sys.exit(f"serve.sh: the process on port {port} did not start; its log: {run}/app-{port}.log")
        time.sleep(0.3)
PYEOF

$PY - "$RUN" "$address" "$port" "${ports[@]}" <<'PYEOF'
import sys
from pathlib import Path
run, address, port, *ports = sys.argv[1:]
upstreams = "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;" for p in ports)
text = Path("scripts/nginx.conf.template").read_text()
for name, value in {"RUN": run, "ADDRESS": address, "PORT": port, "UPSTREAMS": upstreams}.items():
    text = text.replace(f"@{name}@", value)
Path(run, "nginx.conf").write_text(text)
PYEOF
"$NGINX" -t -q -p "$RUN" -e "$RUN/nginx-error.log" -c "$RUN/nginx.conf" || die "nginx refused its config ($RUN/nginx.conf)"
"$NGINX" -p "$RUN" -e "$RUN/nginx-error.log" -c "$RUN/nginx.conf" &
pids+=($!)

echo "serve.sh: $processes process(es) on 127.0.0.1:${ports[0]}… behind nginx on http://$address:$port (logs: $RUN; Ctrl-C stops)"
set +e
wait -n "${pids[@]}"
rc=$?
echo "serve.sh: a process ended (exit $rc); stopping the others. Logs were in $RUN" >&2
exit 1
