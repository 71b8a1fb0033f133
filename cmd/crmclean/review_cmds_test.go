package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/crmclean/crmclean/pipeline/match"
	"github.com/crmclean/crmclean/pipeline/record"
	"github.com/crmclean/crmclean/pipeline/sink"
	"github.com/crmclean/crmclean/pipeline/state"
)

// Invented customers and rows of the decide and review fixtures.
const (
	custA = "C0A1B2C3D4E" // rows a.csv:2 and a.csv:3
	custB = "C1F2E3D4C5B" // row b.xlsx:华东:5
	custC = "C2222222222" // row b.xlsx:华北:5
	custM = "C3333333333" // merged into custA
	fpA2  = "0a0a0a0a0a0a0a0a0a02"
	fpA3  = "0a0a0a0a0a0a0a0a0a03"
	fpB5  = "0b0b0b0b0b0b0b0b0b05"
	fpC5  = "0c0c0c0c0c0c0c0c0c05"
	fpRej = "0d0d0d0d0d0d0d0d0d04" // a.csv:4, rejected
)

// fixtureRow is a stored row of the decide and review fixtures.
func fixtureRow(file, sheet string, n int, fp, customer, name string) *record.Record {
	r := &record.Record{
		Prov:        record.Provenance{File: file, Sheet: sheet, Row: n},
		Fingerprint: fp,
		Values:      []record.Value{record.NewValue(record.FieldName, 0, "客户名称", name, name)},
		Norm:        record.Normalized{Kind: record.Company, Name: name, NameKey: name},
		Status:      record.Kept,
		CustomerID:  customer,
	}
	if customer == "" {
		r.Status, r.Reason = record.Rejected, "no phone and no address"
	}
	return r
}

// fixtureRecords are the rows of fixtureState, in order.
func fixtureRecords() []*record.Record {
	skipped := &record.Record{Prov: record.Provenance{File: "a.csv", Row: 6}, Status: record.Skipped, Reason: "footer 合计"}
	return []*record.Record{
		fixtureRow("a.csv", "", 2, fpA2, custA, "华信贸易有限公司"),
		fixtureRow("a.csv", "", 3, fpA3, custA, "华信贸易"),
		fixtureRow("a.csv", "", 4, fpRej, "", "某某"),
		fixtureRow("b.xlsx", "华东", 5, fpB5, custB, "上海华新贸易有限公司"),
		fixtureRow("b.xlsx", "华北", 5, fpC5, custC, "北京远航科技有限公司"),
		skipped,
	}
}

// openTestState opens the state file at path for a test; the caller closes it.
func openTestState(t *testing.T, path string) (*state.Store, context.Context) {
	t.Helper()
	ctx := context.Background()
	s, err := state.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	return s, ctx
}

// fixtureState commits fixtureRecords to a new state file and returns its path.
func fixtureState(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "project.db")
	s, err := state.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ch := state.Changes{Files: []state.File{{Rel: "a.csv", Hash: "ha", Rows: 5}, {Rel: "b.xlsx", Hash: "hb", Rows: 2}}}
	for _, r := range fixtureRecords() {
		ch.Rows = append(ch.Rows, state.RowOf(r))
	}
	for _, id := range []string{custA, custB, custC} {
		ch.Customers = append(ch.Customers, state.Customer{ID: id, Golden: []byte(`{}`)})
	}
	ch.Customers = append(ch.Customers, state.Customer{ID: custM, Golden: []byte(`{}`), MergedInto: custA, Retired: true})
	if _, err := s.Commit(ctx, state.RunRecord{Inputs: []string{"a.csv", "b.xlsx"}, Out: "out"}, ch); err != nil {
		t.Fatal(err)
	}
	return path
}

// storedDecisions lists the decisions in the state file as "verdict A B",
// sorted.
func storedDecisions(t *testing.T, path string) []string {
	t.Helper()
	s, ctx := openTestState(t, path)
	defer s.Close()
	ds, err := s.Decisions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range ds {
		out = append(out, d.Verdict+" "+d.A+" "+d.B)
	}
	sort.Strings(out)
	return out
}

