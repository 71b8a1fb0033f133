package match

import (
	"cmp"
	"slices"

	"github.com/crmclean/crmclean/pipeline/record"
)

// hardConflict reports evidence that two records are different customers
// whatever else they share: different valid USCCs, different branches, or
// two persons whose names are not variants of one another (persons are
// people: 马泽洋 and 马子骞 sharing a household's mobile and address are
// two customers).
func hardConflict(pat uint32) bool {
	switch {
	case level(pat, fUSCC) == disagree, branchOf3(pat) == branchDifferent:
		return true
	case kindOf(pat) == kPerson && level(pat, fName) == disagree:
		return true
	}
	return false
}

// identified reports structural evidence beyond the name: a shared
// USCC; or, with names that are not different, a shared mobile (or one
// written a digit short) or e-mail address; or, with the same name, the
// same address (same detail), landline or named contact; or, with a name
// alike in pinyin, the same address together with the same contact or
// landline. Without it a pair never merges, however high its score. Two
// companies with different names are one only by their USCC: a contact
// and mobile they share are an agent's, evidence about the contact.
func identified(a, b *feat, pat uint32) bool {
	if level(pat, fUSCC) == agree {
		return true
	}
	name := level(pat, fName)
	if name == disagree {
		return false
	}
	if m := level(pat, fMobile); m == agree || m == near || level(pat, fEmail) == agree {
		return true
	}
	address := level(pat, fAddress) == agree
	c := level(pat, fContact)
	contact := (c == agree || c == near && a.company) && !isTitled(a.contact.key)
	line := level(pat, fLine) == agree
	switch name {
	case agree:
		return address || line || contact
	case near, fuzzy:
		return address && (contact || c == fuzzy && a.company || line)
	}
	return false
}

// decisive reports evidence that merges a pair whatever its score: the
// names agree (or are read alike) and a strong identifier agrees (the
// mobile, or one written a digit short, the e-mail address, the USCC) or
// the full address does, and no field disagrees and no branch differs. A
// value missing on one side is no evidence against: such pairs are
// duplicates whatever weights the run estimated for the rest (a common
// name weighs little, yet a common name with its own mobile is one
// customer).
func decisive(pat uint32) bool {
	if n := level(pat, fName); n != agree && n != near {
		return false
	}
	if branchOf3(pat) != branchNone || contradicts(pat) {
		return false
	}
	m := level(pat, fMobile)
	return m == agree || m == near || level(pat, fEmail) == agree || level(pat, fUSCC) == agree || level(pat, fAddress) == agree
}

// merges reports whether a compared pair is a merge link: it scores at
// least the merge threshold or is decisive, shows structural evidence and
// holds no hard conflict.
func merges(a, b *feat, o outcome, score float64, opt *Options) bool {
	return (score >= opt.MergeThreshold || decisive(o.pat)) && identified(a, b, o.pat) && !hardConflict(o.pat)
}

// doubtful reports whether a pair that does not merge goes to review: it
// scores at least the review threshold, and is not two persons whose
// names say they are different people (a household is not a question).
func doubtful(o outcome, score float64, opt *Options) bool {
	if score < opt.ReviewThreshold {
		return false
	}
	return !(kindOf(o.pat) == kPerson && level(o.pat, fName) == disagree)
}

// link is a scored pair in internal positions.
type link struct {
	a, b  int32
	score float64
	o     outcome
}

