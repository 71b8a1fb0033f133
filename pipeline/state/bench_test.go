package state

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
)

// benchRows is the rows per commit: 100k by default (a run of 1M rows
// takes minutes on a loaded 2-core machine); STATE_BENCH_ROWS overrides.
func benchRows(b *testing.B) int {
	if v := os.Getenv("STATE_BENCH_ROWS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			b.Fatalf("STATE_BENCH_ROWS=%q: %v", v, err)
		}
		return n
	}
	return 100_000
}

// withBenchKeys gives every row ten blocking keys, as a real run does:
// seven of its own and three shared with a few neighbours.
func withBenchKeys(ch Changes) Changes {
	mix := func(x uint64) uint64 { // splitmix64
		x += 0x9e3779b97f4a7c15
		x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
		x = (x ^ x>>27) * 0x94d049bb133111eb
		return x ^ x>>31
	}
	for i := range ch.Rows {
		r := &ch.Rows[i]
		r.Indexed, r.SortKey = true, fmt.Sprintf("py%08d", mix(uint64(i))%1e8)
		for k := range 10 {
			seed := uint64(i)<<8 | uint64(k)
			if k >= 7 {
				seed = uint64(i/4)<<8 | uint64(k) // shared by 4 rows
			}
			r.Keys = append(r.Keys, mix(seed))
		}
	}
	return ch
}

// BenchmarkCommit commits a run of new rows, each with ten blocking keys,
// and one customer per row in one transaction, and reports rows/s and the
// file size a million rows need.
func BenchmarkCommit(b *testing.B) {
	ctx := context.Background()
	s, path := openTemp(b)
	n := benchRows(b)
	var base int64
	total := 0
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		ch := withBenchKeys(fixtureChanges(base, fmt.Sprintf("b%03d.xlsx", i), n))
		b.StartTimer()
		id, err := s.Commit(ctx, fixtureRun(), ch)
		if err != nil {
			b.Fatal(err)
		}
		base = id
		total += n
	}
	b.StopTimer()
	b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "rows/s")
	if _, err := s.db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		b.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(fi.Size())/float64(total)*1e6/(1<<20), "MiB/1M-rows")
}

// BenchmarkEachRow streams stored rows back, as an incremental run does.
func BenchmarkEachRow(b *testing.B) {
	ctx := context.Background()
	s, _ := openTemp(b)
	n := benchRows(b)
	if _, err := s.Commit(ctx, fixtureRun(), fixtureChanges(0, "a.xlsx", n)); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		got := 0
		if err := s.EachRow(ctx, "", func(Row) error { got++; return nil }); err != nil || got != n {
			b.Fatalf("EachRow: %d rows, %v", got, err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkPairsInOrder orders a first run's pairs (500k, random
// fingerprints) for Commit, and reports pairs/s.
func BenchmarkPairsInOrder(b *testing.B) {
	const n = 500_000
	fp := func(i int) string { return fmt.Sprintf("%020x", uint64(i)*0x9e3779b97f4a7c15) }
	given := make([]Pair, n)
	for i := range given {
		given[i] = Pair{A: fp(i), B: fp(i + n), Kind: PairLink}
	}
	b.ReportAllocs()
	for b.Loop() {
		if got := pairsInOrder(given); len(got) != n {
			b.Fatalf("%d pairs, want %d", len(got), n)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "pairs/s")
}
