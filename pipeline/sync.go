package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"go.yaml.in/yaml/v3"
	"golang.org/x/sync/errgroup"

	"github.com/crmclean/crmclean/pipeline/incremental"
	"github.com/crmclean/crmclean/pipeline/ingest"
	"github.com/crmclean/crmclean/pipeline/match"
	"github.com/crmclean/crmclean/pipeline/merge"
	"github.com/crmclean/crmclean/pipeline/normalize"
	"github.com/crmclean/crmclean/pipeline/record"
	"github.com/crmclean/crmclean/pipeline/state"
	"github.com/crmclean/crmclean/rules"
)

// SyncInfo describes how an incremental run (Config.State) used the state.
type SyncInfo struct {
	RunID        int64                  // the run's id in the state's run log
	First        bool                   // the state was empty: every file was read
	RulesChanged bool                   // the rules (or crmclean's matching keys) changed: every row was cleaned and matched again
	Regrown      bool                   // the rows more than doubled since the last full run: every row was matched again
	FilesRead    []string               // new or changed files, read and cleaned
	FilesReused  []string               // unchanged files, taken from the state without reading
	FilesKept    []string               // files in the state but not given this run: their rows stay
	FilesGone    []string               // files not given, dropped with Config.RetireMissing
	RowsReused   int                    // rows of changed files that were unchanged: not cleaned again
	RowsMatched  int                    // rows matched this run: every row on a full run, else the new rows and the customers they may touch
	Changes      []state.CustomerChange // changes.csv, sorted by customer id
	Counts       map[string]int         // changes by kind (new, updated, …)
	// ContactChanges are the contact lines of changes.csv, sorted by
	// customer and contact id; ContactCounts counts them by kind.
	ContactChanges []state.ContactChange
	ContactCounts  map[string]int
	Republished    *state.RunRecord // a committed run whose outputs were rebuilt first, if any
	// Carried is a run committed but never published: its changes are in
	// this run's changes.csv and, with ChangesOnly, its delta; FilesCarried
	// are the files it read that this run did not.
	Carried      *state.RunRecord
	FilesCarried []string
	// Learned is what the project's decisions teach about evidence
	// patterns (rules match.learn_pattern), most decided first.
	Learned []LearnedPattern
	// PatternsChanged: a pattern the last run applied by itself is no
	// longer applied (forgotten, or decided otherwise since), so every row
	// was matched again (not cleaned again), for its pairs to be asked
	// again.
	PatternsChanged bool
	// Rescored counts the doubtful pairs earlier runs stored that this
	// run scored again, for a newly learned pattern's verdict (merge) to
	// apply to them; only their customers were matched again. LeftOut
	// counts those a keep verdict left out of review.
	Rescored, LeftOut int
}

// Settings kept in the state between runs.
const (
	settingWeights     = "match.weights"      // JSON map kind.field.outcome → m/u of the last full run
	settingKeysVersion = "match.keys_version" // match.KeysVersion the stored blocking keys were made with
	settingFullRows    = "match.full_rows"    // rows of the last full run, whose weights are stored
	// settingNumbers lists the numbers runs judged shared or none of
	// their carriers' own (JSON list of judgedNumber): a later run keeps
	// the judgements, though it sees only the rows it matches. Personal
	// data: purged.
	settingNumbers = state.PersonalSetting + "match.numbers"
	// settingGoldenVersion is the merge.GoldenVersion the stored golden
	// records were built with (none: 1).
	settingGoldenVersion = "golden.version"
	// settingAppliedPatterns lists the patterns the last run applied by
	// themselves (patternsSetting).
	settingAppliedPatterns = "match.applied_patterns"
)

// judgedNumber is a number a run judged (match.NumberUse), as stored
// between runs.
type judgedNumber struct {
	Number string            `json:"n"`
	Class  match.NumberClass `json:"c"`
	Why    string            `json:"w"`
	Owner  string            `json:"o,omitempty"`
}

// rowPrior is what the state said about a row before this run.
type rowPrior struct {
	customer string
	status   record.Status
	reason   string
	contact  string // the id of the contact it named
	legacy   bool   // it named a contact but was stored before contacts had ids
}

// priorOf is what the state says about a stored row.
func priorOf(row *state.Row) rowPrior {
	return rowPrior{customer: row.CustomerID, status: row.Status, reason: row.Reason, contact: row.ContactID,
		legacy: row.ContactID == "" && row.Norm.Contact != "" && (row.Status == record.Kept || row.Status == record.Merged)}
}

