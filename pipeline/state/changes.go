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
// A delta holds every change since the last run whose outputs were
// published, since (0 when none was): the changes of runs committed but
// never published are in it too. It relies on the convention that a run
// passes to Commit only the customers it created or changed: a customer
// last written after since is new (first written after it), merged,
// retired or updated (ChangeSince); every other live customer is
// unchanged. Customers retired before are left out. Sorted by id.
func (s *Store) RunChanges(ctx context.Context, runID, since int64) ([]CustomerChange, error) {
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
		WHERE c.retired = 0 OR c.last_run > ? ORDER BY c.id`, func(rs *sql.Rows) error {
		var c Customer
		if err := rs.Scan(&c.ID, &c.Retired, &c.FirstRun, &c.LastRun, &c.MergedInto); err != nil {
			return err
		}
		out = append(out, CustomerChange{ID: c.ID, Change: ChangeSince(c, since), MergedInto: c.MergedInto})
		return nil
	}, since)
	if err != nil {
		return nil, fmt.Errorf("read changes of run %d: %w", runID, err)
	}
	return out, nil
}

// ChangeSince is how customer c, as stored, changed after run since:
// unchanged when no later run wrote it, else merged, retired, new (first
// written after since) or updated.
func ChangeSince(c Customer, since int64) string {
	switch {
	case c.LastRun <= since:
		return ChangeUnchanged
	case c.MergedInto != "":
		return ChangeMerged
	case c.Retired:
		return ChangeRetired
	case c.FirstRun > since:
		return ChangeNew
	}
	return ChangeUpdated
}

// LastPublished returns the id of the latest run whose outputs were
// published, or 0 when none was.
func (s *Store) LastPublished(ctx context.Context) (int64, error) {
	var id int64
	err := s.db.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM runs WHERE kind = 'run' AND published = 1`).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("read run log: %w", err)
	}
	return id, nil
}

// ContactChange is a contact's line of changes.csv.
type ContactChange struct {
	Customer   string `json:"c"` // the customer holding it (for a contact gone, the one that held it)
	ID         string `json:"k"`
	Change     string `json:"x"`           // ChangeNew, ChangeUpdated, …
	MergedInto string `json:"m,omitempty"` // the contact id, for ChangeMerged
}
