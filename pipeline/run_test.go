package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestBatchRunIsTheEmptyStateRun checks that a batch run is the first run
// against a state, keeping nothing: its result says nothing of a state,
// it writes no changes.csv and every other output is the first state
// run's.
func TestBatchRunIsTheEmptyStateRun(t *testing.T) {
	e := newSyncEnv(t)
	first, out := e.run()
	batch := e.config(func(c *Config) { c.State = "" })
	res, err := Run(context.Background(), batch)
	if err != nil {
		t.Fatal(err)
	}
	if res.Sync != nil {
		t.Errorf("a batch run reports a state: %+v", res.Sync)
	}
	if _, err := os.Stat(filepath.Join(batch.Out, "changes.csv")); !os.IsNotExist(err) {
		t.Errorf("a batch run wrote changes.csv (%v)", err)
	}
	if len(res.Customers) != len(first.Customers) || len(res.Rows) != len(first.Rows) {
		t.Errorf("batch run: %d customers, %d rows; first state run: %d, %d", len(res.Customers), len(res.Rows), len(first.Customers), len(first.Rows))
	}
	for i, c := range res.Customers {
		if i < len(first.Customers) && c.ID != first.Customers[i].ID {
			t.Fatalf("customer %d is %s in the batch run, %s in the first state run", i, c.ID, first.Customers[i].ID)
		}
	}
	for _, f := range []string{"clean.csv", "contacts.csv", "lineage.csv", "links.csv", "review.csv", "rejects.csv", "issues.csv"} {
		sameFile(t, filepath.Join(out, f), filepath.Join(batch.Out, f))
	}
}
