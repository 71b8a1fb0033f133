package match

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/crmclean/crmclean/pipeline/record"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// sharedKeyPairs returns the pairs of input indices that share a key of
// BlockKeys, in blocks of at most limit(weak) records (no cap when limit
// is nil).
// With recs, a block over its limit gives the pairs Match may compare in
// it: those of two records of one city, or of one of unknown city.
func sharedKeyPairs(ks []RecordKeys, limit func(weak bool) int, recs ...*record.Record) map[[2]int]bool {
	byHash := map[uint64][]int{}
	weak := map[uint64]bool{}
	for i, rk := range ks {
		for _, k := range rk.Keys {
			byHash[k.Hash] = append(byHash[k.Hash], i)
			weak[k.Hash] = k.Weak
		}
	}
	out := map[[2]int]bool{}
	all := func(blk []int) {
		for x := range blk {
			for y := x + 1; y < len(blk); y++ {
				out[[2]int{min(blk[x], blk[y]), max(blk[x], blk[y])}] = true
			}
		}
	}
	for h, blk := range byHash {
		if len(blk) < 2 {
			continue
		}
		if limit == nil || len(blk) <= limit(weak[h]) {
			all(blk)
			continue
		}
		if recs == nil {
			continue
		}
		// An oversized block is compared by city, by district or in a
		// window within a city, and its records of unknown city among
		// themselves: at most the pairs of one city or of an unknown one.
		for x, i := range blk {
			for _, j := range blk[x+1:] {
				a, b := &recs[i].Norm, &recs[j].Norm
				if a.City == "" || b.City == "" || a.Province+a.City == b.Province+b.City {
					out[[2]int{min(i, j), max(i, j)}] = true
				}
			}
		}
	}
	return out
}

// TestBlockKeysAgreeWithBlock checks that two records share a BlockKeys
// hash exactly when block puts them in a common exact-key block (before
// caps), and that a key's Weak flag is that of its block's type.
func TestBlockKeysAgreeWithBlock(t *testing.T) {
	for _, seed := range []uint64{3, 11} {
		t.Run(fmt.Sprintf("seed %d", seed), func(t *testing.T) {
			recs, _ := synth(3000, seed)
			opt := Options{Namer: fakeNamer{}, FreeDomains: freeDomains, Workers: 3}
			ks := BlockKeys(recs, opt)
			if err := opt.defaults(); err != nil {
				t.Fatal(err)
			}
			fs := extract(recs, &opt)
			es, err := blockEntries(context.Background(), fs, opt.Workers)
			if err != nil {
				t.Fatal(err)
			}
			want := map[[2]int]bool{}
			weakOf := map[uint64]bool{}
			for lo := 0; lo < len(es); {
				hi := lo + 1
				for hi < len(es) && es[hi].h == es[lo].h {
					hi++
				}
				weakOf[es[lo].h] = weakKey[es[lo].typ]
				for x := lo; x < hi; x++ {
					for y := x + 1; y < hi; y++ {
						a, b := fs.index[es[x].i], fs.index[es[y].i]
						if a != b {
							want[[2]int{min(a, b), max(a, b)}] = true
						}
					}
				}
				lo = hi
			}
			got := sharedKeyPairs(ks, nil)
			if len(got) == 0 {
				t.Fatal("no shared keys on synthetic data")
			}
			for p := range want {
				if !got[p] {
					t.Errorf("records %d and %d share a block but no BlockKeys hash", p[0], p[1])
				}
			}
			for p := range got {
				if !want[p] {
					t.Errorf("records %d and %d share a BlockKeys hash but no block", p[0], p[1])
				}
			}
			for i, rk := range ks {
				for _, k := range rk.Keys {
					if w, ok := weakOf[k.Hash]; !ok || w != k.Weak {
						t.Errorf("record %d key %x: weak %v, block has it %v (known %v)", i, k.Hash, k.Weak, w, ok)
					}
				}
				if !slices.IsSortedFunc(rk.Keys, func(a, b BlockKey) int { return cmp.Compare(a.Hash, b.Hash) }) ||
					len(slices.CompactFunc(slices.Clone(rk.Keys), func(a, b BlockKey) bool { return a.Hash == b.Hash })) != len(rk.Keys) {
					t.Errorf("record %d: keys not sorted and distinct: %v", i, rk.Keys)
				}
				if rk.Sort != fs.f[slices.Index(fs.index, i)].name.py {
					t.Errorf("record %d: sort key %q, want %q", i, rk.Sort, fs.f[slices.Index(fs.index, i)].name.py)
				}
			}
		})
	}
}

