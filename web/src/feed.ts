// Follows the records of a topic, every partition, from the first record on: the dashboard's
// live view of COUNT (activated alarms) and OK (recoveries).
import { records, StoredRecord, TopicInfo } from "./api";

export class TopicFeed<T> {
  private next = new Map<number, number>();
  constructor(readonly topic: string, private readonly onRecord: (record: StoredRecord<T>) => void) {}

  // Reads everything new; `info` is the topic as /v1/topics described it just before.
  async poll(info: TopicInfo | undefined): Promise<void> {
    if (!info) return;
    for (const p of info.partitions) {
      let offset = Math.max(this.next.get(p.partition) ?? 0, p.start_offset);
      while (offset < p.end_offset) {
        const page = await records<T>(this.topic, p.partition, offset);
        for (const r of page.records) this.onRecord(r);
        if (page.next_offset <= offset) break;
        offset = page.next_offset;
      }
      this.next.set(p.partition, offset);
    }
  }
}
