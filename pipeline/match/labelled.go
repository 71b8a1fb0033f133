package match

import (
	"math"
	"slices"
)

// Labelled is a pattern of pairs a person decided, as evidence for the
// weights (Options.Labelled): how many of its pairs were decided merge
// and how many keep.
type Labelled struct {
	Pattern     string // a Pair.Pattern code
	Merge, Keep int
}

// minLabelled is the fewest decided pairs of a kind that refine its
// weights: fewer say little about the project and much about chance.
const minLabelled = 20

// labelPrior is the pseudo-count of pairs the weights before the
// decisions weigh against them, and labelBound how far, in bits, the
// decisions may move a weight.
// An outcome shown by fewer than minShown decided pairs keeps its weight:
// one decision says little about a field.
const (
	labelPrior = 50
	labelBound = 1
	minShown   = 5
)

// tally counts decided pairs by field outcome for one kind of pair.
type tally struct {
	merge, keep   [nFields][nLevels]float64
	nMerge, nKeep float64
}

// tallies reads the labelled patterns into per-kind counts; a field a
// pattern does not list is missing, as in PatternOf, and a code that is
// no pattern is ignored.
func tallies(ls []Labelled) [nKinds]tally {
	var out [nKinds]tally
	for _, l := range ls {
		kind, parts, ok := ParsePattern(l.Pattern)
		if !ok || l.Merge+l.Keep == 0 {
			continue
		}
		k := kPerson
		if kind == kindNames[kCompany] {
			k = kCompany
		}
		var lv [nFields]int
		for f := range lv {
			lv[f] = missing
		}
		for _, p := range parts {
			f, l := slices.Index(fieldNames[:], p.Field), slices.Index(levelNames[:], p.Outcome)
			if f >= 0 && l >= 0 {
				lv[f] = l
			}
		}
		t := &out[k]
		for f := range nFields {
			t.merge[f][lv[f]] += float64(l.Merge)
			t.keep[f][lv[f]] += float64(l.Keep)
		}
		t.nMerge += float64(l.Merge)
		t.nKeep += float64(l.Keep)
	}
	return out
}

// refine moves the weights of kind k towards what the decided pairs show
// when at least minLabelled of its pairs were decided: an outcome shown by
// at least minShown decided pairs gains m-probability for those decided
// merge (known duplicates) and u-probability for those decided keep
// (known different customers), each a mean with the probability before
// weighing labelPrior pairs, and its weight moves at most labelBound
// bits. Outcomes the decided pairs do not show stay as they were: the
// decided pairs are doubtful ones, not a sample of all duplicates, so a
// field they never disagree on says nothing about disagreement. Missing
// outcomes stay no evidence. It records the weight before in before and
// reports whether it refined.
func (w *weights) refine(k int, t *tally, before *[nKinds][nFields][nLevels]float64) bool {
	if t.nMerge+t.nKeep < minLabelled {
		return false
	}
	for f := range nFields {
		for l := range nLevels {
			base := w.mu[k][f][l]
			cm, ck := t.merge[f][l], t.keep[f][l]
			if l == missing || base.M == 0 && base.U == 0 || cm+ck < minShown {
				continue
			}
			mu := MU{M: (labelPrior*base.M + cm) / (labelPrior + cm), U: (labelPrior*base.U + ck) / (labelPrior + ck)}
			pw := w.w[k][f][l]
			ew := math.Log2(max(mu.M, 1e-6) / max(mu.U, 1e-6))
			if bounded := min(max(ew, pw-labelBound), pw+labelBound); bounded != ew {
				mu.U = mu.M / math.Exp2(bounded)
				if mu.U > 1-1e-6 { // keep the ratio, which set would break
					mu.U = 1 - 1e-6
					mu.M = mu.U * math.Exp2(bounded)
				}
			}
			before[k][f][l] = pw
			w.set(k, f, l, mu, "decisions")
		}
	}
	return true
}
