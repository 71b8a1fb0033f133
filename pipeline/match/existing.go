package match

import (
	"errors"
	"fmt"
	"slices"
)

// ErrExisting reports Options.Existing not matching the records.
var ErrExisting = errors.New("existing customers do not match the records")

// checkExisting checks that Options.Existing gives one customer per record.
func checkExisting(existing []string, records int) error {
	if len(existing) != 0 && len(existing) != records {
		return fmt.Errorf("%w: %d existing customer entries for %d records; give one per record (\"\" for a new one) or none", ErrExisting, len(existing), records)
	}
	return nil
}

// settle adds to dec (nil when no decision applies; created when needed)
// the customers of an earlier run given in existing (by input index).
// Each customer is a group of records held together like records decided
// merged, unless a keep decision falls between records that the groups
// and the merge decisions join: then the groups holding its sides (or,
// when neither side is in a group, every group joining them) are reopened
// and matched as new records among themselves, so that the keep wins. A
// group carrying a number the run judged anew (see classifyNumbers) is
// reopened too.
func settle(existing []string, fs *features, dec *decisions, st *Stats) *decisions {
	if len(existing) == 0 {
		return dec
	}
	n := len(fs.f)
	if dec == nil {
		dec = &decisions{}
	}
	num := map[string]int32{}
	ex := make([]int32, n)
	var members [][]int32
	for i, x := range fs.index {
		id := existing[x]
		if id == "" {
			ex[i] = -1
			continue
		}
		g, ok := num[id]
		if !ok {
			g = int32(len(members))
			num[id] = g
			members = append(members, nil)
			dec.groupIDs = append(dec.groupIDs, id)
		}
		ex[i] = g
		members[g] = append(members[g], int32(i))
	}
	st.ExistingGroups = len(members)
	dec.existing = ex
	dec.reopened = make([]bool, len(members))
	// A customer carrying a number this run found shared or nobody's own
	// is matched again: its merge may have rested on that number.
	for g, ms := range members {
		if len(ms) < 2 {
			continue
		}
		for _, x := range ms {
			if fs.f[x].judged {
				dec.reopened[g] = true
				break
			}
		}
	}
	if len(dec.keep) > 0 {
		for reopenFor(dec, members, n) {
		}
	}
	for g, ms := range members {
		if dec.reopened[g] {
			continue
		}
		for k := 1; k < len(ms); k++ {
			dec.same = append(dec.same, [2]int32{ms[k-1], ms[k]})
		}
	}
	return dec
}

// reopenFor finds the first keep decision whose two records the merge
// decisions and the groups not yet reopened join, reopens the groups
// holding its sides (or every group joining them when neither side is in
// one) and reports whether it found one.
func reopenFor(dec *decisions, members [][]int32, n int) bool {
	uf := newUnionFind(n)
	for _, m := range dec.merge {
		uf.union(int(m[0]), int(m[1]))
	}
	for g, ms := range members {
		if !dec.reopened[g] {
			for _, x := range ms[1:] {
				uf.union(int(ms[0]), int(x))
			}
		}
	}
	for _, k := range dec.keep {
		r := uf.find(int(k[0]))
		if r != uf.find(int(k[1])) {
			continue
		}
		found := false
		for _, side := range k {
			if g := dec.existing[side]; g >= 0 && !dec.reopened[g] {
				dec.reopened[g], found = true, true
			}
		}
		if !found {
			for g, ms := range members {
				if !dec.reopened[g] && uf.find(int(ms[0])) == r {
					dec.reopened[g] = true
				}
			}
		}
		return true
	}
	return false
}

// settled reports whether an earlier run settled the pair of records at
// internal positions i and j: both belong to existing customers, and not
// to one reopened by a keep decision. Such a pair is not compared.
func (dec *decisions) settled(i, j int32) bool {
	gi, gj := dec.existing[i], dec.existing[j]
	return gi >= 0 && gj >= 0 && (gi != gj || !dec.reopened[gi])
}

// reopenedIDs lists the earlier customers settle reopened, sorted.
func (dec *decisions) reopenedIDs() []string {
	if dec == nil {
		return nil
	}
	var out []string
	for g, r := range dec.reopened {
		if r {
			out = append(out, dec.groupIDs[g])
		}
	}
	slices.Sort(out)
	return out
}
