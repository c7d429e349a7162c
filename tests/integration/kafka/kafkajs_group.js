// kafkajs (npm) in a consumer group against Caudal's Kafka listener: produces 200 keyed records
// of random bytes to a 2-partition topic, consumes the first 80 in a group committing each,
// disconnects, then a new consumer in the same group must resume at the committed offsets: the
// two runs together see every record once, byte for byte, in partition order.
// Usage: node kafkajs_group.js HOST:PORT TOPIC GROUP
const crypto = require('crypto');
const { Kafka, logLevel } = require('kafkajs');

const [broker, topic, group] = process.argv.slice(2);
const kafka = new Kafka({ clientId: 'caudal-kafkajs-group', brokers: [broker], logLevel: logLevel.NOTHING });
const FIRST_RUN = 80;
const TOTAL = 200;

async function consume(limit) {
  const consumer = kafka.consumer({ groupId: group, sessionTimeout: 6000, heartbeatInterval: 500 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const got = [];
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${got.length} of ${limit} records in 30 s`)), 30000);
    consumer
      .run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          if (got.length >= limit) return;  // past the limit: neither kept nor committed
          got.push({ partition, offset: Number(message.offset), key: message.key, value: message.value });
          await consumer.commitOffsets([{ topic, partition, offset: String(Number(message.offset) + 1) }]);
          if (got.length === limit) {
            clearTimeout(timer);
            resolve();
          }
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return got;
}

async function main() {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  const sent = new Map();
  const messages = [];
  for (let i = 0; i < TOTAL; i++) {
    const value = crypto.randomBytes(1 + ((i * 37) % 300));
    sent.set(`key-${i}`, value);
    messages.push({ key: `key-${i}`, value, partition: i % 2 });
  }
  await producer.send({ topic, acks: -1, messages });
  await producer.disconnect();

  const first = await consume(FIRST_RUN);
  const second = await consume(TOTAL - FIRST_RUN);
  const seen = first.concat(second);
  for (const p of [0, 1]) {
    const offsets = seen.filter((r) => r.partition === p).map((r) => r.offset);
    offsets.forEach((o, i) => {
      if (o !== i) throw new Error(`partition ${p} offsets not consecutive across the restart: ${offsets}`);
    });
  }
  if (seen.length !== TOTAL) throw new Error(`${seen.length} records consumed, ${TOTAL} produced`);
  for (const r of seen) {
    if (!sent.get(r.key.toString()).equals(r.value)) throw new Error(`record ${r.key} differs`);
  }
  console.log(`ok: kafkajs consumed ${first.length}, committed, and a new consumer resumed for the other ${second.length}, byte for byte`);
}

main().catch((e) => {
  console.error(`FAIL: ${e.message || e}`);
  process.exit(1);
});
