package state

import (
	"encoding/json"
	"fmt"
	"slices"
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

// LegacyGoldenHash is the GoldenHash the golden record of c had when
// written by a crmclean whose contacts had no ids: a customer stored so
// whose golden record is otherwise the same is unchanged.
func LegacyGoldenHash(c *merge.Customer) (string, error) {
	g := *c
	g.Contacts = slices.Clone(c.Contacts)
	for i := range g.Contacts {
		g.Contacts[i].ID = ""
	}
	b, err := GoldenOf(&g)
	if err != nil {
		return "", err
	}
	return GoldenHash(b), nil
}

// StoredGolden is what a run needs of a stored golden record: its contacts
// and the fingerprints of its rows.
type StoredGolden struct {
	Contacts        []merge.Contact
	RowFingerprints []string `json:"row_fingerprints"`
}

// Legacy reports a golden record written before contacts had ids.
func (g *StoredGolden) Legacy() bool {
	return slices.ContainsFunc(g.Contacts, func(c merge.Contact) bool { return c.ID == "" })
}

// ParseGolden reads a stored golden record (GoldenOf).
func ParseGolden(b []byte) (StoredGolden, error) {
	var g StoredGolden
	if err := json.Unmarshal(b, &g); err != nil {
		return g, fmt.Errorf("read a stored golden record: %w", err)
	}
	return g, nil
}
