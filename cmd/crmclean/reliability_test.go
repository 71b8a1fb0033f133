package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/crmclean/crmclean/pipeline/sink"
)

// TestNoReadableRowSameOnBothPaths: with no readable row, a batch run and
// a --state run (new state or not) both exit 1, say why, and leave the
// output folder as it was.
func TestNoReadableRowSameOnBothPaths(t *testing.T) {
	bad := t.TempDir()
	if err := os.WriteFile(filepath.Join(bad, "空.csv"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args func(dir string) []string
	}{
		{"batch", func(string) []string { return nil }},
		{"new state", func(dir string) []string { return []string{"--state", filepath.Join(dir, "new.db")} }},
		{"state of earlier runs", func(dir string) []string { return []string{"--state", filepath.Join(dir, "crm.db")} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, "out")
			// An earlier good run, into the state the last case uses.
			if code, _, stderr := runCLI(t, "run", "--quiet", "--state", filepath.Join(dir, "crm.db"), "--out", out, fixtures); code != exitOK {
				t.Fatalf("first run: exit %d\n%s", code, stderr)
			}
			before, err := os.ReadFile(filepath.Join(out, "clean.csv"))
			if err != nil {
				t.Fatal(err)
			}
			args := append(append([]string{"run", "--quiet", "--out", out}, tc.args(dir)...), bad)
			code, _, stderr := runCLI(t, args...)
			if code != exitFailed || !strings.Contains(stderr, "no row could be read") || !strings.Contains(stderr, "could not read 空.csv") {
				t.Errorf("exit %d, want %d with the reason and the file's problem:\n%s", code, exitFailed, stderr)
			}
			after, err := os.ReadFile(filepath.Join(out, "clean.csv"))
			if err != nil || string(after) != string(before) {
				t.Errorf("the output folder changed (%v)", err)
			}
		})
	}
}

// TestEmptyStateFileRefused: a 0-byte state file (truncated, or replaced
// by mistake) is refused with Error:/Try: and exit 2, and stays as it is;
// it never silently becomes a new state with new customer ids. A state
// file that does not exist is created.
func TestEmptyStateFileRefused(t *testing.T) {
	dir := t.TempDir()
	statePath, out := filepath.Join(dir, "crm.db"), filepath.Join(dir, "out")
	if err := os.WriteFile(statePath, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t, "run", "--quiet", "--state", statePath, "--out", out, fixtures)
	if code != exitUsage || !strings.Contains(stderr, "Error: ") || !strings.Contains(stderr, "the file is empty (0 bytes)") ||
		!strings.Contains(stderr, "Try: give --state") {
		t.Errorf("exit %d, want %d with Error: and Try: lines:\n%s", code, exitUsage, stderr)
	}
	if st, err := os.Stat(statePath); err != nil || st.Size() != 0 {
		t.Errorf("the refused state file was changed: %v", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("outputs were written: %v", err)
	}
	fresh := filepath.Join(dir, "new.db")
	if code, _, stderr := runCLI(t, "run", "--quiet", "--state", fresh, "--out", out, fixtures); code != exitOK {
		t.Errorf("a new state file: exit %d\n%s", code, stderr)
	}
}

// TestStaleTempFoldersRemoved: the staging folder of a run killed while
// writing (personal data) is removed by the next run into the same
// folder, which says so; a folder crmclean did not make is left alone.
func TestStaleTempFoldersRemoved(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	ended := exec.Command("sh", "-c", "exit 0")
	if err := ended.Run(); err != nil {
		t.Skip("needs a shell:", err)
	}
	host, _ := os.Hostname()
	killed, foreign := filepath.Join(dir, ".out.tmp-123"), filepath.Join(dir, ".out.tmp-mine")
	for _, d := range []string{killed, foreign} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "clean.csv"), []byte("客户名称\n张三\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	marker := fmt.Sprintf("crmclean output folder; safe to replace by a later crmclean run\ncreated %s\npid %d on %s\n",
		time.Now().UTC().Format(time.RFC3339), ended.Process.Pid, host)
	if err := os.WriteFile(filepath.Join(killed, sink.Marker), []byte(marker), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t, "run", "--quiet", "--out", out, fixtures)
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat(killed); !os.IsNotExist(err) {
		t.Errorf("the killed run's folder is still there: %v", err)
	}
	if _, err := os.Stat(foreign); err != nil {
		t.Errorf("a folder without crmclean's marker was touched: %v", err)
	}
	if !strings.Contains(stderr, "Note: removed 1 temporary output folder(s) left by stopped runs: .out.tmp-123") {
		t.Errorf("no note of the removal:\n%s", stderr)
	}
}

