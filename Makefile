# crmclean — see README.md.
GO        ?= go
BIN       ?= bin/crmclean
BENCH_DIR ?= $(or $(TMPDIR),/tmp)/crmclean-bench
BENCH_ROWS ?= 1000000
DEV       ?= ../shared/bench/dev
export CGO_ENABLED = 0

.PHONY: build test race fuzz bench bench-sync bench-10m bench-corpus lint demo dist fixtures score score-fixtures clean

build:
	$(GO) build -trimpath -o $(BIN) ./cmd/crmclean

# Unit, golden and end-to-end tests; fuzz targets run their seed corpus.
test:
	$(GO) test -count=1 ./...

race:
	CGO_ENABLED=1 $(GO) test -race ./...

# Fuzz each target for FUZZTIME (default 20s).
FUZZTIME ?= 20s
fuzz:
	@for pkg in $$($(GO) list ./...); do \
	  for t in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$t"; $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

# Benchmarks on a generated corpus of BENCH_ROWS rows (not committed): the Go
# benchmarks, then the batch run, the first run into a new state and a
# re-run given about 1 % new rows, each with wall and CPU time per stage,
# rows/s and peak memory (fixtures/bench.sh).
BENCH_WORK ?= $(BENCH_DIR)-work
bench: build bench-corpus
	CRMCLEAN_BENCH_DIR=$(BENCH_DIR) $(GO) test -run '^$$' -bench . -benchmem -benchtime 1x ./... | tee bench.txt
	fixtures/bench.sh $(BIN) $(BENCH_DIR) $(BENCH_WORK)

# The state runs only: the first run into a new state, then the 1 % re-run.
bench-sync: build bench-corpus
	fixtures/bench.sh -s state,rerun $(BIN) $(BENCH_DIR) $(BENCH_WORK)

# The batch run on 10 million rows (opt-in: the corpus takes 1.4 GB and
# generating it a few minutes).
bench-10m: build
	$(MAKE) bench-corpus BENCH_ROWS=10000000 BENCH_DIR=$(BENCH_DIR)-10m
	fixtures/bench.sh -s batch $(BIN) $(BENCH_DIR)-10m $(BENCH_DIR)-10m-work

bench-corpus:
	@test -f $(BENCH_DIR)/.done-$(BENCH_ROWS) || { $(GO) run ./fixtures/gen --rows $(BENCH_ROWS) --out $(BENCH_DIR) && touch $(BENCH_DIR)/.done-$(BENCH_ROWS); }

lint:
	@test -z "$$(gofmt -l .)" || { gofmt -l .; echo "gofmt needed"; exit 1; }
	$(GO) vet ./...

# Clean the bundled example sheets into ./out.
demo:
	$(GO) run ./cmd/crmclean run --out out fixtures/sheets

# Score a run on the shared development corpus.
score: build
	rm -rf /tmp/crmclean-dev-out
	$(BIN) run --quiet --out /tmp/crmclean-dev-out $(DEV)/sheets
	python3 $(DEV)/../score.py --truth $(DEV)/truth.csv --out /tmp/crmclean-dev-out

# Score a run on generated phenomenon corpora (households sharing a mobile,
# agents, reps' own numbers, fillers, missing fields, common names, name
# variants, switchboards), one per seed: each seed draws its own rates and
# group sizes (DIR/manifest.json). Corpora are cached under $TMPDIR until
# the generator changes.
FIXTURE_SEEDS ?= 1 2 3 4
FIXTURE_ROWS  ?= 20000
FIXTURE_DIR   ?= $(or $(TMPDIR),/tmp)/crmclean-phenomena
score-fixtures: build
	@$(GO) build -o bin/fixtures-gen ./fixtures/gen
	@key=$$(cat fixtures/gen/*.go | cksum | cut -d' ' -f1)-$(FIXTURE_ROWS); \
	for s in $(FIXTURE_SEEDS); do \
	  d=$(FIXTURE_DIR)/seed-$$s; \
	  test -f $$d/.done-$$key || { rm -rf $$d && bin/fixtures-gen --phenomena --rows $(FIXTURE_ROWS) --seed $$s --out $$d && touch $$d/.done-$$key; } || exit 1; \
	  echo; echo "== phenomenon corpus, seed $$s: $$d"; \
	  rm -rf $$d-out; \
	  $(BIN) run --quiet --out $$d-out $$d/sheets || exit 1; \
	  python3 $(DEV)/../score.py --truth $$d/truth.csv --out $$d-out || exit 1; \
	  python3 fixtures/hardneg.py --truth $$d/truth.csv --out $$d-out || exit 1; \
	  python3 fixtures/goldens.py $$d/truth.csv $$d-out || exit 1; \
	done

fixtures:
	$(GO) run ./fixtures/gen

dist:
	@for t in windows/amd64 windows/arm64 linux/amd64 linux/arm64 darwin/amd64 darwin/arm64; do \
	  os=$${t%/*}; arch=$${t#*/}; ext=; [ $$os = windows ] && ext=.exe; \
	  echo "building dist/crmclean-$$os-$$arch$$ext"; \
	  GOOS=$$os GOARCH=$$arch $(GO) build -trimpath -ldflags '-s -w' -o dist/crmclean-$$os-$$arch$$ext ./cmd/crmclean || exit 1; \
	done

clean:
	rm -rf bin dist out bench.txt
