package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/crmclean/crmclean/pipeline/record"
)

// rowColumns are the columns scanRow reads, in its order.
const rowColumns = `fingerprint, file, sheet, row, status, coalesce(customer_id, ''), content_hash, data, first_run, last_run`

// scanRow reads one row selected with rowColumns; dict holds the shared
// strings (sharedStrings.load).
func scanRow(rs *sql.Rows, dict []string) (Row, error) {
	var r Row
	var data []byte
	if err := scanRowHead(rs, &r, &data); err != nil {
		return Row{}, err
	}
	if err := decodeRow(data, &r, dict); err != nil {
		return Row{}, err
	}
	return r, nil
}

// scanRowHead reads one row selected with rowColumns without decoding its
// payload, which it leaves in data.
func scanRowHead(rs *sql.Rows, r *Row, data *[]byte) error {
	var status string
	if err := rs.Scan(&r.Fingerprint, &r.Prov.File, &r.Prov.Sheet, &r.Prov.Row, &status, &r.CustomerID,
		hashColumn{&r.ContentHash}, data, &r.FirstRun, &r.LastRun); err != nil {
		return err
	}
	r.Status = record.Status(status)
	return nil
}

// selectRows returns the rows matching where (an SQL condition on the rows
// table), in file, sheet and row order.
func (s *Store) selectRows(ctx context.Context, where string, args ...any) ([]Row, error) {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	dict, err := s.shared.load(ctx, tx)
	if err != nil {
		return nil, err
	}
	var out []Row
	err = each(ctx, tx, `SELECT `+rowColumns+` FROM rows WHERE `+where+` ORDER BY file, sheet, row`, func(rs *sql.Rows) error {
		r, err := scanRow(rs, dict)
		if err != nil {
			return err
		}
		out = append(out, r)
		return nil
	}, args...)
	return out, err
}

// Row returns the stored row with fingerprint fp; ok is false when the state
// holds no such row (it was never read, its file is gone, or it was purged).
func (s *Store) Row(ctx context.Context, fp string) (row Row, ok bool, err error) {
	rows, err := s.selectRows(ctx, `fingerprint = ?`, fp)
	if err != nil {
		return Row{}, false, fmt.Errorf("read row %s: %w", fp, err)
	}
	if len(rows) == 0 {
		return Row{}, false, nil
	}
	return rows[0], true, nil
}

// CustomerRows returns the rows of customer id (those whose CustomerID is
// id), in file, sheet and row order; none for an unknown, merged or retired
// customer.
func (s *Store) CustomerRows(ctx context.Context, id string) ([]Row, error) {
	rows, err := s.selectRows(ctx, `customer_id = ?`, id)
	if err != nil {
		return nil, fmt.Errorf("read rows of customer %s: %w", id, err)
	}
	return rows, nil
}

// RowsAt returns the rows stored at spreadsheet row n of file (source_file
// as in lineage.csv), one for each sheet that has such a row, sorted by
// sheet name.
func (s *Store) RowsAt(ctx context.Context, file string, n int) ([]Row, error) {
	rows, err := s.selectRows(ctx, `file = ? AND row = ?`, file, n)
	if err != nil {
		return nil, fmt.Errorf("read row %d of %s: %w", n, file, err)
	}
	return rows, nil
}

// Customer returns customer id as stored, without its golden record; ok is
// false when no such customer was ever stored.
func (s *Store) Customer(ctx context.Context, id string) (c Customer, ok bool, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT id, golden_hash, coalesce(merged_into, ''), retired, first_run, last_run FROM customers WHERE id = ?`, id).
		Scan(&c.ID, &c.GoldenHash, &c.MergedInto, &c.Retired, &c.FirstRun, &c.LastRun)
	if errors.Is(err, sql.ErrNoRows) {
		return Customer{}, false, nil
	}
	if err != nil {
		return Customer{}, false, fmt.Errorf("read customer %s: %w", id, err)
	}
	return c, true, nil
}
