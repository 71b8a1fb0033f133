package main

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/crmclean/crmclean/pipeline/sink"
)

// decideFirst fills the decision cell of review.csv's first pair, as a
// consultant would, and returns the pair's id.
func decideFirst(t *testing.T, path, verdict string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 2 {
		t.Fatalf("%s holds no pair to decide", path)
	}
	rows[1][slices.Index(rows[0], "decision")] = verdict
	var buf bytes.Buffer
	buf.WriteString("\ufeff") // as Excel saves UTF-8 CSV
	if err := csv.NewWriter(&buf).WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return rows[1][slices.Index(rows[0], "pair_id")]
}

// pairIDs are the pair ids of a review.csv, and their decisions.
func pairIDs(t *testing.T, path string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, r := range readCSV(t, path) {
		out[r["pair_id"]] = r["decision"]
	}
	return out
}

// TestRunKeepsConsultantsWork re-runs batch runs into one --out: a filled
// review file is never lost, a file saved beside it is never deleted, and
// --decisions applies filled review files.
func TestRunKeepsConsultantsWork(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	prev := out + sink.PreviousSuffix
	run := func(args ...string) (int, string) {
		t.Helper()
		code, _, stderr := runCLI(t, append(append([]string{"run", "--quiet", "--out", out}, args...), fixtures)...)
		return code, stderr
	}
	if code, stderr := run(); code != exitOK {
		t.Fatalf("first run: exit %d\n%s", code, stderr)
	}
	review := filepath.Join(out, "review.csv")
	pairs := pairIDs(t, review)
	decided := decideFirst(t, review, "合并")

	// A file saved beside the outputs stops the run, named.
	notes := filepath.Join(out, "审核备注.xlsx")
	if err := os.WriteFile(notes, []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, stderr := run(); code != exitUsage || !strings.Contains(stderr, "审核备注.xlsx") || !strings.Contains(stderr, "did not write") {
		t.Fatalf("run with a foreign file: exit %d, stderr %q; want 2 naming the file", code, stderr)
	}
	if _, err := os.Stat(notes); err != nil {
		t.Fatal("the file saved beside the outputs was touched")
	}
	os.Remove(notes)

	// The filled review is kept as out.previous.
	if code, stderr := run(); code != exitOK || !strings.Contains(stderr, "kept as "+prev) {
		t.Fatalf("re-run: exit %d, stderr %q; want the folder kept as %s", code, stderr, prev)
	}
	if got := pairIDs(t, filepath.Join(prev, "review.csv"))[decided]; got != "合并" {
		t.Fatalf("%s/review.csv: decision %q, want the consultant's 合并", prev, got)
	}
	if got := pairIDs(t, review)[decided]; got != "" {
		t.Errorf("new review.csv: decision %q, want the pair undecided", got)
	}
	// A re-run with nothing decided in out leaves out.previous alone.
	if code, stderr := run(); code != exitOK || strings.Contains(stderr, "kept as") {
		t.Fatalf("re-run: exit %d, stderr %q; want out replaced, nothing kept", code, stderr)
	}
	// With decisions in both, the run is refused: out.previous would be lost.
	decideFirst(t, review, "keep")
	if code, stderr := run(); code != exitUsage || !strings.Contains(stderr, prev) || !strings.Contains(stderr, "not yet applied") {
		t.Fatalf("run over two filled folders: exit %d, stderr %q; want 2 naming %s", code, stderr, prev)
	}
	if got := pairIDs(t, review)[decided]; got != "keep" {
		t.Fatalf("review.csv changed by a refused run: decision %q", got)
	}

	// --decisions applies both files; the later one wins on the pair.
	decideFirst(t, review, "合并")
	code, stderr := run("--decisions", filepath.Join(prev, "review.csv"), "--decisions", review)
	if code != exitOK || strings.Contains(stderr, "kept as") || !strings.Contains(stderr, "Decisions from") {
		t.Fatalf("run --decisions: exit %d, stderr %q; want the decisions applied and nothing kept", code, stderr)
	}
	after := pairIDs(t, review)
	if _, open := after[decided]; open || len(after) != len(pairs)-1 {
		t.Errorf("review pairs after merging %s: %v, want the %d others", decided, after, len(pairs)-1)
	}
}

// TestSyncKeepsConsultantsWork: with a state, decisions stored by review
// apply (or --decisions) let the folder go; others keep it.
func TestSyncKeepsConsultantsWork(t *testing.T) {
	dir := t.TempDir()
	out, db := filepath.Join(dir, "out"), filepath.Join(dir, "project.db")
	prev := out + sink.PreviousSuffix
	run := func(args ...string) (int, string) {
		t.Helper()
		code, _, stderr := runCLI(t, append(append([]string{"run", "--quiet", "--state", db, "--out", out}, args...), fixtures)...)
		return code, stderr
	}
	if code, stderr := run(); code != exitOK {
		t.Fatalf("first run: exit %d\n%s", code, stderr)
	}
	review := filepath.Join(out, "review.csv")
	decided := decideFirst(t, review, "keep")
	if code, stderr := run(); code != exitOK || !strings.Contains(stderr, "kept as "+prev) {
		t.Fatalf("re-run: exit %d, stderr %q; want the folder kept", code, stderr)
	}
	os.RemoveAll(prev)
	decideFirst(t, review, "keep")
	if code, stdout, stderr := runCLI(t, "review", "apply", "--state", db, review); code != exitOK {
		t.Fatalf("review apply: exit %d\n%s%s", code, stdout, stderr)
	}
	if code, stderr := run(); code != exitOK || strings.Contains(stderr, "kept as") {
		t.Fatalf("run after review apply: exit %d, stderr %q; want out replaced", code, stderr)
	}
	if _, open := pairIDs(t, review)[decided]; open {
		t.Errorf("pair %s decided keep is still listed for review", decided)
	}
	// --decisions with a state stores them, as review apply does.
	if len(pairIDs(t, review)) > 0 {
		next := decideFirst(t, review, "keep")
		if code, stderr := run("--decisions", review); code != exitOK || strings.Contains(stderr, "kept as") {
			t.Fatalf("run --decisions: exit %d, stderr %q", code, stderr)
		}
		if _, open := pairIDs(t, review)[next]; open {
			t.Errorf("pair %s decided with --decisions is still listed", next)
		}
	}
}
