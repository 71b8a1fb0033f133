package sink

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/crmclean/crmclean/pipeline/match"
)

// TestEvidenceAsFmt checks Evidence against the fmt rendering it replaced.
func TestEvidenceAsFmt(t *testing.T) {
	weights := []float64{0, math.Copysign(0, -1), 0.04, -0.04, 0.05, -0.05, 0.25, 1.15, -1.15, 3.2, -7.45, 12.0, 1e9,
		math.NaN(), math.Inf(1), math.Inf(-1), 5e-324}
	var ev []match.Evidence
	for i, w := range weights {
		detail := ""
		if i%2 == 0 {
			detail = "华信 ~ 华新"
		}
		ev = append(ev, match.Evidence{Field: "name", Outcome: "fuzzy", Weight: w, Detail: detail})
	}
	for i := range ev {
		p := match.Pair{Evidence: ev[:i+1]}
		var want []string
		for _, e := range p.Evidence {
			line := fmt.Sprintf("%s %s %+.1f", e.Field, e.Outcome, e.Weight)
			if e.Detail != "" {
				line += " (" + e.Detail + ")"
			}
			want = append(want, line)
		}
		if got := Evidence(p); got != strings.Join(want, "; ") {
			t.Errorf("Evidence with weight %v:\n got %q\nwant %q", weights[i], got, strings.Join(want, "; "))
		}
	}
	if got := Evidence(match.Pair{}); got != "" {
		t.Errorf("no evidence: %q, want empty", got)
	}
}
