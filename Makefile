# Portico — see README.md.
GO      ?= go
BIN     := bin/portico
DATA    ?= ./data
WEB     := assets/web
WASM    := $(WEB)/app.wasm
CONSOLEWASM := $(WEB)/console.wasm
DESIGNERWASM := $(WEB)/designer.wasm
# The code that runs in the browser: the GOOS=js mains and what they build.
BROWSERPKGS := ./wasm/... ./app/... ./components ./client ./theme
WASMEXEC := bin/go_js_wasm_exec
STRIPEMOCK := bin/stripe-mock
ERRCHECK := bin/errcheck
# Production packages, for errcheck: not the end-to-end tests, the test
# helpers, the examples or the development tools.
PRODPKGS = $(shell $(GO) list ./... | grep -v -E '/(e2e|examples|tools|internal/(pgtest|headless|spawn|mdblock|testkit)|server/store/storetest|server/billing/(storetest|stripemock))(/|$$)')

.PHONY: FORCE build wasm run test test-deps vet fuzz clean bench reliability example-html example-goapp

## build: the server binary (bin/portico) and the web clients
## (assets/web/app.wasm, console.wasm and designer.wasm, each with .br and
## .gz); only what changed is rebuilt
build: wasm $(BIN)

## wasm: the browser clients — the portal's, the console's and the
## designer's — each pre-compressed for the server to send
wasm: $(WASM).br $(WASM).gz $(CONSOLEWASM).br $(CONSOLEWASM).gz $(DESIGNERWASM).br $(DESIGNERWASM).gz

# The binaries are always handed to go build: it knows what each is built
# from (build tags, embedded files, dependencies, go.mod and go.sum) better
# than a list of files would, and leaves an up-to-date binary as it is,
# only touching it, in well under a second.
$(BIN): FORCE
	@echo "Building the server ($(BIN)) if its sources changed…"
	$(GO) build -trimpath -o $(BIN) ./cmd/portico

# The browser clients are built without inlining (-gcflags=all=-l): the
# binary grows a little, but copies of inlined code compress badly, so what
# a browser downloads (brotli) is 7 % smaller; their work is drawing pages,
# not computing, and page loads measure the same (docs/performance.md).
WASMFLAGS := -trimpath -ldflags="-s -w" -gcflags=all=-l

$(WASM): FORCE
	@echo "Building the portal's web client ($(WASM)) if its sources changed…"
	GOOS=js GOARCH=wasm $(GO) build $(WASMFLAGS) -o $(WASM) ./wasm/portal

$(CONSOLEWASM): FORCE
	@echo "Building the console's web client ($(CONSOLEWASM)) if its sources changed…"
	GOOS=js GOARCH=wasm $(GO) build $(WASMFLAGS) -o $(CONSOLEWASM) ./wasm/console

$(DESIGNERWASM): FORCE
	@echo "Building the designer's web client ($(DESIGNERWASM)) if its sources changed…"
	GOOS=js GOARCH=wasm $(GO) build $(WASMFLAGS) -o $(DESIGNERWASM) ./wasm/designer

# precompress compares the client with what .br and .gz hold and compresses
# it (a minute or so, at the best compression) only when they differ.
%.wasm.br %.wasm.gz &: %.wasm
	@$(GO) run ./tools/precompress $<

FORCE:

## run: build what changed, then serve the demo catalog and customers (loaded
## into an empty store) on the embedded SQLite store
run: build
	@echo "Starting Portico…"
	PORTICO_DEMO=$${PORTICO_DEMO:-1} PORTICO_DATA=$${PORTICO_DATA:-$(DATA)} ./$(BIN) serve

