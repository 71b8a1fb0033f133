package pipeline

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/crmclean/crmclean/pipeline/state"
)

// cancelAt is a Progress that cancels a run when the stage named at
// begins: a Ctrl-C at that moment.
type cancelAt struct {
	noProgress
	at     string
	cancel context.CancelFunc
}

func (c cancelAt) Stage(name string, _ int64) {
	if name == c.at {
		c.cancel()
	}
}

// leftBeside lists the folders beside out other than out itself.
func leftBeside(t *testing.T, out string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Dir(out))
	if err != nil {
		t.Fatal(err)
	}
	var left []string
	for _, e := range entries {
		if e.Name() != filepath.Base(out) && strings.Contains(e.Name(), filepath.Base(out)) {
			left = append(left, e.Name())
		}
	}
	return left
}

// TestWriteStopsWhenCancelled: Ctrl-C during the write phase stops the
// writers: the run fails with context.Canceled, the previous output stays
// as it was and no staging folder is left, for a batch run and a --state
// run (which then commits nothing: the next run is a first run again).
func TestWriteStopsWhenCancelled(t *testing.T) {
	for _, withState := range []bool{false, true} {
		name := "batch"
		if withState {
			name = "state"
		}
		t.Run(name, func(t *testing.T) {
			e := newSyncEnv(t)
			out := filepath.Join(e.dir, "out")
			cfg := e.config(func(c *Config) { c.Out = out })
			if !withState {
				cfg.State = ""
			}
			run := func(cfg Config) error {
				if withState {
					_, err := Run(context.Background(), cfg)
					return err
				}
				ctx := context.Background()
				if p, ok := cfg.Progress.(cancelAt); ok {
					var cancel context.CancelFunc
					ctx, cancel = context.WithCancel(ctx)
					defer cancel()
					p.cancel = cancel
					cfg.Progress = p
				}
				_, err := Run(ctx, cfg)
				return err
			}
			// A first good run, into a folder with a file to tell it by.
			if err := run(cfg); err != nil {
				t.Fatal(err)
			}
			before, err := os.ReadFile(filepath.Join(out, "lineage.csv"))
			if err != nil {
				t.Fatal(err)
			}
			if withState {
				if err := os.Remove(e.state); err != nil {
					t.Fatal(err)
				}
			}

			stopped := cfg
			if withState {
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				stopped.Progress = cancelAt{at: "write", cancel: cancel}
				_, err = Run(ctx, stopped)
			} else {
				stopped.Progress = cancelAt{at: "write"}
				err = run(stopped)
			}
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("run stopped while writing: %v, want context.Canceled", err)
			}
			after, err := os.ReadFile(filepath.Join(out, "lineage.csv"))
			if err != nil || string(after) != string(before) {
				t.Errorf("the previous output changed: %v", err)
			}
			if left := leftBeside(t, out); len(left) > 0 {
				t.Errorf("left beside the output folder: %v", left)
			}
			if withState {
				res, err := Run(context.Background(), cfg)
				if err != nil || !res.Sync.First {
					t.Errorf("the run after: %v, first %v; want a first run (nothing committed)", err, res != nil && res.Sync.First)
				}
			}
		})
	}
}

// TestSaveFailsWhileWriting: a save that fails while the outputs are
// being written stops the writers and fails the run with the save's
// error: the previous output stays as it was, no staging folder is left,
// and nothing is committed (the next run is a first run).
func TestSaveFailsWhileWriting(t *testing.T) {
	e := newSyncEnv(t)
	out := filepath.Join(e.dir, "out")
	cfg := e.config(func(c *Config) { c.Out = out })
	if _, err := Run(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(filepath.Join(out, "lineage.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(e.state); err != nil {
		t.Fatal(err)
	}
	broken := errors.New("disk full")
	defer func(was func(*state.Store, context.Context, state.RunRecord, state.Changes, func() error) (int64, error)) {
		commitWhen = was
	}(commitWhen)
	commitWhen = func(*state.Store, context.Context, state.RunRecord, state.Changes, func() error) (int64, error) {
		return 0, broken
	}
	if _, err := Run(context.Background(), cfg); !errors.Is(err, broken) {
		t.Fatalf("run whose save fails: %v, want %v", err, broken)
	}
	after, err := os.ReadFile(filepath.Join(out, "lineage.csv"))
	if err != nil || string(after) != string(before) {
		t.Errorf("the previous output changed: %v", err)
	}
	if left := leftBeside(t, out); len(left) > 0 {
		t.Errorf("left beside the output folder: %v", left)
	}
	commitWhen = (*state.Store).CommitWhen
	res, err := Run(context.Background(), cfg)
	if err != nil || !res.Sync.First {
		t.Errorf("the run after: %v, first %v; want a first run (nothing committed)", err, res != nil && res.Sync.First)
	}
}
