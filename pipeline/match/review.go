package match

import (
	"cmp"
	"slices"
	"strings"

	"github.com/crmclean/crmclean/pipeline/record"
)

// ByCustomer collapses doubtful pairs of rows into one pair per pair of
// customers, so that a person decides two customers once: the strongest
// pair of rows between them (highest score, then first in pair order)
// stands for them, with Rows counting the pairs of rows it stands for.
// customer gives the customer id of a pair's row (an index as in A and
// B); a pair whose rows have no customer, or the same one, is left out.
// The pairs come back highest score first, then by customer ids, so the
// order does not depend on the order of pairs.
func ByCustomer(pairs []Pair, customer func(row record.Key) string) []Pair {
	type key struct{ a, b string }
	at := map[key]int{}
	var out []Pair
	var keys []key
	for _, p := range pairs {
		ca, cb := customer(p.A), customer(p.B)
		if ca == "" || cb == "" || ca == cb {
			continue
		}
		k := key{min(ca, cb), max(ca, cb)}
		i, seen := at[k]
		if !seen {
			at[k] = len(out)
			p.Rows = 1
			out = append(out, p)
			keys = append(keys, k)
			continue
		}
		rows := out[i].Rows + 1
		if stronger(p, out[i]) {
			out[i] = p
		}
		out[i].Rows = rows
	}
	order := make([]int, len(out))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(x, y int) int {
		return cmp.Or(-cmp.Compare(out[x].Score, out[y].Score), strings.Compare(keys[x].a, keys[y].a), strings.Compare(keys[x].b, keys[y].b))
	})
	sorted := make([]Pair, len(out))
	for i, j := range order {
		sorted[i] = out[j]
	}
	return sorted
}

// stronger reports whether p should stand for two customers rather than q:
// a higher score, or at the same score the first in pair order.
func stronger(p, q Pair) bool {
	if p.Score != q.Score {
		return p.Score > q.Score
	}
	return p.A < q.A || p.A == q.A && p.B < q.B
}
