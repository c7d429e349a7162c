// PostgresConnection: one libpq connection, opened lazily and again after it broke, with
// libpq's failures turned into messages and SQLSTATEs. Shared by the PostgreSQL lookup source
// (postgres_source.cc) and the PostgreSQL sink (pipeline/connectors/postgres), which decide
// what a failure means to them (is_transient_sqlstate() helps).
//
// Threads: one thread at a time (libpq connections are not thread-safe); the owner's.
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace caudal::table {

// Why a statement or a connection failed.
struct PostgresFailure {
  std::string message;   // libpq's message, without its trailing newline
  std::string sqlstate;  // the server's SQLSTATE; empty when the connection failed or broke
};

struct ClearResult {
  void operator()(PGresult* result) const { PQclear(result); }
};
using PostgresResult = std::unique_ptr<PGresult, ClearResult>;

class PostgresConnection {
 public:
  // `conninfo`: a libpq connection string ("host=db port=5432 dbname=dw user=..."), or URI.
  explicit PostgresConnection(std::string conninfo) : conninfo_(std::move(conninfo)) {}
  ~PostgresConnection();
  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;

  // Connects unless connected (a broken connection is dropped and made again). True in
  // `fresh` when this call made a new connection (session state such as temp tables is gone).
  std::optional<PostgresFailure> connect(bool* fresh = nullptr);

  // Runs `sql`; a failure unless the result has status `expected`. The result in `out` when
  // given (and the statement succeeded).
  std::optional<PostgresFailure> exec(const std::string& sql, ExecStatusType expected,
                                      PostgresResult* out = nullptr);
  // The failure `result` (null: the connection's) stands for, unless it has `expected`.
  std::optional<PostgresFailure> check(PGresult* result, ExecStatusType expected) const;

  // Sends `data` as the rows of a COPY ... FROM STDIN that exec() started (PGRES_COPY_IN),
  // ends it and reads its result.
  std::optional<PostgresFailure> copy(std::string_view data);

  // Rolls back the transaction when the connection still works (after a failed statement).
  void rollback();

  bool connected() const { return conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK; }
  PGconn* get() { return conn_; }

 private:
  PostgresFailure connection_failure(std::string_view what) const;

  std::string conninfo_;
  PGconn* conn_ = nullptr;
};

// Whether a statement failing with `sqlstate` may succeed as it is when tried again: the
// connection or the server (classes 08, 40, 53, 57, 58; "" for a broken connection), refused
// credentials (28) and a missing table (42P01) or database (3D000), which are usually a
// database still being set up; not the data.
bool is_transient_sqlstate(std::string_view sqlstate);

}  // namespace caudal::table
