# Maskline: `make run` (console), `make serve` (headless), `make test` (whole suite), `make package` (a .deb). Each
# installs what is missing from Debian's packages first, so they work on a fresh Debian 12 machine: `run`, `serve` and
# `package` only what building and running need, `test` the test tools too (scripts/setup-deps.sh).

BUILD_DIR  ?= build
BUILD_TYPE ?= RelWithDebInfo
# CI builds with warnings as errors.
WERROR     := $(if $(CI),ON,OFF)
ARGS       ?=
CTEST_ARGS ?=

.PHONY: all deps test-deps configure build run serve test package bench bench-console format check-format clean \
        client-deps fuzz test-asan soak

all: build

deps:
	@bash scripts/setup-deps.sh

test-deps:
	@bash scripts/setup-deps.sh test

$(BUILD_DIR)/build.ninja: CMakeLists.txt
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DMASKLINE_WERROR=$(WERROR)

configure: deps
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DMASKLINE_WERROR=$(WERROR)

build: configure
	cmake --build $(BUILD_DIR)

run: build
	@if [ -z "$$DISPLAY" ] && [ -z "$$WAYLAND_DISPLAY" ]; then \
	  echo "make run: no display found (DISPLAY and WAYLAND_DISPLAY are unset), so the console cannot open."; \
	  echo "          Run 'make serve' to start the headless server (maskline-server) instead."; \
	  exit 1; \
	fi
	$(BUILD_DIR)/app/maskline $(ARGS)

serve: build
	$(BUILD_DIR)/app/maskline-server $(ARGS)

# The real `twilio` npm client used by tests/client (pinned by its package-lock.json).
client-deps: test-deps
	@cd tests/client && if [ ! -d node_modules/twilio ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then \
	  npm ci --no-audit --no-fund --loglevel=error; fi

test: test-deps build client-deps
	cd $(BUILD_DIR) && ctest --output-on-failure --timeout 600 $(CTEST_ARGS)

# The Debian package (install rules and CPack in CMakeLists.txt, unit and example config in packaging/).
package: build
	cd $(BUILD_DIR) && cpack -G DEB

# The whole suite under AddressSanitizer + UndefinedBehaviorSanitizer + LeakSanitizer, built into build-asan
# (docs/reliability.md). Any finding aborts the test that hit it.
ASAN_DIR ?= build-asan
SANITIZER_ENV = ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1:strict_string_checks=1:suppressions=$(CURDIR)/tests/reliability/asan.supp \
  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/reliability/lsan.supp:print_suppressions=0 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
test-asan: test-deps client-deps
	cmake -S . -B $(ASAN_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMASKLINE_WERROR=$(WERROR) \
	  -DMASKLINE_SANITIZE=address,undefined
	cmake --build $(ASAN_DIR)
	cd $(ASAN_DIR) && $(SANITIZER_ENV) ctest --output-on-failure --timeout 1800 $(CTEST_ARGS)

# libFuzzer, with clang and ASan + UBSan, into build-fuzz: each target of tests/fuzz for FUZZ_SECONDS, starting from
# its committed corpus (tests/fuzz/corpus/<target>; new inputs go to build-fuzz/corpus/<target>, crashes to
# build-fuzz/artifacts). FUZZ_TARGETS= to pick some.
FUZZ_DIR     ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= form_decoder participants_json signature reply_parser carrier_webhook http_guard http_differential
fuzz:
	@bash scripts/setup-deps.sh fuzz
	cmake -S . -B $(FUZZ_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
	  -DMASKLINE_FUZZ=ON -DMASKLINE_SANITIZE=address,undefined
	cmake --build $(FUZZ_DIR) --target $(addprefix fuzz_,$(FUZZ_TARGETS))
	$(SANITIZER_ENV) bash tests/fuzz/run.sh $(FUZZ_DIR) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# Crash safety at length: 50 SIGKILL cycles, then 10 minutes of mixed load without kills; prints the figures.
# QtTest's watchdog stops a test function after 5 minutes unless QTEST_FUNCTION_TIMEOUT says otherwise.
soak: build
	cd $(BUILD_DIR) && MASKLINE_CRASH_CYCLES=50 MASKLINE_SOAK_SECONDS=600 QT_QPA_PLATFORM=offscreen \
	  QTEST_FUNCTION_TIMEOUT=1200000 \
	  QT_LOGGING_RULES='maskline.*.info=false' tests/reliability/tst_crashsafety -maxwarnings 0

bench: build
	@bash scripts/setup-deps.sh bench
	bash tests/bench/run.sh $(BUILD_DIR)

# The console at scale: first rows, identifier filter and peak RSS over a generated store of 1,000,000 sessions and
# 10,000,000 interactions (~7.6 GB, generated once in about three minutes; STORE= to choose where).
STORE ?= $(or $(TMPDIR),/tmp)/maskline-bench-1m.db
bench-console: build
	bash tests/bench/console/run.sh $(BUILD_DIR) $(STORE)

format:
	clang-format -i $$(git ls-files '*.cpp' '*.h')

check-format:
	clang-format --dry-run --Werror $$(git ls-files '*.cpp' '*.h')

clean:
	rm -rf $(BUILD_DIR)
