package sink

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/crmclean/crmclean/pipeline/merge"
	"github.com/crmclean/crmclean/pipeline/record"
)

// TestWritersStopWhenCancelled: each writer looks at its context while it
// writes and stops with its error; with a live context the same input is
// written whole.
func TestWritersStopWhenCancelled(t *testing.T) {
	n := 3 * checkEvery
	customers := make([]*merge.Customer, n)
	records := make([]*record.Record, n)
	for i := range n {
		customers[i] = &merge.Customer{ID: fmt.Sprintf("C%06d", i), Name: "上海测试贸易有限公司"}
		records[i] = &record.Record{Prov: record.Provenance{File: "a.csv", Row: i + 2}, Status: record.Rejected, CustomerID: customers[i].ID}
	}
	tests := []struct {
		name  string
		write func(ctx context.Context, dir string) error
	}{
		{"clean.csv", func(ctx context.Context, dir string) error { return WriteClean(ctx, dir, customers) }},
		{"lineage.csv", func(ctx context.Context, dir string) error { return WriteLineage(ctx, dir, records, "en") }},
		{"rejects.csv", func(ctx context.Context, dir string) error { return WriteRejects(ctx, dir, records, "en") }},
		{"clean.xlsx", func(ctx context.Context, dir string) error { return WriteCleanXLSX(ctx, dir, customers) }},
		{"rejects.xlsx", func(ctx context.Context, dir string) error { return WriteRejectsXLSX(ctx, dir, records, "en") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			if err := tt.write(ctx, t.TempDir()); !errors.Is(err, context.Canceled) {
				t.Errorf("cancelled: %v, want context.Canceled", err)
			}
			if err := tt.write(context.Background(), t.TempDir()); err != nil {
				t.Errorf("not cancelled: %v", err)
			}
		})
	}
}
