package pipeline

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"github.com/crmclean/crmclean/pipeline/match"
	"github.com/crmclean/crmclean/pipeline/sink"
	"github.com/crmclean/crmclean/pipeline/state"
)

// Run runs crmclean once over cfg.Inputs and writes its outputs into
// cfg.Out.
//
// Every run is an incremental run against a state: the state file
// cfg.State, or, for a batch run, an empty state held in memory, which
// answers "nothing stored" and keeps nothing. The stages are the same, in
// the same order:
//
//	plan → gather (read and clean; bring in stored rows) → match →
//	resolve ids → changes → complete the outputs → write → save → publish
//
// Against the empty state every file is read, every row matched, every
// customer keeps its batch id, and the steps that only feed a state
// (blocking keys to store, golden records compared, the commit) are not
// taken, so a batch run pays nothing for them.
//
// Against a state file, the first run reads, cleans and matches
// everything, as a batch run does. Later runs read only new and changed
// files, clean only new and changed rows, and match them against the
// stored customers they share a blocking key with (never all pairs);
// every other customer is left as it was. Customers keep their ids,
// people's decisions are honoured, and changes.csv says what changed.
// When the rules change, every row is cleaned and matched again, keeping
// ids. The run's changes are committed to the state in one transaction
// before the outputs are published; the changes of a run killed in
// between are carried, from the state alone, into the next one's outputs
// (see carry).
//
// When no row of the inputs could be read, Run returns ErrNoRows (with
// the result, for the files' problems), committing and publishing
// nothing.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	cfg = withDefaults(cfg)
	if cfg.State == "" {
		s := newRunner(cfg, nil, &state.Snapshot{}, time.Now())
		return s.run(ctx)
	}
	if err := os.MkdirAll(filepath.Dir(cfg.State), 0o700); err != nil {
		return nil, fmt.Errorf("create the folder of the state file: %w", err)
	}
	store, err := state.Open(ctx, cfg.State)
	if err != nil {
		return nil, err
	}
	defer store.Close()
	s, err := openRun(ctx, cfg, store)
	if err != nil {
		return nil, err
	}
	return s.run(ctx)
}

// withDefaults fills in what a Config may leave out.
func withDefaults(cfg Config) Config {
	if cfg.Workers < 1 {
		cfg.Workers = 1
	}
	if cfg.Progress == nil {
		cfg.Progress = noProgress{}
	}
	return cfg
}

// prepare runs a batch run's stages before writing (tests look at the
// result without writing it).
func prepare(ctx context.Context, cfg Config) (*Result, error) {
	cfg = withDefaults(cfg)
	s := newRunner(cfg, nil, &state.Snapshot{}, time.Now())
	if _, err := s.prepare(ctx); err != nil {
		if errors.Is(err, ErrNoRows) {
			return s.res, err
		}
		return nil, err
	}
	return s.res, nil
}

// openRun starts a run against the state file store holds. A delta holds
// every change since the last published run: the changes of a run
// committed but never published (killed before its outputs appeared) are
// carried into this run's outputs. Such a run is also republished first
// when it wrote to another folder than this run.
func openRun(ctx context.Context, cfg Config, store *state.Store) (*runner, error) {
	cfg.Progress.Stage("load state", -1)
	defer cfg.Progress.Done()
	since, err := store.LastPublished(ctx)
	if err != nil {
		return nil, err
	}
	unpublished, err := store.Unpublished(ctx)
	if err != nil {
		return nil, err
	}
	var republished *state.RunRecord
	if u := unpublished; u != nil && !sameFolder(u.Out, cfg.Out) {
		if err := republish(ctx, cfg, store, u, since); err != nil {
			return nil, fmt.Errorf("republish the outputs of run %d (committed, never published): %w", u.ID, err)
		}
		republished = u
	}
	snap, err := store.Previous(ctx)
	if err != nil {
		return nil, err
	}
	forgotten, err := ForgottenPatterns(ctx, store)
	if err != nil {
		return nil, err
	}
	s := newRunner(cfg, store, snap, time.Now())
	s.info.Learned = learnPatterns(snap.Decisions, cfg.Rules.Match.LearnPattern, forgotten)
	s.patterns = appliedPatterns(s.info.Learned)
	s.info.First, s.info.Republished, s.info.Carried, s.since = snap.Last == nil, republished, unpublished, since
	return s, nil
}

// run runs the stages and publishes the outputs.
func (s *runner) run(ctx context.Context) (*Result, error) {
	defer func() {
		if s.gcSet {
			debug.SetGCPercent(s.gcWas)
		}
	}()
	ch, err := s.prepare(ctx)
	if err != nil {
		if errors.Is(err, ErrNoRows) {
			return s.res, err // with the files' problems, for the user
		}
		return nil, err
	}
	if s.keeps() {
		return s.res, s.saveAndPublish(ctx, ch)
	}
	st, err := stage(ctx, s.cfg, s.res)
	if err != nil {
		return nil, err
	}
	if err := st.Publish(); err != nil {
		st.Abort()
		return nil, err
	}
	s.res.Previous = st.Previous
	return s.res, nil
}

