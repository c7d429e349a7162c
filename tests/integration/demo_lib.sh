# Shared by the alarm demo's tests (sourced after lib.sh).

# example_config OUT WEB_DIR [HTTP]: examples/alarms/caudal.yaml written to OUT with its HTTP
# listener on HTTP (default 127.0.0.1:0: any free port), its Kafka and Elasticsearch listeners
# on free ports, the dashboard served from WEB_DIR and its e-mail outbox at OUT's folder/outbox.
# Tables (customers.csv) are then read from OUT's folder.
example_config() {
  sed -e "s/127.0.0.1:8080/${3:-127.0.0.1:0}/" -e 's/127.0.0.1:9092/127.0.0.1:0/' \
    -e 's/^\(  kafka: .*\)$/\1\n  elasticsearch: 127.0.0.1:0/' \
    -e "s|../../web/dist|$2|" \
    "$CAUDAL_SOURCE_DIR/examples/alarms/caudal.yaml" >"$1"
  export CAUDAL_OUTBOX
  CAUDAL_OUTBOX="$(dirname "$1")/outbox"
}
