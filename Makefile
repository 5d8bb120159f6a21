# Portico — see README.md.
GO      ?= go
BIN     := bin/portico
DATA    ?= ./data
WASM    := web/app.wasm
WASMEXEC := bin/go_js_wasm_exec
STRIPEMOCK := bin/stripe-mock

.PHONY: build wasm run test vet fuzz clean bench example-html example-goapp

## build: the server binary (bin/portico) and the web client (web/app.wasm, .br, .gz)
build: wasm
	$(GO) build -trimpath -o $(BIN) ./cmd/portico

## wasm: the browser client, pre-compressed for the server to send
wasm:
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags="-s -w" -o $(WASM) ./wasm
	$(GO) run ./tools/precompress $(WASM)

## run: build, then serve the demo catalog and customers on the embedded SQLite store
run: build
	PORTICO_DEMO=$${PORTICO_DEMO:-1} PORTICO_DATA=$${PORTICO_DATA:-$(DATA)} ./$(BIN) serve

## vet: static checks, for the server and for the wasm client
vet:
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./wasm ./webapp ./components ./client ./theme ./designer ./examples/goapp/...
	@test -z "$$(gofmt -l .)" || (echo "gofmt needed on:"; gofmt -l .; exit 1)

## test: static checks, every test with the race detector (end-to-end tests
## drive Chromium; the fuzz targets' seed corpora run as tests), the browser
## tests of the wasm client, then each fuzz target briefly (FUZZBRIEF each)
FUZZBRIEF ?= 4s
test: vet build $(WASMEXEC) $(STRIPEMOCK)
	$(GO) test -race -count=1 ./...
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

# stripe-mock, Stripe's test double, pinned in its own module (tools/stripemock).
$(STRIPEMOCK): tools/stripemock/go.mod tools/stripemock/go.sum
	cd tools/stripemock && $(GO) build -o ../../$(STRIPEMOCK) github.com/stripe/stripe-mock

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
	rm -rf bin $(WASM) $(WASM).br $(WASM).gz