func decision(verdict, a, b string) string {
	k := state.PairKey(a, b)
	return verdict + " " + k[0] + " " + k[1]
}

// reviewCSVLine is a review.csv row for the rows a and b.
func reviewCSVLine(a, b, verdict string) []string {
	row := make([]string, len(sink.ReviewColumns))
	for i, c := range sink.ReviewColumns {
		switch c {
		case "pair_id":
			row[i] = sink.PairID(a, b)
		case "fingerprint_a":
			row[i] = a
		case "fingerprint_b":
			row[i] = b
		case "decision":
			row[i] = verdict
		}
	}
	return row
}

func writeCSVFile(t *testing.T, path string, bom bool, lines ...[]string) {
	t.Helper()
	var b strings.Builder
	if bom {
		b.WriteString("\ufeff")
	}
	w := csv.NewWriter(&b)
	if err := w.WriteAll(lines); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestReviewApply applies a review.csv handed back with good, undecided,
// edited and stale rows, then a review.xlsx written by the sink that
// changes one verdict.
func TestReviewApply(t *testing.T) {
	db := fixtureState(t)
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "review.csv")
	edited := reviewCSVLine(fpA2, fpB5, "keep")
	edited[0] = sink.PairID(fpA2, fpC5)
	writeCSVFile(t, csvPath, true, sink.ReviewColumns,
		reviewCSVLine(fpA3, fpB5, "合并"),                     // row 2
		reviewCSVLine(fpB5, fpC5, "不合并"),                    // row 3
		reviewCSVLine(fpA2, fpC5, ""),                       // row 4
		edited,                                              // row 5
		reviewCSVLine(fpA2, "ffffffffffffffffffff", "keep"), // row 6: stale
	)
	code, stdout, stderr := runCLI(t, "review", "apply", csvPath, "--state", db)
	if code != exitFailed {
		t.Errorf("exit code %d, want %d for an edited row", code, exitFailed)
	}
	for _, want := range []string{"1 merge, 1 keep recorded; 1 row undecided; 1 row refused as stale; 1 row could not be applied",
		"next 'crmclean run --state " + db + "'"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout %q lacks %q", stdout, want)
		}
	}
	for _, want := range []string{"Error: review.csv, row 5 (pair " + sink.PairID(fpA2, fpC5) + "): pair_id does not match",
		"Warning: review.csv, row 6 (pair " + sink.PairID(fpA2, "ffffffffffffffffffff") + "): row ffffffffffffffffffff is no longer in the state file"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr %q lacks %q", stderr, want)
		}
	}
	want := []string{decision(state.Merge, fpA3, fpB5), decision(state.Keep, fpB5, fpC5)}
	sort.Strings(want)
	if got := storedDecisions(t, db); !reflect.DeepEqual(got, want) {
		t.Errorf("decisions %q, want %q", got, want)
	}

	// The review.xlsx of a later run, written by the sink, says keep for
	// the pair merged above.
	recs := fixtureRecords()
	pair := match.Pair{A: 1, B: 3, Score: 6.1}
	if err := sink.WriteReviewXLSX(context.Background(), dir, recs, []match.Pair{pair}, sink.ReviewOptions{}); err != nil {
		t.Fatal(err)
	}
	xlsxPath := filepath.Join(dir, "review.xlsx")
	f, err := excelize.OpenFile(xlsxPath)
	if err != nil {
		t.Fatal(err)
	}
	col, _ := excelize.ColumnNumberToName(slices.Index(sink.ReviewColumns, "decision") + 1)
	if err := f.SetCellStr("review", col+"2", "Keep"); err != nil {
		t.Fatal(err)
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	code, stdout, stderr = runCLI(t, "review", "apply", "--state", db, xlsxPath)
	if code != exitOK || stderr != "" || !strings.Contains(stdout, "0 merge, 1 keep recorded; 0 rows undecided.") {
		t.Errorf("exit %d, stdout %q, stderr %q; want one keep applied", code, stdout, stderr)
	}
	want = []string{decision(state.Keep, fpA3, fpB5), decision(state.Keep, fpB5, fpC5)}
	sort.Strings(want)
	if got := storedDecisions(t, db); !reflect.DeepEqual(got, want) {
		t.Errorf("after review.xlsx: decisions %q, want %q (the later verdict replaces the earlier)", got, want)
	}
	s, ctx := openTestState(t, db)
	defer s.Close()
	log, err := s.Audit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	last := log[len(log)-1]
	if last.Kind != state.KindDecisions || !reflect.DeepEqual(last.Inputs, []string{"review file review.xlsx"}) || last.Counts[state.Keep] != 1 {
		t.Errorf("audit entry %+v, want the decisions of review file review.xlsx", last)
	}
}

