package report

import (
	"cmp"
	"math"
	"slices"
	"strings"

	"github.com/crmclean/crmclean/pipeline/match"
	"github.com/crmclean/crmclean/pipeline/record"
)

func duplicates(in Input, m masker) Duplicates {
	d := Duplicates{ClusterSizes: []SizeCount{}, Evidence: []EvidenceStat{}, ReviewSample: []ReviewPair{}, CappedBlocks: []CappedBlock{}, Conflicts: []ConflictStat{}}
	sizes := map[int]int{}
	conflicts := map[string]int{}
	for _, c := range in.Customers {
		sizes[len(c.Rows)]++
		for _, cf := range c.Conflicts {
			conflicts[cf.Field]++
		}
	}
	for f, n := range conflicts {
		d.Conflicts = append(d.Conflicts, ConflictStat{Field: f, Customers: n})
	}
	slices.SortFunc(d.Conflicts, func(a, b ConflictStat) int {
		return cmp.Or(-cmp.Compare(a.Customers, b.Customers), strings.Compare(a.Field, b.Field))
	})
	for s, n := range sizes {
		d.ClusterSizes = append(d.ClusterSizes, SizeCount{s, n})
	}
	slices.SortFunc(d.ClusterSizes, func(a, b SizeCount) int { return cmp.Compare(a.Size, b.Size) })
	mr := in.Match
	if mr == nil {
		return d
	}
	d.Matched = true
	d.CandidatePairs = mr.Stats.CandidatePairs
	d.MergePairs = len(mr.Links)
	review := reviewPairs(in)
	d.ReviewPairs = len(review)
	d.BlockedMerges = mr.Stats.BlockedMerges
	for _, b := range mr.Stats.CappedBlocks {
		// The key itself is a value (a phone, a name): only its type and size are shown.
		d.CappedBlocks = append(d.CappedBlocks, CappedBlock{KeyType: b.KeyType, Size: b.Size})
	}

	type acc struct {
		pairs  int
		weight float64
	}
	ev := map[[2]string]*acc{}
	for _, p := range mr.Links {
		for _, e := range p.Evidence {
			if e.Weight <= 0 || e.Outcome == "missing" || e.Outcome == "disagree" {
				continue // not evidence for the merge
			}
			k := [2]string{e.Field, e.Outcome}
			if ev[k] == nil {
				ev[k] = &acc{}
			}
			ev[k].pairs++
			ev[k].weight += e.Weight
		}
	}
	for k, a := range ev {
		d.Evidence = append(d.Evidence, EvidenceStat{Field: k[0], Outcome: k[1], Pairs: a.pairs, MeanWeight: round(a.weight/float64(a.pairs), 2)})
	}
	slices.SortFunc(d.Evidence, func(a, b EvidenceStat) int {
		return cmp.Or(-cmp.Compare(a.Pairs, b.Pairs), -cmp.Compare(a.MeanWeight, b.MeanWeight),
			strings.Compare(a.Field, b.Field), strings.Compare(a.Outcome, b.Outcome))
	})
	if len(d.Evidence) > maxEvidence {
		d.Evidence = d.Evidence[:maxEvidence]
	}

	for _, p := range review {
		if len(d.ReviewSample) == maxReview {
			break
		}
		a, b := in.row(p.A), in.row(p.B)
		if a == nil || b == nil {
			continue
		}
		rp := ReviewPair{Score: round(p.Score, 2), A: side(a, m), B: side(b, m), Evidence: []PairReason{}}
		companies := a.Norm.Kind == record.Company && b.Norm.Kind == record.Company
		for _, e := range p.Evidence {
			pr := PairReason{Field: e.Field, Outcome: e.Outcome, Weight: round(e.Weight, 2), Detail: e.Detail}
			if !e.Msg.IsZero() {
				pr.Detail = e.Msg.In(m.lang)
			}
			if m.on && !detailShown(e.Field, companies) {
				pr.Detail = ""
			}
			rp.Evidence = append(rp.Evidence, pr)
		}
		d.ReviewSample = append(d.ReviewSample, rp)
	}
	return d
}