// TestBlockKeysReproduceCandidates rebuilds Match's candidate pairs from
// the exported keys, caps and window alone, as an incremental run does.
func TestBlockKeysReproduceCandidates(t *testing.T) {
	tests := []struct {
		name     string
		n        int
		maxBlock int
	}{
		{"default cap", 4000, 0},
		{"small cap, many blocks skipped", 4000, 24},
		{"tiny cap", 1500, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			recs, _ := synth(tc.n, 21)
			opt := Options{Namer: fakeNamer{}, FreeDomains: freeDomains, Workers: 2, MaxBlock: tc.maxBlock, KeepCandidates: true}
			res, err := Match(context.Background(), recs, opt)
			if err != nil {
				t.Fatal(err)
			}
			ks := BlockKeys(recs, opt)
			want := sharedKeyPairs(ks, opt.BlockLimit, recs...)
			// Sorted neighbourhood: by sort key, ties in fingerprint order.
			var sorted []int
			for i, rk := range ks {
				if rk.Sort != "" {
					sorted = append(sorted, i)
				}
			}
			slices.SortFunc(sorted, func(a, b int) int {
				return cmp.Or(strings.Compare(ks[a].Sort, ks[b].Sort), strings.Compare(recs[a].Fingerprint, recs[b].Fingerprint))
			})
			for x := range sorted {
				for y := x + 1; y < len(sorted) && y < x+NeighborWindow; y++ {
					a, b := sorted[x], sorted[y]
					want[[2]int{min(a, b), max(a, b)}] = true
				}
			}
			got := map[[2]int]bool{}
			for _, p := range res.Candidates {
				got[[2]int{int(min(p[0], p[1])), int(max(p[0], p[1]))}] = true
			}
			for p := range got {
				if !want[p] {
					t.Fatalf("candidate pair %v is not found by the keys", p)
				}
			}
			// The keys may find more: a number Match found nobody's own
			// is a stored key but no block, and initials make blocks only
			// beside a name written as initials.
			extra := 0
			for p := range want {
				if !got[p] {
					extra++
				}
			}
			t.Logf("%d candidate pairs; the keys give %d more", len(got), extra)
			if tc.maxBlock != 0 && len(res.Stats.CappedBlocks) == 0 {
				t.Errorf("no capped block: the case does not test the caps")
			}
		})
	}
}

