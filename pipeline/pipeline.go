// Package pipeline runs crmclean's stages in order:
//
//	ingest → map → normalize → validate → match → merge → write
//
// Ingest, mapping, normalization and validation are per row and run in
// parallel; matching and merging see every row of the run. Run runs them
// once, against a state: the state file of incremental runs, or the empty
// state held in memory of a batch run (run.go); pipeline/incremental
// decides what a run against a state reads, brings in and changes.
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/crmclean/crmclean/pipeline/ingest"
	"github.com/crmclean/crmclean/pipeline/match"
	"github.com/crmclean/crmclean/pipeline/merge"
	"github.com/crmclean/crmclean/pipeline/normalize"
	"github.com/crmclean/crmclean/pipeline/record"
	"github.com/crmclean/crmclean/pipeline/validate"
	"github.com/crmclean/crmclean/rules"
)

// Version of crmclean, shown in reports.
var Version = "0.1.0-dev"

// Config is everything a run needs.
type Config struct {
	Inputs   []string // files and folders
	Out      string   // output folder
	Rules    *rules.Rules
	Workers  int
	Lang     string         // report language: "zh" or "en"
	NoMask   bool           // show phones, e-mails and names in reports unmasked
	Profile  *rules.Profile // import profile: extra CRM-specific files; nil or generic writes none
	Progress Progress

	// State is the state file of incremental runs (see Run); empty for a
	// batch run, which depends on nothing but its inputs.
	State string
	// ChangesOnly (with State) writes only new and updated customers to
	// clean.csv and contacts.csv, and only this run's rows to lineage.csv
	// and rejects.csv, for an upsert import.
	ChangesOnly bool
	// RetireMissing (with State) drops the rows of files that were not
	// given this run and retires customers left without rows; by default
	// they stay and are reported.
	RetireMissing bool
	// Decisions (a batch run) are a person's verdicts on pairs of rows,
	// from review files handed back (see match.Options.Decisions); with
	// State, the state's decisions are used instead.
	Decisions map[[2]string]string
}

// Progress receives progress of long stages. Implementations must be safe
// for concurrent use. The "read" stage counts bytes of the input files (its
// total, their sizes, is known before reading); the others count what they
// go through (customers, files) or nothing.
type Progress interface {
	Stage(name string, total int64) // a new stage begins; total may be -1 when unknown
	Add(n int64)                    // n more towards total
	Done()
}

// RowProgress is a Progress that also counts the rows of the read stage.
type RowProgress interface {
	Progress
	AddRows(n int64)
}

type noProgress struct{}

func (noProgress) Stage(string, int64) {}
func (noProgress) Add(int64)           {}
func (noProgress) Done()               {}

// ErrNoRows is returned when not a single row could be read.
var ErrNoRows = errors.New("no row could be read from the inputs")

// Result is what a run produced.
type Result struct {
	Started   time.Time
	Duration  time.Duration
	Files     []ingest.FileReport
	Ignored   []ingest.Ignored
	Records   []*record.Record // every row of the run's lineage, sorted by file, sheet, row
	Customers []*merge.Customer
	Match     *match.Result // names rows by their key in Rows
	// Rows is the run's row table, which row keys (record.Key) index:
	// Records, then, on an incremental run, the stored rows only its
	// review pairs name (held to show them, not in its lineage).
	Rows  []*record.Record
	Rules *rules.Rules
	Sync  *SyncInfo // incremental runs only
	// StaleRemoved are the temporary folders of killed runs removed beside
	// the output folder (sink.RemoveStale).
	StaleRemoved []string
	// Previous is the folder the replaced output folder was kept as,
	// because its review files held decisions the run did not apply; ""
	// when none was kept.
	Previous string

	decided map[[2]string]string // the decisions the run applied, by state.PairKey
	// review, when set (an incremental run), are the review pairs by
	// customer, as ReviewPairs gives them.
	review []match.Pair
}

// batchSize is how many rows travel together to a normalization worker.
const batchSize = 2048

// progressEvery is how many golden records a worker builds between two
// progress reports.
const progressEvery = 1024

func discover(cfg Config) ([]ingest.Input, []ingest.Ignored, error) {
	return ingest.Discover(cfg.Inputs)
}

func newNormalizer(cfg Config) (*normalize.Normalizer, error) {
	n, err := normalize.New(cfg.Rules)
	if err != nil {
		return nil, fmt.Errorf("set up normalization: %w", err)
	}
	return n, nil
}

// workbookCost is how much more a workbook costs to read than a CSV file of
// the same size: it is inflated twice (merged cells are listed after the
// rows) and parsed as XML. Measured on the benchmark corpus: about 0.2 s
// per MB against 0.035 s.
const workbookCost = 5

