package match

import (
	"cmp"
	"slices"
	"strings"
)

// DefaultPatternDecisions is how many decisions, all the same way, an
// evidence pattern needs before a run applies it to the pairs of that
// pattern that nobody decided (Options.PatternDecisions).
const DefaultPatternDecisions = 20

// Learned is what the decisions a person made teach about one evidence
// pattern (Pair.Pattern): how many decided pairs show it, which way, and
// what this run did with the pattern's undecided pairs.
type Learned struct {
	Pattern string
	Merged  int // decided pairs of the pattern decided merged
	Kept    int // decided pairs of the pattern decided apart
	// Verdict is DecisionMerge or DecisionKeep once the pattern has at
	// least Options.PatternDecisions decisions, all that way; "" before,
	// with mixed decisions, or when the pattern is forgotten.
	Verdict   string
	Forgotten bool // listed in Options.ForgottenPatterns
	// Applied counts this run's undecided pairs of the pattern that the
	// verdict settled: merged, or kept apart (left out of review).
	Applied int
	// Held counts pairs a merge verdict could not merge: they hold a hard
	// conflict (a household, branches, different USCCs) and stay apart.
	Held int
}

// lessons are the patterns learned from decisions, by pattern code.
type lessons struct {
	byCode map[string]*Learned
}

// learn compares the two records of every decided pair (the decisions
// that apply to this run, not the rows an earlier run settled) and tallies
// the verdicts by evidence pattern. A pattern decided at least min times,
// every time the same way, gets that verdict, unless forgotten. It returns
// nil when no decision bears on this run.
func learn(fs *features, dec *decisions, opt *Options) *lessons {
	if dec == nil || len(dec.merge)+len(dec.keep) == 0 {
		return nil
	}
	ls := &lessons{byCode: map[string]*Learned{}}
	tally := func(pairs [][2]int32, merged bool) {
		for _, p := range pairs {
			o := compare(&fs.f[p[0]], &fs.f[p[1]], &fs.tf)
			code := patternOf(o.pat)
			l := ls.byCode[code]
			if l == nil {
				l = &Learned{Pattern: code, Forgotten: opt.ForgottenPatterns[code]}
				ls.byCode[code] = l
			}
			if merged {
				l.Merged++
			} else {
				l.Kept++
			}
		}
	}
	tally(dec.merge, true)
	tally(dec.keep, false)
	need := opt.PatternDecisions
	if need == 0 {
		need = DefaultPatternDecisions
	}
	for _, l := range ls.byCode {
		switch {
		case need < 0 || l.Forgotten:
		case l.Merged >= need && l.Kept == 0:
			l.Verdict = DecisionMerge
		case l.Kept >= need && l.Merged == 0:
			l.Verdict = DecisionKeep
		}
	}
	return ls
}

// settle applies a learned verdict to an undecided pair that would go to
// review: it returns DecisionMerge (link it), DecisionKeep (leave it out of
// review) or "" (review it, as without lessons). A merge verdict never
// overrides a hard conflict.
func (ls *lessons) settle(pat uint32) string {
	if ls == nil {
		return ""
	}
	l := ls.byCode[patternOf(pat)]
	if l == nil || l.Verdict == "" {
		return ""
	}
	if l.Verdict == DecisionMerge && hardConflict(pat) {
		l.Held++
		return ""
	}
	l.Applied++
	return l.Verdict
}

// list returns the lessons, patterns with most decisions first.
func (ls *lessons) list() []Learned {
	if ls == nil {
		return nil
	}
	out := make([]Learned, 0, len(ls.byCode))
	for _, l := range ls.byCode {
		out = append(out, *l)
	}
	slices.SortFunc(out, func(a, b Learned) int {
		return cmp.Or(cmp.Compare(b.Merged+b.Kept, a.Merged+a.Kept), strings.Compare(a.Pattern, b.Pattern))
	})
	return out
}
