// Which partition a record goes to. Keyed records use Kafka's default partitioner (murmur2 of
// the key, sign bit cleared, modulo the partition count), so a record keyed by Caudal (an HTTP
// request's `?key=`, a pipeline's topic sink) lands in the same partition as one a Java or
// librdkafka producer sends with the same key (librdkafka with partitioner=murmur2_random).
// Unkeyed records of one batch share one partition chosen per batch, round-robin (sticky
// batches, as Kafka's sticky partitioner and Netflix's Keystone producer do): one batch per
// request instead of one per partition.
#pragma once

#include <cstdint>
#include <string_view>

namespace caudal::log {

// Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2), as a signed 32-bit value.
int32_t kafka_murmur2(std::string_view key);

// The partition of `key` among `partitions` (> 0).
int32_t partition_for_key(std::string_view key, int32_t partitions);

// The partition for the unkeyed events of the next request among `partitions` (> 0): each
// thread walks its own share of the partitions round robin, so requests spread evenly without
// a shared counter and concurrent event loops rarely append to the same partition.
int32_t next_sticky_partition(int32_t partitions);

}  // namespace caudal::log
