package match

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// Kinds of pair: both persons, or at least one company. They differ in
// what a disagreement means: two contacts or mobiles of one company are
// common, two mobiles of one person less so.
const (
	kPerson = iota
	kCompany
	nKinds
)

var kindNames = [nKinds]string{"person", "company"}

func kindOf(pat uint32) int {
	if pat&companyBit != 0 {
		return kCompany
	}
	return kPerson
}

// branchWeight is the fixed weight of a branch relation.
var branchWeight = [3]float64{branchNone: 0, branchOne: -3, branchDifferent: -20}

// priors are the default m/u per kind, field and outcome: probabilities
// among candidate pairs (pairs that share a blocking key), not among all
// pairs. Outcomes a field cannot take are zero.
var priors = [nKinds][nFields][nLevels]MU{
	kPerson: {
		fName:    {agree: {.80, .03}, near: {.08, .005}, fuzzy: {.05, .03}, disagree: {.05, .925}, missing: {.01, .01}},
		fContact: {agree: {.10, .01}, near: {.01, .002}, fuzzy: {.01, .01}, disagree: {.03, .128}, missing: {.85, .85}},
		fMobile:  {agree: {.60, .001}, near: {.02, .0004}, disagree: {.13, .7486}, missing: {.25, .25}},
		fLine:    {agree: {.15, .01}, disagree: {.10, .24}, missing: {.75, .75}},
		fEmail:   {agree: {.20, .0005}, near: {.01, .005}, disagree: {.05, .2545}, missing: {.74, .74}},
		fAddress: {agree: {.25, .01}, near: {.15, .03}, fuzzy: {.20, .21}, disagree: {.05, .40}, missing: {.35, .35}},
		fUSCC:    {agree: {.01, .00005}, disagree: {.0001, .01}, missing: {.9899, .98995}},
	},
	kCompany: {
		fName:    {agree: {.75, .03}, near: {.06, .004}, fuzzy: {.12, .05}, disagree: {.06, .906}, missing: {.01, .01}},
		fContact: {agree: {.40, .01}, near: {.03, .003}, fuzzy: {.02, .01}, disagree: {.15, .577}, missing: {.40, .40}},
		fMobile:  {agree: {.45, .002}, near: {.02, .0005}, disagree: {.23, .5975}, missing: {.40, .40}},
		fLine:    {agree: {.30, .01}, disagree: {.20, .49}, missing: {.50, .50}},
		fEmail:   {agree: {.20, .001}, near: {.15, .03}, disagree: {.10, .419}, missing: {.55, .55}},
		fAddress: {agree: {.35, .01}, near: {.20, .04}, fuzzy: {.20, .15}, disagree: {.03, .58}, missing: {.22, .22}},
		fUSCC:    {agree: {.20, .00002}, disagree: {.0005, .2}, missing: {.7995, .8}},
	},
}

// emBound is how far, in bits, an estimated weight may move from its prior.
const emBound = 3

// emMinPairs is the fewest candidate pairs of a kind EM runs on.
const emMinPairs = 1000

// emPrior is the pseudo-count of pairs the priors weigh in EM.
const emPrior = 50

// weights are the log2 likelihood ratios in use.
type weights struct {
	w   [nKinds][nFields][nLevels]float64
	mu  [nKinds][nFields][nLevels]MU
	src [nKinds][nFields][nLevels]string
	tf  *tfScale
}

// score is the pair's total weight.
func (w *weights) score(o outcome) float64 {
	k := kindOf(o.pat)
	s := float64(o.adj) + branchWeight[branchOf3(o.pat)]
	for f := range nFields {
		s += w.w[k][f][level(o.pat, f)]
	}
	return s
}

func (w *weights) set(k, f, l int, mu MU, src string) {
	mu.M = min(max(mu.M, 1e-6), 1-1e-6)
	mu.U = min(max(mu.U, 1e-6), 1-1e-6)
	w.mu[k][f][l], w.src[k][f][l] = mu, src
	w.w[k][f][l] = math.Log2(mu.M / mu.U)
}

// configured looks up a configured m/u as "kind.field.outcome" or "field.outcome".
func configured(m map[string]MU, k, f, l int) (MU, bool) {
	if mu, ok := m[kindNames[k]+"."+fieldNames[f]+"."+levelNames[l]]; ok {
		return mu, true
	}
	mu, ok := m[fieldNames[f]+"."+levelNames[l]]
	return mu, ok
}