// TestOutInsideInputFolder: with --out inside the input folder, the
// second run skips the output folder (and says so) and reads the same
// rows as the first, not its own outputs.
func TestOutInsideInputFolder(t *testing.T) {
	in := filepath.Join(t.TempDir(), "sheets")
	if err := os.CopyFS(in, os.DirFS(fixtures)); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(in, "out")
	lineage := func() []map[string]string {
		rows := readCSV(t, filepath.Join(out, "lineage.csv"))
		for _, r := range rows {
			if strings.HasPrefix(r["source_file"], "out/") {
				t.Errorf("lineage.csv lists an output file as input: %v", r)
			}
		}
		return rows
	}
	if code, _, stderr := runCLI(t, "run", "--quiet", "--out", out, in); code != exitOK {
		t.Fatalf("first run: exit %d\n%s", code, stderr)
	}
	first := lineage()
	code, _, stderr := runCLI(t, "run", "--quiet", "--out", out, in)
	if code != exitOK {
		t.Fatalf("second run: exit %d\n%s", code, stderr)
	}
	if second := lineage(); len(second) != len(first) {
		t.Errorf("second run: %d lineage rows, want %d as the first", len(second), len(first))
	}
	if !strings.Contains(stderr, "Note: skipped "+out+": a crmclean output folder") {
		t.Errorf("no note of the skipped output folder:\n%s", stderr)
	}
}

// TestStoppedRunLeavesOutput: a run stopped by Ctrl-C (a cancelled
// context) exits 1 with Error: and Try: lines and leaves the output of the
// run before as it was.
func TestStoppedRunLeavesOutput(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	if code, _, stderr := runCLI(t, "run", "--quiet", "--out", out, fixtures); code != exitOK {
		t.Fatalf("first run: exit %d\n%s", code, stderr)
	}
	before, err := os.ReadFile(filepath.Join(out, "clean.csv"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var o, e bytes.Buffer
	code := run(ctx, []string{"run", "--quiet", "--out", out, fixtures}, &o, &e)
	if code != exitFailed || !strings.Contains(e.String(), "Error: ") || !strings.Contains(e.String(), "Try: run the command again: it was stopped") {
		t.Errorf("exit %d, want %d with Error: and Try: lines:\n%s", code, exitFailed, e.String())
	}
	if after, err := os.ReadFile(filepath.Join(out, "clean.csv")); err != nil || !bytes.Equal(after, before) {
		t.Errorf("the output of the run before changed: %v", err)
	}
}

// TestBadPinyinRuleRefusedUpFront: a bad pinyin entry in a rules file is
// reported when the rules are loaded, naming the file and the line, with
// exit 2, before any input is read.
func TestBadPinyinRuleRefusedUpFront(t *testing.T) {
	dir := t.TempDir()
	rulesFile := filepath.Join(dir, "规则.yaml")
	if err := os.WriteFile(rulesFile, []byte("pinyin:\n  surnames:\n    曾: [zeng, zēng]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	code, _, stderr := runCLI(t, "run", "--quiet", "--rules", rulesFile, "--out", out, fixtures)
	if code != exitUsage || !strings.Contains(stderr, rulesFile+": invalid rules: line 3: pinyin.surnames.曾: reading \"zēng\"") {
		t.Errorf("exit %d, want %d naming the file and line:\n%s", code, exitUsage, stderr)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("outputs were written: %v", err)
	}
}
