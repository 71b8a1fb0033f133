package state

import (
	"context"
	"strings"
	"testing"
)

func TestPurgeErasesPersonalData(t *testing.T) {
	ctx := context.Background()
	s, path := openTemp(t)
	ch := fixtureChanges(0, "a.xlsx", 50)
	r := fixtureRecord("a.xlsx", 99, fixtureName, fixturePhone, "CSPECIAL")
	ch.Rows = append(ch.Rows, RowOf(r))
	ch.Customers = append(ch.Customers, Customer{ID: "CSPECIAL", Golden: []byte(`{"name":"` + fixtureName + `","mobile":"` + fixturePhone + `"}`)},
		Customer{ID: "COLD", MergedInto: "CSPECIAL"})
	ch.Decisions = []Decision{{A: ch.Rows[0].Fingerprint, B: r.Fingerprint, Verdict: Merge, Source: "review.xlsx"}}
	r1 := mustCommit(t, s, fixtureRun("a.xlsx"), ch)
	if err := s.MarkPublished(ctx, r1); err != nil {
		t.Fatal(err)
	}

	raw := fileBytes(t, path)
	for _, v := range []string{fixtureName, fixturePhone} {
		if !strings.Contains(raw, v) {
			t.Fatalf("%q not in the file before the purge: the check below would prove nothing", v)
		}
	}

	if err := s.EachRow(ctx, "", func(Row) error { return nil }); err != nil { // this process reads the shared strings
		t.Fatal(err)
	}
	n, err := s.Purge(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := (PurgeCounts{Rows: 51, Customers: 52, Decisions: 1, Files: 1}); n != want {
		t.Errorf("Purge counts = %+v, want %+v", n, want)
	}
	raw = fileBytes(t, path)
	for _, v := range []string{fixtureName, fixturePhone, "北京市", "example.com"} {
		if strings.Contains(raw, v) {
			t.Errorf("%q still in the state file (or its WAL) after the purge", v)
		}
	}
	checkIntegrity(t, s)

	audit, err := s.Audit(ctx)
	if err != nil || len(audit) != 2 {
		t.Fatalf("audit after purge = %+v, %v", audit, err)
	}
	if p := audit[1]; p.Kind != KindPurge || p.Counts["rows"] != 51 || !p.Published {
		t.Errorf("purge line = %+v", p)
	}
	if audit[0].ID != r1 || audit[0].Kind != KindRun {
		t.Errorf("run line lost: %+v", audit[0])
	}
	if ms, err := s.Merges(ctx); err != nil || len(ms) != 1 || ms[0].From != "COLD" {
		t.Errorf("merge trail after purge = %+v, %v", ms, err)
	}
	p, err := s.Previous(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Customers) != 0 || len(p.Files) != 0 || len(p.Decisions) != 0 {
		t.Errorf("left after purge: %d customers, %d files, %d decisions", len(p.Customers), len(p.Files), len(p.Decisions))
	}
	if _, ok := p.Issued["CSPECIAL"]; !ok {
		t.Error("issued ids forgotten by the purge: they could be reused")
	}
	if got := p.Resolve("CSPECIAL", nil); got.ID == "CSPECIAL" {
		t.Error("a purged customer's id was issued again")
	}
	// A run that read the state before the purge may not write it back.
	if _, err := s.Commit(ctx, fixtureRun(), fixtureChanges(r1, "a.xlsx", 1)); err == nil {
		t.Error("a commit based on the state before the purge succeeded")
	}
	// Shared strings start again from the first id, in this process too.
	again := fixtureChanges(p.Base, "b.xlsx", 2)
	mustCommit(t, s, fixtureRun("b.xlsx"), again)
	var got []Row
	if err := s.EachRow(ctx, "b.xlsx", func(r Row) error { got = append(got, r); return nil }); err != nil || len(got) != 2 {
		t.Fatalf("rows after the purge: %d, %v", len(got), err)
	}
	if got[0].Norm.Province != again.Rows[0].Norm.Province || got[0].Values[0].Header() != again.Rows[0].Values[0].Header() {
		t.Errorf("row stored after the purge reads %+v, want %+v", got[0], again.Rows[0])
	}
	other, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := other.EachRow(ctx, "b.xlsx", func(r Row) error {
		if r.Norm.Province != again.Rows[0].Norm.Province {
			t.Errorf("another process reads the row stored after the purge as %+v", r)
		}
		return nil
	}); err != nil {
		t.Errorf("another process reading the rows stored after the purge: %v", err)
	}
}