// prepare runs every stage before writing: it plans the run, gathers and
// matches its rows, resolves ids and, against a state file, works out the
// changes to save and completes the result with what the run left alone.
func (s *runner) prepare(ctx context.Context) (state.Changes, error) {
	var ch state.Changes
	if s.keeps() {
		hash, err := RulesHash(s.cfg.Rules)
		if err != nil {
			return ch, err
		}
		s.rulesHash = hash
	}
	if err := s.plan(ctx, s.rulesHash); err != nil {
		return ch, err
	}
	if err := s.gather(ctx); err != nil {
		return ch, err
	}
	m, err := s.matchAndResolve(ctx)
	if err != nil {
		return ch, err
	}
	if s.keeps() {
		s.cfg.Progress.Stage("changes", -1)
		ch, err = s.complete(ctx, m)
		s.cfg.Progress.Done()
		if err != nil {
			return ch, err
		}
	}
	s.res.Duration = time.Since(s.res.Started)
	return ch, nil
}

// complete works out the changes a run against a state file saves, and
// completes its result for writing.
func (s *runner) complete(ctx context.Context, m *match.Result) (state.Changes, error) {
	// From here the run's data stays live while the changes, the outputs
	// and the commit make garbage: on a full run, collect more often than
	// usual instead of letting the heap double (a first run of a million
	// rows peaked at 10.6 GB).
	if s.full && !s.gcSet {
		s.gcWas, s.gcSet = debug.SetGCPercent(fullRunGCPercent), true
	}
	ch, err := s.changes(ctx, m)
	if err != nil {
		return ch, err
	}
	if err := s.outputs(ctx, m); err != nil {
		return ch, err
	}
	s.setContactChanges(s.explicit)
	return ch, nil
}

// commitWhen is state.Store.CommitWhen; tests replace it to fail a save.
var commitWhen = (*state.Store).CommitWhen

// saveAndPublish writes the outputs into a staging folder and saves the
// run's changes in the state side by side (on a million rows the save
// took as long as everything before it), then publishes the outputs and
// marks the run published. The order that makes a killed run safe holds:
// the state's transaction commits only once the outputs are staged, the
// outputs are published only once the state is committed, and the run is
// marked published last.
func (s *runner) saveAndPublish(ctx context.Context, ch state.Changes) error {
	run := state.RunRecord{Kind: state.KindRun, Started: s.res.Started, Inputs: s.cfg.Inputs,
		Out: s.cfg.Out, RulesHash: s.rulesHash, Counts: s.runCounts()}
	type staged struct {
		st  *sink.Staging
		err error
	}
	writeCtx, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan staged, 1)
	go func() {
		st, err := stage(writeCtx, s.cfg, s.res) // reads the result; the save reads only ch
		if err == nil {
			// The writers report their own progress; the save's stage is
			// what is left of it once they are done.
			s.cfg.Progress.Stage("save state", -1)
		}
		done <- staged{st, err}
	}()
	var st *sink.Staging
	waited := false
	wait := func() error {
		r := <-done
		st, waited = r.st, true
		if r.err != nil {
			return r.err
		}
		if err := failpoint("staged"); err != nil {
			st.Abort()
			st = nil
			return err
		}
		return nil
	}
	id, err := commitWhen(s.store, ctx, run, ch, wait)
	if !waited { // the save failed before the outputs were staged: stop writing them
		stop()
		r := <-done
		if r.err == nil {
			r.st.Abort()
		} else if ctx.Err() != nil {
			return r.err // stopped by the caller while writing, as the save was
		}
		return fmt.Errorf("save state %s: %w", s.cfg.State, err)
	}
	if st == nil { // writing failed, or a test stopped the run once staged
		return err
	}
	s.cfg.Progress.Done()
	if err != nil {
		st.Abort()
		return fmt.Errorf("save state %s: %w", s.cfg.State, err)
	}
	s.info.RunID = id
	if err := failpoint("committed"); err != nil {
		st.Abort()
		return err
	}
	if err := st.Publish(); err != nil {
		st.Abort()
		return fmt.Errorf("%w (the state is saved: the next run with --state %s publishes this run's outputs)", err, s.cfg.State)
	}
	s.res.Previous = st.Previous
	if err := failpoint("published"); err != nil {
		return err
	}
	if err := s.store.MarkPublished(ctx, id); err != nil {
		return err
	}
	if s.info.Carried != nil && s.info.Republished == nil {
		// Its changes are in the outputs just published.
		return s.store.MarkPublished(ctx, s.info.Carried.ID)
	}
	return nil
}
