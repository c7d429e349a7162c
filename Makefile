# Thin wrapper: scripts/bootstrap installs what is missing, CMake builds, ctest tests.
# `make run` and `make test` are the two commands README.md promises work on a fresh machine.

BUILD_DIR   ?= build
ASAN_DIR    ?= build-asan
BUILD_TYPE  ?= RelWithDebInfo
JOBS        ?= $(shell nproc)
CONFIG      ?= examples/alarms/caudal.yaml
CMAKE_FLAGS ?=

CAUDAL := $(BUILD_DIR)/src/cli/caudal

.PHONY: all bootstrap configure build run test test-unit test-asan bench fmt lint clean

all: build

bootstrap:
	@scripts/bootstrap

configure: bootstrap
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DCAUDAL_WERROR=ON $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

# The alarm demo (docs/demo.md): the dashboard's bundle, then Caudal with the example, 50,000
# customers and the sensor simulator, until Ctrl-C.
run: build
	@npm run --silent build:web
	$(CAUDAL) demo alarms -c $(CONFIG)

# Unit tests under ASan+UBSan first, then the whole suite (unit, integration, slow) in the
# optimized build; ctest's summary of the whole suite is the last thing printed.
test: test-asan build
	@ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)

test-unit: build
	@ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS) -L unit

test-asan: bootstrap
	@cmake -S . -B $(ASAN_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCAUDAL_WERROR=ON \
	  -DCAUDAL_SANITIZE=ON -DCAUDAL_BUILD_BENCH=OFF $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(ASAN_DIR) -j $(JOBS) --target unit-tests
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --test-dir $(ASAN_DIR) --output-on-failure -j $(JOBS) -L unit

bench: build
	@bench/run_all.sh $(BUILD_DIR)

fmt:
	@git ls-files '*.h' '*.cc' | xargs clang-format -i

# clang-tidy on the C++ files changed against main (or the last commit on main itself).
lint: configure
	@base=$$(git merge-base HEAD origin/main 2>/dev/null || git rev-parse HEAD~1 2>/dev/null || echo HEAD); \
	files=$$( (git diff --name-only $$base; git diff --name-only) | sort -u | grep -E '\.cc$$' | while read f; do [ -f "$$f" ] && echo "$$f"; done); \
	if [ -z "$$files" ]; then echo "lint: no changed .cc files"; else clang-tidy -p $(BUILD_DIR) --quiet $$files; fi

clean:
	rm -rf $(BUILD_DIR) $(ASAN_DIR)