// runner is one run in progress, against the state store holds (snap), or
// against the empty state of a batch run (no store, an empty snap).
type runner struct {
	cfg   Config
	store *state.Store // nil: the empty state of a batch run
	snap  *state.Snapshot
	// patterns are the verdicts the run applies by evidence pattern
	// (match.Options.Patterns).
	patterns map[string]string
	// added are the patterns of patterns the last run did not apply, and
	// rescore the stored doubtful pairs of those applied as merge, scored
	// again (match.Options.Rescore) instead of matching every row.
	added   map[string]string
	rescore [][2]string
	norm    *normalize.Normalizer
	res     *Result
	info    *SyncInfo
	full    bool  // every row is matched: the first run, or rules changed
	since   int64 // the last run whose outputs were published: changes since are the delta

	prior    map[string]rowPrior // by fingerprint: rows of this run that the state held
	changed  map[string]bool     // files read this run (their rows are all written back)
	gone     []string            // fingerprints of stored rows no longer in their file
	files    []state.File
	goneFile []string
	affected map[string]bool                     // stored customers this run decides again
	numbers  []judgedNumber                      // numbers earlier runs judged shared or none of their carriers' own
	merged   []state.CustomerChange              // customers folded into another
	matched  []*record.Record                    // the rows matched this run
	weights  map[string]match.MU                 // of the last full run; nil on a full run
	fullRows int                                 // rows of the last full run
	keys     map[*record.Record]match.RecordKeys // blocking keys of the rows to store

	contactMerged map[string]string          // contact ids folded into another this run → that one
	legacy        map[string][]merge.Contact // contacts of stored customers written before contacts had ids, as rebuilt
	explicit      []state.ContactChange      // contact lines of changes.csv its customer lines do not imply
	// upgrade: the stored golden records were built by an earlier
	// merge.GoldenVersion, so every customer is built again and compared.
	upgrade   bool
	rebuilt   bool   // addUntouched ran
	rulesHash string // of the run's rules (RulesHash); only against a state file
	gcWas     int    // the garbage collector's target before a full run lowered it (gcSet)
	gcSet     bool
	// verdicts are the decisions the run applies, by state.PairKey: the
	// state's, or a batch run's Config.Decisions.
	verdicts map[[2]string]string
}

// newRunner starts a run against the state store holds (snap), or, when
// store is nil, against the empty state of a batch run: nothing stored,
// and the decisions are cfg.Decisions.
func newRunner(cfg Config, store *state.Store, snap *state.Snapshot, started time.Time) *runner {
	s := &runner{cfg: cfg, store: store, snap: snap, res: &Result{Started: started, Rules: cfg.Rules},
		info: &SyncInfo{}, prior: map[string]rowPrior{}, changed: map[string]bool{}, affected: map[string]bool{},
		keys: map[*record.Record]match.RecordKeys{}, contactMerged: map[string]string{}, legacy: map[string][]merge.Contact{}}
	if store == nil {
		s.verdicts = map[[2]string]string{}
		for k, v := range cfg.Decisions {
			s.verdicts[state.PairKey(k[0], k[1])] = v
		}
	} else {
		s.verdicts = snapshotVerdicts(snap)
		s.res.Sync = s.info
	}
	s.res.decided = s.verdicts
	return s
}

// keeps reports whether the run's state is a state file, which remembers
// the run; the empty state of a batch run keeps nothing.
func (s *runner) keeps() bool { return s.store != nil }

// RulesHash identifies a set of rules: when it changes between runs, every
// row is cleaned again.
func RulesHash(r *rules.Rules) (string, error) {
	// learn_pattern changes no row: what it changes, the patterns a run
	// applies, is hashed with them (patternsHash).
	rc := *r
	rc.Match.LearnPattern = 0
	b, err := yaml.Marshal(&rc)
	if err != nil {
		return "", fmt.Errorf("hash rules: %w", err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16]), nil
}

// sameFolder reports whether two output folders, as given on command
// lines, are one.
func sameFolder(a, b string) bool {
	if fa, err := filepath.Abs(a); err == nil {
		a = fa
	}
	if fb, err := filepath.Abs(b); err == nil {
		b = fb
	}
	return filepath.Clean(a) == filepath.Clean(b)
}

// syncSteps are the points of Run where failpoint is called, in order.
var syncSteps = []string{"staged", "committed", "published"}

// fullRunGCPercent is the garbage collector's target from matching to the
// commit of a full run.
const fullRunGCPercent = 25

// failpoint lets tests stop a run at a named step; it does nothing in
// production.
var failpoint = func(string) error { return nil }

// plan decides between a full run (every row matched) and an incremental
// one, and loads the weights an incremental run scores with.
func (s *runner) plan(ctx context.Context, rulesHash string) error {
	if s.snap.Last == nil {
		s.full = true
		return nil
	}
	golden, err := s.store.Setting(ctx, settingGoldenVersion)
	if err != nil {
		return err
	}
	s.upgrade = string(golden) != strconv.Itoa(merge.GoldenVersion)
	version, err := s.store.Setting(ctx, settingKeysVersion)
	if err != nil {
		return err
	}
	weights, err := s.store.Setting(ctx, settingWeights)
	if err != nil {
		return err
	}
	s.info.RulesChanged = s.snap.Last.RulesHash != rulesHash || string(version) != strconv.Itoa(match.KeysVersion) || weights == nil
	if s.info.RulesChanged {
		s.full = true
		return nil
	}
	if err := json.Unmarshal(weights, &s.weights); err != nil {
		return fmt.Errorf("read the match weights in the state: %w", err)
	}
	if s.numbers, err = loadNumbers(ctx, s.store); err != nil {
		return err
	}
	rows, err := s.store.Setting(ctx, settingFullRows)
	if err != nil {
		return err
	}
	if s.fullRows, err = strconv.Atoi(string(rows)); err != nil {
		// A state from before the setting: count from now on.
		s.fullRows = 0
		for _, f := range s.snap.Files {
			s.fullRows += f.Rows
		}
	}
	return nil
}