// detailShown says whether an evidence detail may be shown when masking:
// details of phones, e-mails and contact persons quote personal values.
func detailShown(field string, companies bool) bool {
	switch field {
	case "address", "uscc", "branch":
		return true
	case "name":
		return companies
	}
	return false
}

func side(r *record.Record, m masker) PairSide {
	n := &r.Norm
	s := PairSide{Location: loc(r.Prov), CustomerID: r.CustomerID, City: n.City}
	s.Name = m.field("name", n.Name, n.Kind != record.Company)
	if n.Contact != n.Name {
		s.Contact = m.name(n.Contact)
	}
	if mob := n.Mobiles(); len(mob) > 0 {
		s.Mobile = m.phone(mob[0])
	}
	return s
}

// reviewPairs are the pairs of customers to review: in.Review, or those
// of in.Match.
func reviewPairs(in Input) []match.Pair {
	if in.Review != nil || in.Match == nil {
		return in.Review
	}
	return match.ByCustomer(in.Match.Review, func(k record.Key) string {
		if r := in.row(k); r != nil {
			return r.CustomerID
		}
		return ""
	})
}

// maxMoved is how many moved weights the report lists.
const maxMoved = 12

// Refined lists the weights the decided pairs moved by a tenth of a bit
// or more, the largest moves first.
func Refined(m *match.Result) RefinedWeights {
	r := RefinedWeights{Moved: []MovedWeight{}}
	if m == nil {
		return r
	}
	r.Decisions = m.Stats.Labelled
	for _, fw := range m.Stats.Weights {
		if fw.Source == "decisions" && math.Abs(fw.Weight-fw.Before) >= 0.1 {
			r.Moved = append(r.Moved, MovedWeight{Kind: fw.Kind, Field: fw.Field, Outcome: fw.Outcome, Before: fw.Before, After: fw.Weight})
		}
	}
	slices.SortStableFunc(r.Moved, func(x, y MovedWeight) int {
		return cmp.Compare(math.Abs(y.After-y.Before), math.Abs(x.After-x.Before))
	})
	if len(r.Moved) > maxMoved {
		r.Moved = r.Moved[:maxMoved]
	}
	return r
}

// maxBudgetPatterns is how many patterns the review budget lists.
const maxBudgetPatterns = 5

// budget counts what the review list asks of a person.
func budget(in Input) ReviewBudget {
	b := ReviewBudget{SecondsPerPair: SecondsPerPair, Largest: []PatternCount{}, Learned: []Learned{}, Weights: Refined(in.Match)}
	for _, l := range in.Learned {
		l.Label = match.Label(l.Pattern, in.Lang)
		b.Learned = append(b.Learned, l)
	}
	pairs := reviewPairs(in)
	b.Pairs = len(pairs)
	b.Minutes = round(float64(b.Pairs*SecondsPerPair)/60, 1)
	count := map[string]int{}
	for _, p := range pairs {
		rows := max(p.Rows, 1)
		b.RowPairs += rows
		count[p.Pattern]++
	}
	var all []PatternCount
	for code, n := range count {
		all = append(all, PatternCount{Pattern: code, Label: match.Label(code, in.Lang), Pairs: n})
	}
	slices.SortFunc(all, func(x, y PatternCount) int {
		return cmp.Or(-cmp.Compare(x.Pairs, y.Pairs), strings.Compare(x.Pattern, y.Pattern))
	})
	b.Patterns = len(all)
	top := 0
	for i, pc := range all {
		if i == maxBudgetPatterns {
			break
		}
		top += pc.Pairs
		b.Largest = append(b.Largest, pc)
	}
	if b.Pairs > 0 {
		b.Top5Share = round(float64(top)/float64(b.Pairs), 4)
	}
	return b
}
