// The descriptors of the built-in steps, one per file in this folder; step_registry.cc lists
// them. docs/pipelines.md documents each with an example.
#pragma once

#include "pipeline/step_registry.h"

namespace caudal::pipeline {

StepDescriptor parse_step();   // parse.cc
StepDescriptor filter_step();  // filter.cc
StepDescriptor drop_step();    // filter.cc: the same step, keeping the other side
StepDescriptor set_step();     // set.cc
StepDescriptor remove_step();  // remove.cc
StepDescriptor rename_step();  // rename.cc
StepDescriptor lookup_step();  // lookup.cc
StepDescriptor route_step();   // route.cc
StepDescriptor key_by_step();     // key_by.cc
StepDescriptor threshold_step();  // threshold.cc
StepDescriptor window_step();     // window.cc
StepDescriptor dedupe_step();     // dedupe.cc

}  // namespace caudal::pipeline