func TestBlockKeysDeterministic(t *testing.T) {
	recs, _ := synth(2000, 5)
	want := BlockKeys(recs, Options{Namer: fakeNamer{}, Workers: 1})
	for _, tc := range orders {
		t.Run(tc.name, func(t *testing.T) {
			perm := make([]int, len(recs))
			for i := range perm {
				perm[i] = i
			}
			if tc.seed != 0 {
				rand.New(rand.NewPCG(tc.seed, 0)).Shuffle(len(perm), func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
			}
			in := make([]*record.Record, len(recs))
			for k, i := range perm {
				in[k] = recs[i]
			}
			got := BlockKeys(in, Options{Namer: fakeNamer{}, Workers: tc.workers})
			for k, i := range perm {
				if !slices.Equal(got[k].Keys, want[i].Keys) || got[k].Sort != want[i].Sort {
					t.Fatalf("record %s: keys %v %q, want %v %q", recs[i].Fingerprint, got[k], got[k].Sort, want[i], want[i].Sort)
				}
			}
		})
	}
}

// TestBlockKeysGolden pins the hashes of a few records: they are stored
// on disk, so a change must come with a new KeysVersion (then run with
// -update).
func TestBlockKeysGolden(t *testing.T) {
	specs := []spec{
		{name: "张伟", mobile: "+8613800138000", email: "zhangwei@qq.com", line: "+862088880000", address: "中山路1号3栋101室", tag: "p"},
		{name: "Wei Zhang", tag: "roman"},
		{name: "单丽", mobile: "+8613900000001 +8613900000002", tag: "heteronym"},
		{kind: record.Company, name: "上海华信科技有限公司", key: "华信科技", contact: "李经理", uscc: "91310000MA1FL0XX3K", address: "人民大道100号", tag: "co"},
		{tag: "empty"},
	}
	var b strings.Builder
	fmt.Fprintf(&b, "KeysVersion %d\n", KeysVersion)
	var recs []*record.Record
	for i, s := range specs {
		recs = append(recs, s.at(i%len(places)).record())
	}
	for i, rk := range BlockKeys(recs, Options{Namer: fakeNamer{}}) {
		fmt.Fprintf(&b, "%s sort=%q\n", specs[i].tag, rk.Sort)
		for _, k := range rk.Keys {
			fmt.Fprintf(&b, "  %016x weak=%v\n", k.Hash, k.Weak)
		}
	}
	path := filepath.Join("testdata", "blockkeys.golden")
	if *update {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got := b.String(); got != string(want) {
		t.Errorf("block keys changed; bump KeysVersion and run with -update\ngot:\n%s\nwant:\n%s", got, want)
	}
}

func TestBlockLimit(t *testing.T) {
	tests := []struct {
		name           string
		maxBlock       int
		strong, weaker int
	}{
		{"default", 0, 200, 25},
		{"configured", 400, 400, 50},
		{"small", 10, 10, 2},
		{"below two", 1, 2, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := Options{MaxBlock: tc.maxBlock}
			if got := o.BlockLimit(false); got != tc.strong {
				t.Errorf("BlockLimit(false) = %d, want %d", got, tc.strong)
			}
			if got := o.BlockLimit(true); got != tc.weaker {
				t.Errorf("BlockLimit(true) = %d, want %d", got, tc.weaker)
			}
		})
	}
}

// FuzzBlockKeys: BlockKeys never panics, gives sorted distinct keys and
// the same keys twice.
func FuzzBlockKeys(f *testing.F) {
	f.Add("张伟", "体育西路1号", "zw@qq.com", true)
	f.Add("Wei Zhang", "", "", false)
	f.Add("重庆单丽丽", "解放路", "a@b", false)
	f.Add("\xff\x00", "\uFFFD", "@", true)
	f.Fuzz(func(t *testing.T, name, address, email string, company bool) {
		s := spec{name: name, key: name, address: address, email: email, mobile: "+8613800000001", tag: "f"}.at(0)
		if company {
			s.kind = record.Company
		}
		recs := []*record.Record{s.record()}
		a := BlockKeys(recs, Options{Namer: fakeNamer{}})
		b := BlockKeys(recs, Options{Namer: fakeNamer{}})
		if !slices.Equal(a[0].Keys, b[0].Keys) || a[0].Sort != b[0].Sort {
			t.Fatalf("two calls differ: %v, %v", a[0], b[0])
		}
		for k := 1; k < len(a[0].Keys); k++ {
			if a[0].Keys[k-1].Hash >= a[0].Keys[k].Hash {
				t.Fatalf("keys not sorted and distinct: %v", a[0].Keys)
			}
		}
	})
}

func BenchmarkBlockKeys100k(b *testing.B) {
	recs, _ := synth(100_000, 1)
	b.ReportAllocs()
	for b.Loop() {
		BlockKeys(recs, Options{Namer: fakeNamer{}, Workers: 2})
	}
	b.ReportMetric(float64(len(recs))/(b.Elapsed().Seconds()/float64(b.N)), "rows/s")
}

// TestFewerRecordsThanWorkers: blocking splits records among workers, some
// of which get none (this used to panic with 5 records and 4 workers).
func TestFewerRecordsThanWorkers(t *testing.T) {
	for _, tc := range []struct {
		name       string
		n, workers int
	}{
		{"one record, two workers", 1, 2},
		{"five records, four workers", 5, 4},
		{"seven records, six workers", 7, 6},
		{"eleven records, eight workers", 11, 8},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Match(context.Background(), filler(tc.n), Options{Namer: fakeNamer{}, Workers: tc.workers})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Clusters) != tc.n {
				t.Errorf("%d clusters of %d distinct records", len(res.Clusters), tc.n)
			}
		})
	}
}
