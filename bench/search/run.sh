#!/usr/bin/env bash
# Search benchmark (issue 9), side by side in one run on one generated web-log dataset:
#   1. indexing throughput of one index (its feeder is one thread) over a topic that already
#      holds the documents, against PostgreSQL 15 COPY into a table with a GIN full-text index
#      and a B-tree on the timestamp;
#   2. p50/p99 latency of three queries (term filter + 1 h date_histogram over all data;
#      full-text match, top 10 by time; terms top 10 under a range filter) against the same SQL
#      in PostgreSQL and against a brute-force scan of the NDJSON with rg (ripgrep);
#   3. index size against the NDJSON and its zstd.
# The topic is loaded with kcat over the Kafka listener before the index exists.
# Query latencies are timed as PostgreSQL's are (psql's \timing: one query on an open
# connection): the RUNS requests of a query go over one kept-alive connection, each timed from
# sending it to its whole answer.
# Usage: bench/search/run.sh [DOCS] (default 1000000) with CAUDAL_BINARY set or build/ built;
# DATASET=file uses that NDJSON (as gen_weblogs.py DOCS wrote it) instead of generating it.
set -euo pipefail
DOCS="${1:-1000000}"
RUNS="${RUNS:-30}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
CAUDAL="${CAUDAL_BINARY:-$ROOT/build/src/cli/caudal}"
WORK="$(mktemp -d /tmp/caudal_search_bench_XXXXXX)"
PG_BIN=/usr/lib/postgresql/15/bin
PGPORT=55439
CAUDAL_PID=""
cleanup() {
  [ -n "$CAUDAL_PID" ] && kill "$CAUDAL_PID" 2>/dev/null || true
  if [ -d "$WORK/pg" ]; then su postgres -c "$PG_BIN/pg_ctl -D $WORK/pg -m immediate stop" >/dev/null 2>&1 || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
now_ms() { date +%s%3N; }
# CPU seconds used so far by process $1 (every thread) and its reaped children: on a shared
# machine, throughput per core is bytes over CPU time, not over wall time.
cpu_s() {
  awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15 + $16 + $17) / hz}' "/proc/$1/stat"
}
# ... plus its live children (PostgreSQL's backends).
cpu_tree_s() {
  local total; total=$(cpu_s "$1")
  for child in $(pgrep -P "$1"); do total=$(echo "$total + $(cpu_s "$child")" | bc); done
  echo "$total"
}
percentiles() { sort -n | awk '{a[NR]=$1} END {printf "p50 %.1f ms, p99 %.1f ms", a[int(NR*0.5+0.5)], a[int(NR*0.99+0.5)]}'; }

echo "== dataset: $DOCS web-log documents"
if [ -n "${DATASET:-}" ]; then
  ln -s "$(realpath "$DATASET")" "$WORK/weblogs.ndjson"
else
  python3 "$ROOT/bench/search/gen_weblogs.py" "$DOCS" >"$WORK/weblogs.ndjson"
fi
RAW=$(stat -L -c %s "$WORK/weblogs.ndjson")
ZST=$(zstd -3 -q -c <"$WORK/weblogs.ndjson" | wc -c)
echo "raw NDJSON $RAW bytes, zstd -3 $ZST bytes"

# --- Caudal: load the topic first (no index), then index it from scratch on one feeder thread.
cat >"$WORK/load.yaml" <<YAML
data_dir: $WORK/data
listen: {elasticsearch: 127.0.0.1:0, kafka: 127.0.0.1:0}
topics: {weblogs: {}}
YAML
start() {
  # The log may not exist yet when first polled (the server's shell has not opened it).
  "$CAUDAL" serve -c "$1" >"$WORK/caudal.out" 2>"$WORK/caudal.log" &
  CAUDAL_PID=$!
  for _ in $(seq 1 400); do
    ES=$(sed -n 's/.*listening elasticsearch on \([^ ]*\).*/\1/p' "$WORK/caudal.log" 2>/dev/null | tail -n1 || true)
    [ -n "$ES" ] && return 0
    sleep 0.05
  done
  cat "$WORK/caudal.log" >&2; exit 1
}
start "$WORK/load.yaml"
KAFKA=$(sed -n 's/.*listening kafka on \([^ ]*\).*/\1/p' "$WORK/caudal.log" | tail -n1)
kcat -P -l -b "$KAFKA" -t weblogs -X linger.ms=20 -X batch.size=1000000 "$WORK/weblogs.ndjson"
kill "$CAUDAL_PID"; wait "$CAUDAL_PID" || true; CAUDAL_PID=""
cat >"$WORK/index.yaml" <<YAML
data_dir: $WORK/data
listen: {elasticsearch: 127.0.0.1:0}
indexes: {web: {topic: weblogs}}
YAML
t0=$(now_ms)
start "$WORK/index.yaml"
while :; do
  count=$(curl -s "http://$ES/web/_count" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("count",0))')
  [ "$count" -ge "$DOCS" ] && break
  sleep 0.2