// readOrder returns the order to start reading inputs in: the costliest
// first, so that a big file never starts last while the other cores sit
// idle (longest processing time first). Only the start order changes: each
// file's rows keep their place in the result.
func readOrder(inputs []ingest.Input) []int {
	cost := make([]int64, len(inputs))
	for i, in := range inputs {
		if st, err := os.Stat(in.Path); err == nil {
			cost[i] = st.Size()
			if ext := strings.ToLower(filepath.Ext(in.Path)); ext == ".xlsx" || ext == ".xlsm" {
				cost[i] *= workbookCost
			}
		}
	}
	order := make([]int, len(inputs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return cost[order[a]] > cost[order[b]] })
	return order
}

// rowCleaner is a stage that cleans one row in place: normalization or
// validation.
type rowCleaner interface{ Apply(*record.Record) }

// RuleInternal is the issue of a row that crmclean failed on.
const RuleInternal = "internal.error"

// clean runs the cleaning stages over one row. A row that makes a stage
// panic (a bug in crmclean, not in the data) is rejected with the panic in
// its reason, so that one odd cell never ends a run and is never lost.
func clean(r *record.Record, stages ...rowCleaner) {
	defer func() {
		if p := recover(); p != nil {
			r.Norm = record.Normalized{}
			msg := fmt.Sprintf("crmclean failed on this row (%v): please report it with the row", p)
			r.AddIssue(record.Issue{Col: -1, Rule: RuleInternal, Severity: record.Error, Message: msg})
			r.Reject(msg)
		}
	}()
	for _, st := range stages {
		st.Apply(r)
	}
}

