// The sections of caudal.yaml, each described once (schema.h). A new section is a new
// *_schema.cc with its struct in config.h and one line in root_schema.cc.
#pragma once

#include "config/config.h"
#include "config/schema.h"

namespace caudal::config {

const ObjectSchema<Config>& root_schema();          // root_schema.cc
const ObjectSchema<ListenConfig>& listen_schema();  // listen_schema.cc
const ObjectSchema<TopicConfig>& topic_schema();    // topic_schema.cc
const ObjectSchema<EnrichConfig>& enrich_schema();  // enrich_schema.cc
const ObjectSchema<HttpConfig>& http_schema();      // http_schema.cc
const ObjectSchema<TableConfig>& table_schema();    // table_schema.cc
const ObjectSchema<PipelineConfig>& pipeline_schema();  // pipeline_schema.cc
const ObjectSchema<IndexConfig>& index_schema();        // index_schema.cc
bool is_valid_index_name(std::string_view name);        // index_schema.cc

}  // namespace caudal::config
