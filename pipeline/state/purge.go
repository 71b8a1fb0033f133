package state

import (
	"context"
	"fmt"
	"time"
)

// PersonalSetting starts the names of settings that hold personal data
// (telephone numbers, names): Purge deletes them with the rows.
const PersonalSetting = "personal."

// PurgeCounts says what Purge deleted.
type PurgeCounts struct {
	Rows, Customers, Decisions, Files int
}

// Purge deletes the personal data in the store when an engagement ends:
// source rows (with their blocking keys and pairs), golden records, review
// decisions, input file hashes and the settings named PersonalSetting…. What
// is kept holds no personal data: the run log (with a line saying the purge
// happened and what it removed), the merge trail between customer ids, and
// the list of ids ever issued. The file is then vacuumed and its write-ahead
// log truncated, so the deleted bytes are gone from disk, not just unlinked.
func (s *Store) Purge(ctx context.Context) (PurgeCounts, error) {
	var n PurgeCounts
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return n, fmt.Errorf("purge: %w", err)
	}
	defer tx.Rollback()
	for _, d := range []struct {
		table string
		n     *int
	}{{"rows", &n.Rows}, {"customers", &n.Customers}, {"decisions", &n.Decisions}, {"files", &n.Files},
		{"row_keys", nil}, {"pairs", nil}, {"strings", nil}} {
		res, err := tx.ExecContext(ctx, `DELETE FROM `+d.table)
		if err != nil {
			return n, fmt.Errorf("purge %s: %w", d.table, err)
		}
		if d.n != nil {
			c, _ := res.RowsAffected()
			*d.n = int(c)
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM settings WHERE name LIKE ?`, PersonalSetting+"%"); err != nil {
		return n, fmt.Errorf("purge settings: %w", err)
	}
	var id int64
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) + 1 FROM runs`).Scan(&id); err != nil {
		return n, fmt.Errorf("purge: %w", err)
	}
	now := time.Now()
	c := committer{ctx: ctx, tx: tx, run: id}
	if err := c.logRun(RunRecord{ID: id, Kind: KindPurge, Started: now, Ended: now, Published: true,
		Counts: map[string]int{"rows": n.Rows, "customers": n.Customers, "decisions": n.Decisions, "files": n.Files}}); err != nil {
		return n, fmt.Errorf("purge: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return n, fmt.Errorf("purge: %w", err)
	}
	s.shared.reset()
	if err := s.scrub(ctx); err != nil {
		return n, fmt.Errorf("purge: data deleted, but erasing it from the file failed: %w; run purge again", err)
	}
	return n, nil
}

// scrub rewrites the database file without free pages and empties the
// write-ahead log, on one connection.
func (s *Store) scrub(ctx context.Context) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	for _, q := range []string{`PRAGMA wal_checkpoint(TRUNCATE)`, `VACUUM`, `PRAGMA wal_checkpoint(TRUNCATE)`} {
		if q == `VACUUM` {
			if _, err := conn.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("vacuum: %w", err)
			}
			continue
		}
		var busy, frames, done int
		if err := conn.QueryRowContext(ctx, q).Scan(&busy, &frames, &done); err != nil {
			return fmt.Errorf("checkpoint: %w", err)
		}
		if busy != 0 {
			return fmt.Errorf("checkpoint: another process is reading %s; close it and purge again", s.path)
		}
	}
	return nil
}