// estimate returns the weights: configured ones as given, the others
// estimated by EM over the outcome patterns of the candidate pairs (outs)
// and of the sample of pairs that blocks compared by city or window no
// longer compare (sample, each standing for oneIn pairs; see block) when
// there are enough pairs, else the defaults; then, per kind, refined by
// the pairs a person decided (Options.Labelled, see refine).
//
// The sample keeps the estimate to the pairs blocks of the key's limit
// hold whole, however they are compared: without it, splitting a block by
// city drops mostly pairs of two different people, which raises the share
// of duplicates EM finds and lowers the agree weights.
func estimate(outs, sample []outcome, oneIn int, opt *Options, st *Stats) *weights {
	w := &weights{}
	const fieldMask = 1<<(3*nFields) - 1
	var counts [nKinds]map[uint32]float64
	var total [nKinds]int
	for k := range counts {
		counts[k] = map[uint32]float64{}
	}
	for _, o := range outs {
		k := kindOf(o.pat)
		counts[k][o.pat&fieldMask]++
		total[k]++
	}
	for _, o := range sample {
		k := kindOf(o.pat)
		counts[k][o.pat&fieldMask] += float64(oneIn)
		total[k] += oneIn
	}
	labelled := tallies(opt.Labelled)
	var before [nKinds][nFields][nLevels]float64
	for k := range nKinds {
		prior := normalized(priors[k])
		run := EMRun{Kind: kindNames[k], Pairs: total[k]}
		est, ok := prior, false
		switch {
		case opt.NoEM:
			run.Note = "estimation off"
		case total[k] < emMinPairs:
			run.Note = fmt.Sprintf("too few candidate pairs (%d < %d): defaults used", total[k], emMinPairs)
		default:
			est, run.Lambda, run.Iterations = em(counts[k], prior)
			if run.Lambda < 1e-4 || run.Lambda > 0.95 {
				run.Note = fmt.Sprintf("implausible duplicate share %.4f: defaults used", run.Lambda)
				est = prior
			} else {
				ok, run.Used = true, true
			}
		}
		st.EM = append(st.EM, run)
		for f := range nFields {
			for l := range nLevels {
				p := prior[f][l]
				if p.M == 0 {
					continue
				}
				if l == missing {
					// A value missing on either side is no evidence either
					// way: the pair is judged on what both rows show.
					w.set(k, f, l, MU{M: p.M, U: p.M}, "fixed")
					continue
				}
				if mu, isSet := configured(opt.Weights, k, f, l); isSet {
					w.set(k, f, l, mu, "configured")
					continue
				}
				if !ok {
					w.set(k, f, l, p, "default")
					continue
				}
				// Keep the estimate within emBound bits of the prior.
				e := est[f][l]
				pw := math.Log2(p.M / p.U)
				ew := math.Log2(max(e.M, 1e-6) / max(e.U, 1e-6))
				if ew > pw+emBound {
					e.U = e.M / math.Exp2(pw+emBound)
				} else if ew < pw-emBound {
					e.U = e.M / math.Exp2(pw-emBound)
				}
				w.set(k, f, l, e, "em")
			}
		}
		base := w.mu[k]
		if w.refine(k, &labelled[k], &before) {
			st.Labelled += int(labelled[k].nMerge + labelled[k].nKeep)
		}
		for f := range nFields {
			for l := range nLevels {
				if prior[f][l].M == 0 {
					continue
				}
				fw := FieldWeight{Kind: kindNames[k], Field: fieldNames[f], Outcome: levelNames[l],
					M: w.mu[k][f][l].M, U: w.mu[k][f][l].U, Weight: round1(w.w[k][f][l]), Source: w.src[k][f][l], Base: base[f][l]}
				fw.Before = fw.Weight
				if w.src[k][f][l] == "decisions" {
					fw.Before = round1(before[k][f][l])
				}
				st.Weights = append(st.Weights, fw)
			}
		}
	}
	return w
}

// normalized scales each field's m and u to sum to one.
func normalized(p [nFields][nLevels]MU) [nFields][nLevels]MU {
	for f := range nFields {
		var sm, su float64
		for l := range nLevels {
			sm += p[f][l].M
			su += p[f][l].U
		}
		for l := range nLevels {
			p[f][l].M /= sm
			p[f][l].U /= su
		}
	}
	return p
}

// em estimates m, u and the duplicate share lambda from outcome pattern
// counts, with the priors as Dirichlet pseudo-counts.
func em(counts map[uint32]float64, prior [nFields][nLevels]MU) (est [nFields][nLevels]MU, lambda float64, iters int) {
	type pc struct {
		pat uint32
		n   float64
	}
	pats := make([]pc, 0, len(counts))
	for p, n := range counts {
		pats = append(pats, pc{p, n})
	}
	slices.SortFunc(pats, func(a, b pc) int { return cmp.Compare(a.pat, b.pat) }) // deterministic sums
	est, lambda = prior, 0.1
	for iters = 1; iters <= 200; iters++ {
		var mSum, uSum [nFields][nLevels]float64
		var gTot, nTot float64
		for _, p := range pats {
			lm, lu := math.Log(lambda), math.Log(1-lambda)
			for f := range nFields {
				l := level(p.pat, f)
				lm += math.Log(max(est[f][l].M, 1e-9))
				lu += math.Log(max(est[f][l].U, 1e-9))
			}
			g := 1 / (1 + math.Exp(lu-lm))
			for f := range nFields {
				l := level(p.pat, f)
				mSum[f][l] += g * p.n
				uSum[f][l] += (1 - g) * p.n
			}
			gTot += g * p.n
			nTot += p.n
		}
		var next [nFields][nLevels]MU
		change := 0.0
		for f := range nFields {
			for l := range nLevels {
				if prior[f][l].M == 0 {
					continue
				}
				next[f][l].M = (mSum[f][l] + emPrior*prior[f][l].M) / (gTot + emPrior)
				next[f][l].U = (uSum[f][l] + emPrior*prior[f][l].U) / (nTot - gTot + emPrior)
				change = max(change, math.Abs(next[f][l].M-est[f][l].M), math.Abs(next[f][l].U-est[f][l].U))
			}
		}
		newLambda := gTot / nTot
		change = max(change, math.Abs(newLambda-lambda))
		est, lambda = next, min(max(newLambda, 1e-6), 1-1e-6)
		if change < 1e-6 {
			break
		}
	}
	return est, lambda, min(iters, 200)
}
