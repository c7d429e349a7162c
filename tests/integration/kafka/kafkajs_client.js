// kafkajs (npm) against Caudal's Kafka listener: the admin client creates a topic and reads its
// offsets, the producer sends keyed records with headers (acks=-1, gzip). Consuming needs a
// consumer group in kafkajs, which the listener does not serve yet; the shell test reads the
// records back with kcat. Usage: node kafkajs_client.js HOST:PORT TOPIC
const { Kafka, CompressionTypes, logLevel } = require('kafkajs');

const [broker, topic] = process.argv.slice(2);
const kafka = new Kafka({ clientId: 'caudal-kafkajs-test', brokers: [broker], logLevel: logLevel.NOTHING });

async function main() {
  const admin = kafka.admin();
  await admin.connect();
  const created = await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
  if (!created) throw new Error('createTopics returned false');
  const producer = kafka.producer();
  await producer.connect();
  const messages = [];
  for (let i = 0; i < 300; i++) {
    messages.push({ key: `key-${i}`, value: `kafkajs ${i}`, partition: i % 2, headers: { n: `${i}` } });
  }
  await producer.send({ topic, acks: -1, compression: CompressionTypes.GZIP, messages });
  await producer.disconnect();
  const offsets = await admin.fetchTopicOffsets(topic);
  const total = offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  await admin.disconnect();
  console.log(`produced ${total}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
