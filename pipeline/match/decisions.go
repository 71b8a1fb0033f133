package match

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/crmclean/crmclean/pipeline/msg"
	"github.com/crmclean/crmclean/pipeline/record"
)

// Verdicts a person gives a pair of rows in Options.Decisions.
const (
	// DecisionMerge: the two rows are one customer.
	DecisionMerge = "merge"
	// DecisionKeep: the two rows are different customers.
	DecisionKeep = "keep"
)

// ErrDecision reports a decision Match cannot read: an unknown verdict,
// or one pair given two different verdicts.
var ErrDecision = errors.New("invalid decision")

// decision is one entry of Options.Decisions, its key in order.
type decision struct {
	a, b    string // fingerprints, a < b
	verdict string
}

// readDecisions checks Options.Decisions and returns them ordered by key,
// so that errors and results do not depend on map order. A key out of
// order is read as its reverse; a key naming one row twice is ignored.
func readDecisions(m map[[2]string]string) ([]decision, error) {
	if len(m) == 0 {
		return nil, nil
	}
	ds := make([]decision, 0, len(m))
	for k, v := range m {
		a, b := k[0], k[1]
		if a > b {
			a, b = b, a
		}
		ds = append(ds, decision{a: a, b: b, verdict: v})
	}
	slices.SortFunc(ds, func(x, y decision) int {
		return cmp.Or(strings.Compare(x.a, y.a), strings.Compare(x.b, y.b), strings.Compare(x.verdict, y.verdict))
	})
	out := ds[:0]
	for _, d := range ds {
		if d.verdict != DecisionMerge && d.verdict != DecisionKeep {
			return nil, fmt.Errorf("%w: verdict %q for rows %s and %s: want %q or %q", ErrDecision, d.verdict, d.a, d.b, DecisionMerge, DecisionKeep)
		}
		if d.a == d.b {
			continue
		}
		if n := len(out); n > 0 && out[n-1].a == d.a && out[n-1].b == d.b {
			if out[n-1].verdict != d.verdict {
				return nil, fmt.Errorf("%w: rows %s and %s are decided both %q and %q", ErrDecision, d.a, d.b, out[n-1].verdict, d.verdict)
			}
			continue
		}
		out = append(out, d)
	}
	return out, nil
}

// decisions are the decisions that apply to this run's records, in
// internal positions (a < b), each list ordered.
type decisions struct {
	merge [][2]int32
	keep  [][2]int32
	// pairs holds every decided pair, keyed like the candidate pairs, so
	// that banding leaves them out.
	pairs map[uint64]bool

	// existing numbers each record's customer from an earlier run (-1
	// for a new record), nil without Options.Existing; reopened marks the
	// customers matched again (see settle); groupIDs are their ids.
	existing []int32
	reopened []bool
	groupIDs []string
	// same chains the records of each customer not reopened: they are
	// held together like merge decisions, but not reported as links.
	same [][2]int32
}

// resolve maps decisions to internal positions. A fingerprint held by
// several records (ingest makes them unique) names the first of them in
// fingerprint order. Merge decisions all apply; a keep decision between
// two records that merge decisions join (directly or through others) is
// ignored and counted as conflicting. It returns nil when no decision
// concerns the records.
func resolve(ds []decision, recs []*record.Record, fs *features, st *Stats) *decisions {
	if len(ds) == 0 {
		return nil
	}
	want := make(map[string]int32, 2*len(ds))
	for _, d := range ds {
		want[d.a], want[d.b] = -1, -1
	}
	found := 0
	for i, x := range fs.index {
		fp := recs[x].Fingerprint
		if p, ok := want[fp]; ok && p < 0 {
			want[fp] = int32(i)
			if found++; found == len(want) {
				break
			}
		}
	}
	dec := &decisions{pairs: map[uint64]bool{}}
	var keeps [][2]int32
	for _, d := range ds {
		pa, pb := want[d.a], want[d.b]
		if pa < 0 || pb < 0 {
			continue
		}
		p := [2]int32{min(pa, pb), max(pa, pb)}
		dec.pairs[uint64(p[0])<<32|uint64(p[1])] = true
		if d.verdict == DecisionMerge {
			dec.merge = append(dec.merge, p)
		} else {
			keeps = append(keeps, p)
		}
	}
	if len(dec.pairs) == 0 {
		return nil
	}
	must := newUnionFind(len(fs.f))
	for _, m := range dec.merge {
		must.union(int(m[0]), int(m[1]))
	}
	for _, k := range keeps {
		if must.find(int(k[0])) == must.find(int(k[1])) {
			st.ConflictingDecisions++
			continue
		}
		dec.keep = append(dec.keep, k)
	}
	byPair := func(x, y [2]int32) int { return cmp.Or(cmp.Compare(x[0], y[0]), cmp.Compare(x[1], y[1])) }
	slices.SortFunc(dec.merge, byPair)
	slices.SortFunc(dec.keep, byPair)
	st.DecidedMerges, st.DecidedKeeps = len(dec.merge), len(dec.keep)
	return dec
}

// constraints are the decisions bearing on one union-find cluster; merge
// includes the links that hold an earlier run's customers together.
type constraints struct {
	merge, keep [][2]int32
}

