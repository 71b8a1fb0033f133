package state

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/crmclean/crmclean/pipeline/merge"
)

// golden is a customer as stored: its fields without its rows and without
// the values of sensitive columns, plus the fingerprints of its rows, so
// that a customer who gains or loses a row counts as updated even when no
// field changes (its source_count and lineage do).
type golden struct {
	*merge.Customer
	RowFingerprints []string `json:"row_fingerprints"`
}

// GoldenOf renders a customer as the golden record JSON to store in
// Customer.Golden: without its rows (they are stored as rows; only their
// fingerprints, sorted, are listed) and without the values of sensitive
// columns, which never reach the state file.
func GoldenOf(c *merge.Customer) ([]byte, error) {
	g := *c
	g.Rows = nil
	g.Sensitive = nil
	fps := make([]string, 0, len(c.Rows))
	for _, r := range c.Rows {
		fps = append(fps, r.Fingerprint)
	}
	sort.Strings(fps)
	b, err := json.Marshal(golden{Customer: &g, RowFingerprints: fps})
	if err != nil {
		return nil, fmt.Errorf("encode customer %s: %w", c.ID, err)
	}
	return b, nil
}
