package sink

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/crmclean/crmclean/pipeline/cputime"
	"github.com/crmclean/crmclean/pipeline/match"
	"github.com/crmclean/crmclean/pipeline/merge"
	"github.com/crmclean/crmclean/pipeline/record"
)

// benchCustomers are n customers made from the test ones, each with its
// own id, mobile and contact ids.
func benchCustomers(n int) []*merge.Customer {
	base := testCustomers()
	cs := make([]*merge.Customer, n)
	for i := range cs {
		c := *base[i%3]
		c.ID = fmt.Sprintf("C%010d", i)
		c.Mobile = fmt.Sprintf("+86138%08d", i)
		c.Phones = []string{c.Mobile}
		c.Contacts = slices.Clone(c.Contacts)
		for j := range c.Contacts {
			c.Contacts[j].ID = fmt.Sprintf("P%09d%d", i, j)
		}
		cs[i] = &c
	}
	return cs
}

// benchRows are n input rows: kept, merged into an earlier row, and one
// in a hundred rejected.
func benchRows(n int) []*record.Record {
	rs := make([]*record.Record, n)
	for i := range rs {
		r := &record.Record{Prov: record.Provenance{File: "销售部客户台账.xlsx", Sheet: "客户台账", Row: i + 2}, CustomerID: fmt.Sprintf("C%010d", i/2),
			Fingerprint: fmt.Sprintf("F%015d", i), Status: record.Kept}
		switch {
		case i%100 == 99:
			r.Status, r.Reason = record.Rejected, "no name, phone or e-mail"
		case i%2 == 1:
			r.Status, r.Reason = record.Merged, fmt.Sprintf("same customer as 销售部客户台账.xlsx, sheet %q, row %d", "客户台账", i+1)
		}
		rs[i] = r
	}
	return rs
}

// benchWriter measures write, which writes rows rows into a folder: rows
// per second of wall time, and per second of CPU time (user and system,
// of every goroutine), which other jobs on a loaded machine stretch less.
func benchWriter(b *testing.B, rows int, write func(dir string) error) {
	dir := b.TempDir()
	b.ReportAllocs()
	cpu0 := cputime.Process()
	for b.Loop() {
		if err := write(dir); err != nil {
			b.Fatal(err)
		}
	}
	cpu := cputime.Process() - cpu0
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	if cpu > 0 {
		b.ReportMetric(float64(rows)*float64(b.N)/cpu.Seconds(), "rows/cpu-s")
	}
}

func BenchmarkWriteClean(b *testing.B) {
	cs := benchCustomers(100_000)
	benchWriter(b, len(cs), func(dir string) error { return WriteClean(context.Background(), dir, cs) })
}

func BenchmarkWriteContacts(b *testing.B) {
	cs := benchCustomers(100_000)
	benchWriter(b, len(cs), func(dir string) error { return WriteContacts(context.Background(), dir, cs) })
}

func BenchmarkWriteLineage(b *testing.B) {
	rs := benchRows(100_000)
	benchWriter(b, len(rs), func(dir string) error { return WriteLineage(context.Background(), dir, rs, "zh") })
}

func BenchmarkWriteLinks(b *testing.B) {
	rs := benchRows(100_000)
	_, pairs := testReview()
	links := make([]match.Pair, len(rs)/2)
	for i := range links {
		links[i] = pairs[0]
		links[i].A, links[i].B = record.Key(2*i), record.Key(2*i+1)
	}
	benchWriter(b, len(links), func(dir string) error { return WriteLinks(context.Background(), dir, rs, links) })
}
