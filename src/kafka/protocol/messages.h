// Every message Caudal describes, paired by API: the one list that ties kApiTable's keys to
// their request and response types. Adding an API means a messages/<name>.h, an entry in
// kApiTable and an entry here; the static_asserts below catch a missing or mismatched one.
#pragma once

#include <cstdint>
#include <tuple>
#include <utility>

#include "kafka/protocol/api_table.h"
#include "kafka/protocol/messages/api_versions.h"
#include "kafka/protocol/messages/create_topics.h"
#include "kafka/protocol/messages/delete_topics.h"
#include "kafka/protocol/messages/describe_groups.h"
#include "kafka/protocol/messages/fetch.h"
#include "kafka/protocol/messages/find_coordinator.h"
#include "kafka/protocol/messages/heartbeat.h"
#include "kafka/protocol/messages/init_producer_id.h"
#include "kafka/protocol/messages/join_group.h"
#include "kafka/protocol/messages/leave_group.h"
#include "kafka/protocol/messages/list_groups.h"
#include "kafka/protocol/messages/list_offsets.h"
#include "kafka/protocol/messages/metadata.h"
#include "kafka/protocol/messages/offset_commit.h"
#include "kafka/protocol/messages/offset_fetch.h"
#include "kafka/protocol/messages/offset_for_leader_epoch.h"
#include "kafka/protocol/messages/produce.h"
#include "kafka/protocol/messages/sasl_authenticate.h"
#include "kafka/protocol/messages/sasl_handshake.h"
#include "kafka/protocol/messages/sync_group.h"

namespace caudal::kafka {

template <typename Req, typename Resp>
struct ApiMessages {
  using Request = Req;
  using Response = Resp;
  static_assert(Req::kIsRequest && !Resp::kIsRequest);
  static_assert(Req::kApiKey == Resp::kApiKey);
  static constexpr ApiKey kApiKey = Req::kApiKey;
};

using AllApiMessages =
    std::tuple<ApiMessages<ProduceRequest, ProduceResponse>,
               ApiMessages<FetchRequest, FetchResponse>,
               ApiMessages<ListOffsetsRequest, ListOffsetsResponse>,
               ApiMessages<MetadataRequest, MetadataResponse>,
               ApiMessages<OffsetCommitRequest, OffsetCommitResponse>,
               ApiMessages<OffsetFetchRequest, OffsetFetchResponse>,
               ApiMessages<FindCoordinatorRequest, FindCoordinatorResponse>,
               ApiMessages<JoinGroupRequest, JoinGroupResponse>,
               ApiMessages<HeartbeatRequest, HeartbeatResponse>,
               ApiMessages<LeaveGroupRequest, LeaveGroupResponse>,
               ApiMessages<SyncGroupRequest, SyncGroupResponse>,
               ApiMessages<DescribeGroupsRequest, DescribeGroupsResponse>,
               ApiMessages<ListGroupsRequest, ListGroupsResponse>,
               ApiMessages<SaslHandshakeRequest, SaslHandshakeResponse>,
               ApiMessages<ApiVersionsRequest, ApiVersionsResponse>,
               ApiMessages<CreateTopicsRequest, CreateTopicsResponse>,
               ApiMessages<DeleteTopicsRequest, DeleteTopicsResponse>,
               ApiMessages<InitProducerIdRequest, InitProducerIdResponse>,
               ApiMessages<OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse>,
               ApiMessages<SaslAuthenticateRequest, SaslAuthenticateResponse>>;

// Calls visit(ApiMessages<Request, Response>{}) for the API with this wire key and returns
// true, or returns false when Caudal does not serve the key.
template <typename Visitor>
bool visit_api(int16_t api_key, Visitor&& visit) {
  return std::apply(
      [&](auto... apis) {
        return ((static_cast<int16_t>(decltype(apis)::kApiKey) == api_key ? (visit(apis), true)
                                                                          : false) ||
                ...);
      },
      AllApiMessages{});
}

namespace messages_detail {
template <size_t... I>
constexpr bool list_matches_table(std::index_sequence<I...>) {
  return ((std::tuple_element_t<I, AllApiMessages>::kApiKey == kApiTable[I].key) && ...);
}
}  // namespace messages_detail

static_assert(std::tuple_size_v<AllApiMessages> == kApiTable.size(),
              "AllApiMessages and kApiTable must list the same APIs");
static_assert(messages_detail::list_matches_table(std::make_index_sequence<kApiTable.size()>()),
              "AllApiMessages must follow kApiTable's order");

}  // namespace caudal::kafka
