package state

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

var errInjected = errors.New("injected failure")

// TestCommitFailpoints aborts Commit at each of its steps, by error and by
// panic, and checks that the previous state is intact and that the next
// commit succeeds.
func TestCommitFailpoints(t *testing.T) {
	ctx := context.Background()
	for _, step := range commitSteps {
		for _, mode := range []string{"error", "panic"} {
			t.Run(step+"/"+mode, func(t *testing.T) {
				s, _ := openTemp(t)
				r1 := mustCommit(t, s, fixtureRun("a.xlsx"), indexed(fixtureChanges(0, "a.xlsx", 4)))
				before := dump(t, s)

				// Run 2 touches every table Commit writes.
				ch := fixtureChanges(r1, "b.xlsx", 3)
				ch.GoneFiles = []string{"a.xlsx"}
				ch.Customers = append(ch.Customers, Customer{ID: "CA000001", MergedInto: "CB000001"})
				ch.Decisions = []Decision{{A: "fp-1", B: "fp-2", Verdict: Merge}}
				ch = indexed(ch)
				ch.Pairs = []Pair{{A: ch.Rows[0].Fingerprint, B: ch.Rows[1].Fingerprint, Kind: PairReview, Score: 7, Evidence: []byte(`[]`)}}
				ch.Settings = map[string][]byte{"weights": []byte(`{}`)}
				reached := false
				failpoint = func(s string) error {
					if s != step {
						return nil
					}
					reached = true
					if mode == "panic" {
						panic(fmt.Sprintf("killed at %s", s))
					}
					return errInjected
				}
				t.Cleanup(func() { failpoint = nil })
				err := commitRecovering(ctx, s, ch)
				if !reached {
					t.Fatalf("Commit never reached step %q", step)
				}
				if err == nil {
					t.Fatal("Commit succeeded despite the failure")
				}
				if mode == "error" && !errors.Is(err, errInjected) {
					t.Errorf("Commit error = %v, want the injected one", err)
				}
				if after := dump(t, s); after != before {
					t.Errorf("state changed by a failed commit:\nbefore:\n%s\nafter:\n%s", before, after)
				}

				failpoint = nil
				r2, err := s.Commit(ctx, fixtureRun("b.xlsx"), ch)
				if err != nil {
					t.Fatalf("the commit after the failure: %v", err)
				}
				if r2 != r1+1 {
					t.Errorf("run id %d, want %d", r2, r1+1)
				}
				p, err := s.Previous(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if len(p.Files) != 1 || p.Customers["CA000001"].MergedInto != "CB000001" || len(p.Decisions) != 1 {
					t.Errorf("state after the retried commit: files %v, CA000001 %+v, %d decisions",
						p.Files, p.Customers["CA000001"], len(p.Decisions))
				}
			})
		}
	}
}

// commitRecovering runs Commit and turns a panic into an error, as a
// crashing process would lose the transaction.
func commitRecovering(ctx context.Context, s *Store, ch Changes) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	_, err = s.Commit(ctx, fixtureRun("b.xlsx"), ch)
	return err
}
