package match

import (
	"context"
	"fmt"
	"testing"
)

// TestRescore scores again the stored doubtful pairs of a pattern that an
// incremental run newly decides: pairs of two earlier customers are
// settled and never compared, unless Rescore names them; then the learned
// merge joins them as a full run joins them, and a person's decision on
// one of them still wins.
func TestRescore(t *testing.T) {
	recs, _ := synth(3000, 7)
	base, err := Match(context.Background(), recs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	existing := make([]string, len(recs))
	for c, members := range base.Clusters {
		for _, i := range members {
			existing[i] = fmt.Sprintf("C%d", c)
		}
	}
	count := map[string]int{}
	for _, p := range base.Review {
		count[p.Pattern]++
	}
	var code string
	for c, n := range count {
		if !HardConflict(c) && (code == "" || n > count[code]) {
			code = c
		}
	}
	var pairs [][2]string
	var of []Pair
	for _, p := range base.Review {
		if p.Pattern == code {
			pairs = append(pairs, [2]string{recs[p.B].Fingerprint, recs[p.A].Fingerprint}) // either order
			of = append(of, p)
		}
	}
	if len(pairs) < 2 {
		t.Fatalf("pattern %s holds %d review pairs: the corpus tests nothing", code, len(pairs))
	}
	learned := map[string]string{code: DecisionMerge}
	full, err := Match(context.Background(), recs, Options{Patterns: learned})
	if err != nil {
		t.Fatal(err)
	}
	joined := func(res *Result) (n int) {
		for _, p := range of {
			if together(res, p.A, p.B) {
				n++
			}
		}
		return n
	}
	kept := [2]string{pairs[0][1], pairs[0][0]}
	tests := []struct {
		name      string
		rescore   [][2]string
		decisions map[[2]string]string
		want      int
	}{
		{"settled pairs are not compared", nil, nil, 0},
		{"rescored as a full run", pairs, nil, joined(full)},
		{"a person's keep wins", pairs, map[[2]string]string{kept: DecisionKeep}, joined(full) - 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Match(context.Background(), recs, Options{Patterns: learned, Existing: existing, Rescore: tt.rescore, Decisions: tt.decisions})
			if err != nil {
				t.Fatal(err)
			}
			if got := joined(res); got != tt.want {
				t.Errorf("%d of the %d pairs of %s joined, want %d", got, len(of), code, tt.want)
			}
			for _, p := range res.Review {
				if p.Pattern == code {
					t.Errorf("pair %d-%d of %s in review", p.A, p.B, code)
				}
			}
		})
	}
}
