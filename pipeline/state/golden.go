package state

import (
	"encoding/json"
	"fmt"

	"github.com/crmclean/crmclean/pipeline/merge"
)

// GoldenOf renders a customer as the golden record JSON to store in
// Customer.Golden: without its rows (they are stored as rows) and without
// the values of sensitive columns, which never reach the state file.
func GoldenOf(c *merge.Customer) ([]byte, error) {
	g := *c
	g.Rows = nil
	g.Sensitive = nil
	b, err := json.Marshal(&g)
	if err != nil {
		return nil, fmt.Errorf("encode customer %s: %w", c.ID, err)
	}
	return b, nil
}
