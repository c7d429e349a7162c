"""Consumer groups of real Python clients against Caudal's Kafka listener.

  group_clients.py resume CLIENT HOST:PORT TOPIC GROUP
      CLIENT is confluent (librdkafka) or kafka-python. Produces 200 keyed records of random
      bytes to a 2-partition topic, consumes the first 80 in GROUP and commits exactly those,
      stops, then starts a new consumer in GROUP that must resume at the committed offsets:
      the two runs together see every record once, byte for byte, in partition order.
  group_clients.py committed HOST:PORT TOPIC GROUP
      Prints the group's committed offsets as "partition:offset" (confluent-kafka), for the
      shell test to compare across a broker restart.
  group_clients.py rebalance HOST:PORT TOPIC
      Three librdkafka members (confluent-kafka) consume 3000 keyed records of a 6-partition
      topic with commits; one member leaves and a fourth joins mid-stream. Checks that every
      record is processed, and that no partition is ever owned by two live members at once
      (assignment intervals from the rebalance callbacks) nor consumed outside its owner's
      interval.
"""
import os
import sys
import threading
import time

FIRST_RUN = 80
TOTAL = 200
SESSION_MS = 6000  # the coordinator's minimum


def fail(message):
    print(f"FAIL: {message}")
    sys.exit(1)


def produce(address, topic, count, partitions):
    from confluent_kafka import Producer
    from confluent_kafka.admin import AdminClient, NewTopic

    admin = AdminClient({"bootstrap.servers": address})
    admin.create_topics([NewTopic(topic, partitions, 1)])[topic].result(10)
    producer = Producer({"bootstrap.servers": address, "acks": "all", "linger.ms": 5})
    sent = {}
    for i in range(count):
        key = f"key-{i}".encode()
        value = os.urandom(1 + (i * 37) % 300)
        sent[key] = value
        producer.produce(topic, value=value, key=key, partition=i % partitions)
    if producer.flush(20) != 0:
        fail("records left unacknowledged")
    return sent


def consume_confluent(address, topic, group, limit, deadline_s=30):
    from confluent_kafka import Consumer

    consumer = Consumer({
        "bootstrap.servers": address, "group.id": group, "enable.auto.commit": False,
        "auto.offset.reset": "earliest", "session.timeout.ms": SESSION_MS,
        "heartbeat.interval.ms": 500})
    consumer.subscribe([topic])
    got = []
    end = time.time() + deadline_s
    while len(got) < limit and time.time() < end:
        m = consumer.poll(0.2)
        if m is None or m.error():
            continue
        got.append((m.partition(), m.offset(), m.key(), m.value()))
        consumer.commit(message=m, asynchronous=False)
    consumer.close()
    return got


def consume_kafka_python(address, topic, group, limit, deadline_s=30):
    from kafka import KafkaConsumer, OffsetAndMetadata, TopicPartition

    consumer = KafkaConsumer(
        topic, bootstrap_servers=address, group_id=group, enable_auto_commit=False,
        auto_offset_reset="earliest", session_timeout_ms=SESSION_MS, heartbeat_interval_ms=500,
        consumer_timeout_ms=1000)
    got = []
    end = time.time() + deadline_s
    while len(got) < limit and time.time() < end:
        for m in consumer:
            got.append((m.partition, m.offset, m.key, m.value))
            consumer.commit({TopicPartition(topic, m.partition): OffsetAndMetadata(m.offset + 1, None)})
            if len(got) >= limit:
                break
    consumer.close()
    return got


def resume(client, address, topic, group):
    sent = produce(address, topic, TOTAL, 2)
    consume = consume_confluent if client == "confluent" else consume_kafka_python
    first = consume(address, topic, group, FIRST_RUN)
    if len(first) != FIRST_RUN:
        fail(f"{client}: the first consumer got {len(first)} of {FIRST_RUN} records")
    second = consume(address, topic, group, TOTAL - FIRST_RUN)
    seen = first + second
    if len(seen) != TOTAL:
        fail(f"{client}: {len(seen)} records consumed in all, {TOTAL} produced")
    for p in (0, 1):
        offsets = [o for (part, o, _, _) in seen if part == p]
        if offsets != list(range(len(offsets))):
            fail(f"{client}: partition {p} offsets not consecutive across the restart: {offsets}")
    for (_, _, key, value) in seen:
        if sent.get(key) != value:
            fail(f"{client}: record {key!r} differs from what was produced")
    print(f"ok: {client} consumed {len(first)}, committed, and a new consumer resumed for the "
          f"other {len(second)}, byte for byte")


