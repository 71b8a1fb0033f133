package pipeline

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/crmclean/crmclean/pipeline/merge"
	"github.com/crmclean/crmclean/pipeline/record"
	"github.com/crmclean/crmclean/pipeline/state"
)

// killAt runs Run with cfg, stopped by a failpoint at step, and checks
// that it stopped there.
func killAt(t *testing.T, cfg Config, step string) {
	t.Helper()
	stop := errors.New("killed at " + step)
	failpoint = func(s string) error {
		if s == step {
			return stop
		}
		return nil
	}
	_, err := Run(context.Background(), cfg)
	failpoint = func(string) error { return nil }
	if !errors.Is(err, stop) {
		t.Fatalf("run: %v, want it killed at %s", err, step)
	}
}

// changesFile reads the customer lines of changes.csv of out as customer
// id → change.
func changesFile(t *testing.T, out string) map[string]string {
	t.Helper()
	m := map[string]string{}
	for _, c := range readRows(t, filepath.Join(out, "changes.csv")) {
		if c["contact_id"] == "" { // a customer's own line
			m[c["customer_id"]] = c["change"]
		}
	}
	return m
}

// TestSyncChangesOnlyKilledRunDeltaCarried: a nightly --changes-only sync
// killed between commit and publish loses nothing: the next night's delta
// holds the killed run's changes as well as its own, whether it writes to
// the same folder or to another one, and the night after is empty again.
func TestSyncChangesOnlyKilledRunDeltaCarried(t *testing.T) {
	for _, sameOut := range []bool{true, false} {
		name := "other folder"
		if sameOut {
			name = "same folder"
		}
		t.Run(name, func(t *testing.T) {
			e := newSyncEnv(t)
			first, _ := e.run()
			content, picked := newRowsCSV(t, first, 2)
			e.write("新增客户.csv", content)
			nightly := filepath.Join(e.dir, "nightly")
			changesOnly := func(out string) func(*Config) {
				return func(c *Config) { c.ChangesOnly, c.Out = true, out }
			}
			killAt(t, e.config(changesOnly(nightly)), "committed")

			next := nightly
			if !sameOut {
				next = filepath.Join(e.dir, "nightly-2")
			}
			res, _ := e.run(changesOnly(next))
			if res.Sync.Carried == nil || res.Sync.Carried.ID != 2 {
				t.Fatalf("Carried = %+v, want run 2", res.Sync.Carried)
			}
			if (res.Sync.Republished != nil) == sameOut {
				t.Errorf("Republished = %+v: a killed run is republished only to a folder of its own", res.Sync.Republished)
			}
			// The delta: the two updated and the two new customers.
			var ids []string
			for _, c := range readRows(t, filepath.Join(next, "clean.csv")) {
				ids = append(ids, c["customer_id"])
			}
			for _, id := range picked {
				if !slices.Contains(ids, id) {
					t.Errorf("clean.csv lacks customer %s, updated by the killed run: %v", id, ids)
				}
			}
			if len(ids) != len(picked)+2 {
				t.Errorf("clean.csv holds %d customers, want %d (the killed run's delta)", len(ids), len(picked)+2)
			}
			ch := changesFile(t, next)
			counts := map[string]int{}
			for _, c := range ch {
				counts[c]++
			}
			if counts[state.ChangeNew] != 2 || counts[state.ChangeUpdated] != len(picked) {
				t.Errorf("changes.csv counts %v, want 2 new and %d updated", counts, len(picked))
			}
			lineage := readRows(t, filepath.Join(next, "lineage.csv"))
			fromNew := 0
			for _, l := range lineage {
				if l["source_file"] == "新增客户.csv" {
					fromNew++
				}
			}
			if fromNew != 5 { // header and four rows
				t.Errorf("lineage.csv has %d rows of the new sheet, want 5", fromNew)
			}

			// Everything is published now: the next delta is empty.
			after, _ := e.run(changesOnly(next))
			if after.Sync.Carried != nil || len(readRows(t, filepath.Join(next, "clean.csv"))) != 0 {
				t.Errorf("the run after: carried %+v, clean.csv not empty", after.Sync.Carried)
			}
		})
	}
}

