# Portico — see README.md.
GO      ?= go
BIN     := bin/portico
DATA    ?= ./data

.PHONY: build run test vet clean

## build: the server binary (bin/portico)
build:
	$(GO) build -trimpath -o $(BIN) ./cmd/portico

## run: build, then serve the demo catalog and customers on the embedded SQLite store
run: build
	PORTICO_DEMO=$${PORTICO_DEMO:-1} PORTICO_DATA=$${PORTICO_DATA:-$(DATA)} ./$(BIN) serve

## vet: static checks
vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l .)" || (echo "gofmt needed on:"; gofmt -l .; exit 1)

## test: static checks, then every test with the race detector
test: vet
	$(GO) test -race -count=1 ./...

clean:
	rm -rf bin
