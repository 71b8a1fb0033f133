package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync/atomic"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/crmclean/crmclean/pipeline/ingest"
	"github.com/crmclean/crmclean/pipeline/record"
	"github.com/crmclean/crmclean/pipeline/state"
	"github.com/crmclean/crmclean/rules"
)

// SyncInfo describes how an incremental run (Config.State) used the state.
type SyncInfo struct {
	RunID        int64                  // the run's id in the state's run log
	First        bool                   // the state was empty: every file was read
	RulesChanged bool                   // the rules differ from the last run's: every row was cleaned again
	FilesRead    []string               // new or changed files, read and cleaned
	FilesReused  []string               // unchanged files, taken from the state without reading
	FilesKept    []string               // files in the state but not given this run: their rows stay
	FilesGone    []string               // files not given, dropped with Config.RetireMissing
	RowsReused   int                    // rows of changed files that were unchanged: not cleaned again
	Changes      []state.CustomerChange // changes.csv, sorted by customer id
	Counts       map[string]int         // changes by kind (new, updated, …)
	Republished  *state.RunRecord       // a committed run whose outputs were rebuilt first, if any
}

// rowPrior is what the state said about a row before this run.
type rowPrior struct {
	customer string
	status   record.Status
	reason   string
}

// syncRun is one incremental run in progress.
type syncRun struct {
	cfg   Config
	store *state.Store
	snap  *state.Snapshot
	res   *Result
	info  *SyncInfo

	prior    map[string]rowPrior // by fingerprint, rows that came from the state
	changed  map[string]bool     // files read this run (their rows are all written back)
	gone     []string            // fingerprints of stored rows no longer in their file
	files    []state.File
	goneFile []string
	rowsOf   map[string]int         // rows per file in this run
	merged   []state.CustomerChange // customers folded into another
	fresh    map[string]bool        // customers new in this run
}

func newSyncRun(cfg Config, store *state.Store, snap *state.Snapshot, started time.Time) *syncRun {
	s := &syncRun{cfg: cfg, store: store, snap: snap, res: &Result{Started: started, Rules: cfg.Rules},
		info: &SyncInfo{}, prior: map[string]rowPrior{}, changed: map[string]bool{}, rowsOf: map[string]int{},
		fresh: map[string]bool{}}
	s.res.Sync = s.info
	return s
}

// RulesHash identifies a set of rules: when it changes between runs, every
// row is cleaned again.
func RulesHash(r *rules.Rules) (string, error) {
	b, err := yaml.Marshal(r)
	if err != nil {
		return "", fmt.Errorf("hash rules: %w", err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16]), nil
}

// Sync runs an incremental run on the state file cfg.State and writes its
// outputs: files unchanged since the last run are not read again, unchanged
// rows are not cleaned again, customers keep their ids, people's review
// decisions are honoured, and changes.csv says what changed. The run's
// changes are committed to the state in one transaction before the outputs
// are published; a run killed in between is republished by the next one.
func Sync(ctx context.Context, cfg Config) (*Result, error) {
	if cfg.Workers < 1 {
		cfg.Workers = 1
	}
	if cfg.Progress == nil {
		cfg.Progress = noProgress{}
	}
	if err := os.MkdirAll(filepath.Dir(cfg.State), 0o700); err != nil {
		return nil, fmt.Errorf("create the folder of the state file: %w", err)
	}
	store, err := state.Open(ctx, cfg.State)
	if err != nil {
		return nil, err
	}
	defer store.Close()

	var republished *state.RunRecord
	if u, err := store.Unpublished(ctx); err != nil {
		return nil, err
	} else if u != nil {
		if err := republish(ctx, cfg, store, u); err != nil {
			return nil, fmt.Errorf("republish the outputs of run %d (committed, never published): %w", u.ID, err)
		}
		republished = u
	}

	snap, err := store.Previous(ctx)
	if err != nil {
		return nil, err
	}
	hash, err := RulesHash(cfg.Rules)
	if err != nil {
		return nil, err
	}
	s := newSyncRun(cfg, store, snap, time.Now())
	s.info.First, s.info.Republished = snap.Last == nil, republished
	s.info.RulesChanged = snap.Last != nil && snap.Last.RulesHash != hash
	if err := s.gather(ctx, false); err != nil {
		return nil, err
	}
	if err := s.matchAndResolve(ctx); err != nil {
		return nil, err
	}
	ch, err := s.changes()
	if err != nil {
		return nil, err
	}
	s.res.Duration = time.Since(s.res.Started)

	st, err := stage(cfg, s.res)
	if err != nil {
		return nil, err
	}
	run := state.RunRecord{Kind: state.KindRun, Started: s.res.Started, Ended: time.Now(), Inputs: cfg.Inputs,
		Out: cfg.Out, RulesHash: hash, Counts: s.runCounts()}
	cfg.Progress.Stage("save state", -1)
	id, err := store.Commit(ctx, run, ch)
	cfg.Progress.Done()
	if err != nil {
		st.Abort()
		return nil, fmt.Errorf("save state %s: %w", cfg.State, err)
	}
	s.info.RunID = id
	if err := failpoint("committed"); err != nil {
		st.Abort()
		return nil, err
	}
	if err := st.Publish(); err != nil {
		st.Abort()
		return nil, fmt.Errorf("%w (the state is saved: the next run with --state %s publishes this run's outputs)", err, cfg.State)
	}
	if err := store.MarkPublished(ctx, id); err != nil {
		return nil, err
	}
	return s.res, nil
}

