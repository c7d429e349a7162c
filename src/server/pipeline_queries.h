// RunningPipelineQueries: the HTTP pipelines API's view (http::PipelineQueries) of the running
// pipelines. Lives here, in the composition root, so that http/ and pipeline/ do not depend on
// each other.
//
// Thread-safety: any thread; the pipelines must outlive it (the server resets it after the
// event loops stop and before the pipelines stop).
#pragma once

#include "http/handlers/pipelines.h"
#include "pipeline/runtime/pipelines.h"

namespace caudal::server {

class RunningPipelineQueries final : public http::PipelineQueries {
 public:
  explicit RunningPipelineQueries(pipeline::Pipelines& pipelines) : pipelines_(pipelines) {}

  void state(std::string_view pipeline, std::string key_json,
             std::function<void(Result<std::string>)> done) const override;

 private:
  pipeline::Pipelines& pipelines_;
};

}  // namespace caudal::server
