package match

import (
	"slices"

	"github.com/crmclean/crmclean/pipeline/record"
)

// rescored adds to the candidate pairs (ascending, distinct) the pairs of
// Options.Rescore whose two records are present, settled or not, so that
// they are compared, scored and banded like any candidate pair.
func rescored(cands []uint64, pairs [][2]string, recs []*record.Record, fs *features) []uint64 {
	if len(pairs) == 0 {
		return cands
	}
	pos := make(map[string]int32, 2*len(pairs))
	for _, p := range pairs {
		pos[p[0]], pos[p[1]] = -1, -1
	}
	for i, x := range fs.index {
		if p, ok := pos[recs[x].Fingerprint]; ok && p < 0 {
			pos[recs[x].Fingerprint] = int32(i) // the first holder, as decisions
		}
	}
	var extra []uint64
	for _, p := range pairs {
		a, b := pos[p[0]], pos[p[1]]
		if a < 0 || b < 0 || a == b {
			continue
		}
		extra = append(extra, uint64(min(a, b))<<32|uint64(max(a, b)))
	}
	if len(extra) == 0 {
		return cands
	}
	out := append(cands, extra...)
	slices.Sort(out)
	return slices.Compact(out)
}