// read runs ingest, normalization and validation: files are read
// concurrently, and their rows go in batches to a pool of workers. A row
// that reuse (when not nil) fills from an earlier run is not cleaned again.
// The records read are appended to res.Records.
func read(ctx context.Context, cfg Config, inputs []ingest.Input, norm *normalize.Normalizer, res *Result,
	reuse func(*record.Record) bool) error {
	reader := ingest.NewReader(cfg.Rules)
	sizes, total := fileSizes(inputs)
	cfg.Progress.Stage("read", total)
	defer cfg.Progress.Done()
	addRows := func(int64) {}
	if rp, ok := cfg.Progress.(RowProgress); ok {
		addRows = rp.AddRows
	}

	cl := startCleaners(ctx, cfg.Workers, addRows, norm, validate.New(cfg.Rules))
	perFile := make([][]*record.Record, len(inputs))
	res.Files = make([]ingest.FileReport, len(inputs))
	readers, rctx := errgroup.WithContext(ctx)
	readers.SetLimit(cfg.Workers)
	for _, i := range readOrder(inputs) {
		fr := fileRead{reader: reader, in: inputs[i], size: sizes[i], progress: cfg.Progress, addRows: addRows, reuse: reuse, clean: cl.send}
		readers.Go(func() error {
			perFile[i], res.Files[i] = fr.run(rctx)
			return nil
		})
	}
	rerr := readers.Wait()
	if err := cl.wait(); err != nil {
		return err
	}
	if rerr != nil {
		return rerr
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	for _, recs := range perFile {
		res.Records = append(res.Records, recs...)
	}
	sortRecords(res.Records)
	return nil
}

// fileSizes returns the size on disk of each input (0 when it cannot be
// told) and their total, for the progress bar.
func fileSizes(inputs []ingest.Input) ([]int64, int64) {
	sizes := make([]int64, len(inputs))
	var total int64
	for i, in := range inputs {
		if st, err := os.Stat(in.Path); err == nil {
			sizes[i] = st.Size()
			total += sizes[i]
		}
	}
	return sizes, total
}

// cleaners normalize and validate batches of rows read, on workers of
// their own while the files are read.
type cleaners struct {
	batches chan []*record.Record
	group   *errgroup.Group
	ctx     context.Context // done when a worker has failed or the run is cancelled
}

func startCleaners(ctx context.Context, workers int, addRows func(int64), stages ...rowCleaner) *cleaners {
	cl := &cleaners{batches: make(chan []*record.Record, workers*2)}
	cl.group, cl.ctx = errgroup.WithContext(ctx)
	for range workers {
		cl.group.Go(func() error {
			for b := range cl.batches {
				for _, r := range b {
					clean(r, stages...)
				}
				addRows(int64(len(b)))
				if cl.ctx.Err() != nil {
					return cl.ctx.Err()
				}
			}
			return nil
		})
	}
	return cl
}

// send hands a batch to the workers, unless they have stopped (the run was
// cancelled or failed), so that no reader waits for ever.
func (cl *cleaners) send(b []*record.Record) {
	select {
	case cl.batches <- b:
	case <-cl.ctx.Done():
	}
}

// wait, once every batch is sent, lets the workers finish them.
func (cl *cleaners) wait() error {
	close(cl.batches)
	return cl.group.Wait()
}

// fileRead reads one input: its rows in file order, each to be cleaned
// handed on in batches, except rows identical to an earlier one
// (merge.FollowIdentical fills them in) and rows reuse takes from the
// state, which are only counted.
type fileRead struct {
	reader   *ingest.Reader
	in       ingest.Input
	size     int64 // on disk, for the progress bar
	progress Progress
	addRows  func(int64)
	reuse    func(*record.Record) bool // nil in a batch run
	clean    func([]*record.Record)
}

func (fr fileRead) run(ctx context.Context) ([]*record.Record, ingest.FileReport) {
	var rows, batch []*record.Record
	copies := int64(0) // rows not cleaned (identical to an earlier one, or reused), counted as read
	var told int64     // bytes of the file counted
	count := func(n int64) {
		told += n
		fr.progress.Add(n)
	}
	rep := fr.reader.ReadFileCounting(ctx, fr.in, func(r *record.Record) {
		rows = append(rows, r)
		if r.SameAs != "" || fr.reuse != nil && fr.reuse(r) {
			if copies++; copies == batchSize {
				fr.addRows(copies)
				copies = 0
			}
			return
		}
		batch = append(batch, r)
		if len(batch) == batchSize {
			fr.clean(batch)
			batch = nil
		}
	}, count)
	if len(batch) > 0 {
		fr.clean(batch)
	}
	fr.addRows(copies)
	// The whole file is read (or could not be): its bytes are done.
	if rest := fr.size - told; rest > 0 {
		fr.progress.Add(rest)
	}
	return rows, rep
}

// matchOptions turns the rules into the matcher's options.
func matchOptions(cfg Config, norm *normalize.Normalizer, decisions map[[2]string]string) match.Options {
	return match.Options{
		MergeThreshold:  cfg.Rules.Match.MergeThreshold,
		ReviewThreshold: cfg.Rules.Match.ReviewThreshold,
		MaxBlock:        cfg.Rules.Match.MaxBlock,
		FreeDomains:     cfg.Rules.Email.FreeDomains,
		NotOwnNumbers:   cfg.Rules.Phone.NotOwnE164(),
		BranchWords:     cfg.Rules.Names.BranchWords,
		Namer:           norm.Namer(),
		Workers:         cfg.Workers,
		Decisions:       decisions,
	}
}

// usableRows picks the rows of table to match (those neither rejected
// nor skipped) with their row keys, their places in table.
func usableRows(table []*record.Record) ([]*record.Record, []record.Key) {
	var usable []*record.Record
	var keys []record.Key
	for i, r := range table {
		if r.Status == "" {
			usable = append(usable, r)
			keys = append(keys, record.Key(i))
		}
	}
	return usable, keys
}

// newMerger returns the golden-record builder of a run: contact names read
// as the matching reads them, and the numbers it judged none of their
// carriers' own (notOwn) or shared by several customers (shared).
func newMerger(cfg Config, norm *normalize.Normalizer, notOwn, shared map[string]bool) *merge.Merger {
	m := merge.New(cfg.Rules, norm.Namer())
	m.SetNotOwn(notOwn)
	m.SetShared(shared)
	return m
}

// buildCustomers makes the golden record of every cluster (row keys of
// rows, the run's row table) on workers goroutines, and returns them sorted by customer id.
// Clusters share no rows and a Merger keeps no state, so the records are
// those a single goroutine would make.
func buildCustomers(merger *merge.Merger, clusters [][]record.Key, rows []*record.Record, workers int, progress Progress) []*merge.Customer {
	progress.Stage("golden records", int64(len(clusters)))
	defer progress.Done()
	customers := make([]*merge.Customer, len(clusters))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range max(workers, 1) {
		wg.Go(func() {
			built := 0
			var cl []*record.Record // one for every cluster: Build keeps no reference to it
			for {
				i := int(next.Add(1)) - 1
				if i >= len(clusters) {
					progress.Add(int64(built))
					return
				}
				cl = cl[:0]
				for _, k := range clusters[i] {
					cl = append(cl, rows[k])
				}
				customers[i] = merger.Build(cl)
				if built++; built == progressEvery {
					progress.Add(int64(built))
					built = 0
				}
			}
		})
	}
	wg.Wait()
	sortByID(customers)
	return customers
}

// sortByID sorts customers by id. The ids are copied beside the customers
// first: comparing through the pointers took most of a second and a half
// for 633k customers.
func sortByID(customers []*merge.Customer) {
	type keyed struct {
		id string
		c  *merge.Customer
	}
	ks := make([]keyed, len(customers))
	for i, c := range customers {
		ks[i] = keyed{c.ID, c}
	}
	slices.SortFunc(ks, func(a, b keyed) int { return strings.Compare(a.id, b.id) })
	for i, k := range ks {
		customers[i] = k.c
	}
}
