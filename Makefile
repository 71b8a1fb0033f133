# crmclean — see README.md.
GO        ?= go
BIN       ?= bin/crmclean
BENCH_DIR ?= $(or $(TMPDIR),/tmp)/crmclean-bench
BENCH_ROWS ?= 1000000
DEV       ?= ../shared/bench/dev
export CGO_ENABLED = 0

.PHONY: build test race fuzz bench bench-sync lint demo dist fixtures score score-fixtures clean

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

# Benchmarks on a generated corpus of BENCH_ROWS rows (not committed).
bench: build
	@test -f $(BENCH_DIR)/.done-$(BENCH_ROWS) || { $(GO) run ./fixtures/gen --rows $(BENCH_ROWS) --out $(BENCH_DIR) && touch $(BENCH_DIR)/.done-$(BENCH_ROWS); }
	CRMCLEAN_BENCH_DIR=$(BENCH_DIR) $(GO) test -run '^$$' -bench . -benchmem -benchtime 1x ./... | tee bench.txt
	@echo "== end-to-end run on $(BENCH_ROWS) rows"
	rm -rf $(BENCH_DIR)-out
	/usr/bin/time -v $(BIN) run --out $(BENCH_DIR)-out $(BENCH_DIR)/sheets 2>&1 | grep -E ': done|rows in|customers out|time|Maximum resident|Elapsed' || true

# Incremental sync at BENCH_ROWS rows: a full run into a new state file, then
# a re-run given one new file of about 1% more rows, with --changes-only.
SYNC_DIR ?= $(BENCH_DIR)-sync
bench-sync: build
	@test -f $(BENCH_DIR)/.done-$(BENCH_ROWS) || { $(GO) run ./fixtures/gen --rows $(BENCH_ROWS) --out $(BENCH_DIR) && touch $(BENCH_DIR)/.done-$(BENCH_ROWS); }
	rm -rf $(SYNC_DIR) && mkdir -p $(SYNC_DIR)/sheets
	$(GO) run ./fixtures/gen --rows $$(( $(BENCH_ROWS) * 33 / 1000 )) --out $(SYNC_DIR)/new
	ln -s $(abspath $(BENCH_DIR))/sheets/* $(SYNC_DIR)/sheets/
	@echo "== full run into a new state ($(BENCH_ROWS) rows)"
	/usr/bin/time -v $(BIN) run --state $(SYNC_DIR)/state.db --out $(SYNC_DIR)/out1 $(SYNC_DIR)/sheets 2>&1 | grep -E ': done|rows (in|read)|customers|files|time|Maximum resident|Elapsed'
	cp $(SYNC_DIR)/new/sheets/客服中心.csv $(SYNC_DIR)/sheets/客服中心-新增.csv
	@echo "== re-run with one new file of $$(( $$(wc -l < $(SYNC_DIR)/sheets/客服中心-新增.csv) - 1 )) rows, --changes-only"
	/usr/bin/time -v $(BIN) run --changes-only --state $(SYNC_DIR)/state.db --out $(SYNC_DIR)/out2 $(SYNC_DIR)/sheets 2>&1 | grep -E ': done|rows (in|read)|customers|files|matched|time|Maximum resident|Elapsed'
	@ls -l $(SYNC_DIR)/state.db*

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
