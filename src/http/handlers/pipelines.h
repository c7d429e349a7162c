// The pipelines API (docs/pipelines.md §Inspecting state):
//   GET /v1/pipelines/{pipeline}/state?key=KEY   the keyed state of KEY in every stateful step
//
// KEY is the key's JSON as key_by writes it (`"s1"`, `["s1","smoke"]`, `42`); anything that
// does not start like JSON is taken as a string (`key=s1` is `"s1"`).
//
// The http module does not depend on the pipeline module: the route calls PipelineQueries,
// which the composition root implements over the running pipelines (server/pipeline_queries.h).
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "http/routes.h"

namespace caudal::http {

// Read access to the state of running pipelines. Called from the event loops, concurrently.
class PipelineQueries {
 public:
  virtual ~PipelineQueries() = default;
  // Calls `done` once, from any thread and possibly later (the pipeline's own thread answers
  // between two batches), with the state JSON of `key_json` in `pipeline`, or
  // caudal::Errc::kNotFound when there is no such pipeline.
  virtual void state(std::string_view pipeline, std::string key_json,
                     std::function<void(Result<std::string>)> done) const = 0;
};

// `key` as JSON: kept when it starts like a JSON value, else quoted as a string.
std::string key_as_json(std::string_view key);

void handle_pipeline_state(const RouteContext& context, const Incoming& incoming, Responder responder);

}  // namespace caudal::http
