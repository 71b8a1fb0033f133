package main

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
)

// TestLineProgress checks the plain lines a run prints when stderr is not a
// terminal: a start and an end line for every stage, the end line with its
// count, wall and CPU time.
func TestLineProgress(t *testing.T) {
	var buf bytes.Buffer
	p := &lineProgress{w: &buf}
	p.Stage("read", 3_500_000)
	p.AddRows(2048)
	p.Add(3_000_000)
	p.AddRows(100)
	p.Add(500_000)
	p.Done()
	p.Stage("match", -1)
	p.Done()
	p.Stage("write", 3)
	p.Add(1)
	p.Add(1)
	p.Add(1)
	p.Done()

	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	want := []*regexp.Regexp{
		regexp.MustCompile(`^read: started \(3\.5 MB\)$`),
		regexp.MustCompile(`^read: done, 2148 rows \(3\.5 MB\) in [0-9.]+[µnm]?s( \(CPU [0-9.]+[µnm]?s\))?$`),
		regexp.MustCompile(`^match: started$`),
		regexp.MustCompile(`^match: done in [0-9.]+[µnm]?s( \(CPU [0-9.]+[µnm]?s\))?$`),
		regexp.MustCompile(`^write: started \(3 files\)$`),
		regexp.MustCompile(`^write: done, 3 files in [0-9.]+[µnm]?s( \(CPU [0-9.]+[µnm]?s\))?$`),
	}
	if len(lines) != len(want) {
		t.Fatalf("got %d lines, want %d:\n%s", len(lines), len(want), buf.String())
	}
	for i, re := range want {
		if !re.MatchString(lines[i]) {
			t.Errorf("line %d = %q, want it to match %s", i+1, lines[i], re)
		}
	}
}

// TestBarProgress checks the terminal bar: it draws before anything is
// counted (no blank screen during matching), never shows a rate (whose first
// frame would be millions of rows a second), and leaves one line per stage.
func TestBarProgress(t *testing.T) {
	var buf bytes.Buffer
	p := &barProgress{w: &buf}
	p.Stage("match", -1)
	if !strings.Contains(buf.String(), "match") {
		t.Errorf("nothing drawn when a stage starts: %q", buf.String())
	}
	p.Done()
	p.Stage("read", 1_000_000)
	p.AddRows(2048)
	if !regexp.MustCompile(`read +0% \|`).MatchString(buf.String()) {
		t.Errorf("reading is not a bar over the input's bytes: %q", buf.String())
	}
	p.Add(1_000_000)
	p.Done()
	out := buf.String()
	if strings.Contains(out, "/s") {
		t.Errorf("the bar shows a rate: %q", out)
	}
	for _, line := range []string{"match: done in ", "read: done, 2048 rows (1.0 MB) in "} {
		if !strings.Contains(out, line) {
			t.Errorf("no %q line left on the screen: %q", line, out)
		}
	}
}
