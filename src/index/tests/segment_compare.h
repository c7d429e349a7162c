// Field-by-field comparison of two segment fields, for the tests of the ways a segment comes
// to be (built, read back from its file, merged), which must all give the same segment.
#pragma once

#include <gtest/gtest.h>

#include "index/segment.h"

namespace caudal::index {

inline void expect_same_field(const SegmentField& a, const SegmentField& b) {
  EXPECT_EQ(a.type, b.type);
  EXPECT_EQ(a.has_value, b.has_value);
  EXPECT_EQ(a.dict, b.dict);
  ASSERT_EQ(a.postings.size(), b.postings.size());
  for (size_t i = 0; i < a.postings.size(); ++i) EXPECT_EQ(a.postings[i], b.postings[i]);
  EXPECT_EQ(a.ord_starts, b.ord_starts);
  EXPECT_EQ(a.ords, b.ords);
  EXPECT_EQ(a.tokens, b.tokens);
  ASSERT_EQ(a.token_postings.size(), b.token_postings.size());
  for (size_t i = 0; i < a.token_postings.size(); ++i) {
    EXPECT_EQ(a.token_postings[i].docs, b.token_postings[i].docs);
    EXPECT_EQ(a.token_postings[i].doc_ids, b.token_postings[i].doc_ids);
    EXPECT_EQ(a.token_postings[i].freqs, b.token_postings[i].freqs);
  }
  EXPECT_EQ(a.lengths, b.lengths);
  EXPECT_EQ(a.total_length, b.total_length);
  EXPECT_EQ(a.values, b.values);
  EXPECT_EQ(a.run_min, b.run_min);
  EXPECT_EQ(a.run_max, b.run_max);
  EXPECT_EQ(a.dense, b.dense);
}

}  // namespace caudal::index
