package match

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/crmclean/crmclean/pipeline/record"
)

// trades are trade names unlike one another, so that the pairs built
// from them never match across.
var trades = []string{"松柏", "蓝海", "青山", "金桥", "银河", "星辰", "长城", "泰山", "黄鹤", "白云",
	"紫光", "红日", "绿洲", "东方", "南极", "北斗", "西湖", "中原", "远航", "飞跃",
	"卓越", "精诚", "博雅", "嘉禾", "丰收", "海纳", "山川", "凯旋", "腾龙", "锦绣"}

// patternPairs returns, among filler, one pair of records per trade name
// that the matcher sends to review with one and the same evidence
// pattern: the same rare company name in one city and nothing else (with
// uscc, the same mobile and address and different USCCs).
func patternPairs(uscc bool) (recs []*record.Record, pairs [][2]int) {
	for i, tr := range trades {
		for side := range 2 {
			s := spec{kind: record.Company, name: "杭州" + tr + "物流有限公司", key: tr + "物流", tag: fmt.Sprintf("%s-%d", tr, side)}.at(4)
			if uscc {
				s.uscc = fmt.Sprintf("91330100MA2%02d%03dX%d", i, i*7, side)
				s.mobile = fmt.Sprintf("+86139%08d", 31337+i*104729)
				s.address = fmt.Sprintf("文一路%d号", 100+i)
			}
			recs = append(recs, s.record())
		}
		pairs = append(pairs, [2]int{2 * i, 2*i + 1})
	}
	return append(recs, filler(60)...), pairs
}

// outcomeOf says what a run made of the pair: merge, review or apart.
func outcomeOf(res *Result, p [2]int) string {
	for _, c := range res.Clusters {
		if slices.Contains(c, p[0]) && slices.Contains(c, p[1]) {
			return "merge"
		}
	}
	for _, r := range res.Review {
		if min(r.A, r.B) == p[0] && max(r.A, r.B) == p[1] {
			return "review"
		}
	}
	return "apart"
}

// TestLearnedPatterns checks that decisions teach a run: a pattern decided
// often enough, always the same way, settles the pattern's undecided
// pairs — and only then.
func TestLearnedPatterns(t *testing.T) {
	const decided = 25 // of the 30 pairs; the last five are left to the pattern
	tests := []struct {
		name      string
		uscc      bool // the pairs hold different USCCs: a hard conflict
		verdict   func(k int) string
		need      int
		forgotten bool
		want      string // what becomes of the undecided pairs
		applied   int
		held      int
	}{
		{name: "25 merges teach a merge", verdict: always(DecisionMerge), want: "merge", applied: 5},
		{name: "25 keeps teach a keep: out of review", verdict: always(DecisionKeep), want: "apart", applied: 5},
		{name: "fewer decisions than needed teach nothing", verdict: always(DecisionMerge), need: 26, want: "review"},
		{name: "a configured lower bar", verdict: always(DecisionMerge), need: 10, want: "merge", applied: 5},
		{name: "negative: patterns are never settled", verdict: always(DecisionMerge), need: -1, want: "review"},
		{name: "one decision the other way teaches nothing", verdict: func(k int) string {
			if k == 3 {
				return DecisionKeep
			}
			return DecisionMerge
		}, want: "review"},
		{name: "a forgotten pattern is asked again", verdict: always(DecisionMerge), forgotten: true, want: "review"},
		{name: "a merge pattern never overrides different USCCs", uscc: true, verdict: always(DecisionMerge), want: "review", held: 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, pairs := patternPairs(tt.uscc)
			before, err := Match(context.Background(), recs, Options{Namer: fakeNamer{}, FreeDomains: freeDomains})
			if err != nil {
				t.Fatal(err)
			}
			var code string
			for _, p := range pairs {
				if got := outcomeOf(before, p); got != "review" {
					t.Fatalf("without decisions pair %v is %s, want review (the test needs review pairs)", p, got)
				}
			}
			for _, r := range before.Review {
				if code == "" {
					code = r.Pattern
				} else if r.Pattern != code {
					t.Fatalf("review pairs show patterns %q and %q: the test needs one", code, r.Pattern)
				}
			}
			dec := map[[2]string]string{}
			for k, p := range pairs[:decided] {
				dec[decisionKey(recs[p[0]].Fingerprint, recs[p[1]].Fingerprint)] = tt.verdict(k)
			}
			opt := Options{Namer: fakeNamer{}, FreeDomains: freeDomains, Decisions: dec, PatternDecisions: tt.need}
			if tt.forgotten {
				opt.ForgottenPatterns = map[string]bool{code: true}
			}
			res, err := Match(context.Background(), recs, opt)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range pairs[decided:] {
				if got := outcomeOf(res, p); got != tt.want {
					t.Errorf("undecided pair %v: %s, want %s", p, got, tt.want)
				}
			}
			if len(res.Learned) != 1 || res.Learned[0].Pattern != code {
				t.Fatalf("learned %+v, want one lesson about %q", res.Learned, code)
			}
			l := res.Learned[0]
			if l.Merged+l.Kept != decided || l.Applied != tt.applied || l.Held != tt.held || l.Forgotten != tt.forgotten {
				t.Errorf("lesson %+v: want %d decisions, %d applied, %d held", l, decided, tt.applied, tt.held)
			}
			if got := res.Stats.PatternMerges + res.Stats.PatternKeeps; got != tt.applied {
				t.Errorf("stats: %d merged + %d kept by patterns, want %d", res.Stats.PatternMerges, res.Stats.PatternKeeps, tt.applied)
			}
		})
	}
}

func always(v string) func(int) string { return func(int) string { return v } }
