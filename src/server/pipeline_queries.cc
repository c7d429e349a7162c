#include "server/pipeline_queries.h"

#include <fmt/format.h>

#include "common/errc.h"

namespace caudal::server {

void RunningPipelineQueries::state(std::string_view pipeline, std::string key_json,
                                   std::function<void(Result<std::string>)> done) const {
  std::shared_ptr<pipeline::PipelineTask> task = pipelines_.find(pipeline);
  if (task == nullptr) {
    done(Status(caudal::Errc::kNotFound, fmt::format("no pipeline named '{}' is running", pipeline)));
    return;
  }
  task->query_state(std::move(key_json), [done = std::move(done)](std::string json) { done(std::move(json)); });
}

}  // namespace caudal::server
