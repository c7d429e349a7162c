// The topics read API (docs/http-api.md §Topics), for the dashboard and for people with curl:
//   GET /v1/topics                             every topic: partitions with start and end
//                                              offsets and sizes
//   GET /v1/topics/{topic}/records?partition=P&offset=O&limit=N
//                                              records of one partition as JSON, from O (or
//                                              the last N when O is absent), with next_offset
// Reads go straight to the log (Partition::read), bounded by `limit` and a byte budget, from
// the event loop: a read is a copy out of the page cache, like a Kafka Fetch.
#pragma once

#include "http/routes.h"

namespace caudal::http {

inline constexpr size_t kDefaultRecordsLimit = 100;
inline constexpr size_t kMaxRecordsLimit = 1000;

Response handle_list_topics(const RouteContext& context, const Incoming& incoming);
Response handle_topic_records(const RouteContext& context, const Incoming& incoming);

}  // namespace caudal::http
