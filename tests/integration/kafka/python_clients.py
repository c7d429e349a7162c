#!/usr/bin/python3
"""Produces and consumes through Caudal's Kafka listener with the two Python clients Debian
ships: confluent-kafka (librdkafka) and kafka-python. Prints one line per check and exits 1 if
any failed. Usage: python_clients.py HOST:PORT"""
import sys
import time

from confluent_kafka import Producer as ConfluentProducer
from confluent_kafka.admin import AdminClient, NewTopic
from kafka import KafkaConsumer, KafkaProducer, TopicPartition

BOOTSTRAP = sys.argv[1]
failures = 0


def check(ok, what):
    global failures
    print(("ok: " if ok else "FAIL: ") + what, flush=True)
    if not ok:
        failures += 1


def consume_all(topic, partitions, expected_count, timeout_s=20):
    """Reads every record of `topic` from the start with kafka-python (assign, no group)."""
    consumer = KafkaConsumer(bootstrap_servers=BOOTSTRAP, group_id=None,
                             enable_auto_commit=False, consumer_timeout_ms=1000)
    tps = [TopicPartition(topic, p) for p in range(partitions)]
    consumer.assign(tps)
    consumer.seek_to_beginning(*tps)
    records = []
    deadline = time.time() + timeout_s
    while len(records) < expected_count and time.time() < deadline:
        for batch in consumer.poll(timeout_ms=500).values():
            records.extend(batch)
    consumer.close()
    return records


# confluent-kafka: the admin client creates a topic, the producer writes keyed records with
# headers, compressed with each codec librdkafka has, acks=all.
admin = AdminClient({"bootstrap.servers": BOOTSTRAP})
futures = admin.create_topics([NewTopic("py-confluent", num_partitions=3, replication_factor=1)])
try:
    futures["py-confluent"].result(10)
    check(True, "confluent-kafka AdminClient creates a topic with 3 partitions")
except Exception as e:  # noqa: BLE001 - the test reports any failure
    check(False, f"confluent-kafka AdminClient create_topics: {e}")
metadata = admin.list_topics(timeout=10)
check(len(metadata.topics["py-confluent"].partitions) == 3, "metadata shows 3 partitions")

sent = {}
for codec in ["none", "gzip", "snappy", "lz4", "zstd"]:
    producer = ConfluentProducer({"bootstrap.servers": BOOTSTRAP, "acks": "all",
                                  "compression.codec": codec, "linger.ms": 5})
    errors = []
    for i in range(200):
        key = f"{codec}-{i}".encode()
        value = (f"value {i} " * (i % 7 + 1)).encode()
        sent[key] = value
        producer.produce("py-confluent", key=key, value=value, headers=[("codec", codec.encode())],
                         on_delivery=lambda err, msg: err and errors.append(err))
    remaining = producer.flush(15)
    check(remaining == 0 and not errors, f"confluent-kafka produces 200 records with {codec}")

records = consume_all("py-confluent", 3, len(sent))
got = {r.key: r.value for r in records}
check(len(records) == len(sent), f"kafka-python reads back {len(sent)} records ({len(records)})")
check(got == sent, "every key and value comes back byte for byte")
check(all(dict(r.headers).get("codec") == r.key.split(b"-")[0] for r in records),
      "headers come back")

# kafka-python producer (Produce v7, acks=all, 125 records with each of its codecs) and consumer
# by offset.
futures = []
for n, codec in enumerate(["gzip", "snappy", "lz4", "zstd"]):
    producer = KafkaProducer(bootstrap_servers=BOOTSTRAP, acks="all", compression_type=codec)
    futures += [producer.send("py-kafka", key=str(i).encode(), value=f"v{i}".encode())
                for i in range(n * 125, (n + 1) * 125)]
    producer.flush(15)
    producer.close()
offsets = sorted(f.get(timeout=10).offset for f in futures)
check(offsets == list(range(500)), "kafka-python producer gets offsets 0..499 (auto-created topic)")
records = consume_all("py-kafka", 1, 500)
check([r.value for r in records] == [f"v{i}".encode() for i in range(500)],
      "kafka-python consumer reads the 500 records in order")

consumer = KafkaConsumer(bootstrap_servers=BOOTSTRAP, group_id=None)
tp = TopicPartition("py-kafka", 0)
check(consumer.end_offsets([tp])[tp] == 500, "ListOffsets latest is 500")
check(consumer.beginning_offsets([tp])[tp] == 0, "ListOffsets earliest is 0")
consumer.close()

sys.exit(1 if failures else 0)
