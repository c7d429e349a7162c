#!/usr/bin/env bash
# syslog-ng's kafka-c destination (librdkafka) ships a tailed log file into a topic: every line
# arrives, once, in order. syslog-ng runs in the foreground as the test's user, without root,
# systemd or capabilities: its config, persist file, pid file and control socket are in the
# test's temp dir.
source "$(dirname "$0")/lib.sh"

command -v syslog-ng >/dev/null || { fail "syslog-ng is missing (scripts/bootstrap installs it)"; finish; }

cat >"$TEST_DIR/caudal.yaml" <<YAML
data_dir: ./data
listen:
  http: 127.0.0.1:0
  kafka: 127.0.0.1:0
topics:
  syslog: { partitions: 1 }
YAML
start_caudal "$TEST_DIR/caudal.yaml"
KAFKA_ADDR=$(sed -n 's/.*listening kafka on \([^ ]*\).*/\1/p' "$TEST_DIR/caudal.log" | head -n1)

LINES=5000
mkdir -p "$TEST_DIR/logs"
input="$TEST_DIR/logs/app.log"
# Half the file exists when syslog-ng starts, half is appended while it follows the file.
for i in $(seq 1 $((LINES / 2))); do echo "app line $i: user=u$((i % 17)) action=login ok"; done >"$input"

syslog_version=$(syslog-ng --version | sed -n 's/^Config version: //p')
cat >"$TEST_DIR/syslog-ng.conf" <<CONF
@version: $syslog_version
options { stats_freq(0); };
source s_app {
  file("$input" follow-freq(0.1) flags(no-parse));
};
destination d_caudal {
  kafka-c(
    bootstrap-servers("$KAFKA_ADDR")
    topic("syslog")
    message("\$MSG")
    config("linger.ms" => "5" "enable.idempotence" => "true")
  );
};
log { source(s_app); destination(d_caudal); };
CONF

syslog-ng -F --no-caps -f "$TEST_DIR/syslog-ng.conf" -R "$TEST_DIR/syslog-ng.persist" \
  -p "$TEST_DIR/syslog-ng.pid" --control "$TEST_DIR/syslog-ng.ctl" \
  >"$TEST_DIR/syslog-ng.out" 2>&1 &
SYSLOG_PID=$!
trap 'kill "$SYSLOG_PID" 2>/dev/null || true; cleanup' EXIT

for i in $(seq $((LINES / 2 + 1)) "$LINES"); do echo "app line $i: user=u$((i % 17)) action=login ok"; done >>"$input"

consumed="$TEST_DIR/consumed.txt"
deadline=$((SECONDS + 40))
while [ "$SECONDS" -lt "$deadline" ]; do
  kcat -C -b "$KAFKA_ADDR" -t syslog -o beginning -e -q -f '%s\n' >"$consumed" 2>/dev/null || true
  [ "$(wc -l <"$consumed")" -ge "$LINES" ] && break
  kill -0 "$SYSLOG_PID" 2>/dev/null || break
  sleep 0.2
done

if kill -0 "$SYSLOG_PID" 2>/dev/null; then
  pass "syslog-ng runs in the foreground without root or systemd"
else
  fail "syslog-ng exited: $(cat "$TEST_DIR/syslog-ng.out")"
fi
expect_eq "$(wc -l <"$consumed")" "$LINES" "every line of the file is in the topic"
if cmp -s "$input" "$consumed"; then
  pass "the lines arrive byte for byte, in order"
else
  fail "consumed lines differ: $(diff "$input" "$consumed" | head -5)"
fi

kill -TERM "$SYSLOG_PID" 2>/dev/null || true
wait "$SYSLOG_PID" 2>/dev/null || true
stop_caudal TERM
finish