// grown reports whether the run holds too many rows to score them with
// the weights of the last full run (incremental.Grown).
func (s *runner) grown() bool {
	total := len(s.res.Records)
	for rel, f := range s.snap.Files {
		if !s.changed[rel] && !slices.Contains(s.goneFile, rel) {
			total += f.Rows
		}
	}
	return incremental.Grown(total, s.fullRows)
}

// gather collects the rows of the run. New and changed files are read,
// reusing the cleaned values of rows that did not change. On a full run
// every other file's rows come from the state too; on an incremental run
// only the rows of the customers the new rows may touch do.
func (s *runner) gather(ctx context.Context) error {
	norm, err := newNormalizer(s.cfg)
	if err != nil {
		return err
	}
	s.norm = norm
	toRead, err := s.sortFiles()
	if err != nil {
		return err
	}
	stored, err := s.readFiles(ctx, toRead)
	if err != nil {
		return err
	}
	if len(s.info.FilesReused) == 0 && !slices.ContainsFunc(s.res.Records, func(r *record.Record) bool { return r.Status != record.Skipped }) {
		return ErrNoRows // as a batch run: nothing is committed or published
	}
	s.gone = s.priorAndGone(stored)
	if err := s.decideFull(ctx); err != nil {
		return err
	}
	// Rows of retired files: their customers are decided again.
	for _, rel := range s.goneFile {
		if err := s.eachStoredRow(ctx, rel, func(row state.Row) { s.touch(row.CustomerID) }); err != nil {
			return err
		}
	}
	if !s.full {
		s.cfg.Progress.Stage("stored rows", -1)
		defer s.cfg.Progress.Done()
		return s.gatherAffected(ctx)
	}
	files := slices.Concat(s.info.FilesReused, s.info.FilesKept)
	sort.Strings(files)
	if len(files) > 0 {
		s.cfg.Progress.Stage("stored rows", -1)
		defer s.cfg.Progress.Done()
	}
	for _, rel := range files {
		if err := s.eachStoredRow(ctx, rel, func(row state.Row) { s.res.Records = append(s.res.Records, s.fromState(row)) }); err != nil {
			return err
		}
	}
	if len(files) > 0 {
		sortRecords(s.res.Records)
	}
	s.matched = s.res.Records
	return nil
}

// eachStoredRow calls fn with every row the state holds of the file rel.
func (s *runner) eachStoredRow(ctx context.Context, rel string, fn func(state.Row)) error {
	err := s.store.EachRow(ctx, rel, func(row state.Row) error {
		fn(row)
		return nil
	})
	if err != nil {
		return fmt.Errorf("load rows of %s from the state: %w", rel, err)
	}
	return nil
}

// readFiles reads and cleans the files toRead. The rows the state holds
// of those files are returned by fingerprint: unchanged ones are reused
// (incremental.Reusable), not cleaned again; their customers are decided
// again. A stored file that cannot be read now is kept (keepUnreadable).
func (s *runner) readFiles(ctx context.Context, toRead []ingest.Input) (map[string]state.Row, error) {
	stored := map[string]state.Row{}
	for _, in := range toRead {
		if _, ok := s.snap.Files[in.Rel]; !ok {
			continue
		}
		err := s.eachStoredRow(ctx, in.Rel, func(row state.Row) {
			stored[row.Fingerprint] = row
			s.touch(row.CustomerID)
		})
		if err != nil {
			return nil, err
		}
	}
	var reuse func(*record.Record) bool
	var reused atomic.Int64
	if len(stored) > 0 && !s.info.RulesChanged {
		reuse = func(r *record.Record) bool {
			old, ok := stored[r.Fingerprint]
			if !incremental.Reusable(r, old, ok) {
				return false
			}
			prov := r.Prov
			*r = *old.Record()
			r.Prov = prov
			r.Status, r.Reason, r.CustomerID = incremental.Reset(old.Status, old.Reason)
			r.ContactID = ""
			reused.Add(1)
			return true
		}
	}
	if len(toRead) > 0 {
		if err := read(ctx, s.cfg, toRead, s.norm, s.res, reuse); err != nil {
			return nil, err
		}
	}
	s.info.RowsReused = int(reused.Load())
	s.keepUnreadable(stored)
	return stored, nil
}

// decideFull turns an incremental run into a full one when its rows
// outgrew the weights (incremental.Grown) or a pattern the last run
// applied is no longer applied; otherwise it notes the patterns added
// since, whose stored pairs are scored again.
func (s *runner) decideFull(ctx context.Context) error {
	if s.full {
		return nil
	}
	if s.grown() {
		s.full, s.info.Regrown = true, true
		return nil
	}
	applied, err := s.store.Setting(ctx, settingAppliedPatterns)
	if err != nil {
		return err
	}
	added, dropped := patternsSince(applied, s.patterns)
	if dropped {
		s.full, s.info.PatternsChanged = true, true
	}
	s.added = added
	return nil
}

