#include "pipeline/expr/functions.h"

#include <vector>

namespace caudal::pipeline {
namespace {

const std::vector<const FunctionSpec*>& all_functions() {
  static const std::vector<const FunctionSpec*> functions = [] {
    std::vector<const FunctionSpec*> all;
    for (auto family :
         {string_functions(), time_functions(), value_functions(), source_functions()}) {
      for (const FunctionSpec& spec : family) all.push_back(&spec);
    }
    return all;
  }();
  return functions;
}

}  // namespace

const FunctionSpec* find_function(std::string_view name) {
  for (const FunctionSpec* spec : all_functions()) {
    if (spec->name == name) return spec;
  }
  return nullptr;
}

std::string function_names() {
  std::string names;
  for (const FunctionSpec* spec : all_functions()) {
    if (!names.empty()) names += ", ";
    names += spec->name;
  }
  return names;
}

}  // namespace caudal::pipeline