// band sorts the candidate pairs into merge links and review pairs,
// leaving out the pairs a person decided (dec may be nil).
func band(fs *features, pairs []uint64, outs []outcome, w *weights, dec *decisions, opt *Options, st *Stats) (links []link, review []Pair) {
	var asked []outcome // the outcomes of the review pairs, explained below
	// Room for every pair scoring a merge, so that links are allocated once.
	merging := 0
	for _, o := range outs {
		if w.score(o) >= opt.MergeThreshold || decisive(o.pat) {
			merging++
		}
	}
	links = make([]link, 0, merging)
	for k, o := range outs {
		if dec != nil && dec.pairs[pairs[k]] {
			continue
		}
		s := w.score(o)
		if s < opt.ReviewThreshold && !decisive(o.pat) {
			continue
		}
		a, b := int32(pairs[k]>>32), int32(uint32(pairs[k]))
		if merges(&fs.f[a], &fs.f[b], o, s, opt) {
			links = append(links, link{a, b, s, o})
			continue
		}
		if s >= opt.MergeThreshold {
			st.BlockedMerges++
		}
		if !doubtful(o, s, opt) {
			continue
		}
		if len(opt.Patterns) > 0 {
			if code := patternOf(o.pat); opt.Patterns[code] != "" {
				merge := opt.Patterns[code] == DecisionMerge
				if !merge || !hardConflict(o.pat) {
					if st.ByPattern == nil {
						st.ByPattern = map[string]int{}
					}
					st.ByPattern[code]++
					if merge {
						links = append(links, link{a, b, s, o})
					}
					continue
				}
			}
		}
		review = append(review, Pair{A: record.Key(a), B: record.Key(b), Score: round1(s)})
		asked = append(asked, o)
	}
	parallel(len(review), opt.Workers, func(lo, hi int) {
		var ex explainer
		for k := lo; k < hi; k++ {
			p := &review[k]
			p.Evidence = ex.explain(&fs.f[p.A], &fs.f[p.B], asked[k], w)
			p.Pattern = patternOf(asked[k].pat)
		}
	})
	st.MergePairs, st.ReviewPairs = len(links), len(review)
	return links, review
}

// maxCheck is the largest cluster checked pair by pair; larger ones are
// rebuilt from their strongest links only.
const maxCheck = 300

// strongMargin is how far above the merge threshold a link must be to
// hold an oversized cluster together.
const strongMargin = 8

