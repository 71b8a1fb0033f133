package sink

import (
	"context"
	"errors"
	"path/filepath"

	"github.com/crmclean/crmclean/pipeline/merge"
)

// Formats are the files a table is written as: name.csv, name.xlsx or both.
// Both at once render each row once and read each customer once, which at
// a million customers costs less than two passes over them (most of a pass
// is fetching the customers' texts from memory).
type Formats struct {
	CSV, XLSX bool
}

// tableFiles writes the rows of one table to its CSV and workbook.
type tableFiles struct {
	csv   *CSV
	book  *xlsxBook
	cells []xlsxCell
}

// tableSpec describes one table's files.
type tableSpec struct {
	name      string   // file name without extension, and the sheet name
	header    []string // header row of both files
	phoneCols []string // CSV columns whose phones stay as they are
	textCols  []string // workbook columns formatted as text
}

func createTable(ctx context.Context, dir string, spec tableSpec, f Formats) (*tableFiles, error) {
	t := &tableFiles{}
	if f.CSV {
		w, err := CreateCSV(ctx, filepath.Join(dir, spec.name+".csv"), spec.header, spec.phoneCols...)
		if err != nil {
			return nil, err
		}
		t.csv = w
	}
	if f.XLSX {
		b, err := createXLSX(xlsxOptions{ctx: ctx, path: filepath.Join(dir, spec.name+".xlsx"), sheet: spec.name, header: spec.header, textCols: spec.textCols})
		if err != nil {
			t.abort()
			return nil, err
		}
		t.book = b
	}
	return t, nil
}

// write adds a row to every file of the table.
func (t *tableFiles) write(row []string) error {
	if t.csv != nil {
		if err := t.csv.Write(row); err != nil {
			return err
		}
	}
	if t.book != nil {
		t.cells = textCells(t.cells[:0], row)
		return t.book.Write(t.cells)
	}
	return nil
}

// close completes the table's files.
func (t *tableFiles) close() error {
	var errs []error
	if t.csv != nil {
		errs = append(errs, t.csv.Close())
	}
	if t.book != nil {
		errs = append(errs, t.book.Close())
	}
	return errors.Join(errs...)
}

// abort discards the table's files after an error.
func (t *tableFiles) abort() {
	if t.csv != nil {
		t.csv.Close()
	}
	if t.book != nil {
		t.book.abort()
	}
}

// WriteCleanFiles writes clean.csv and clean.xlsx (as f says): one row per
// customer, sorted by customer_id; in the workbook, phone and id columns
// are text.
func WriteCleanFiles(ctx context.Context, dir string, customers []*merge.Customer, f Formats) error {
	extras := CleanExtras(customers)
	t, err := createTable(ctx, dir, tableSpec{name: "clean", header: CleanHeader(extras), phoneCols: phoneColumns, textCols: cleanTextColumns}, f)
	if err != nil {
		return err
	}
	var row []string
	err = eachWarmed(customers, func(c *merge.Customer) error {
		row = appendCleanRow(row[:0], c, extras)
		return t.write(row)
	})
	if err != nil {
		t.abort()
		return err
	}
	return t.close()
}

// WriteContactsFiles writes contacts.csv and contacts.xlsx (as f says):
// every distinct contact person of each customer, by customer then
// contact id; in the workbook, phone and id columns are text.
func WriteContactsFiles(ctx context.Context, dir string, customers []*merge.Customer, f Formats) error {
	t, err := createTable(ctx, dir, tableSpec{name: "contacts", header: ContactColumns, phoneCols: phoneColumns, textCols: contactTextColumns}, f)
	if err != nil {
		return err
	}
	var row []string
	var contacts []*merge.Contact
	err = eachWarmed(customers, func(c *merge.Customer) error {
		contacts = appendSortedContacts(contacts[:0], c)
		for _, ct := range contacts {
			row = appendContactRow(row[:0], c, ct)
			if err := t.write(row); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.abort()
		return err
	}
	return t.close()
}
