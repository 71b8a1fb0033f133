package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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
