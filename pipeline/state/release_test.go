package state

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/crmclean/crmclean/pipeline/state/statetest"
)

// ReleaseState is a state file written by the release at commit f1141d3
// (see testdata/release-f1141d3/README.md), gzipped.
const ReleaseState = "testdata/release-f1141d3/state.db.gz"

// TestReleaseStateOpens opens a state written by the release before the
// shared strings: it migrates, keeps its customers, decisions and rows,
// and rows stored again in the shared form read back the same.
func TestReleaseStateOpens(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "state.db")
	statetest.Gunzip(t, ReleaseState, path)
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer s.Close()
	var v int
	if err := s.db.QueryRow(`SELECT version FROM schema_version`).Scan(&v); err != nil || v != SchemaVersion {
		t.Fatalf("schema version %d, %v; want %d", v, err, SchemaVersion)
	}
	snap, err := s.Previous(ctx)
	if err != nil {
		t.Fatal(err)
	}
	live := 0
	for _, c := range snap.Customers {
		if !c.Retired && c.MergedInto == "" {
			live++
		}
	}
	if live != 187 || snap.Last == nil || snap.Last.ID != 3 {
		t.Errorf("%d live customers, last run %+v; want 187 and run 3", live, snap.Last)
	}
	d, ok := snap.Decisions[PairKey("00d7df0c858b14c82a8a", "2ff7e504d4deaecee825")]
	if !ok || d.Verdict != Keep {
		t.Errorf("decision = %+v, %v; want keep", d, ok)
	}
	var before []Row
	err = s.EachRow(ctx, "", func(r Row) error {
		if r.CustomerID != "" {
			if _, ok := snap.Customers[r.CustomerID]; !ok {
				t.Errorf("%s: customer %s is not in the state", r.Prov, r.CustomerID)
			}
		}
		before = append(before, r)
		return nil
	})
	if err != nil || len(before) != 325 {
		t.Fatalf("EachRow: %d rows, %v; want 325", len(before), err)
	}

	// Store every row again: in the shared form now, the same when read.
	if _, err := s.Commit(ctx, RunRecord{}, Changes{Base: snap.Base, Rows: before}); err != nil {
		t.Fatal(err)
	}
	var data []byte
	if err := s.db.QueryRow(`SELECT data FROM rows WHERE status = 'kept' LIMIT 1`).Scan(&data); err != nil || data[0] != codecShared {
		t.Fatalf("a row stored again starts with %q, %v; want the shared form", data[:1], err)
	}
	var typ string
	var n int
	if err := s.db.QueryRow(`SELECT typeof(content_hash), length(content_hash) FROM rows WHERE status = 'kept' LIMIT 1`).Scan(&typ, &n); err != nil || typ != "blob" || n != 16 {
		t.Errorf("content hash stored again as %s of %d bytes, %v; want a blob of 16", typ, n, err)
	}
	var after []Row
	if err := s.EachRow(ctx, "", func(r Row) error { after = append(after, r); return nil }); err != nil {
		t.Fatal(err)
	}
	for i := range after {
		after[i].LastRun = before[i].LastRun
	}
	if !reflect.DeepEqual(after, before) {
		for i := range after {
			if !reflect.DeepEqual(after[i], before[i]) {
				t.Fatalf("row %d stored again:\n got %+v\nwant %+v", i, after[i], before[i])
			}
		}
		t.Fatalf("rows stored again: %d, want %d", len(after), len(before))
	}
}
