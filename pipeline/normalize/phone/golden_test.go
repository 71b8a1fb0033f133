package phone

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestGolden parses the cells of testdata/cells.txt and compares every
// phone and issue, messages included, with testdata/cells.golden.
func TestGolden(t *testing.T) {
	in, err := os.ReadFile(filepath.Join("testdata", "cells.txt"))
	if err != nil {
		t.Fatal(err)
	}
	p := newParser(t)
	var out strings.Builder
	sc := bufio.NewScanner(strings.NewReader(string(in)))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cell, city, _ := strings.Cut(line, "\t")
		cell = strings.ReplaceAll(cell, `\n`, "\n")
		res := p.Parse(cell, Context{City: city})
		fmt.Fprintf(&out, "cell %q city %q\n", cell, city)
		for _, ph := range res.Phones {
			fmt.Fprintf(&out, "  phone %s %s own=%v input=%q\n", ph.Type, ph.Key(), ph.Own, ph.Input)
		}
		for _, is := range res.Issues {
			fmt.Fprintf(&out, "  issue %s %s value=%q fix=%q: %s\n", is.Severity, is.Rule, is.Value, is.Fix, is.Text("en"))
		}
	}
	golden := filepath.Join("testdata", "cells.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(out.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got := out.String(); got != string(want) {
		t.Errorf("output differs from %s (go test -update rewrites it):\n%s", golden, diff(string(want), got))
	}
}

// diff lists the lines that differ, for a readable failure.
func diff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "line %d\n want: %s\n got:  %s\n", i+1, wl, gl)
		}
	}
	return b.String()
}