func TestReviewApplyUsage(t *testing.T) {
	db := fixtureState(t)
	dir := t.TempDir()
	review := filepath.Join(dir, "review.csv")
	writeCSVFile(t, review, true, sink.ReviewColumns, reviewCSVLine(fpA2, fpB5, "keep"))
	clean := filepath.Join(dir, "clean.csv")
	writeCSVFile(t, clean, true, []string{"customer_id", "name"}, []string{custA, "华信"})
	missingState := filepath.Join(dir, "new.db")
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string // in stdout or stderr
	}{
		{"help", []string{"review", "apply", "-h"}, exitOK, "Example:"},
		{"review help", []string{"review", "-h"}, exitOK, "crmclean review apply --state FILE REVIEW"},
		{"no subcommand", []string{"review"}, exitUsage, "needs a subcommand"},
		{"unknown subcommand", []string{"review", "undo"}, exitUsage, `unknown review subcommand "undo"`},
		{"no state flag", []string{"review", "apply", review}, exitUsage, "no --state FILE"},
		{"state file missing", []string{"review", "apply", "--state", missingState, review}, exitUsage, "new.db"},
		{"no review file", []string{"review", "apply", "--state", db}, exitUsage, "one review file"},
		{"two review files", []string{"review", "apply", "--state", db, review, review}, exitUsage, "got 2 arguments"},
		{"review file missing", []string{"review", "apply", "--state", db, filepath.Join(dir, "nope.xlsx")}, exitUsage, "nope.xlsx"},
		{"not a review file", []string{"review", "apply", "--state", db, clean}, exitUsage, "clean.csv: not a crmclean review file"},
		{"state is not a state file", []string{"review", "apply", "--state", review, review}, exitUsage, "not a crmclean state file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.args...)
			if code != tt.wantCode || !strings.Contains(stdout+stderr, tt.wantOut) {
				t.Errorf("exit %d, output %q; want exit %d and %q", code, stdout+stderr, tt.wantCode, tt.wantOut)
			}
		})
	}
	if _, err := os.Stat(missingState); !os.IsNotExist(err) {
		t.Errorf("review apply created the missing state file (stat: %v)", err)
	}
	if got := storedDecisions(t, db); len(got) != 0 {
		t.Errorf("decisions %q stored by failed commands", got)
	}
}

