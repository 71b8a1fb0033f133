package match

import (
	"context"
	"testing"

	"github.com/crmclean/crmclean/pipeline/normalize"
	"github.com/crmclean/crmclean/rules"
)

// BenchmarkMatch100k matches 100,000 synthetic records with realistic
// duplicates on two workers.
func BenchmarkMatch100k(b *testing.B) {
	recs, _ := synth(100_000, 1)
	b.ReportAllocs()
	var pairs int
	for b.Loop() {
		res, err := Match(context.Background(), recs, Options{Namer: fakeNamer{}, FreeDomains: freeDomains, Workers: 2})
		if err != nil {
			b.Fatal(err)
		}
		pairs = res.Stats.CandidatePairs
	}
	sec := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(float64(len(recs))/sec, "rows/s")
	b.ReportMetric(float64(pairs)/sec, "pairs/s")
}

// BenchmarkCompare measures the hot path: one candidate pair compared.
func BenchmarkCompare(b *testing.B) {
	recs, _ := synth(2000, 2)
	fs := extract(recs, &Options{Namer: fakeNamer{}, FreeDomains: freeDomains, Workers: 1})
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		i, j := n%len(fs.f), (n*7+1)%len(fs.f)
		compare(&fs.f[i], &fs.f[j], &fs.tf)
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "pairs/s")
}

// BenchmarkExtract100k measures feature preparation of 100,000 synthetic
// records with the real name reader on two workers.
func BenchmarkExtract100k(b *testing.B) {
	recs, _ := synth(100_000, 1)
	norm, err := normalize.New(rules.Default())
	if err != nil {
		b.Fatal(err)
	}
	opt := Options{Namer: norm.Namer(), FreeDomains: freeDomains, Workers: 2}
	b.ReportAllocs()
	for b.Loop() {
		extract(recs, &opt)
	}
	b.ReportMetric(float64(len(recs))*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