// priorAndGone remembers what the state said about the rows read that it
// stored, and returns the fingerprints of the stored rows of the files
// read that are gone from them, sorted.
func (s *runner) priorAndGone(stored map[string]state.Row) []string {
	if len(stored) == 0 {
		return nil
	}
	seen := map[string]bool{}
	for _, r := range s.res.Records {
		if old, ok := stored[r.Fingerprint]; ok && r.Fingerprint != "" {
			s.prior[r.Fingerprint] = priorOf(&old)
		}
		seen[state.KeyOf(r)] = true
	}
	var gone []string
	for fp := range stored {
		if !seen[fp] {
			gone = append(gone, fp)
		}
	}
	sort.Strings(gone)
	return gone
}

// keepUnreadable treats a file the state knows that could not be read
// this run (now password-protected, damaged, or broken off mid-way) as a
// file not given: its stored rows stay, and rows read from it are dropped,
// so that a damaged copy never retires customers.
func (s *runner) keepUnreadable(stored map[string]state.Row) {
	bad := map[string]bool{}
	for _, f := range s.res.Files {
		if _, known := s.snap.Files[f.Rel]; f.Incomplete() && known {
			bad[f.Rel] = true
			delete(s.changed, f.Rel)
			s.info.FilesKept = append(s.info.FilesKept, f.Rel)
		}
	}
	if len(bad) == 0 {
		return
	}
	sort.Strings(s.info.FilesKept)
	s.info.FilesRead = slices.DeleteFunc(s.info.FilesRead, func(rel string) bool { return bad[rel] })
	s.res.Records = slices.DeleteFunc(s.res.Records, func(r *record.Record) bool { return bad[r.Prov.File] })
	for fp, row := range stored {
		if bad[row.Prov.File] {
			delete(stored, fp)
		}
	}
}

// sortFiles sorts the inputs into files to read and files unchanged since
// the last run, and the files of the state that were not given into kept
// and retired ones.
func (s *runner) sortFiles() ([]ingest.Input, error) {
	inputs, ignored, err := discover(s.cfg)
	if err != nil {
		return nil, err
	}
	s.res.Ignored = ignored
	if !s.keeps() {
		// Nothing stored: every file is read, none needs hashing.
		for _, in := range inputs {
			s.changed[in.Rel] = true
		}
		return inputs, nil
	}
	given := make([]incremental.Input, len(inputs))
	for i, in := range inputs {
		given[i].Rel = in.Rel
		if h, err := state.HashFile(in.Path); err == nil {
			given[i].Hash = h
		}
	}
	plan := incremental.PlanFiles(given, s.snap.Files, s.info.RulesChanged, s.cfg.RetireMissing)
	toRead := make([]ingest.Input, len(plan.Read))
	for i, x := range plan.Read {
		toRead[i] = inputs[x]
		s.changed[inputs[x].Rel] = true
		s.info.FilesRead = append(s.info.FilesRead, inputs[x].Rel)
	}
	s.files, s.goneFile = plan.Stored, plan.Gone
	s.info.FilesReused, s.info.FilesKept, s.info.FilesGone = plan.Reused, plan.Kept, plan.Gone
	return toRead, nil
}

// gatherAffected finds, for an incremental run, the stored rows the new
// rows may match (sharing a blocking key, or sorting near them), and loads
// every row of the customers those belong to, of the customers whose rows
// changed or went, and of the customers named by decisions made since the
// last run.
func (s *runner) gatherAffected(ctx context.Context) error {
	var fresh []*record.Record
	for _, r := range s.res.Records {
		if r.Status == "" {
			fresh = append(fresh, r)
		}
	}
	lookup := s.lookup(fresh)
	cands, _, err := s.store.Candidates(ctx, lookup)
	if err != nil {
		return err
	}
	candRecs := make([]*record.Record, len(cands))
	for i, row := range cands {
		candRecs[i] = s.fromState(row)
	}
	linked, err := s.linkedCustomers(ctx, fresh, candRecs, cands)
	if err != nil {
		return err
	}
	for _, id := range linked {
		s.touch(id)
	}
	if err := s.rescorePatterns(ctx); err != nil {
		return err
	}
	if err := s.touchDecided(ctx); err != nil {
		return err
	}
	// Keep the candidates of affected customers, and read the other rows
	// of those customers.
	var loaded []*record.Record
	held := map[string]bool{}
	for i, row := range cands {
		if s.affected[row.CustomerID] {
			held[row.Fingerprint] = true
			loaded = append(loaded, candRecs[i])
		}
	}
	rows, err := s.store.RowsOfCustomers(ctx, slices.Sorted(maps.Keys(s.affected)), func(fp string) bool { return held[fp] })
	if err != nil {
		return err
	}
	for _, row := range rows {
		if !lookup.Exclude[row.Prov.File] {
			loaded = append(loaded, s.fromState(row))
		}
	}
	s.matched = append(append([]*record.Record(nil), s.res.Records...), loaded...)
	sortRecords(s.matched)
	return nil
}