done
t1=$(now_ms)
cpu=$(cpu_s "$CAUDAL_PID")
secs=$(echo "scale=3; ($t1 - $t0) / 1000" | bc)
echo "caudal indexing: $DOCS docs in ${secs}s wall: $(echo "scale=1; $DOCS / $secs" | bc) docs/s, $(echo "scale=1; $RAW / $secs / 1048576" | bc) MB/s on one feeder thread (start-up included)"
echo "caudal indexing CPU: ${cpu}s: $(echo "scale=1; $DOCS / $cpu" | bc) docs/s, $(echo "scale=1; $RAW / $cpu / 1048576" | bc) MB/s per core"
IDX=$(du -sb "$WORK/data/index/web" | cut -f1)
echo "index size: $IDX bytes ($(echo "scale=2; $IDX * 100 / $RAW" | bc)% of NDJSON, $(echo "scale=2; $IDX * 100 / $ZST" | bc)% of its zstd)"

q1='{"size":0,"query":{"term":{"status":500}},"aggs":{"h":{"date_histogram":{"field":"@timestamp","fixed_interval":"1h"}}}}'
q2='{"size":10,"query":{"match":{"message":"timeout"}},"sort":[{"@timestamp":"desc"}]}'
q3='{"size":0,"query":{"range":{"response_ms":{"gte":1000}}},"aggs":{"top":{"terms":{"field":"host.keyword","size":10}}}}'
for q in q1 q2 q3; do
  body="${!q}"
  args=()
  for i in $(seq 1 "$RUNS"); do
    [ "$i" -gt 1 ] && args+=(--next)
    args+=(-s -o /dev/null -w '%{time_total}\n' -H 'Content-Type: application/json' "http://$ES/web/_search" -d "$body")
  done
  curl "${args[@]}" | awk '{print $1 * 1000}' | percentiles | sed "s/^/caudal $q: /"; echo
done
kill "$CAUDAL_PID"; wait "$CAUDAL_PID" || true; CAUDAL_PID=""

# --- PostgreSQL 15: COPY into an indexed table.
mkdir -p "$WORK/pg"; chown postgres "$WORK/pg"; chmod 755 "$WORK"
su postgres -c "$PG_BIN/initdb -D $WORK/pg -A trust" >/dev/null
su postgres -c "$PG_BIN/pg_ctl -D $WORK/pg -o '-p $PGPORT -k /tmp' -l $WORK/pg/log start" >/dev/null
psql_run() { psql -h /tmp -p "$PGPORT" -U postgres -q -At "$@"; }
python3 - "$WORK/weblogs.ndjson" >"$WORK/weblogs.tsv" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    d = json.loads(line)
    esc = lambda s: s.replace("\\", "\\\\").replace("\t", " ")
    print("\t".join([d["@timestamp"], d["host"], str(d["status"]), str(d["response_ms"]), esc(d["message"]), esc(line.strip())]))
PY
psql_run -c "CREATE TABLE weblogs (ts timestamptz, host text, status int, response_ms int, message text, doc jsonb);
             CREATE INDEX ON weblogs USING gin (to_tsvector('english', message));
             CREATE INDEX ON weblogs (ts);"
PG_PID=$(head -n1 "$WORK/pg/postmaster.pid")
c0=$(cpu_tree_s "$PG_PID")
t0=$(now_ms)
psql_run -c "\\copy weblogs FROM '$WORK/weblogs.tsv'"
t1=$(now_ms)
cpu=$(echo "$(cpu_tree_s "$PG_PID") - $c0" | bc)
secs=$(echo "scale=3; ($t1 - $t0) / 1000" | bc)
echo "postgresql COPY: $DOCS docs in ${secs}s wall: $(echo "scale=1; $DOCS / $secs" | bc) docs/s, $(echo "scale=1; $RAW / $secs / 1048576" | bc) MB/s (one backend)"
echo "postgresql COPY CPU: ${cpu}s: $(echo "scale=1; $DOCS / $cpu" | bc) docs/s, $(echo "scale=1; $RAW / $cpu / 1048576" | bc) MB/s per core"
psql_run -c "VACUUM ANALYZE weblogs"
s1="SELECT date_trunc('hour', ts), count(*) FROM weblogs WHERE status = 500 GROUP BY 1 ORDER BY 1"
s2="SELECT doc FROM weblogs WHERE to_tsvector('english', message) @@ to_tsquery('english', 'timeout') ORDER BY ts DESC LIMIT 10"
s3="SELECT host, count(*) FROM weblogs WHERE response_ms >= 1000 GROUP BY host ORDER BY 2 DESC LIMIT 10"
for q in s1 s2 s3; do
  sql="${!q}"
  for _ in $(seq 1 "$RUNS"); do
    psql_run -c '\timing on' -c "$sql" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p'
  done | percentiles | sed "s/^/postgresql $q: /"; echo
done

# --- Brute force: one scan of the NDJSON per query.
for q in 1 2 3; do
  case $q in
    1) pattern='"status":500,' ;;
    2) pattern='timeout' ;;
    3) pattern='"response_ms":[0-9]{4},' ;;
  esac
  for _ in $(seq 1 5); do
    t0=$(date +%s%N); rg -c "$pattern" "$WORK/weblogs.ndjson" >/dev/null; t1=$(date +%s%N)
    echo "$(( (t1 - t0) / 1000 ))" | awk '{print $1 / 1000}'
  done | percentiles | sed "s|^|rg query $q: |"; echo
done
