#include "config/substitution.h"

#include <gtest/gtest.h>

#include "config/errc.h"

namespace caudal::config {
namespace {

const MapEnvironment kEnv(
    {{"HOST", "10.0.0.7"}, {"PORT", "9092"}, {"EMPTY", ""}, {"TRICKY", "${HOST}"}});

Expansion expand(std::string_view text) {
  Result<Expansion> result = expand_variables(text, kEnv);
  EXPECT_TRUE(result.ok()) << text << ": " << result.status().message();
  return result.value_or(Expansion{"<failed>", false});
}

std::string error_of(std::string_view text) {
  Result<Expansion> result = expand_variables(text, kEnv);
  EXPECT_FALSE(result.ok()) << text;
  EXPECT_EQ(result.status().code(), make_error_code(Errc::kInvalid));
  return result.status().message();
}

TEST(SubstitutionTest, TextWithoutVariablesIsUnchanged) {
  const Expansion plain = expand("127.0.0.1:8080");
  EXPECT_EQ(plain.text, "127.0.0.1:8080");
  EXPECT_FALSE(plain.from_environment);
  EXPECT_EQ(expand("costs $5 or $").text, "costs $5 or $");
  EXPECT_EQ(expand("").text, "");
}

TEST(SubstitutionTest, SetVariablesAreInsertedAndMarkedAsFromTheEnvironment) {
  const Expansion both = expand("${HOST}:${PORT}");
  EXPECT_EQ(both.text, "10.0.0.7:9092");
  EXPECT_TRUE(both.from_environment);
  EXPECT_EQ(expand("a${EMPTY}b").text, "ab");
  EXPECT_TRUE(expand("a${EMPTY}b").from_environment);
}

TEST(SubstitutionTest, DefaultsApplyWhenUnsetOrEmptyAndAreNotSecrets) {
  const Expansion unset = expand("${NOPE:-127.0.0.1}:${PORT:-8080}");
  EXPECT_EQ(unset.text, "127.0.0.1:9092");
  EXPECT_TRUE(unset.from_environment);  // PORT came from the environment

  const Expansion only_defaults = expand("${NOPE:-./data}/${EMPTY:-x}");
  EXPECT_EQ(only_defaults.text, "./data/x");
  EXPECT_FALSE(only_defaults.from_environment);
  EXPECT_EQ(expand("${NOPE:-}").text, "");
  EXPECT_EQ(expand("${NOPE:-a:-b}").text, "a:-b");
}

TEST(SubstitutionTest, DoubleDollarEscapesALiteralPlaceholder) {
  const Expansion escaped = expand("$${HOST} and $${NOPE");
  EXPECT_EQ(escaped.text, "${HOST} and ${NOPE");
  EXPECT_FALSE(escaped.from_environment);
  EXPECT_EQ(expand("$$${HOST}").text, "$${HOST}");
}

TEST(SubstitutionTest, ValuesFromTheEnvironmentAreNotExpandedAgain) {
  EXPECT_EQ(expand("${TRICKY}").text, "${HOST}");
}

TEST(SubstitutionTest, ErrorsNameTheVariableOrQuoteTheText) {
  EXPECT_EQ(error_of("${DB_PASSWORD}"),
            "environment variable DB_PASSWORD is not set and has no default (write "
            "${DB_PASSWORD:-value} to give one)");
  EXPECT_EQ(error_of("x${HOST"),
            "expected '}' to close '${' in 'x${HOST' (write $${ for a literal ${)");
  EXPECT_EQ(error_of("${}"),
            "expected a variable name of letters, digits and '_' after '${', found '${}'");
  EXPECT_EQ(error_of("${9LIVES:-x}"),
            "expected a variable name of letters, digits and '_' after '${', found '${9LIVES:-x}'");
  EXPECT_EQ(error_of("${HOST-x}"),
            "expected a variable name of letters, digits and '_' after '${', found '${HOST-x}'");
}

}  // namespace
}  // namespace caudal::config
