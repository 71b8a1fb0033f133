package match

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/crmclean/crmclean/pipeline/record"
)

// incremental simulates an incremental run the way the state store does
// it: from BlockKeys of all records, find the old records sharing an
// uncapped key with a new record or sorting within the window of one,
// take their whole customers (cluster of the first run) and the new
// records, and match that subset with Existing set to the first run's
// customers. It returns the subset (indices into recs) and its Existing.
func incremental(recs []*record.Record, first *Result, isNew func(i int) bool, opt Options) (sub []int, existing []string) {
	ks := BlockKeys(recs, opt)
	customer := make([]int, len(recs))
	for c, members := range first.Clusters {
		for _, i := range members {
			customer[i] = c
		}
	}
	touched := map[int]bool{} // customers of candidate old records
	byHash := map[uint64][]int{}
	for i, rk := range ks {
		for _, k := range rk.Keys {
			byHash[k.Hash] = append(byHash[k.Hash], i)
		}
	}
	for i, rk := range ks {
		if !isNew(i) {
			continue
		}
		for _, k := range rk.Keys {
			blk := byHash[k.Hash]
			if len(blk) > opt.BlockLimit(k.Weak) {
				continue
			}
			for _, j := range blk {
				if !isNew(j) {
					touched[customer[j]] = true
				}
			}
		}
	}
	var sorted []int
	for i, rk := range ks {
		if rk.Sort != "" {
			sorted = append(sorted, i)
		}
	}
	slices.SortFunc(sorted, func(a, b int) int {
		return cmp.Or(strings.Compare(ks[a].Sort, ks[b].Sort), strings.Compare(recs[a].Fingerprint, recs[b].Fingerprint))
	})
	for x, i := range sorted {
		if !isNew(i) {
			continue
		}
		for y := max(0, x-NeighborWindow+1); y < min(len(sorted), x+NeighborWindow); y++ {
			if j := sorted[y]; !isNew(j) {
				touched[customer[j]] = true
			}
		}
	}
	for i := range recs {
		switch {
		case isNew(i):
			sub = append(sub, i)
			existing = append(existing, "")
		case touched[customer[i]]:
			sub = append(sub, i)
			existing = append(existing, fmt.Sprintf("C%d", customer[i]))
		}
	}
	return sub, existing
}

// TestIncrementalConsistency runs Match on all records as a first run,
// then again, incrementally, on a few "new" records and the customers
// they may join: the new records should land where the full run put
// them. Weights and term frequencies come from the subset, so rare
// differences are reported, and bounded, rather than forbidden.
func TestIncrementalConsistency(t *testing.T) {
	recs, _ := synth(8000, 31)
	base := Options{Namer: fakeNamer{}, FreeDomains: freeDomains, Workers: 2}
	first, err := Match(context.Background(), recs, base)
	if err != nil {
		t.Fatal(err)
	}
	firstWeights := map[string]MU{}
	for _, w := range first.Stats.Weights {
		firstWeights[w.Kind+"."+w.Field+"."+w.Outcome] = MU{M: w.M, U: w.U}
	}
	tests := []struct {
		name    string
		every   int // every n-th record is new
		weights bool
		maxDiff float64 // largest share of new records placed differently
	}{
		{name: "5% new, weights estimated on the subset", every: 20, maxDiff: 0.05},
		{name: "5% new, the first run's weights", every: 20, weights: true, maxDiff: 0.02},
		{name: "1% new, the first run's weights", every: 100, weights: true, maxDiff: 0.02},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			isNew := func(i int) bool { return i%tc.every == 0 }
			sub, ex := incremental(recs, first, isNew, base)
			in := make([]*record.Record, len(sub))
			for k, i := range sub {
				in[k] = recs[i]
			}
			opt := base
			opt.Existing, opt.PriorNumbers = ex, first.Numbers
			if tc.weights {
				opt.Weights, opt.NoEM = firstWeights, true
			}
			res, err := Match(context.Background(), in, opt)
			if err != nil {
				t.Fatal(err)
			}
			checkExistingHonoured(t, in, ex, nil, res, first.Numbers)

			// Cluster of each subset record, as subset positions, in the
			// full run and in the incremental run.
			pos := make(map[record.Key]int, len(sub))
			for k, i := range sub {
				pos[record.Key(i)] = k
			}
			fullOf := make([]int, len(sub))
			for c, members := range first.Clusters {
				for _, i := range members {
					if k, ok := pos[i]; ok {
						fullOf[k] = c
					}
				}
			}
			incOf := make([]int, len(sub))
			for c, members := range res.Clusters {
				for _, k := range members {
					incOf[k] = c
				}
			}
			news, differ, joined := 0, 0, 0
			for k, i := range sub {
				if !isNew(i) {
					continue
				}
				news++
				same := true
				mates := 0
				for m := range sub {
					full, inc := fullOf[m] == fullOf[k], incOf[m] == incOf[k]
					if full != inc {
						same = false
					}
					if inc && m != k {
						mates++
					}
				}
				if !same {
					differ++
				}
				if mates > 0 {
					joined++
				}
			}
			share := float64(differ) / float64(news)
			t.Logf("%d new records, subset %d of %d records (%d candidate pairs, full run %d); %d joined a cluster; %d (%.2f%%) placed differently from the full run",
				news, len(sub), len(recs), res.Stats.CandidatePairs, first.Stats.CandidatePairs, joined, differ, 100*share)
			if joined == 0 {
				t.Errorf("no new record joined a customer: the case tests nothing")
			}
			if share > tc.maxDiff {
				t.Errorf("%.2f%% of new records placed differently from the full run, want at most %.2f%%", 100*share, 100*tc.maxDiff)
			}
		})
	}
}