// TestSyncKilledFullRunChangesSayNew: a first --state run killed between
// commit and publish comes back, on the next run into the same folder,
// with changes.csv saying every customer is new, as the killed run's
// would have.
func TestSyncKilledFullRunChangesSayNew(t *testing.T) {
	ref := newSyncEnv(t)
	want, wantOut := ref.run()

	e := newSyncEnv(t)
	out := filepath.Join(e.dir, "out")
	killAt(t, e.config(func(c *Config) { c.Out = out }), "committed")
	res, _ := e.run(func(c *Config) { c.Out = out })
	if res.Sync.Republished != nil || res.Sync.Carried == nil {
		t.Errorf("republished %+v carried %+v: want the killed run carried, not republished into the same folder",
			res.Sync.Republished, res.Sync.Carried)
	}
	got := changesFile(t, out)
	if len(got) != len(want.Customers) {
		t.Fatalf("changes.csv lists %d customers, want %d", len(got), len(want.Customers))
	}
	var notNew []string
	for id, c := range got {
		if c != state.ChangeNew {
			notNew = append(notNew, id+" "+c)
		}
	}
	sort.Strings(notNew)
	if len(notNew) > 0 {
		t.Errorf("%d customers not new in changes.csv, e.g. %v", len(notNew), notNew[:min(3, len(notNew))])
	}
	for _, f := range []string{"clean.csv", "lineage.csv", "changes.csv"} {
		sameFile(t, filepath.Join(out, f), filepath.Join(wantOut, f))
	}
}

// TestSyncKilledLaterFullRunChangesCarried: a full --state run after a
// published one, killed between commit and publish, comes back with its
// new customers new and the customers it updated updated in the next
// run's changes.csv (not unchanged), into the same folder or another one.
func TestSyncKilledLaterFullRunChangesCarried(t *testing.T) {
	for _, sameOut := range []bool{true, false} {
		name := "other folder"
		if sameOut {
			name = "same folder"
		}
		t.Run(name, func(t *testing.T) {
			e := newSyncEnv(t)
			out := filepath.Join(e.dir, "out")
			into := func(dir string) func(*Config) { return func(c *Config) { c.Out = dir } }
			first, _ := e.run(into(out))
			content, picked := newRowsCSV(t, first, 2)
			e.write("新增客户.csv", content)
			killAt(t, e.config(into(out)), "committed")

			next := out
			if !sameOut {
				next = filepath.Join(e.dir, "out-2")
			}
			res, _ := e.run(into(next))
			if res.Sync.Carried == nil {
				t.Fatal("the killed run was not carried")
			}
			for _, dir := range []string{out, next} {
				got := changesFile(t, dir)
				counts := map[string]int{}
				for _, c := range got {
					counts[c]++
				}
				if counts[state.ChangeNew] != 2 || counts[state.ChangeUpdated] != len(picked) {
					t.Errorf("%s/changes.csv counts %v, want 2 new and %d updated", filepath.Base(dir), counts, len(picked))
				}
				for _, id := range picked {
					if got[id] != state.ChangeUpdated {
						t.Errorf("%s/changes.csv: customer %s is %q, want updated", filepath.Base(dir), id, got[id])
					}
				}
			}
		})
	}
}

// TestSyncKilledRunContactsCarried: a contact added to a customer by a run
// killed between commit and publish is new in the next run's changes.csv
// too, not unchanged.
func TestSyncKilledRunContactsCarried(t *testing.T) {
	e := newSyncEnv(t)
	out := filepath.Join(e.dir, "out")
	into := func(c *Config) { c.Out = out }
	first, _ := e.run(into)
	var c *merge.Customer
	for _, cu := range first.Customers {
		if cu.Kind == record.Company && cu.Mobile != "" && cu.Name != "" && len(cu.Rows) == 1 {
			c = cu
			break
		}
	}
	if c == nil {
		t.Fatal("no single-row company with a mobile in the fixtures")
	}
	e.write("新联系人.csv", fmt.Sprintf("客户名称,联系人,手机\n%s,欧阳测试,%s\n", c.Name, strings.TrimPrefix(c.Mobile, "+86")))
	killAt(t, e.config(into), "committed")
	res, _ := e.run(into)

	var lines []string
	var of []state.ContactChange
	for _, x := range res.Sync.ContactChanges {
		if x.Customer == c.ID {
			of = append(of, x)
			if x.Change == state.ChangeNew {
				lines = append(lines, x.ID)
			}
		}
	}
	if len(lines) != 1 {
		t.Fatalf("contact lines of %s: %+v; want the killed run's new contact new", c.ID, of)
	}
	found := false
	for _, row := range readRows(t, filepath.Join(out, "changes.csv")) {
		if row["contact_id"] == lines[0] {
			found = row["change"] == state.ChangeNew
		}
	}
	if !found {
		t.Errorf("changes.csv does not list contact %s as new", lines[0])
	}
	if got := changesFile(t, out)[c.ID]; got != state.ChangeUpdated {
		t.Errorf("customer %s is %q in changes.csv, want updated", c.ID, got)
	}
}