// failpoint lets tests stop a run at a named step; nil in production.
var failpoint = func(string) error { return nil }

// republish rebuilds the outputs of run u from the state alone and
// publishes them to its output folder.
func republish(ctx context.Context, cfg Config, store *state.Store, u *state.RunRecord) error {
	snap, err := store.Previous(ctx)
	if err != nil {
		return err
	}
	cfg.Out = u.Out
	cfg.ChangesOnly = u.Counts["changes_only"] > 0
	s := newSyncRun(cfg, store, snap, u.Started)
	s.info.RunID = u.ID
	if err := s.gather(ctx, true); err != nil {
		return err
	}
	if err := s.matchAndResolve(ctx); err != nil {
		return err
	}
	changes, err := store.RunChanges(ctx, u.ID)
	if err != nil {
		return err
	}
	s.setChanges(changes)
	s.res.Duration = u.Ended.Sub(u.Started)
	st, err := stage(cfg, s.res)
	if err != nil {
		return err
	}
	if err := st.Publish(); err != nil {
		st.Abort()
		return err
	}
	return store.MarkPublished(ctx, u.ID)
}

// gather collects the rows of the run: files unchanged since the last run
// (and, unless RetireMissing, files no longer given) come from the state;
// new and changed files are read, reusing the cleaned values of rows that
// did not change. With onlyState nothing is read from disk.
func (s *syncRun) gather(ctx context.Context, onlyState bool) error {
	norm, err := newNormalizer(s.cfg)
	if err != nil {
		return err
	}
	var toRead []ingest.Input
	given := map[string]bool{}
	if !onlyState {
		inputs, ignored, err := discover(s.cfg)
		if err != nil {
			return err
		}
		s.res.Ignored = ignored
		for _, in := range inputs {
			given[in.Rel] = true
			h, err := state.HashFile(in.Path)
			if err != nil {
				// Unreadable now: read it anyway, so its report names the problem.
				toRead = append(toRead, in)
				continue
			}
			s.files = append(s.files, state.File{Rel: in.Rel, Hash: h})
			if f, ok := s.snap.Files[in.Rel]; ok && f.Hash == h && !s.info.RulesChanged {
				s.info.FilesReused = append(s.info.FilesReused, in.Rel)
				continue
			}
			toRead = append(toRead, in)
		}
	}
	var fromState []string
	for rel := range s.snap.Files {
		switch {
		case given[rel]:
		case onlyState:
			fromState = append(fromState, rel)
		case s.cfg.RetireMissing:
			s.goneFile = append(s.goneFile, rel)
		default:
			s.info.FilesKept = append(s.info.FilesKept, rel)
		}
	}
	sort.Strings(s.goneFile)
	sort.Strings(s.info.FilesKept)
	s.info.FilesGone = s.goneFile
	fromState = append(fromState, s.info.FilesReused...)
	fromState = append(fromState, s.info.FilesKept...)
	sort.Strings(fromState)

	var loaded []*record.Record
	for _, rel := range fromState {
		err := s.store.EachRow(ctx, rel, func(row state.Row) error {
			r := row.Record()
			s.remember(r)
			loaded = append(loaded, r)
			return nil
		})
		if err != nil {
			return fmt.Errorf("load rows of %s from the state: %w", rel, err)
		}
	}

	// Rows stored for the files about to be read: unchanged ones are
	// reused, vanished ones forgotten.
	stored := map[string]state.Row{}
	for _, in := range toRead {
		s.changed[in.Rel] = true
		s.info.FilesRead = append(s.info.FilesRead, in.Rel)
		if _, ok := s.snap.Files[in.Rel]; !ok {
			continue
		}
		err := s.store.EachRow(ctx, in.Rel, func(row state.Row) error {
			stored[row.Fingerprint] = row
			return nil
		})
		if err != nil {
			return fmt.Errorf("load rows of %s from the state: %w", in.Rel, err)
		}
	}
	var reuse func(*record.Record) bool
	var reused atomic.Int64
	if len(stored) > 0 && !s.info.RulesChanged {
		reuse = func(r *record.Record) bool {
			old, ok := stored[r.Fingerprint]
			if !ok || r.Fingerprint == "" || r.Status != "" || old.ContentHash != state.ContentHash(r) {
				return false
			}
			prov := r.Prov
			*r = *old.Record()
			r.Prov = prov
			r.Status, r.Reason, r.CustomerID = reset(old.Status, old.Reason)
			reused.Add(1)
			return true
		}
	}
	if len(toRead) > 0 {
		if err := read(ctx, s.cfg, toRead, norm, s.res, reuse); err != nil {
			return err
		}
	}
	seen := map[string]bool{}
	for _, r := range s.res.Records {
		if r.Status == "" && stored[r.Fingerprint].Fingerprint != "" {
			old := stored[r.Fingerprint]
			s.prior[r.Fingerprint] = rowPrior{customer: old.CustomerID, status: old.Status, reason: old.Reason}
		}
		seen[state.RowOf(r).Fingerprint] = true
	}
	for fp := range stored {
		if !seen[fp] {
			s.gone = append(s.gone, fp)
		}
	}
	sort.Strings(s.gone)
	s.info.RowsReused = int(reused.Load())
	s.res.Records = append(s.res.Records, loaded...)
	sortRecords(s.res.Records)
	for _, r := range s.res.Records {
		s.rowsOf[r.Prov.File]++
	}
	return nil
}

