package sink

import (
	"context"
	"path/filepath"
)

// ChangeColumns are the columns of changes.csv.
var ChangeColumns = []string{"customer_id", "contact_id", "change", "merged_into"}

// Change is one line of changes.csv: a customer touched by an incremental
// run (ContactID empty), or one of its contacts.
type Change struct {
	ID         string // the customer
	ContactID  string // the contact, for a contact's line
	Change     string // new, updated, unchanged, merged, retired
	MergedInto string // for merged: the customer's, or for a contact the contact's
}

// WriteChanges writes changes.csv, in the order given (by customer id, a
// customer's own line before its contacts').
func WriteChanges(ctx context.Context, dir string, changes []Change) error {
	w, err := CreateCSV(ctx, filepath.Join(dir, "changes.csv"), ChangeColumns)
	if err != nil {
		return err
	}
	for _, c := range changes {
		if err := w.Write([]string{c.ID, c.ContactID, c.Change, c.MergedInto}); err != nil {
			w.Close()
			return err
		}
	}
	return w.Close()
}
