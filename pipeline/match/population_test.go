package match

import (
	"context"
	"math"
	"slices"
	"testing"
)

// wholePairs are the pairs the estimator stands for: the candidate pairs
// and every pair of the blocks within their limit that block compares by
// city or window instead of whole.
func wholePairs(t *testing.T, fs *features, opt *Options, cands []uint64) []uint64 {
	t.Helper()
	es, err := blockEntries(context.Background(), fs, opt.Workers)
	if err != nil {
		t.Fatal(err)
	}
	pairs := slices.Clone(cands)
	for lo, hi := range blocks(es) {
		blk := slices.CompactFunc(slices.Clone(es[lo:hi]), func(a, b entry) bool { return a.i == b.i })
		if blk[0].typ == typInitials && !slices.ContainsFunc(blk, func(e entry) bool { return fs.f[e.i].name.abbreviated() }) {
			continue
		}
		limit := opt.BlockLimit(weakKey[blk[0].typ])
		if !grows[blk[0].typ] || len(blk) <= fineBlock || len(blk) > limit {
			continue
		}
		for x := range blk {
			for y := x + 1; y < len(blk); y++ {
				pairs = append(pairs, uint64(blk[x].i)<<32|uint64(blk[y].i))
			}
		}
	}
	slices.Sort(pairs)
	return slices.Compact(pairs)
}

// TestEstimateIgnoresSplitting checks that the weights EM estimates do not
// depend on how block splits its large blocks: estimated from the
// candidate pairs and block's sample, they are those estimated from every
// pair of the blocks as a whole (exactly while those pairs are fewer than
// sampleSize, else within what sampling costs); estimated from the
// candidate pairs alone, they are not.
func TestEstimateIgnoresSplitting(t *testing.T) {
	tests := []struct {
		name    string
		records int
		seed    uint64
		size    int // sampleSize
		oneIn   int // the share of pairs sampled
		tolW    float64
		tolL    float64
	}{
		{"20000 records, all pairs", 20000, 11, 1 << 18, 1, 0, 0},
		{"50000 records, all pairs", 50000, 3, 1 << 18, 1, 0, 0},
		{"50000 records, one in 25", 50000, 3, 4000, 25, 0.05, 0.005},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			defer func(n int) { sampleSize = n }(sampleSize)
			sampleSize = tc.size
			recs, _ := synth(tc.records, tc.seed)
			opt := Options{Namer: fakeNamer{}, FreeDomains: freeDomains, Workers: 3}
			if err := opt.defaults(); err != nil {
				t.Fatal(err)
			}
			fs := extract(recs, &opt)
			ctx := context.Background()
			cands, sample, err := block(ctx, fs, &opt, nil, &Stats{})
			if err != nil {
				t.Fatal(err)
			}
			whole := wholePairs(t, fs, &opt, cands)
			dropped := len(whole) - len(cands)
			if dropped < 1000 {
				t.Fatalf("splitting drops %d pairs: too few for the test to tell", dropped)
			}
			if sample.oneIn != tc.oneIn {
				t.Errorf("one pair in %d sampled, want %d", sample.oneIn, tc.oneIn)
			}
			sample.pairs = without(sample.pairs, cands)
			for _, p := range sample.pairs {
				if _, found := slices.BinarySearch(whole, p); !found {
					t.Fatalf("sampled pair %d-%d is not a pair of a whole block", p>>32, uint32(p))
				}
			}
			compared := func(pairs []uint64) []outcome {
				outs, err := compareAll(ctx, fs, pairs, opt.Workers)
				if err != nil {
					t.Fatal(err)
				}
				return outs
			}
			outs := compared(cands)
			estimated := func(outs, sample []outcome, oneIn int) (*weights, *Stats) {
				st := &Stats{}
				return estimate(outs, sample, oneIn, &opt, st), st
			}
			want, wantSt := estimated(compared(whole), nil, 1)
			got, gotSt := estimated(outs, compared(sample.pairs), sample.oneIn)
			alone, aloneSt := estimated(outs, nil, 1)
			for k := range nKinds {
				if !wantSt.EM[k].Used {
					t.Fatalf("%s: EM not used on the whole blocks: %s", kindNames[k], wantSt.EM[k].Note)
				}
			}
			tolW, tolL := tc.tolW, tc.tolL // how far sampling may move a weight and the duplicate share
			worst := func(a *weights, aSt *Stats) (dw, dl float64) {
				for k := range nKinds {
					dl = max(dl, math.Abs(aSt.EM[k].Lambda-wantSt.EM[k].Lambda))
					for f := range nFields {
						for l := range nLevels {
							dw = max(dw, math.Abs(a.w[k][f][l]-want.w[k][f][l]))
						}
					}
				}
				return dw, dl
			}
			gw, gl := worst(got, gotSt)
			aw, al := worst(alone, aloneSt)
			t.Logf("%d candidate pairs, %d dropped, %d sampled; with the sample %.3f bits %.4f, alone %.3f bits %.4f", len(cands), dropped, len(sample.pairs), gw, gl, aw, al)
			if dw, dl := worst(got, gotSt); dw > tolW || dl > tolL {
				t.Errorf("with the sample: weights up to %.3f bits and duplicate share %.4f from the whole blocks' (%.4f, %.4f), want within %.2f and %.3f",
					dw, dl, wantSt.EM[kPerson].Lambda, wantSt.EM[kCompany].Lambda, tolW, tolL)
			}
			if dw, dl := worst(alone, aloneSt); dw <= max(tolW, 0.01) && dl <= max(tolL, 0.001) {
				t.Errorf("without the sample the estimate is as close (%.3f bits, %.4f): the test cannot tell", dw, dl)
			}
		})
	}
}
