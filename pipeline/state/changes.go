package state

import (
	"context"
	"database/sql"
	"fmt"
)

// Changes of a customer in changes.csv.
const (
	ChangeNew       = "new"
	ChangeUpdated   = "updated"
	ChangeUnchanged = "unchanged"
	ChangeMerged    = "merged"
	ChangeRetired   = "retired"
)

// CustomerChange is one line of changes.csv.
type CustomerChange struct {
	ID         string
	Change     string // ChangeNew, ChangeUpdated, …
	MergedInto string // for ChangeMerged
}

// RunChanges derives changes.csv of the latest run from the store, so that
// a run whose outputs never appeared can be republished (see Unpublished).
// It relies on the convention that a run passes to Commit only the customers
// it created or changed: a customer last written by the run is new (first
// written by it), merged, retired or updated; every other live customer is
// unchanged. Customers retired by earlier runs are left out. Sorted by id.
func (s *Store) RunChanges(ctx context.Context, runID int64) ([]CustomerChange, error) {
	var latest int64
	if err := s.db.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM runs WHERE kind = 'run'`).Scan(&latest); err != nil {
		return nil, fmt.Errorf("read changes of run %d: %w", runID, err)
	}
	if runID != latest {
		return nil, fmt.Errorf("read changes of run %d: only the latest run (%d) can be derived from the store", runID, latest)
	}
	var out []CustomerChange
	err := each(ctx, s.db, `SELECT c.id, c.retired, c.first_run, c.last_run, coalesce(m.into_id, '')
		FROM customers c LEFT JOIN merges m ON m.from_id = c.id AND m.run_id = c.last_run
		WHERE c.retired = 0 OR c.last_run = ? ORDER BY c.id`, func(rs *sql.Rows) error {
		var c CustomerChange
		var retired bool
		var first, last int64
		if err := rs.Scan(&c.ID, &retired, &first, &last, &c.MergedInto); err != nil {
			return err
		}
		switch {
		case last != runID:
			c.Change = ChangeUnchanged
		case c.MergedInto != "":
			c.Change = ChangeMerged
		case retired:
			c.Change = ChangeRetired
		case first == runID:
			c.Change = ChangeNew
		default:
			c.Change = ChangeUpdated
		}
		out = append(out, c)
		return nil
	}, runID)
	if err != nil {
		return nil, fmt.Errorf("read changes of run %d: %w", runID, err)
	}
	return out, nil
}

// ContactChange is a contact's line of changes.csv.
type ContactChange struct {
	Customer   string `json:"c"` // the customer holding it (for a contact gone, the one that held it)
	ID         string `json:"k"`
	Change     string `json:"x"`           // ChangeNew, ChangeUpdated, …
	MergedInto string `json:"m,omitempty"` // the contact id, for ChangeMerged
}