// remember notes what the state said about a row loaded from it and makes
// it a fresh row for matching: its customer is decided again.
func (s *syncRun) remember(r *record.Record) {
	if r.Status == record.Kept || r.Status == record.Merged {
		s.prior[r.Fingerprint] = rowPrior{customer: r.CustomerID, status: r.Status, reason: r.Reason}
	}
	r.Status, r.Reason, r.CustomerID = reset(r.Status, r.Reason)
}

// reset turns a stored row's lineage back into that of a row about to be
// matched: kept and merged rows are usable again; rejected and skipped
// rows stay as they were.
func reset(st record.Status, reason string) (record.Status, string, string) {
	if st == record.Kept || st == record.Merged {
		return "", "", ""
	}
	return st, reason, ""
}

// matchAndResolve matches every usable row of the run, honouring the
// decisions in the state, and gives each customer its stable id.
func (s *syncRun) matchAndResolve(ctx context.Context) error {
	norm, err := newNormalizer(s.cfg)
	if err != nil {
		return err
	}
	if err := matchAndMerge(ctx, s.cfg, norm, s.res, s.decisions()); err != nil {
		return err
	}
	// Resolve in the order of the batch ids, so that the run is
	// deterministic; then rename customers and their rows.
	for _, c := range s.res.Customers {
		var previous []string
		for _, r := range c.Rows {
			if p, ok := s.prior[r.Fingerprint]; ok {
				previous = append(previous, p.customer)
			}
		}
		res := s.snap.Resolve(c.ID, previous)
		c.ID = res.ID
		for _, r := range c.Rows {
			r.CustomerID = c.ID
		}
		for _, m := range res.Merged {
			s.merged = append(s.merged, state.CustomerChange{ID: m, Change: state.ChangeMerged, MergedInto: c.ID})
		}
		if res.New {
			s.fresh[c.ID] = true
		}
	}
	sort.Slice(s.res.Customers, func(i, j int) bool { return s.res.Customers[i].ID < s.res.Customers[j].ID })
	return nil
}

