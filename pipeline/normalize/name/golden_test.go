package name

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

// TestGolden runs every function over testdata/names.txt and compares the
// result with testdata/names.golden (go test -run Golden -update rewrites it).
func TestGolden(t *testing.T) {
	n := newTestNamer()
	in, err := os.Open(filepath.Join("testdata", "names.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	var out strings.Builder
	out.WriteString("input\tkind\tdisplay\tmatch_key\tpinyin\tinitials\treadings\tromanized\n")
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		kind := n.Kind(line, false)
		readings := make([]string, 0, 8)
		for _, u := range n.Readings(line, kind) {
			readings = append(readings, strings.Join(u, "/"))
		}
		roman := ""
		if syl, ok := n.Romanized(line); ok {
			roman = strings.Join(syl, " ")
		}
		if n.IsIndividualMarker(line) {
			roman = "(individual marker)"
		}
		fmt.Fprintf(&out, "%q\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", line, kind, n.Display(line), n.MatchKey(line),
			n.Pinyin(line, kind), n.Initials(line, kind), strings.Join(readings, " "), roman)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "names.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(out.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("read golden file: %v (run go test -run Golden -update)", err)
	}
	if got := out.String(); got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := range max(len(gl), len(wl)) {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Errorf("%s line %d:\n got  %s\n want %s", golden, i+1, g, w)
			}
		}
	}
}