// lookup is the search for the stored rows the new rows (fresh) may
// match: those sharing a blocking key with one (as many as the block
// allows) or sorting near one, outside the files read again or retired.
// It keeps the blocking keys of the new rows, to store them.
func (s *runner) lookup(fresh []*record.Record) state.Lookup {
	opt := matchOptions(s.cfg, s.norm, nil)
	lookup := state.Lookup{Window: match.NeighborWindow, Exclude: map[string]bool{}}
	for rel := range s.changed {
		lookup.Exclude[rel] = true
	}
	for _, rel := range s.goneFile {
		lookup.Exclude[rel] = true
	}
	seenKey := map[uint64]bool{}
	for i, rk := range match.BlockKeys(fresh, opt) {
		s.keys[fresh[i]] = rk
		for _, k := range rk.Keys {
			if !seenKey[k.Hash] {
				seenKey[k.Hash] = true
				lookup.Keys = append(lookup.Keys, state.KeyLimit{Key: k.Hash, Limit: opt.BlockLimit(k.Weak)})
			}
		}
		if rk.Sort != "" {
			lookup.Sorts = append(lookup.Sorts, rk.Sort)
		}
	}
	return lookup
}

// touchDecided marks the customers of the rows named by decisions made
// since the last run as decided again.
func (s *runner) touchDecided(ctx context.Context) error {
	for _, d := range s.snap.Decisions {
		if d.Run <= s.snap.Last.ID {
			continue
		}
		for _, fp := range []string{d.A, d.B} {
			row, ok, err := s.store.Row(ctx, fp)
			if err != nil {
				return err
			}
			if ok {
				s.touch(row.CustomerID)
			}
		}
	}
	return nil
}

// linkedCustomers finds the stored customers the new rows may join or be
// doubted against: it matches the new rows with the candidate rows alone
// (their customers as Existing, so pairs of two stored rows are not
// compared) and returns the customers of candidates that share a cluster
// or a review pair with a new row. Candidates that score low against every
// new row cannot change, so their customers need not be read in full.
func (s *runner) linkedCustomers(ctx context.Context, fresh, cands []*record.Record, rows []state.Row) ([]string, error) {
	if len(fresh) == 0 || len(cands) == 0 {
		return nil, nil
	}
	recs := append(append([]*record.Record(nil), fresh...), cands...)
	existing := make([]string, len(recs))
	for i, row := range rows {
		existing[len(fresh)+i] = row.CustomerID
	}
	opt := matchOptions(s.cfg, s.norm, s.decisions())
	opt.Patterns, opt.Labelled = s.patterns, labelledPatterns(s.info.Learned)
	opt.Existing, opt.Weights, opt.NoEM = existing, s.weights, true
	opt.PriorNumbers = s.priorNumbers()
	m, err := match.Match(ctx, recs, opt)
	if err != nil {
		return nil, fmt.Errorf("match: %w", err)
	}
	// Row keys are positions in recs: the new rows come first.
	was := map[string]match.NumberClass{}
	for _, n := range s.numbers {
		was[n.Number] = n.Class
	}
	return incremental.Touched(m, record.Key(len(fresh)), existing, was), nil
}

// touch marks a stored customer as decided again by this run.
func (s *runner) touch(id string) {
	if id != "" {
		s.affected[id] = true
	}
}

// fromState turns a stored row into a record of this run, remembering
// its lineage: kept and merged rows are matched again.
func (s *runner) fromState(row state.Row) *record.Record {
	r := row.Record()
	if r.Status == record.Kept || r.Status == record.Merged {
		s.prior[r.Fingerprint] = priorOf(&row)
	}
	if r.SameAs != "" {
		return r // not matched: it follows its first row (merge.FollowIdentical)
	}
	r.Status, r.Reason, r.CustomerID = incremental.Reset(r.Status, r.Reason)
	r.ContactID = ""
	return r
}

// matchAndResolve matches the rows of the run, honouring the decisions in
// the state (and, on an incremental run, leaving pairs of two stored rows
// as earlier runs decided them), and gives each customer its stable id.
func (s *runner) matchAndResolve(ctx context.Context) (*match.Result, error) {
	// Until outputs completes the result, the run's row table is the rows
	// it matches.
	usable, keys := usableRows(s.matched)
	s.info.RowsMatched = len(usable)
	opt := matchOptions(s.cfg, s.norm, s.decisions())
	opt.Keys = keys
	opt.Patterns, opt.Labelled = s.patterns, labelledPatterns(s.info.Learned)
	if !s.full {
		existing := make([]string, len(usable))
		for i, r := range usable {
			if !s.changed[r.Prov.File] {
				existing[i] = s.prior[r.Fingerprint].customer
			}
		}
		opt.Rescore = s.rescore
		opt.Existing = existing
		opt.Weights, opt.NoEM = s.weights, true
		opt.PriorNumbers = s.priorNumbers()
	}
	s.cfg.Progress.Stage("match", -1)
	m, err := match.Match(ctx, usable, opt)
	s.cfg.Progress.Done()
	if err != nil {
		return nil, fmt.Errorf("match: %w", err)
	}
	s.res.Match, s.res.Rows = m, s.matched
	for i := range s.info.Learned {
		s.info.Learned[i].Applied = m.Stats.ByPattern[s.info.Learned[i].Pattern]
	}
	// Resolve in the order of the batch ids (buildCustomers sorts by
	// them), so that the run is deterministic; then rename customers and
	// their rows.
	merger := newMerger(s.cfg, s.norm, s.notOwnSet(m), s.sharedSet(m))
	customers := buildCustomers(merger, m.Clusters, s.res.Rows, s.cfg.Workers, s.cfg.Progress)
	if !s.keeps() {
		// Nothing stored: every customer and contact keeps its batch id.
		merge.FollowIdentical(s.matched, customers)
		s.res.Customers = customers
		return m, nil
	}
	s.cfg.Progress.Stage("customer ids", -1)
	defer s.cfg.Progress.Done()
	if err := s.resolveIDs(ctx, customers); err != nil {
		return nil, err
	}
	merge.FollowIdentical(s.matched, customers)
	sortByID(customers)
	s.res.Customers = customers
	return m, nil
}

