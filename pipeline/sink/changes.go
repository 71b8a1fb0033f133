package sink

import (
	"context"
	"path/filepath"
)

// ChangeColumns are the columns of changes.csv.
var ChangeColumns = []string{"customer_id", "change", "merged_into"}

// Change is one customer touched by an incremental run.
type Change struct {
	ID         string
	Change     string // new, updated, unchanged, merged, retired
	MergedInto string // for merged
}

// WriteChanges writes changes.csv, in the order given (by customer id).
func WriteChanges(ctx context.Context, dir string, changes []Change) error {
	w, err := CreateCSV(ctx, filepath.Join(dir, "changes.csv"), ChangeColumns)
	if err != nil {
		return err
	}
	for _, c := range changes {
		if err := w.Write([]string{c.ID, c.Change, c.MergedInto}); err != nil {
			w.Close()
			return err
		}
	}
	return w.Close()
}