## vet: static checks, for the server and for the wasm client; errcheck
## over the production code (tests aside; tools/errcheck/excludes.txt
## lists the calls left unchecked on purpose)
vet: $(ERRCHECK)
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet $(BROWSERPKGS) ./examples/goapp/...
	$(ERRCHECK) -ignoretests -exclude tools/errcheck/excludes.txt $(PRODPKGS)
	GOOS=js GOARCH=wasm $(ERRCHECK) -ignoretests -exclude tools/errcheck/excludes.txt $(BROWSERPKGS)
	@test -z "$$(gofmt -l .)" || (echo "gofmt needed on:"; gofmt -l .; exit 1)
	@$(GO) mod tidy -diff >/dev/null || (echo "go.mod or go.sum is not tidy: run go mod tidy"; $(GO) mod tidy -diff; exit 1)

## test: static checks, every test with the race detector (end-to-end tests
## drive Chromium; the store tests run against SQLite and a PostgreSQL server
## they start; the fuzz targets' seed corpora run as tests), the engine's and
## the API's tests again on PostgreSQL, the browser tests of the wasm client,
## then each fuzz target briefly (FUZZBRIEF each)
FUZZBRIEF ?= 4s
test: test-deps vet build $(WASMEXEC) $(STRIPEMOCK)
	PORTICO_REQUIRE_POSTGRES=1 $(GO) test -race -count=1 ./...
	PORTICO_REQUIRE_POSTGRES=1 PORTICO_TEST_STORE=postgres $(GO) test -race -count=1 ./server/engine ./server
	PATH="$(CURDIR)/bin:$$PATH" GOOS=js GOARCH=wasm $(GO) test -count=1 -run 'Browser|Fetch' ./client ./components
	GO=$(GO) FUZZTIME=$(FUZZBRIEF) tools/fuzz.sh

## fuzz: each fuzz target for FUZZTIME (2m by default); a failing input is
## kept under the package's testdata/fuzz/ and runs with the tests from then on
FUZZTIME ?= 2m
fuzz:
	GO=$(GO) FUZZTIME=$(FUZZTIME) tools/fuzz.sh

## bench: measure sizes, page loads, the API under load and at scale, and the
## engine's hot paths on this machine; writes docs/performance.md. Seeded
## stores are kept in bin/bench-cache (the 100,000-customer one takes minutes
## the first time).
bench: build
	$(GO) run ./tools/bench -out docs/performance.md

## test-deps: install what the tests need from Debian's packages (gcc,
## chromium, postgresql, npm), when missing, and axe-core at the version
## tools/axe/package-lock.json pins
test-deps:
	tools/test-deps.sh

## reliability: kill -9 under load on both stores, three replicas on one
## PostgreSQL, a failing and hanging billing provider, webhooks to a
## receiver that fails and recovers while a replica is killed; writes
## docs/reliability.md and fails when an invariant breaks
reliability: test-deps build $(STRIPEMOCK)
	$(GO) run ./tools/reliability -out docs/reliability.md

# stripe-mock, Stripe's test double, pinned in its own module (tools/stripemock).
$(STRIPEMOCK): tools/stripemock/go.mod tools/stripemock/go.sum
	cd tools/stripemock && $(GO) build -o ../../$(STRIPEMOCK) github.com/stripe/stripe-mock

# errcheck, the unchecked-error linter, pinned in its own module (tools/errcheck).
$(ERRCHECK): tools/errcheck/go.mod tools/errcheck/go.sum
	cd tools/errcheck && $(GO) build -o ../../$(ERRCHECK) github.com/kisielk/errcheck

# The wasm test runner, pinned in its own module (tools/wasmbrowsertest).
$(WASMEXEC): tools/wasmbrowsertest/go.mod
	cd tools/wasmbrowsertest && $(GO) build -o ../../$(WASMEXEC) github.com/agnivade/wasmbrowsertest

## example-html: a plain web page on :8090 embedding the demo portal with <portico-portal>
example-html: build
	examples/with-portico.sh http://127.0.0.1:8090 $(GO) run ./examples/html

## example-goapp: a go-app host on :8091 composing Portico's components in its own layout
example-goapp: build
	examples/with-portico.sh http://127.0.0.1:8091 $(MAKE) -s -C examples/goapp run

clean:
	rm -rf bin $(WASM) $(WASM).br $(WASM).gz $(CONSOLEWASM) $(CONSOLEWASM).br $(CONSOLEWASM).gz