// decisions turns the state's decisions into the matcher's.
func (s *syncRun) decisions() map[[2]string]string {
	if len(s.snap.Decisions) == 0 {
		return nil
	}
	out := make(map[[2]string]string, len(s.snap.Decisions))
	for k, d := range s.snap.Decisions {
		out[k] = d.Verdict
	}
	return out
}

// changes works out what the run changes in the state and fills
// changes.csv: new, updated, unchanged, merged and retired customers.
func (s *syncRun) changes() (state.Changes, error) {
	ch := state.Changes{Base: s.snap.Base, GoneFiles: s.goneFile, GoneRows: s.gone}
	unreadable := map[string]bool{}
	for _, f := range s.res.Files {
		if f.Err != nil {
			unreadable[f.Rel] = true
		}
	}
	for _, f := range s.files {
		if !unreadable[f.Rel] { // read again next time, so that its problem is reported again
			f.Rows = s.rowsOf[f.Rel]
			ch.Files = append(ch.Files, f)
		}
	}
	var list []state.CustomerChange
	live := map[string]bool{}
	for _, c := range s.res.Customers {
		live[c.ID] = true
		golden, err := state.GoldenOf(c)
		if err != nil {
			return ch, err
		}
		old, known := s.snap.Customers[c.ID]
		change := state.ChangeUnchanged
		switch {
		case !known:
			change = state.ChangeNew
		case old.Retired || old.MergedInto != "" || old.GoldenHash != state.GoldenHash(golden):
			change = state.ChangeUpdated
		}
		list = append(list, state.CustomerChange{ID: c.ID, Change: change})
		if change != state.ChangeUnchanged {
			ch.Customers = append(ch.Customers, state.Customer{ID: c.ID, Golden: golden})
		}
	}
	merged := map[string]bool{}
	for _, m := range s.merged {
		merged[m.ID] = true
		list = append(list, m)
		ch.Customers = append(ch.Customers, state.Customer{ID: m.ID, MergedInto: m.MergedInto, Retired: true})
	}
	for id, c := range s.snap.Customers {
		if c.Retired || c.MergedInto != "" || live[id] || merged[id] {
			continue
		}
		list = append(list, state.CustomerChange{ID: id, Change: state.ChangeRetired})
		ch.Customers = append(ch.Customers, state.Customer{ID: id, Retired: true})
	}
	sort.Slice(ch.Customers, func(i, j int) bool { return ch.Customers[i].ID < ch.Customers[j].ID })
	s.setChanges(list)

	// Rows: every row of a file read this run, and rows from the state
	// whose customer or lineage changed.
	for _, r := range s.res.Records {
		if !s.changed[r.Prov.File] {
			p, ok := s.prior[r.Fingerprint]
			if !ok && r.Status != record.Kept && r.Status != record.Merged {
				continue // rejected or skipped, as stored
			}
			if ok && p.customer == r.CustomerID && p.status == r.Status && p.reason == r.Reason {
				continue
			}
		}
		ch.Rows = append(ch.Rows, state.RowOf(r))
	}
	return ch, nil
}

// setChanges sorts the customer changes into the result.
func (s *syncRun) setChanges(list []state.CustomerChange) {
	sort.Slice(list, func(i, j int) bool { return list[i].ID < list[j].ID })
	s.info.Changes = list
	s.info.Counts = map[string]int{}
	for _, c := range list {
		s.info.Counts[c.Change]++
	}
}

// runCounts are the figures the run log keeps about the run.
func (s *syncRun) runCounts() map[string]int {
	counts := map[string]int{
		"rows":          len(s.res.Records),
		"customers":     len(s.res.Customers),
		"files_read":    len(s.info.FilesRead),
		"files_reused":  len(s.info.FilesReused),
		"files_kept":    len(s.info.FilesKept),
		"files_retired": len(s.info.FilesGone),
		"rows_reused":   s.info.RowsReused,
	}
	for k, v := range s.info.Counts {
		counts["customers_"+k] = v
	}
	if s.cfg.ChangesOnly {
		counts["changes_only"] = 1
	}
	return counts
}

func sortRecords(recs []*record.Record) {
	sort.SliceStable(recs, func(i, j int) bool {
		a, b := recs[i].Prov, recs[j].Prov
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Sheet != b.Sheet {
			return a.Sheet < b.Sheet
		}
		return a.Row < b.Row
	})
}
