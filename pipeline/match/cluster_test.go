package match

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/crmclean/crmclean/pipeline/record"
)

func together[K ~int | ~int32](res *Result, a, b K) bool {
	for _, c := range res.Clusters {
		if slices.Contains(c, record.Key(a)) {
			return slices.Contains(c, record.Key(b))
		}
	}
	return false
}

func run(t testing.TB, recs []*record.Record, workers int) *Result {
	t.Helper()
	res, err := Match(context.Background(), recs, Options{Namer: fakeNamer{}, FreeDomains: freeDomains, Workers: workers})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestClusterChainThroughWeakLink(t *testing.T) {
	a := spec{name: "刘德明", mobile: "+8613512340001", email: "ldm1975@qq.com", tag: "A"}.at(5)
	b := spec{name: "刘德明", mobile: "+8613512340001", line: "+862584001234", address: "中山北路30号", tag: "B"}.at(5)
	c := spec{name: "刘德明", line: "+862584001234", address: "中山北路30号", email: "dmliu@163.com", tag: "C"}.at(5)

	// Precondition: B–C alone is above the merge threshold, on the
	// shared landline and address.
	if got, p := bandOf(t, b, c); got != "merge" {
		t.Fatalf("precondition: B–C band = %s, want merge; %s", got, describe(p))
	}
	recs := append([]*record.Record{a.record(), b.record(), c.record()}, filler(60)...)
	res := run(t, recs, 2)
	if !together(res, 0, 1) {
		t.Errorf("A and B (same name and mobile) are apart")
	}
	if together(res, 0, 2) {
		t.Errorf("A and C joined through B's shared landline; clusters %v", res.Clusters[:3])
	}
	if res.Stats.SplitClusters != 1 {
		t.Errorf("SplitClusters = %d, want 1", res.Stats.SplitClusters)
	}
	for _, l := range res.Links {
		if !together(res, l.A, l.B) {
			t.Errorf("link %d–%d reported but its records are apart", l.A, l.B)
		}
	}
}

// A record that shares nothing but the name with one member, because its
// other fields are missing there, is no evidence of two customers: the
// links through the middle member hold (the family case above differs:
// there A and C disagree on their e-mails).
func TestClusterKeepsMemberWithMissingFields(t *testing.T) {
	co := record.Company
	a := spec{kind: co, name: "南京鼎盛电气有限公司", key: "鼎盛电气", mobile: "+8613913812345", tag: "A"}
	b := spec{kind: co, name: "南京鼎盛电气有限公司", key: "鼎盛电气", mobile: "+8613913812345", line: "+862552881234", address: "天元路88号", tag: "B"}.at(5)
	c := spec{kind: co, name: "南京鼎盛电气有限公司", key: "鼎盛电气", line: "+862552881234", address: "天元路88号", tag: "C"}.at(5)
	if got, p := bandOf(t, a, c); got == "merge" || got == "review" {
		t.Fatalf("precondition: A–C band = %s, want below review; %s", got, describe(p))
	}
	recs := append([]*record.Record{a.record(), b.record(), c.record()}, filler(60)...)
	res := run(t, recs, 2)
	if !together(res, 0, 1) || !together(res, 1, 2) {
		t.Errorf("A, B and C are not one customer: clusters %v", res.Clusters[:3])
	}
	if res.Stats.SplitClusters != 0 {
		t.Errorf("SplitClusters = %d, want 0", res.Stats.SplitClusters)
	}
}

func TestClusterHardConflictSplits(t *testing.T) {
	co := spec{kind: record.Company, name: "深圳市鑫达电子有限公司", key: "鑫达电子"}.at(3)
	a, b, c := co, co, co
	a.uscc, a.mobile, a.tag = "91440300MA5F0X1234", "+8613600000001", "A"
	b.mobile, b.email, b.tag = "+8613600000001", "xinda@xinda-e.com", "B"
	c.email, c.uscc, c.tag = "xinda@xinda-e.com", "91440300MA5F0Y9999", "C"
	recs := append([]*record.Record{a.record(), b.record(), c.record()}, filler(60)...)
	res := run(t, recs, 1)
	if together(res, 0, 2) {
		t.Fatalf("records with different USCCs share a cluster: %v", res.Clusters[:3])
	}
	if !together(res, 0, 1) && !together(res, 1, 2) {
		t.Errorf("B joined neither A nor C")
	}
}

// fingerprints renders clusters and review pairs by fingerprint, so that
// runs on differently ordered input compare.
func fingerprints(recs []*record.Record, res *Result) (clusters, review []string) {
	for _, c := range res.Clusters {
		var fps []string
		for _, i := range c {
			fps = append(fps, recs[i].Fingerprint)
		}
		clusters = append(clusters, strings.Join(fps, " + "))
	}
	for _, p := range res.Review {
		review = append(review, fmt.Sprintf("%s ~ %s %.1f %d", recs[p.A].Fingerprint, recs[p.B].Fingerprint, p.Score, len(p.Evidence)))
	}
	slices.Sort(clusters)
	slices.Sort(review)
	return clusters, review
}

// orders are the worker counts and input shuffles (seed 0: none) under
// which the determinism tests expect the same result.
var orders = []struct {
	name    string
	workers int
	seed    uint64
}{
	{"four workers", 4, 0},
	{"shuffled, one worker", 1, 1},
	{"shuffled, three workers", 3, 2},
}

func TestDeterministic(t *testing.T) {
	recs, _ := synth(4000, 7)
	wantC, wantR := fingerprints(recs, run(t, recs, 1))
	for _, tc := range orders {
		t.Run(tc.name, func(t *testing.T) {
			in := slices.Clone(recs)
			if tc.seed != 0 {
				r := rand.New(rand.NewPCG(tc.seed, 0))
				r.Shuffle(len(in), func(i, j int) { in[i], in[j] = in[j], in[i] })
			}
			gotC, gotR := fingerprints(in, run(t, in, tc.workers))
			if !slices.Equal(gotC, wantC) {
				t.Errorf("clusters differ from the one-worker run (%d vs %d clusters)", len(gotC), len(wantC))
			}
			if !slices.Equal(gotR, wantR) {
				t.Errorf("review pairs differ from the one-worker run (%d vs %d)", len(gotR), len(wantR))
			}
		})
	}
}

func TestEveryRecordInOneCluster(t *testing.T) {
	recs, _ := synth(3000, 11)
	res := run(t, recs, 2)
	seen := make([]int, len(recs))
	prev := -1
	for _, c := range res.Clusters {
		if !slices.IsSortedFunc(c, func(x, y record.Key) int { return strings.Compare(recs[x].Fingerprint, recs[y].Fingerprint) }) {
			t.Errorf("cluster %v is not in fingerprint order", c)
		}
		_ = prev
		for _, i := range c {
			seen[i]++
		}
	}
	for i, n := range seen {
		if n != 1 {
			t.Fatalf("record %d is in %d clusters, want 1", i, n)
		}
	}
	total := 0
	for _, sc := range res.Stats.ClusterSizes {
		total += sc.Size * sc.Count
	}
	if total != len(recs) {
		t.Errorf("cluster size histogram covers %d records, want %d", total, len(recs))
	}
}

// pairQuality is pairwise precision and recall of clusters against truth.
func pairQuality(clusters [][]record.Key, truth []int) (precision, recall float64, falsePairs int) {
	var tp, predicted int
	for _, c := range clusters {
		for x := range c {
			for y := x + 1; y < len(c); y++ {
				predicted++
				if truth[c[x]] == truth[c[y]] {
					tp++
				}
			}
		}
	}
	byEntity := map[int]int{}
	for _, e := range truth {
		byEntity[e]++
	}
	actual := 0
	for _, n := range byEntity {
		actual += n * (n - 1) / 2
	}
	return float64(tp) / float64(max(1, predicted)), float64(tp) / float64(max(1, actual)), predicted - tp
}

func TestSyntheticQuality(t *testing.T) {
	recs, truth := synth(20000, 3)
	res := run(t, recs, 2)
	p, r, fp := pairQuality(res.Clusters, truth)
	t.Logf("pairs %d (%.1f/row), links %d, review %d, blocked %d, split %d; precision %.4f recall %.4f (false pairs %d)",
		res.Stats.CandidatePairs, res.Stats.PairsPerRow, len(res.Links), len(res.Review), res.Stats.BlockedMerges, res.Stats.SplitClusters, p, r, fp)
	for _, em := range res.Stats.EM {
		t.Logf("EM %s: pairs %d, iterations %d, lambda %.3f, used %v %s", em.Kind, em.Pairs, em.Iterations, em.Lambda, em.Used, em.Note)
	}
	if p < 0.995 {
		t.Errorf("pairwise precision %.4f, want ≥ 0.995", p)
	}
	if r < 0.85 {
		t.Errorf("pairwise recall %.4f, want ≥ 0.85", r)
	}
}

func TestEvidenceAddsUpToScore(t *testing.T) {
	recs, _ := synth(3000, 13)
	res := run(t, recs, 2)
	if len(res.Review) == 0 || len(res.Links) == 0 {
		t.Fatalf("no pairs to check: %d review, %d links", len(res.Review), len(res.Links))
	}
	for _, p := range append(res.Review, res.Links...) {
		sum := 0.0
		for _, e := range p.Evidence {
			sum += e.Weight
		}
		if d := sum - p.Score; d > 0.5 || d < -0.5 {
			t.Errorf("pair %d–%d: evidence sums to %.1f, score %.1f; %s", p.A, p.B, sum, p.Score, describe(&p))
		}
	}
}