// within renders the constraints on the members of g as positions in g:
// each member's group of records decided merged (numbered in order of
// first member; nil without merge decisions) and the pairs decided apart.
func (c *constraints) within(g []int) (atom []int, apart [][2]int) {
	if c == nil {
		return nil, nil
	}
	pos := make(map[int]int, len(g))
	for k, x := range g {
		pos[x] = k
	}
	in := func(p [2]int32) (x, y int, ok bool) {
		x, okx := pos[int(p[0])]
		y, oky := pos[int(p[1])]
		return x, y, okx && oky
	}
	var uf *unionFind
	for _, m := range c.merge {
		if x, y, ok := in(m); ok {
			if uf == nil {
				uf = newUnionFind(len(g))
			}
			uf.union(x, y)
		}
	}
	if uf != nil {
		atom = make([]int, len(g))
		num := map[int]int{}
		for k := range g {
			r := uf.find(k)
			a, ok := num[r]
			if !ok {
				a = len(num)
				num[r] = a
			}
			atom[k] = a
		}
	}
	for _, k := range c.keep {
		if x, y, ok := in(k); ok {
			apart = append(apart, [2]int{x, y})
		}
	}
	return atom, apart
}

// byCluster gathers, per union-find root, the merge decisions and the
// keep decisions whose two records it holds.
func (dec *decisions) byCluster(uf *unionFind) map[int]*constraints {
	out := map[int]*constraints{}
	get := func(r int) *constraints {
		c := out[r]
		if c == nil {
			c = &constraints{}
			out[r] = c
		}
		return c
	}
	for _, m := range dec.merge {
		c := get(uf.find(int(m[0])))
		c.merge = append(c.merge, m)
	}
	for _, m := range dec.same {
		c := get(uf.find(int(m[0])))
		c.merge = append(c.merge, m)
	}
	for _, k := range dec.keep {
		if r := uf.find(int(k[0])); r == uf.find(int(k[1])) {
			c := get(r)
			c.keep = append(c.keep, k)
		}
	}
	return out
}

// checkDecided splits a union-find cluster that decisions bear on.
// Records decided merged stay together; records decided apart end apart.
// Up to maxCheck members, the cluster check (checkWith) starts from the
// groups merge decisions form and never joins two groups holding the two
// sides of a keep decision. A larger cluster is rebuilt from merge
// decisions and its strong links, strongest first, skipping any link that
// would join the two sides of a keep decision; parts still oversized fall
// apart into the groups merge decisions form.
func checkDecided(fs *features, g []int, links []link, c *constraints, w *weights, opt *Options) [][]int {
	if len(g) <= maxCheck {
		return checkWith(fs, g, w, opt, c)
	}
	pos := make(map[int]int, len(g))
	for k, x := range g {
		pos[x] = k
	}
	atoms := newUnionFind(len(g))
	for _, m := range c.merge {
		atoms.union(pos[int(m[0])], pos[int(m[1])])
	}
	sub := newUnionFind(len(g))
	for _, m := range c.merge {
		sub.union(pos[int(m[0])], pos[int(m[1])])
	}
	var strong []link
	for _, l := range links {
		if l.score >= opt.MergeThreshold+strongMargin {
			strong = append(strong, l)
		}
	}
	slices.SortFunc(strong, func(x, y link) int {
		return cmp.Or(cmp.Compare(y.score, x.score), cmp.Compare(x.a, y.a), cmp.Compare(x.b, y.b))
	})
	apart := func(ra, rb int) bool {
		for _, k := range c.keep {
			ka, kb := sub.find(pos[int(k[0])]), sub.find(pos[int(k[1])])
			if ka == ra && kb == rb || ka == rb && kb == ra {
				return true
			}
		}
		return false
	}
	for _, l := range strong {
		ra, rb := sub.find(pos[int(l.a)]), sub.find(pos[int(l.b)])
		if ra != rb && !apart(ra, rb) {
			sub.union(ra, rb)
		}
	}
	var out [][]int
	for _, p := range groupBy(g, func(k, _ int) int { return sub.find(k) }) {
		switch {
		case len(p) > maxCheck:
			out = append(out, groupBy(p, func(_, x int) int { return atoms.find(pos[x]) })...)
		case len(p) > 2:
			out = append(out, checkWith(fs, p, w, opt, c)...)
		default:
			out = append(out, p) // two records held by one link or one merge decision
		}
	}
	return out
}

// groupBy splits the members of g by root(position in g, member), in
// order of first member.
func groupBy(g []int, root func(k, x int) int) [][]int {
	at := make(map[int]int)
	var out [][]int
	for k, x := range g {
		r := root(k, x)
		i, ok := at[r]
		if !ok {
			i = len(out)
			at[r] = i
			out = append(out, nil)
		}
		out[i] = append(out[i], x)
	}
	return out
}

// decidedLinks renders the merge decisions as links: the pair's real
// score and evidence, led by the decision itself (weight 0, so the
// evidence still adds up to the score).
func decidedLinks(fs *features, dec *decisions, w *weights, workers int) []Pair {
	out := make([]Pair, len(dec.merge))
	parallel(len(out), workers, func(lo, hi int) {
		for k := lo; k < hi; k++ {
			a, b := dec.merge[k][0], dec.merge[k][1]
			o := compare(&fs.f[a], &fs.f[b], &fs.tf)
			ev := append([]Evidence{withDetail(Evidence{Field: "decision", Outcome: DecisionMerge}, msg.New("ev.decided"))}, explain(&fs.f[a], &fs.f[b], o, w)...)
			out[k] = Pair{A: record.Key(a), B: record.Key(b), Score: round1(w.score(o)), Evidence: ev}
		}
	})
	return out
}
