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
        client-deps

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