func TestDecide(t *testing.T) {
	tests := []struct {
		name     string
		args     []string // after "decide"; --state is added
		wantCode int
		wantOut  string // in stdout or stderr
		want     []string
	}{
		{"two customers", []string{"keep", custA, custB}, exitOK, "Recorded keep for 2 pairs of rows: customer " + custA + " (2 rows) and customer " + custB + " (1 row).",
			[]string{decision(state.Keep, fpA2, fpB5), decision(state.Keep, fpA3, fpB5)}},
		{"Chinese verdict, flags last", []string{"合并", custB, custC}, exitOK, "Recorded merge for 1 pair",
			[]string{decision(state.Merge, fpB5, fpC5)}},
		{"fingerprint and csv row", []string{"merge", fpB5, "a.csv:3"}, exitOK, "row b.xlsx, sheet \"华东\", row 5 and row a.csv, row 3",
			[]string{decision(state.Merge, fpA3, fpB5)}},
		{"file, sheet and row", []string{"keep", "b.xlsx:华北:5", fpA2}, exitOK, "Recorded keep for 1 pair",
			[]string{decision(state.Keep, fpA2, fpC5)}},
		{"split a row out of its customer", []string{"keep", custA, "a.csv:2"}, exitOK, "Recorded keep for 1 pair",
			[]string{decision(state.Keep, fpA2, fpA3)}},
		{"split a customer by two rows", []string{"KEEP", "a.csv:2", "a.csv:3"}, exitOK, "for 1 pair",
			[]string{decision(state.Keep, fpA2, fpA3)}},
		{"rejected row is noted", []string{"merge", "a.csv:4", custB}, exitOK, "rejected: no phone and no address",
			[]string{decision(state.Merge, fpRej, fpB5)}},
		{"same customer twice", []string{"keep", custA, custA}, exitUsage, "give two rows of it to split it", nil},
		{"same customer merged", []string{"merge", custA, custA}, exitUsage, "same customer already", nil},
		{"same row twice", []string{"keep", "a.csv:2", fpA2}, exitUsage, "same row", nil},
		{"row on two sheets", []string{"keep", "b.xlsx:5", custA}, exitUsage, `b.xlsx has a row 5 on sheets "华东", "华北": give b.xlsx:SHEET:5`, nil},
		{"row not in the state", []string{"keep", "a.csv:99", custA}, exitUsage, "no row 99 of a.csv", nil},
		{"sheet not in the state", []string{"keep", "b.xlsx:华南:5", custA}, exitUsage, `no row 5 on sheet "华南" of b.xlsx`, nil},
		{"skipped row", []string{"keep", "a.csv:6", custA}, exitUsage, "not customer data (skipped: footer 合计)", nil},
		{"unknown customer", []string{"keep", "C9999999999", custA}, exitUsage, "customer C9999999999 is not in the state file", nil},
		{"merged customer", []string{"keep", custM, custB}, exitUsage, "was merged into " + custA, nil},
		{"unknown argument", []string{"keep", "华信贸易", custA}, exitUsage, "neither a customer id, a row fingerprint nor FILE:ROW", nil},
		{"bad verdict", []string{"maybe", custA, custB}, exitUsage, "must be keep or merge", nil},
		{"too few arguments", []string{"keep", custA}, exitUsage, "got 2 arguments", nil},
		{"help", []string{"-h"}, exitOK, "Examples:", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := fixtureState(t)
			args := append(append([]string{"decide"}, tt.args...), "--state", db)
			code, stdout, stderr := runCLI(t, args...)
			if code != tt.wantCode || !strings.Contains(stdout+stderr, tt.wantOut) {
				t.Errorf("exit %d, output %q; want exit %d and %q", code, stdout+stderr, tt.wantCode, tt.wantOut)
			}
			sort.Strings(tt.want)
			if got := storedDecisions(t, db); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("decisions %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDecideLimits(t *testing.T) {
	defer func(n int) { maxDecidePairs = n }(maxDecidePairs)
	maxDecidePairs = 1
	db := fixtureState(t)
	code, _, stderr := runCLI(t, "decide", "keep", "--state", db, custA, custB)
	if code != exitUsage || !strings.Contains(stderr, "make 2 pairs of rows, more than 1: give rows (FILE:ROW) instead") {
		t.Errorf("exit %d, stderr %q; want the pair limit", code, stderr)
	}
	missing := filepath.Join(t.TempDir(), "none.db")
	code, _, stderr = runCLI(t, "decide", "keep", "--state", missing, custA, custB)
	if code != exitUsage || !strings.Contains(stderr, "none.db") {
		t.Errorf("exit %d, stderr %q; want the missing state file named", code, stderr)
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Errorf("decide created the missing state file (stat: %v)", err)
	}
	if got := storedDecisions(t, db); len(got) != 0 {
		t.Errorf("decisions %q stored past the limit", got)
	}
}

// TestDecideSource checks the audit trail names the command.
func TestDecideSource(t *testing.T) {
	db := fixtureState(t)
	if code, _, stderr := runCLI(t, "decide", "keep", "--state", db, "a.csv:2", "a.csv:3"); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	s, ctx := openTestState(t, db)
	defer s.Close()
	ds, err := s.Decisions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("decide command: keep %s %s", "a.csv:2", "a.csv:3"); len(ds) != 1 || ds[0].Source != want {
		t.Errorf("decisions %+v, want one with source %q", ds, want)
	}
}
