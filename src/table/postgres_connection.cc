#include "table/postgres_connection.h"

#include <fmt/format.h>

namespace caudal::table {
namespace {

std::string trimmed(std::string message) {
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return message;
}

}  // namespace

PostgresConnection::~PostgresConnection() {
  if (conn_ != nullptr) PQfinish(conn_);
}

PostgresFailure PostgresConnection::connection_failure(std::string_view what) const {
  return PostgresFailure{fmt::format("{}: {}", what, trimmed(conn_ != nullptr ? PQerrorMessage(conn_) : "")), ""};
}

std::optional<PostgresFailure> PostgresConnection::connect(bool* fresh) {
  if (fresh != nullptr) *fresh = false;
  if (connected()) return std::nullopt;
  if (conn_ != nullptr) PQfinish(conn_);
  conn_ = PQconnectdb(conninfo_.c_str());
  if (conn_ == nullptr) return PostgresFailure{"connecting to PostgreSQL: out of memory", ""};
  if (PQstatus(conn_) != CONNECTION_OK) {
    PostgresFailure failure = connection_failure("connecting to PostgreSQL");
    PQfinish(conn_);
    conn_ = nullptr;
    return failure;
  }
  // Notices ("relation already exists, skipping") are not errors: not printed.
  PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
  if (fresh != nullptr) *fresh = true;
  return std::nullopt;
}

std::optional<PostgresFailure> PostgresConnection::check(PGresult* result, ExecStatusType expected) const {
  if (result != nullptr && PQresultStatus(result) == expected) return std::nullopt;
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string message = result != nullptr ? PQresultErrorMessage(result) : "";
  if (message.empty() && conn_ != nullptr) message = PQerrorMessage(conn_);
  if (message.empty()) message = fmt::format("unexpected result {}", PQresStatus(PQresultStatus(result)));
  PostgresFailure failure{trimmed(std::move(message)), state != nullptr ? state : ""};
  if (!connected()) failure.sqlstate.clear();  // the connection broke: whatever the statement said
  return failure;
}

std::optional<PostgresFailure> PostgresConnection::exec(const std::string& sql, ExecStatusType expected,
                                                        PostgresResult* out) {
  if (!connected()) return connection_failure("PostgreSQL connection lost");
  PostgresResult result(PQexec(conn_, sql.c_str()));
  std::optional<PostgresFailure> failure = check(result.get(), expected);
  if (!failure.has_value() && out != nullptr) *out = std::move(result);
  return failure;
}

std::optional<PostgresFailure> PostgresConnection::copy(std::string_view data) {
  const bool sent = PQputCopyData(conn_, data.data(), static_cast<int>(data.size())) == 1 &&
                    PQputCopyEnd(conn_, nullptr) == 1;
  PostgresResult result(PQgetResult(conn_));
  std::optional<PostgresFailure> failure =
      sent ? check(result.get(), PGRES_COMMAND_OK) : std::optional(connection_failure("PostgreSQL COPY"));
  result.reset();
  while (PGresult* rest = PQgetResult(conn_)) PQclear(rest);
  return failure;
}

void PostgresConnection::rollback() {
  // The transaction failed already; a failed rollback only means the connection broke too.
  if (connected()) PQclear(PQexec(conn_, "ROLLBACK"));
}

bool is_transient_sqlstate(std::string_view sqlstate) {
  const std::string_view cls = sqlstate.substr(0, std::min<size_t>(2, sqlstate.size()));
  return sqlstate.empty() || cls == "08" || cls == "40" || cls == "53" || cls == "57" || cls == "58" ||
         cls == "28" || sqlstate == "42P01" || sqlstate == "3D000";
}

}  // namespace caudal::table
