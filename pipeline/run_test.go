package pipeline

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/crmclean/crmclean/pipeline/record"
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

// TestIncrementalRowKeys checks that the row keys of an incremental run's
// match result name, in its completed row table, the rows they named when
// matched: a cluster's rows are one customer, a link's two rows too, a
// review pair's two customers, and a number's rows carry it.
func TestIncrementalRowKeys(t *testing.T) {
	for _, changesOnly := range []bool{false, true} {
		t.Run(fmt.Sprintf("changes only %v", changesOnly), func(t *testing.T) {
			e := newSyncEnv(t)
			first, _ := e.run()
			content, _ := newRowsCSV(t, first, 3)
			e.write("新增客户.csv", content)
			res, _ := e.run(func(c *Config) { c.ChangesOnly = changesOnly })
			m := res.Match
			if len(m.Clusters) == 0 || len(m.Clusters) == len(res.Rows) {
				t.Fatalf("%d clusters of %d rows: want an incremental run matching some rows", len(m.Clusters), len(res.Rows))
			}
			for _, cl := range m.Clusters {
				for _, k := range cl {
					if got, want := res.Rows[k].CustomerID, res.Rows[cl[0]].CustomerID; got != want || got == "" {
						t.Fatalf("cluster %v: row %s is of customer %q, its first row of %q", cl, res.Rows[k].Prov, got, want)
					}
				}
			}
			for _, p := range m.Links {
				if a, b := res.Rows[p.A], res.Rows[p.B]; a.CustomerID != b.CustomerID {
					t.Errorf("link %s – %s joins customers %s and %s", a.Prov, b.Prov, a.CustomerID, b.CustomerID)
				}
			}
			for _, p := range m.Review {
				if a, b := res.Rows[p.A], res.Rows[p.B]; a.CustomerID == b.CustomerID {
					t.Errorf("review pair %s – %s within customer %s", a.Prov, b.Prov, a.CustomerID)
				}
			}
			for _, u := range m.Numbers {
				for _, k := range u.Records {
					r := res.Rows[k]
					if !slices.ContainsFunc(r.Norm.Phones, func(p record.Phone) bool { return p.E164 == u.Number }) && !slices.Contains(r.Norm.OwnerPhones(), u.Number) {
						t.Errorf("number %s: row %s does not carry it", u.Number, r.Prov)
					}
				}
			}
		})
	}
}
