#include "kafka/handlers/error_mapping.h"

#include <gtest/gtest.h>

#include "common/errc.h"
#include "log/errc.h"

namespace caudal::kafka {
namespace {

ErrorCode map(log::Errc errc, ApiKey api = ApiKey::kProduce, int16_t version = 7) {
  return to_error_code(Status(errc, "x"), api, version);
}

TEST(ErrorMapping, EveryLogErrorHasItsKafkaCode) {
  EXPECT_EQ(map(log::Errc::kCorruptBatch), ErrorCode::kCorruptMessage);
  EXPECT_EQ(map(log::Errc::kBatchTooLarge), ErrorCode::kMessageTooLarge);
  EXPECT_EQ(map(log::Errc::kUnsupportedFormat), ErrorCode::kInvalidRecord);
  EXPECT_EQ(map(log::Errc::kOffsetOutOfRange), ErrorCode::kOffsetOutOfRange);
  EXPECT_EQ(map(log::Errc::kUnknownTopic), ErrorCode::kUnknownTopicOrPartition);
  EXPECT_EQ(map(log::Errc::kUnknownPartition), ErrorCode::kUnknownTopicOrPartition);
  EXPECT_EQ(map(log::Errc::kTopicExists), ErrorCode::kTopicAlreadyExists);
  EXPECT_EQ(map(log::Errc::kInvalidTopicName), ErrorCode::kInvalidTopicException);
  EXPECT_EQ(map(log::Errc::kInvalidConfig), ErrorCode::kInvalidConfig);
  EXPECT_EQ(map(log::Errc::kStorage), ErrorCode::kKafkaStorageError);
  EXPECT_EQ(map(log::Errc::kCorruptData), ErrorCode::kKafkaStorageError);
  EXPECT_EQ(map(log::Errc::kTimedOut), ErrorCode::kRequestTimedOut);
  EXPECT_EQ(map(log::Errc::kClosed), ErrorCode::kNotLeaderOrFollower);
}

TEST(ErrorMapping, OkIsNoneAndForeignErrorsAreUnknownServerError) {
  EXPECT_EQ(to_error_code(Status(), ApiKey::kFetch, 11), ErrorCode::kNone);
  EXPECT_EQ(to_error_code(Status(Errc::kIo, "disk"), ApiKey::kFetch, 11),
            ErrorCode::kUnknownServerError);
}

TEST(ErrorMapping, StorageErrorBecomesNotLeaderForVersionsThatPredateIt) {
  EXPECT_EQ(map(log::Errc::kStorage, ApiKey::kProduce, 3), ErrorCode::kNotLeaderOrFollower);
  EXPECT_EQ(map(log::Errc::kStorage, ApiKey::kProduce, 4), ErrorCode::kKafkaStorageError);
  EXPECT_EQ(map(log::Errc::kCorruptData, ApiKey::kFetch, 5), ErrorCode::kNotLeaderOrFollower);
  EXPECT_EQ(map(log::Errc::kCorruptData, ApiKey::kFetch, 6), ErrorCode::kKafkaStorageError);
  EXPECT_EQ(map(log::Errc::kStorage, ApiKey::kListOffsets, 1), ErrorCode::kKafkaStorageError);
}

}  // namespace
}  // namespace caudal::kafka
