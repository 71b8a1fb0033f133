package state

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// normalizeDecision orders the pair and checks the verdict.
func normalizeDecision(d *Decision) error {
	if d.A == "" || d.B == "" {
		return fmt.Errorf("decision %q/%q: both row fingerprints are needed", d.A, d.B)
	}
	if d.A == d.B {
		return fmt.Errorf("decision on row %s: a row cannot be paired with itself", d.A)
	}
	if d.Verdict != Merge && d.Verdict != Keep {
		return fmt.Errorf("decision on rows %s and %s: verdict %q is neither %q nor %q", d.A, d.B, d.Verdict, Merge, Keep)
	}
	if d.B < d.A {
		d.A, d.B = d.B, d.A
	}
	if d.At.IsZero() {
		d.At = time.Now()
	}
	return nil
}

// PairKey returns the order-independent key of a pair of row fingerprints,
// the same whichever side a review file lists first.
func PairKey(a, b string) [2]string {
	if b < a {
		a, b = b, a
	}
	return [2]string{a, b}
}

// putDecisions stores ds (already normalized) under run; a later verdict on
// the same pair replaces an earlier one.
func putDecisions(ctx context.Context, tx *sql.Tx, run int64, ds []Decision) error {
	if len(ds) == 0 {
		return nil
	}
	st, err := tx.PrepareContext(ctx, `INSERT INTO decisions (a, b, verdict, source, at, run_id, pattern) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (a, b) DO UPDATE SET verdict = excluded.verdict, source = excluded.source, at = excluded.at,
			run_id = excluded.run_id, pattern = excluded.pattern`)
	if err != nil {
		return err
	}
	defer st.Close()
	for _, d := range ds {
		if _, err := st.ExecContext(ctx, d.A, d.B, d.Verdict, d.Source, formatTime(d.At), run, d.Pattern); err != nil {
			return fmt.Errorf("store decision on rows %s and %s: %w", d.A, d.B, err)
		}
	}
	return nil
}

// AddDecisions records review decisions outside a run (the decide command,
// a review file handed back later) with a run log entry counting them.
func (s *Store) AddDecisions(ctx context.Context, ds []Decision) error {
	ds = append([]Decision(nil), ds...)
	counts := map[string]int{}
	for i := range ds {
		if err := normalizeDecision(&ds[i]); err != nil {
			return fmt.Errorf("add decisions: %w", err)
		}
		counts[ds[i].Verdict]++
	}
	if len(ds) == 0 {
		return nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("add decisions: %w", err)
	}
	defer tx.Rollback()
	var id int64
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) + 1 FROM runs`).Scan(&id); err != nil {
		return fmt.Errorf("add decisions: %w", err)
	}
	c := committer{ctx: ctx, tx: tx, run: id}
	now := time.Now()
	if err := c.logRun(RunRecord{ID: id, Kind: KindDecisions, Started: now, Ended: now, Counts: counts, Inputs: sources(ds)}); err != nil {
		return fmt.Errorf("add decisions: %w", err)
	}
	if err := putDecisions(ctx, tx, id, ds); err != nil {
		return fmt.Errorf("add decisions: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("add decisions: %w", err)
	}
	return nil
}

// sources lists the distinct sources of ds in order of appearance.
func sources(ds []Decision) []string {
	seen := map[string]bool{}
	var out []string
	for _, d := range ds {
		if d.Source != "" && !seen[d.Source] {
			seen[d.Source] = true
			out = append(out, d.Source)
		}
	}
	return out
}

// Decisions returns every standing decision, ordered by pair.
func (s *Store) Decisions(ctx context.Context) ([]Decision, error) {
	return decisions(ctx, s.db)
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func decisions(ctx context.Context, q querier) ([]Decision, error) {
	rows, err := q.QueryContext(ctx, `SELECT a, b, verdict, source, at, run_id, pattern FROM decisions ORDER BY a, b`)
	if err != nil {
		return nil, fmt.Errorf("read decisions: %w", err)
	}
	defer rows.Close()
	var out []Decision
	for rows.Next() {
		var d Decision
		var at string
		if err := rows.Scan(&d.A, &d.B, &d.Verdict, &d.Source, &at, &d.Run, &d.Pattern); err != nil {
			return nil, fmt.Errorf("read decisions: %w", err)
		}
		d.At = parseTime(at)
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read decisions: %w", err)
	}
	return out, nil
}