// resolveIDs gives the customers of the run, in batch id order, their
// stable ids (state.Snapshot.Resolve), and their contacts theirs.
func (s *runner) resolveIDs(ctx context.Context, customers []*merge.Customer) error {
	for _, c := range customers {
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
		for _, id := range res.Merged {
			s.merged = append(s.merged, state.CustomerChange{ID: id, Change: state.ChangeMerged, MergedInto: c.ID})
		}
	}
	return s.contactIDs(ctx, customers)
}

// decisions are the verdicts the run applies, by state.PairKey.
func (s *runner) decisions() map[[2]string]string { return s.verdicts }

// snapshotVerdicts turns the state's decisions into the matcher's.
func snapshotVerdicts(snap *state.Snapshot) map[[2]string]string {
	if len(snap.Decisions) == 0 {
		return nil
	}
	out := make(map[[2]string]string, len(snap.Decisions))
	for k, d := range snap.Decisions {
		out[k] = d.Verdict
	}
	return out
}

// changes works out what the run changes in the state and fills
// changes.csv: new, updated, unchanged, merged and retired customers.
func (s *runner) changes(ctx context.Context, m *match.Result) (state.Changes, error) {
	ch := state.Changes{Base: s.snap.Base, GoneFiles: s.goneFile, GoneRows: s.gone, ResetPairs: s.full, Files: s.filesToStore()}
	if s.upgrade && !s.full {
		// Customers the run leaves alone may come out otherwise under the
		// current golden-record rules: compare them too.
		if err := s.addUntouched(ctx, m); err != nil {
			return ch, err
		}
	}
	list, customers, err := s.customerChanges()
	if err != nil {
		return ch, err
	}
	ch.Customers = customers
	explicit, err := s.contactChanges(ctx, list)
	if err != nil {
		return ch, err
	}
	carried := s.carry(list)
	s.setChanges(carried)
	if s.explicit, err = s.carryContacts(ctx, explicit, carried); err != nil {
		return ch, err
	}
	ch.Rows = s.rowsToStore()
	ch.Pairs = s.pairsToStore(m)
	ch.Settings, err = s.settings(m)
	return ch, err
}

// filesToStore are the files the state holds after the run, with the rows
// read from those read; a file that could not be read is left out, so
// that the next run reads it again and reports its problem again.
func (s *runner) filesToStore() []state.File {
	unreadable := map[string]bool{}
	for _, f := range s.res.Files {
		if f.Incomplete() {
			unreadable[f.Rel] = true
		}
	}
	rowsOf := map[string]int{}
	for _, r := range s.res.Records {
		rowsOf[r.Prov.File]++
	}
	var files []state.File
	for _, f := range s.files {
		if unreadable[f.Rel] {
			continue
		}
		if s.changed[f.Rel] {
			f.Rows = rowsOf[f.Rel]
		}
		files = append(files, f)
	}
	return files
}

// customerChanges lists the change of every customer, live or stored
// (incremental.LiveChange, StoredChange), and the customers to store:
// those changed, merged or retired, by id.
func (s *runner) customerChanges() ([]state.CustomerChange, []state.Customer, error) {
	var list []state.CustomerChange
	var store []state.Customer
	live := map[string]bool{}
	var goldens [][]byte
	for i, c := range s.res.Customers {
		if i%goldensAtOnce == 0 {
			var err error
			if goldens, err = goldensOf(s.res.Customers[i:min(i+goldensAtOnce, len(s.res.Customers))], s.cfg.Workers); err != nil {
				return nil, nil, err
			}
		}
		live[c.ID] = true
		golden := goldens[i%goldensAtOnce]
		old, known := s.snap.Customers[c.ID]
		change, err := incremental.LiveChange(old, known, func() (bool, error) {
			if old.GoldenHash == state.GoldenHash(golden) {
				return true, nil
			}
			// Stored before contacts had ids, and the same but for them?
			legacy, err := state.LegacyGoldenHash(c)
			return old.GoldenHash == legacy, err
		})
		if err != nil {
			return nil, nil, err
		}
		list = append(list, state.CustomerChange{ID: c.ID, Change: change})
		if change != state.ChangeUnchanged {
			store = append(store, state.Customer{ID: c.ID, Golden: golden})
		}
	}
	merged := map[string]bool{}
	for _, mc := range s.merged {
		merged[mc.ID] = true
		list = append(list, mc)
		store = append(store, state.Customer{ID: mc.ID, MergedInto: mc.MergedInto, Retired: true})
	}
	for id, c := range s.snap.Customers {
		if c.Retired || c.MergedInto != "" || live[id] || merged[id] {
			continue
		}
		change := incremental.StoredChange(s.full || s.affected[id])
		list = append(list, state.CustomerChange{ID: id, Change: change})
		if change == state.ChangeRetired {
			store = append(store, state.Customer{ID: id, Retired: true})
		}
	}
	sort.Slice(store, func(i, j int) bool { return store[i].ID < store[j].ID })
	return list, store, nil
}

