# The two commands that matter: `make run` and `make test`. Both prepare the database first.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# The local database `make db` prepares, unless DATABASE_URL points elsewhere.
LOCAL_DB      := postgres://triage:triage@127.0.0.1:5432
RUN_DB_URL    := $(or $(DATABASE_URL),$(LOCAL_DB)/triage?sslmode=disable)
TEST_DB_URL   := $(or $(TEST_DATABASE_URL),$(LOCAL_DB)/triage_test?sslmode=disable)
# Gold sets and public data sets: ../shared beside the checkout (or the workplace's copy).
SHARED        ?= $(firstword $(wildcard ../shared ../../shared /work/shared) ../shared)
STATICCHECK   := honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: help db build run test bench eval lint clean

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z]+:.*## / {printf "  make %-6s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

db: ## install and start PostgreSQL with pgvector when DATABASE_URL is unset; else check the server
	@./scripts/db.sh

build: ## build bin/triaged and bin/triagectl
	@mkdir -p bin
	go build -o bin/triaged ./cmd/triaged
	go build -o bin/triagectl ./cmd/triagectl

run: db build ## database, migrations, a demo API key and curl commands, then the server on :8080
	@DATABASE_URL='$(RUN_DB_URL)' ./scripts/run.sh

test: db ## vet, then every test with the race detector, against the real database (and Chromium, installed when missing)
	@./scripts/browser.sh
	go vet ./...
	TEST_DATABASE_URL='$(TEST_DB_URL)' TRIAGE_SHARED_DIR='$(abspath $(SHARED))' TRIAGE_ARTIFACTS_DIR='$(abspath artifacts)' \
		go test -race -count=1 -timeout 8m ./...

bench: db build ## language detection, ingest throughput, latency and memory; knowledge base at 100,000 chunks; console queue and live updates; webhooks
	TRIAGE_SHARED_DIR='$(abspath $(SHARED))' go test -run '^$$' -bench . -benchmem ./triage/
	TEST_DATABASE_URL='$(TEST_DB_URL)' go run ./cmd/triagebench --server bin/triaged --gold $(SHARED)/gold/triage-dev.jsonl
	TEST_DATABASE_URL='$(TEST_DB_URL)' go run ./cmd/kbbench --data $(SHARED)/datasets
	TEST_DATABASE_URL='$(TEST_DB_URL)' go run ./cmd/consolebench --server bin/triaged
	TEST_DATABASE_URL='$(TEST_DB_URL)' go run ./cmd/channelbench --server bin/triaged

eval: db ## triage and language metrics, and knowledge-base retrieval (in a scratch schema), on the gold sets
	go run ./cmd/triagectl eval triage --gold $(SHARED)/gold/triage-dev.jsonl
	go run ./cmd/triagectl eval language --gold $(SHARED)/gold/triage-dev.jsonl
	DATABASE_URL='$(RUN_DB_URL)' go run ./cmd/triagectl eval faq --gold $(SHARED)/gold/faq-dev.jsonl
	DATABASE_URL='$(RUN_DB_URL)' go run ./cmd/triagectl eval datasets --dir $(SHARED)/datasets

lint: ## gofmt, go vet and staticcheck
	@test -z "$$(gofmt -l .)" || { echo "not gofmt-formatted:"; gofmt -l .; exit 1; }
	go vet ./...
	go run $(STATICCHECK) ./...

clean: ## remove build output
	rm -rf bin