// cluster unions the merge links, checks every cluster and splits those
// holding conflicting or weakly attached members. It returns the clusters
// (internal positions, ordered) and the links that hold within them.
// Decisions (dec may be nil) join records decided merged whatever the
// check finds and keep records decided apart in different clusters; the
// merge decisions join the links.
func cluster(fs *features, links []link, w *weights, dec *decisions, opt *Options, st *Stats) ([][]int, []Pair) {
	n := len(fs.f)
	uf := newUnionFind(n)
	for _, l := range links {
		uf.union(int(l.a), int(l.b))
	}
	var decided map[int]*constraints
	if dec != nil {
		for _, m := range dec.merge {
			uf.union(int(m[0]), int(m[1]))
		}
		for _, m := range dec.same {
			uf.union(int(m[0]), int(m[1]))
		}
		decided = dec.byCluster(uf)
	}
	// The groups of two or more, by root, members ascending, cut from one
	// array.
	var groups [][]int
	var roots []int
	slot := make([]int32, n) // root → group number
	grouped := 0
	for i := range n {
		if uf.find(i) == i && uf.size[i] > 1 {
			slot[i] = int32(len(roots))
			roots = append(roots, i)
			grouped += int(uf.size[i])
		}
	}
	groups = make([][]int, len(roots))
	members := make([]int, grouped)
	for g, r := range roots {
		size := int(uf.size[r])
		groups[g], members = members[:0:size], members[size:]
	}
	for i := range n {
		if r := uf.find(i); uf.size[r] > 1 {
			g := slot[r]
			groups[g] = append(groups[g], i)
		}
	}
	var byRoot0 map[int][]link // links of oversized clusters
	for _, l := range links {
		if r := uf.find(int(l.a)); uf.size[r] > maxCheck {
			if byRoot0 == nil {
				byRoot0 = map[int][]link{}
			}
			byRoot0[r] = append(byRoot0[r], l)
		}
	}
	final := newUnionFind(n)
	for k, g := range groups {
		r := roots[k]
		var parts [][]int
		switch c := decided[r]; {
		case c != nil:
			parts = checkDecided(fs, g, byRoot0[r], c, w, opt)
		case len(g) == 2:
			parts = [][]int{g}
		case len(g) <= maxCheck:
			parts = checkCluster(fs, g, w, opt)
		default:
			for _, p := range strongest(g, byRoot0[r], opt) {
				if len(p) > 2 {
					parts = append(parts, checkCluster(fs, p, w, opt)...)
				} else {
					parts = append(parts, p)
				}
			}
		}
		if len(parts) != 1 || len(parts[0]) != len(g) {
			st.SplitClusters++
		}
		for _, p := range parts {
			for _, x := range p[1:] {
				final.union(p[0], x)
			}
		}
	}
	held := 0
	for _, l := range links {
		if final.find(int(l.a)) == final.find(int(l.b)) {
			held++
		}
	}
	holding := make([]link, 0, held)
	for _, l := range links {
		if final.find(int(l.a)) == final.find(int(l.b)) {
			holding = append(holding, l)
		}
	}
	var kept []Pair
	if len(holding) > 0 {
		kept = make([]Pair, len(holding))
		parallel(len(holding), opt.Workers, func(lo, hi int) {
			var ex explainer
			for k, l := range holding[lo:hi] {
				kept[lo+k] = Pair{A: record.Key(l.a), B: record.Key(l.b), Score: round1(l.score), Evidence: ex.explain(&fs.f[l.a], &fs.f[l.b], l.o, w),
					Pattern: patternOf(l.o.pat)}
			}
		})
	}
	if dec != nil && len(dec.merge) > 0 {
		kept = append(kept, decidedLinks(fs, dec, w, opt.Workers)...)
		slices.SortFunc(kept, func(x, y Pair) int { return cmp.Or(cmp.Compare(x.A, y.A), cmp.Compare(x.B, y.B)) })
	}
	// Members ascend; clusters are ordered by their first member, which is
	// the smallest, so walking the positions in order yields sorted output.
	// The clusters are cut from one array: counted first, then filled.
	byRoot := make([]int32, n) // root → cluster number + 1
	count := 0
	for i := range n {
		if final.find(i) == i {
			count++
		}
	}
	sizes := make([]int, 0, count)
	for i := range n {
		r := final.find(i)
		if byRoot[r] == 0 {
			sizes = append(sizes, 0)
			byRoot[r] = int32(len(sizes))
		}
		sizes[byRoot[r]-1]++
	}
	clusters := make([][]int, len(sizes))
	flat := make([]int, n)
	at := 0
	for c, size := range sizes {
		clusters[c] = flat[at : at : at+size]
		at += size
	}
	for i := range n {
		c := byRoot[final.find(i)] - 1
		clusters[c] = append(clusters[c], i)
	}
	hist := map[int]int{}
	for _, c := range clusters {
		hist[len(c)]++
	}
	for s, c := range hist {
		st.ClusterSizes = append(st.ClusterSizes, SizeCount{Size: s, Count: c})
	}
	slices.SortFunc(st.ClusterSizes, func(a, b SizeCount) int { return cmp.Compare(a.Size, b.Size) })
	return clusters, kept
}

// checkCluster compares every two members of a union-find cluster. When
// no two conflict and none is evidence against the other, the cluster
// stands. Otherwise it is rebuilt by average linkage: the two groups with
// the highest average score merge while that average reaches the merge
// threshold, some pair between them is a merge link, and no pair between
// them is a hard conflict.
func checkCluster(fs *features, g []int, w *weights, opt *Options) [][]int {
	return checkWith(fs, g, w, opt, nil)
}