def committed(address, topic, group):
    from confluent_kafka import Consumer, TopicPartition

    consumer = Consumer({"bootstrap.servers": address, "group.id": group})
    found = consumer.committed([TopicPartition(topic, 0), TopicPartition(topic, 1)], timeout=10)
    consumer.close()
    print(" ".join(f"{tp.partition}:{tp.offset}" for tp in found))


def rebalance(address, topic):
    from confluent_kafka import Consumer

    total, partitions = 3000, 6
    sent = produce(address, topic, total, partitions)
    lock = threading.Lock()
    events = []  # (time, member, kind, partition, offset)
    processed = set()
    stop_all = threading.Event()

    def member(name, stop, paced):
        def on_assign(consumer, assigned):
            with lock:
                for tp in assigned:
                    events.append((time.monotonic(), name, "assign", tp.partition, None))

        def on_revoke(consumer, revoked):
            try:
                consumer.commit(asynchronous=False)
            except Exception:
                pass  # nothing consumed since the last commit
            with lock:
                for tp in revoked:
                    events.append((time.monotonic(), name, "revoke", tp.partition, None))

        consumer = Consumer({
            "bootstrap.servers": address, "group.id": "rebalancers", "client.id": name,
            "enable.auto.commit": True, "auto.commit.interval.ms": 200,
            "auto.offset.reset": "earliest", "session.timeout.ms": SESSION_MS,
            "heartbeat.interval.ms": 300, "partition.assignment.strategy": "range"})
        consumer.subscribe([topic], on_assign=on_assign, on_revoke=on_revoke)
        while not stop.is_set() and not stop_all.is_set():
            m = consumer.poll(0.1)
            if m is None or m.error():
                continue
            with lock:
                events.append((time.monotonic(), name, "record", m.partition(), m.offset()))
                processed.add((m.key(), m.value()))
            if paced:
                time.sleep(0.004)  # slow enough that the membership changes land mid-stream
        consumer.close()  # commits, revokes, leaves the group
        with lock:
            events.append((time.monotonic(), name, "closed", None, None))

    stops = {n: threading.Event() for n in ("m1", "m2", "m3", "m4")}
    threads = {n: threading.Thread(target=member, args=(n, stops[n], True)) for n in stops}
    for n in ("m1", "m2", "m3"):
        threads[n].start()
    deadline = time.time() + 50

    def records_seen():
        with lock:
            return len(processed)

    while records_seen() < total // 4 and time.time() < deadline:
        time.sleep(0.05)
    stops["m2"].set()  # one member leaves mid-stream
    threads["m2"].join()
    threads["m4"].start()  # and one joins
    while records_seen() < total and time.time() < deadline:
        time.sleep(0.1)
    stop_all.set()
    for n in ("m1", "m3", "m4"):
        threads[n].join()

    if len(processed) != total:
        fail(f"{len(processed)} of {total} records processed")
    for key, value in processed:
        if sent.get(key) != value:
            fail(f"record {key!r} differs from what was produced")
    # Ownership intervals: a partition is owned from its assign to its revoke (or close).
    owners = {}  # partition -> list of [member, start, end]
    for (t, name, kind, p, _) in sorted(events, key=lambda e: e[0]):
        if kind == "assign":
            owners.setdefault(p, []).append([name, t, None])
        elif kind == "revoke":
            for interval in owners.get(p, []):
                if interval[0] == name and interval[2] is None:
                    interval[2] = t
    for p, intervals in owners.items():
        for i, a in enumerate(intervals):
            for b in intervals[i + 1:]:
                a_end = a[2] if a[2] is not None else float("inf")
                b_end = b[2] if b[2] is not None else float("inf")
                if a[0] != b[0] and a[1] < b_end and b[1] < a_end:
                    fail(f"partition {p} owned by {a[0]} and {b[0]} at once")
    for (t, name, kind, p, offset) in events:
        if kind != "record":
            continue
        if not any(o[0] == name and o[1] <= t and (o[2] is None or t <= o[2])
                   for o in owners.get(p, [])):
            fail(f"{name} consumed partition {p} offset {offset} while not owning it")
    members_seen = {name for (_, name, kind, _, _) in events if kind == "record"}
    if "m4" not in members_seen:
        fail("the member that joined mid-stream consumed nothing")
    generations = sum(1 for e in events if e[2] == "assign")
    print(f"ok: {total} records processed by {sorted(members_seen)} across a leave and a join "
          f"({generations} partition assignments), no partition owned twice at once")


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "resume":
        resume(*sys.argv[2:6])
    elif mode == "committed":
        committed(*sys.argv[2:5])
    elif mode == "rebalance":
        rebalance(*sys.argv[2:4])
    else:
        fail(f"unknown mode {mode}")
