package state

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/crmclean/crmclean/pipeline/record"
)

// Fixture values: invented, but shaped like the real thing.
const (
	fixtureName  = "张伟明"
	fixturePhone = "+8613912345678"
	fixtureID    = "110101199003071234" // a sensitive column
)

func openTemp(t testing.TB) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

// fixtureRecord builds a normalized record of file/sheet/row n.
func fixtureRecord(file string, n int, name, phone, customer string) *record.Record {
	r := &record.Record{
		Prov:        record.Provenance{File: file, Sheet: "客户", Row: n},
		Fingerprint: fmt.Sprintf("fp-%s-%04d", file, n),
		Values: []record.Value{
			record.NewValue(record.FieldName, 0, "客户名称", name, " "+name),
			record.NewValue(record.FieldPhone, 1, "手机", phone, phone),
			record.NewValue(SensitiveField, 2, "身份证号", fixtureID, fixtureID),
			record.NewValue("", 3, "备注", "", "无"),
		},
		Issues: []record.Issue{
			{Field: record.FieldPhone, Col: 1, Header: "手机", Value: phone, Rule: "phone.fixed", Severity: record.Info, Message: "added +86", Fix: phone},
			{Field: SensitiveField, Col: 2, Header: "身份证号", Value: fixtureID, Rule: "sensitive.dropped", Severity: record.Info, Message: "sensitive column dropped"},
		},
		Norm: record.Normalized{
			Kind: record.Person, Name: name, NameKey: name, City: "北京市", Adcode: "110101",
			Phones: []record.Phone{{E164: phone, Type: record.Mobile, Own: true, Col: 1, Input: phone}},
			Emails: []string{fmt.Sprintf("user%d@example.com", n)},
		},
		Status:     record.Kept,
		CustomerID: customer,
	}
	if customer == "" {
		r.Status, r.Reason = record.Rejected, "no name"
	}
	return r
}

// fixtureChanges is a run over n rows of file, one customer per row.
func fixtureChanges(base int64, file string, n int) Changes {
	ch := Changes{Base: base, Files: []File{{Rel: file, Hash: "h-" + file, Rows: n}}}
	for i := 1; i <= n; i++ {
		id := fmt.Sprintf("C%s%06d", strings.ToUpper(file[:1]), i)
		r := fixtureRecord(file, i+1, fmt.Sprintf("%s%d", fixtureName, i), fmt.Sprintf("+86139%08d", i), id)
		ch.Rows = append(ch.Rows, RowOf(r))
		ch.Customers = append(ch.Customers, Customer{ID: id, Golden: []byte(fmt.Sprintf(`{"name":%q}`, r.Norm.Name))})
	}
	return ch
}

func fixtureRun(inputs ...string) RunRecord {
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	return RunRecord{Started: t0, Ended: t0.Add(time.Minute), Inputs: inputs, Out: "out", RulesHash: "r1",
		Counts: map[string]int{"rows": len(inputs)}}
}

func mustCommit(t testing.TB, s *Store, run RunRecord, ch Changes) int64 {
	t.Helper()
	id, err := s.Commit(context.Background(), run, ch)
	if err != nil {
		t.Fatalf("Commit: %v", err)
	}
	return id
}

// dump renders every table of the store, sorted, for before/after checks.
func dump(t testing.TB, s *Store) string {
	t.Helper()
	return dumpDB(t, s.db)
}

func dumpDB(t testing.TB, db *sql.DB) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	// Every table, and the schema itself (a failed bulk load must bring
	// its dropped indexes back).
	var tables []string
	schema, err := db.QueryContext(ctx, `SELECT type, name, coalesce(sql, '') FROM sqlite_master ORDER BY type, name`)
	if err != nil {
		t.Fatalf("dump schema: %v", err)
	}
	for schema.Next() {
		var typ, name, sql string
		if err := schema.Scan(&typ, &name, &sql); err != nil {
			t.Fatalf("dump schema: %v", err)
		}
		fmt.Fprintf(&b, "%s %s %s\n", typ, name, sql)
		if typ == "table" {
			tables = append(tables, name)
		}
	}
	schema.Close()
	for _, table := range tables {
		rows, err := db.QueryContext(ctx, `SELECT * FROM `+table+` ORDER BY 1, 2`)
		if err != nil && strings.Contains(err.Error(), "1st ORDER BY term out of range") || err != nil && table == "schema_version" {
			rows, err = db.QueryContext(ctx, `SELECT * FROM `+table+` ORDER BY 1`)
		}
		if err != nil {
			t.Fatalf("dump %s: %v", table, err)
		}
		cols, _ := rows.Columns()
		fmt.Fprintf(&b, "== %s %v\n", table, cols)
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatalf("dump %s: %v", table, err)
			}
			for i, v := range vals {
				if bs, ok := v.([]byte); ok {
					vals[i] = string(bs)
				}
			}
			fmt.Fprintln(&b, vals...)
		}
		if err := rows.Err(); err != nil {
			t.Fatalf("dump %s: %v", table, err)
		}
		rows.Close()
	}
	return b.String()
}

func validUTF8(ss ...string) bool {
	for _, s := range ss {
		if !utf8.ValidString(s) {
			return false
		}
	}
	return true
}
