# Every third-party library comes from a Debian package (scripts/bootstrap installs them).
find_package(Threads REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(CLI11 REQUIRED)
find_package(Boost 1.74 REQUIRED)  # header-only: Asio and Beast
find_package(PkgConfig REQUIRED)
pkg_check_modules(ZSTD REQUIRED IMPORTED_TARGET libzstd)
pkg_check_modules(LZ4 REQUIRED IMPORTED_TARGET liblz4)
pkg_check_modules(SNAPPY REQUIRED IMPORTED_TARGET snappy)
find_package(ZLIB REQUIRED)
find_package(RocksDB REQUIRED)
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3)  # lookup tables from SQLite
find_package(simdjson REQUIRED)  # HTTP ingest: validating events, picking out keys
pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)  # pipeline expressions: user regexes
find_package(roaring REQUIRED)  # search index postings (CRoaring bitmaps)
pkg_check_modules(RDKAFKA REQUIRED IMPORTED_TARGET rdkafka)  # caudal topics, produce, consume
find_package(CURL REQUIRED)  # pipeline connectors: webhook, e-mail (SMTP) and InfluxDB sinks
find_package(PostgreSQL REQUIRED)  # pipeline connectors: the PostgreSQL sink (libpq)

if(CAUDAL_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(CAUDAL_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
