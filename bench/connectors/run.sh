#!/usr/bin/env bash
# Connector sinks beside their servers' own direct rates, in one run, on the same events:
#   InfluxDB sink      vs curl posting the same line protocol (5,000 points per request)
#   PostgreSQL sink    vs psql \copy of the same rows (the sink also dedupes on the id)
#   file sink          vs zstd -3 compressing the same NDJSON
# Each server is started here on free ports in a temp dir (PostgreSQL as the postgres user
# when run as root). Each pair is measured ROUNDS times, sink and peer back to back in each
# round so both see the same load, in alternate order (the peer first in odd rounds, the sink
# first in even ones: neither always runs while the server digests the other's writes). Each
# sink's summary gives the median of the per-round ratios with their spread, and the median
# rates of both sides: on a shared machine one round says little.
# Usage: [ROUNDS=n] [SINKS="influxdb postgres file"] bench/connectors/run.sh [BUILD_DIR] [EVENTS] [ROUNDS]
# INFLUX_BATCH and INFLUX_QUEUE set the InfluxDB sink's batch_records and queue_records (default:
# the connector's own) to compare batch sizes; the peer always posts 5,000 points per request.
set -euo pipefail
build=${1:-build}
events=${2:-200000}
rounds=${3:-${ROUNDS:-7}}
sinks=${SINKS:-influxdb postgres file}
bench="$build/bench/connector_bench"
work=$(mktemp -d /tmp/caudal_connector_bench_XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now() { date +%s.%N; }
rate() { python3 -c "import sys; n,a,b=int(sys.argv[1]),float(sys.argv[2]),float(sys.argv[3]); print('%d events in %.3f s: %.0f events/s' % (n, b-a, n/(b-a)))" "$@"; }
per_second() { sed -n 's/.*: \([0-9]*\) events\/s.*/\1/p'; }
load() { cut -d' ' -f1 /proc/loadavg; }
wanted() { [[ " $sinks " == *" $1 "* ]]; }
# measure NAME ROUND SINK_COMMAND PEER_COMMAND: runs both (each prints "...: N events/s"), the
# peer first in odd rounds, prints the round and keeps the rates in rates_NAME.
measure() {
  local sink_line peer_line sink peer
  if (($2 % 2 == 1)); then
    peer_line=$($4); sink_line=$($3)
  else
    sink_line=$($3); peer_line=$($4)
  fi
  sink=$(echo "$sink_line" | per_second); peer=$(echo "$peer_line" | per_second)
  printf '%-9s round %d (%s first): sink %8d/s  peer %8d/s  ratio %.2f  (load %s)\n' "$1" "$2" \
    "$( (($2 % 2 == 1)) && echo peer || echo sink)" "$sink" "$peer" "$(python3 -c "print($sink / $peer)")" "$(load)"
  echo "$sink $peer" >>"$work/rates_$1"
}
summary() {
  python3 - "$1" "$work/rates_$1" <<'PY'
import statistics, sys
rates = [tuple(float(x) for x in line.split()) for line in open(sys.argv[2])]
ratios = sorted(s / p for s, p in rates)
q = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else [ratios[0]] * 3
print("%-9s median ratio %.2f over %d rounds (min %.2f, quartiles %.2f-%.2f, max %.2f); median rates: sink %.0f/s, peer %.0f/s"
      % (sys.argv[1], statistics.median(ratios), len(ratios), ratios[0], q[0], q[2], ratios[-1],
         statistics.median(s for s, _ in rates), statistics.median(p for _, p in rates)))
PY
}

python3 - "$work" "$events" <<'PY'
import json, sys
work, n = sys.argv[1], int(sys.argv[2])
with open(f"{work}/events.ndjson", "w") as ev, open(f"{work}/rows.tsv", "w") as rows:
    lines = []
    for i in range(n):
        e = {"id": f"e{i}", "device": f"d{i % 100}", "site": f"s{i % 7}", "value": i * 0.5, "state": "ok",
             "ts": 1700000000000 + i}
        ev.write(json.dumps(e, separators=(",", ":")) + "\n")
        rows.write(f"e{i}\td{i % 100}\t{i * 0.5}\n")
        lines.append(f"temperature,device=d{i % 100},site=s{i % 7} value={i * 0.5},state=\"ok\" {(1700000000000 + i) * 1000000}\n")
    for c in range(0, n, 5000):
        open(f"{work}/lines.{c // 5000:05d}", "w").write("".join(lines[c:c + 5000]))
PY
echo "$events events, $(du -h "$work/events.ndjson" | cut -f1) of NDJSON; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

# --- InfluxDB 1.x ----------------------------------------------------------------------------
# Each side writes into a database of its own, dropped once measured, so that no round runs
# while InfluxDB still compacts an earlier round's points.
influx_query() { curl -sf -XPOST "http://127.0.0.1:$http_port/query" --data-urlencode "q=$1" >/dev/null; }
influx_peer() {
  influx_query "CREATE DATABASE direct$1"
  : >"$work/curl.conf"
  for f in "$work"/lines.*; do
    [ -s "$work/curl.conf" ] && echo next >>"$work/curl.conf"
    printf 'url = "http://127.0.0.1:%s/write?db=direct%s&precision=ns"\ndata-binary = "@%s"\n' "$http_port" "$1" "$f" >>"$work/curl.conf"
  done
  local start end
  start=$(now); curl -sf -K "$work/curl.conf" >/dev/null; end=$(now)
  influx_query "DROP DATABASE direct$1"
  rate "$events" "$start" "$end"
}
influx_sink() {
  influx_query "CREATE DATABASE sink$1"
  cat >"$work/influx.yaml" <<YAML
influxdb:
  url: "http://127.0.0.1:$http_port"
  database: sink$1
  measurement: "'temperature'"
  tags: { device: device, site: site }
  fields: { value: value, state: state }
  time: ts
${INFLUX_BATCH:+  batch_records: $INFLUX_BATCH
}${INFLUX_QUEUE:+  queue_records: $INFLUX_QUEUE
}  linger: 100ms
YAML
  "$bench" "$work/influx.yaml" "$work/events.ndjson"
  influx_query "DROP DATABASE sink$1"
}
if wanted influxdb && command -v influxd >/dev/null; then
  http_port=$(free_port); rpc_port=$(free_port)
  cat >"$work/influxdb.conf" <<CONF
reporting-disabled = true
bind-address = "127.0.0.1:$rpc_port"
[meta]
  dir = "$work/influx/meta"
[data]
  dir = "$work/influx/data"
  wal-dir = "$work/influx/wal"
  query-log-enabled = false
[http]
  bind-address = "127.0.0.1:$http_port"
  log-enabled = false
[monitor]
  store-enabled = false
CONF
  influxd -config "$work/influxdb.conf" >/dev/null 2>&1 &
  pids+=($!)
  for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$http_port/ping" >/dev/null && break; sleep 0.1; done
  for r in $(seq 1 "$rounds"); do measure influxdb "$r" "influx_sink $r" "influx_peer $r"; done
  summary influxdb
fi

# --- PostgreSQL 15 ---------------------------------------------------------------------------
pg_bin=/usr/lib/postgresql/15/bin
pg_peer() {
  local start end
  start=$(now); psql "$conn" -qc "\\copy direct (id, device, value) from '$work/rows.tsv'"; end=$(now)
  rate "$events" "$start" "$end"
}
pg_sink() { "$bench" "$work/pg.yaml" "$work/events.ndjson"; }
if wanted postgres && [ -x "$pg_bin/postgres" ]; then
  as_pg=()
  if [ "$(id -u)" = 0 ]; then as_pg=(runuser -u postgres --); chown postgres "$work"; chmod 755 "$work"; fi
  pg_port=$(free_port)
  "${as_pg[@]}" "$pg_bin/initdb" -D "$work/pg" -U caudal --auth=trust -E UTF8 --no-sync >/dev/null
  "${as_pg[@]}" "$pg_bin/postgres" -D "$work/pg" -p "$pg_port" -h 127.0.0.1 -k "$work" >/dev/null 2>&1 &
  pids+=($!)
  conn="host=127.0.0.1 port=$pg_port dbname=postgres user=caudal"
  for _ in $(seq 1 200); do psql "$conn" -qAtc 'SELECT 1' >/dev/null 2>&1 && break; sleep 0.1; done
  psql "$conn" -qc "CREATE TABLE direct (id text PRIMARY KEY, device text, value double precision);
                    CREATE TABLE sink (id text PRIMARY KEY, device text, value double precision)"
  cat >"$work/pg.yaml" <<YAML
postgres:
  conninfo: "$conn"
  table: sink
  id_column: id
  columns: { id: id, device: device, value: value }
  linger: 100ms
YAML
  for r in $(seq 1 "$rounds"); do
    psql "$conn" -qc "TRUNCATE direct; TRUNCATE sink; CHECKPOINT"
    measure postgres "$r" pg_sink pg_peer
    rows="direct $(psql "$conn" -qAtc 'SELECT count(*) FROM direct'), sink $(psql "$conn" -qAtc 'SELECT count(*) FROM sink')"
    [ "$rows" = "direct $events, sink $events" ] || echo "postgres  rows: $rows (expected $events each)"
  done
  summary postgres
fi

# --- files -----------------------------------------------------------------------------------
# zstd takes a fraction of a second for EVENTS: both sides get the events five times over, so
# the rates are not a matter of process start-up and timer noise.
file_peer() {
  local start end
  start=$(now); zstd -3 -q -c "$work/file_events.ndjson" >"$work/direct.ndjson.zst"; end=$(now)
  rate "$file_events" "$start" "$end"
}
# One file of the whole input: it is complete (renamed) exactly when the last event is in.
file_sink() {
  rm -rf "$work/files"
  "$bench" "$work/file.yaml" "$work/file_events.ndjson"
}
if wanted file; then
  for _ in 1 2 3 4 5; do cat "$work/events.ndjson"; done >"$work/file_events.ndjson"
  file_events=$((events * 5))
  cat >"$work/file.yaml" <<YAML
file: { dir: "$work/files", max_bytes: $(stat -c %s "$work/file_events.ndjson"), level: 3, queue_records: $file_events }
YAML
  for r in $(seq 1 "$rounds"); do measure file "$r" file_sink file_peer; done
  summary file
fi