// goldensAtOnce is how many customers' golden records goldensOf renders
// at a time: those of unchanged customers are dropped once compared.
const goldensAtOnce = 4096

// goldensOf renders the golden record of every customer (state.GoldenOf),
// in the order of customers, on workers goroutines: a million rows' 640k
// customers took 4 s on one.
func goldensOf(customers []*merge.Customer, workers int) ([][]byte, error) {
	out := make([][]byte, len(customers))
	var g errgroup.Group
	per := (len(customers) + workers - 1) / max(workers, 1)
	for from := 0; from < len(customers); from += per {
		part := customers[from:min(from+per, len(customers))]
		g.Go(func() error {
			for i, c := range part {
				golden, err := state.GoldenOf(c)
				if err != nil {
					return err
				}
				out[from+i] = golden
			}
			return nil
		})
	}
	return out, g.Wait()
}

// rowsToStore are the rows the state holds anew after the run: every row
// read this run (with its blocking keys), every row of a full run, and
// stored rows whose customer or lineage changed. (The lookup computed the
// keys of the new rows already.)
func (s *runner) rowsToStore() []state.Row {
	s.blockKeys()
	rows := make([]state.Row, 0, len(s.matched))
	for _, r := range s.matched {
		if !s.full && !s.changed[r.Prov.File] {
			p, ok := s.prior[r.Fingerprint]
			if !ok || p.customer == r.CustomerID && p.status == r.Status && p.reason == r.Reason && p.contact == r.ContactID {
				continue
			}
			rows = append(rows, state.RowOf(r))
			continue
		}
		row := state.RowOf(r)
		row.Indexed = true
		if rk, ok := s.keys[r]; ok && (r.Status == record.Kept || r.Status == record.Merged) {
			row.SortKey = rk.Sort
			for _, k := range rk.Keys {
				row.Keys = append(row.Keys, k.Hash)
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// blockKeys works out the blocking keys of the rows to store that the
// lookup did not: the usable rows read this run, or every one of a full
// run.
func (s *runner) blockKeys() {
	var usable []*record.Record
	for _, r := range s.matched {
		_, known := s.keys[r]
		if !known && (s.full || s.changed[r.Prov.File]) && (r.Status == record.Kept || r.Status == record.Merged) && r.SameAs == "" {
			usable = append(usable, r)
		}
	}
	for i, rk := range match.BlockKeys(usable, matchOptions(s.cfg, s.norm, nil)) {
		s.keys[usable[i]] = rk
	}
}

// pairsToStore are the run's links and review pairs, so that later runs
// list open review pairs and explain customers they do not rebuild.
func (s *runner) pairsToStore(m *match.Result) []state.Pair {
	var pairs []state.Pair
	for _, set := range []struct {
		kind  string
		pairs []match.Pair
	}{{state.PairLink, m.Links}, {state.PairReview, m.Review}} {
		for _, p := range set.pairs {
			pairs = append(pairs, state.Pair{A: s.res.Rows[p.A].Fingerprint, B: s.res.Rows[p.B].Fingerprint,
				Kind: set.kind, Score: p.Score, Evidence: state.EncodeEvidence(p.Evidence)})
		}
	}
	return pairs
}

// settings are the settings the state keeps after the run: on a full run
// the weights and what they were estimated on; always the judged numbers,
// the patterns applied, the explicit contact lines and the golden-record
// version.
func (s *runner) settings(m *match.Result) (map[string][]byte, error) {
	set := map[string][]byte{}
	if s.full {
		w := map[string]match.MU{}
		for _, fw := range m.Stats.Weights {
			w[fw.Kind+"."+fw.Field+"."+fw.Outcome] = fw.Base // before the decisions: each run refines from it
		}
		b, err := json.Marshal(w)
		if err != nil {
			return nil, err
		}
		set[settingWeights] = b
		set[settingKeysVersion] = []byte(strconv.Itoa(match.KeysVersion))
		set[settingFullRows] = []byte(strconv.Itoa(len(s.res.Records)))
	}
	var err error
	if set[settingNumbers], err = json.Marshal(s.numbersAfter(m)); err != nil {
		return nil, err
	}
	if set[settingAppliedPatterns], err = patternsSetting(s.patterns); err != nil {
		return nil, err
	}
	if set[settingContactChanges], err = json.Marshal(s.explicit); err != nil {
		return nil, err
	}
	set[settingGoldenVersion] = []byte(strconv.Itoa(merge.GoldenVersion))
	return set, nil
}

// carry adds to this run's customer changes those of the runs committed
// after the last published one (s.since), whose outputs never appeared:
// a customer they created is new until a delta is published, one they
// changed is updated, one they merged or retired stays so; what this run
// merges or retires wins. It also lists the files those runs read.
func (s *runner) carry(list []state.CustomerChange) []state.CustomerChange {
	if s.snap.Last == nil || s.snap.Last.ID <= s.since {
		return list
	}
	at := make(map[string]int, len(list))
	for i, c := range list {
		at[c.ID] = i
	}
	for id, c := range s.snap.Customers {
		earlier := state.ChangeSince(c, s.since)
		if earlier == state.ChangeUnchanged {
			continue
		}
		i, listed := at[id]
		if !listed {
			list = append(list, state.CustomerChange{ID: id, Change: earlier, MergedInto: c.MergedInto})
			continue
		}
		now := list[i].Change
		list[i].Change = incremental.Carried(now, earlier)
		if now == state.ChangeUnchanged && list[i].Change == state.ChangeMerged {
			list[i].MergedInto = c.MergedInto
		}
	}
	for rel, f := range s.snap.Files {
		if f.Run > s.since && !s.changed[rel] && !slices.Contains(s.goneFile, rel) {
			s.info.FilesCarried = append(s.info.FilesCarried, rel)
		}
	}
	sort.Strings(s.info.FilesCarried)
	return list
}

// loadNumbers reads the numbers earlier runs judged.
func loadNumbers(ctx context.Context, store *state.Store) ([]judgedNumber, error) {
	b, err := store.Setting(ctx, settingNumbers)
	if err != nil || b == nil {
		return nil, err
	}
	var out []judgedNumber
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("read the judged telephone numbers in the state: %w", err)
	}
	return out, nil
}

// notOwnOf is the set of the numbers of list that are none of their
// carriers' own.
func notOwnOf(list []judgedNumber) map[string]bool {
	set := map[string]bool{}
	for _, n := range list {
		if n.Class == match.NumberNotOwn {
			set[n.Number] = true
		}
	}
	return set
}

// priorNumbers gives the matcher the numbers earlier runs judged.
func (s *runner) priorNumbers() []match.NumberUse {
	out := make([]match.NumberUse, len(s.numbers))
	for i, n := range s.numbers {
		out[i] = match.NumberUse{Number: n.Number, Class: n.Class, Why: n.Why, Owner: n.Owner}
	}
	return out
}

// numbersAfter is the list of judged numbers to store after this run:
// this run's (which include the earlier ones its rows carry), and on an
// incremental run the earlier ones its rows do not carry.
func (s *runner) numbersAfter(m *match.Result) []judgedNumber {
	byNumber := map[string]judgedNumber{}
	if !s.full {
		for _, n := range s.numbers {
			byNumber[n.Number] = n
		}
	}
	for _, u := range m.Numbers {
		byNumber[u.Number] = judgedNumber{Number: u.Number, Class: u.Class, Why: u.Why, Owner: u.Owner}
	}
	out := make([]judgedNumber, 0, len(byNumber))
	for _, n := range byNumber {
		out = append(out, n)
	}
	slices.SortFunc(out, func(a, b judgedNumber) int { return strings.Compare(a.Number, b.Number) })
	return out
}

// notOwnSet is the set of numbers golden records leave out: this run's
// and, on an incremental run, the earlier ones.
func (s *runner) notOwnSet(m *match.Result) map[string]bool {
	set := m.NotOwn()
	if !s.full {
		for n := range notOwnOf(s.numbers) {
			set[n] = true
		}
	}
	return set
}

// sharedSet is the set of numbers several customers share: this run's
// and, on an incremental run, the earlier ones, but those golden records
// leave out.
func (s *runner) sharedSet(m *match.Result) map[string]bool {
	set := m.Shared()
	if !s.full {
		for n := range sharedOf(s.numbers) {
			set[n] = true
		}
	}
	for n := range s.notOwnSet(m) {
		delete(set, n)
	}
	return set
}

// sharedOf is the set of the numbers of list that several customers share.
func sharedOf(list []judgedNumber) map[string]bool {
	set := map[string]bool{}
	for _, n := range list {
		if n.Class == match.NumberShared {
			set[n.Number] = true
		}
	}
	return set
}

// setChanges sorts the customer changes into the result.
func (s *runner) setChanges(list []state.CustomerChange) {
	sort.Slice(list, func(i, j int) bool { return list[i].ID < list[j].ID })
	s.info.Changes = list
	s.info.Counts = map[string]int{}
	for _, c := range list {
		s.info.Counts[c.Change]++
	}
}

// runCounts are the figures the run log keeps about the run.
func (s *runner) runCounts() map[string]int {
	counts := map[string]int{
		"rows":          len(s.res.Records),
		"rows_matched":  s.info.RowsMatched,
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
	for k, v := range s.info.ContactCounts {
		counts["contacts_"+k] = v
	}
	if s.cfg.ChangesOnly {
		counts["changes_only"] = 1
	}
	return counts
}

func sortRecords(recs []*record.Record) {
	slices.SortStableFunc(recs, func(a, b *record.Record) int { return a.Prov.Compare(b.Prov) })
}