// checkWith is checkCluster under decisions (cons may be nil; decisions on
// records outside g are ignored): records decided merged start as one
// group, which the check neither questions nor splits, and two groups
// holding the two sides of a keep decision never merge.
func checkWith(fs *features, g []int, w *weights, opt *Options, cons *constraints) [][]int {
	n := len(g)
	atom, apart := cons.within(g)
	if atom != nil && len(apart) == 0 && slices.Max(atom) == 0 {
		return [][]int{g} // one group held together, nothing to check
	}
	score := make([]float64, n*n)
	link := make([]bool, n*n)
	conflict := make([]bool, n*n)
	sound := len(apart) == 0
	for x := range n {
		for y := x + 1; y < n; y++ {
			if atom != nil && atom[x] == atom[y] {
				continue // never weighed: the check neither questions nor splits a group
			}
			o := compare(&fs.f[g[x]], &fs.f[g[y]], &fs.tf)
			s := w.score(o)
			c := hardConflict(o.pat)
			l := merges(&fs.f[g[x]], &fs.f[g[y]], o, s, opt)
			score[x*n+y], score[y*n+x] = s, s
			conflict[x*n+y], conflict[y*n+x] = c, c
			link[x*n+y], link[y*n+x] = l, l
			if (c || s < opt.ReviewThreshold && contradicts(o.pat)) && (atom == nil || atom[x] != atom[y]) {
				sound = false
			}
		}
	}
	if sound {
		return [][]int{g}
	}
	for _, k := range apart {
		conflict[k[0]*n+k[1]], conflict[k[1]*n+k[0]] = true, true
	}
	var groups [][]int // member positions within g
	if atom == nil {
		groups = make([][]int, n)
		for i := range groups {
			groups[i] = []int{i}
		}
	} else {
		groups = make([][]int, slices.Max(atom)+1)
		for i, a := range atom {
			groups[a] = append(groups[a], i)
		}
	}
	for {
		bx, by, best := -1, -1, opt.MergeThreshold
		for x := range groups {
			for y := x + 1; y < len(groups); y++ {
				sum, linked, clash := 0.0, false, false
				for _, i := range groups[x] {
					for _, j := range groups[y] {
						sum += score[i*n+j]
						linked = linked || link[i*n+j]
						clash = clash || conflict[i*n+j]
					}
				}
				avg := sum / float64(len(groups[x])*len(groups[y]))
				if linked && !clash && avg >= best && (bx < 0 || avg > best) {
					bx, by, best = x, y, avg
				}
			}
		}
		if bx < 0 {
			break
		}
		groups[bx] = append(groups[bx], groups[by]...)
		groups = slices.Delete(groups, by, by+1)
	}
	out := make([][]int, len(groups))
	for i, grp := range groups {
		slices.Sort(grp)
		out[i] = make([]int, len(grp))
		for j, m := range grp {
			out[i][j] = g[m]
		}
	}
	return out
}

// strongest rebuilds an oversized cluster from its links at least
// strongMargin above the merge threshold; parts still oversized fall
// apart into singletons rather than risk a chain of false merges.
func strongest(g []int, links []link, opt *Options) [][]int {
	pos := make(map[int]int, len(g))
	for k, x := range g {
		pos[x] = k
	}
	sub := newUnionFind(len(g))
	for _, l := range links {
		if l.score >= opt.MergeThreshold+strongMargin {
			sub.union(pos[int(l.a)], pos[int(l.b)])
		}
	}
	parts := map[int][]int{}
	for k, x := range g {
		r := sub.find(k)
		parts[r] = append(parts[r], x)
	}
	var out [][]int
	for _, p := range parts {
		if len(p) > maxCheck {
			for _, x := range p {
				out = append(out, []int{x})
			}
			continue
		}
		out = append(out, p)
	}
	return out
}

type unionFind struct {
	parent, size []int32
}

func newUnionFind(n int) *unionFind {
	u := &unionFind{parent: make([]int32, n), size: make([]int32, n)}
	for i := range u.parent {
		u.parent[i], u.size[i] = int32(i), 1
	}
	return u
}

func (u *unionFind) find(x int) int {
	for int(u.parent[x]) != x {
		u.parent[x] = u.parent[u.parent[x]]
		x = int(u.parent[x])
	}
	return x
}

// union joins two sets; the smaller root index wins ties, so the result
// does not depend on the order of unions.
func (u *unionFind) union(a, b int) {
	ra, rb := u.find(a), u.find(b)
	if ra == rb {
		return
	}
	if u.size[ra] < u.size[rb] || (u.size[ra] == u.size[rb] && rb < ra) {
		ra, rb = rb, ra
	}
	u.parent[rb] = int32(ra)
	u.size[ra] += u.size[rb]
}

// contradicts reports a field on which two records disagree. A pair that
// scores low only because fields are missing on one side is no evidence
// that the two are different customers: the cluster check leaves such a
// pair to the links that joined it.
func contradicts(pat uint32) bool {
	for f := range nFields {
		if level(pat, f) == disagree {
			return true
		}
	}
	return false
}
