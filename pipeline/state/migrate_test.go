package state

import (
	"context"
	"database/sql"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMigrateFromV1 writes a version 1 file by hand, as an older crmclean
// left it, and checks that Open brings it to the current version with its
// data intact and the new tables filled from it.
func TestMigrateFromV1(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v1.db")
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`CREATE TABLE schema_version (version INTEGER NOT NULL)`,
		ms[0].sql,
		`INSERT INTO schema_version VALUES (1)`,
		`INSERT INTO runs (id, started, ended, inputs, rules_hash, counts, published)
			VALUES (1, '2026-01-01T00:00:00Z', '2026-01-01T00:01:00Z', '["a.xlsx"]', 'r', '{"rows":2}', 1)`,
		`INSERT INTO customers (id, golden, golden_hash, merged_into, retired, first_run, last_run)
			VALUES ('CAAA', '{}', 'g', NULL, 0, 1, 1), ('CBBB', '{}', 'g', 'CAAA', 1, 1, 1)`,
		`INSERT INTO rows VALUES ('fp1', 'a.xlsx', '', 2, 'kept', 'CAAA', 'h', '{"n":{"n":"x"}}', 1, 1)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("build v1 file: %v", err)
		}
	}
	db.Close()

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open v1 file: %v", err)
	}
	defer s.Close()
	var v int
	if err := s.db.QueryRow(`SELECT version FROM schema_version`).Scan(&v); err != nil || v != SchemaVersion {
		t.Fatalf("schema version %d, %v; want %d", v, err, SchemaVersion)
	}
	p, err := s.Previous(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if p.Issued["CAAA"] != 1 || p.Issued["CBBB"] != 1 {
		t.Errorf("issued ids not backfilled: %v", p.Issued)
	}
	ms2, err := s.Merges(ctx)
	if err != nil || len(ms2) != 1 || ms2[0] != (MergeRecord{Run: 1, From: "CBBB", Into: "CAAA"}) {
		t.Errorf("merges = %+v, %v", ms2, err)
	}
	audit, err := s.Audit(ctx)
	if err != nil || len(audit) != 1 || audit[0].Kind != KindRun || !audit[0].Published || audit[0].Counts["rows"] != 2 {
		t.Errorf("audit = %+v, %v", audit, err)
	}
	n := 0
	if err := s.EachRow(ctx, "a.xlsx", func(r Row) error {
		n++
		if r.CustomerID != "CAAA" || r.Norm.Name != "x" {
			t.Errorf("row = %+v", r)
		}
		return nil
	}); err != nil || n != 1 {
		t.Errorf("EachRow: %d rows, %v", n, err)
	}
	// A second Open is a no-op.
	before := dump(t, s)
	s2, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	s2.Close()
	if after := dump(t, s); after != before {
		t.Error("reopening a current file changed it")
	}
}

func TestMigrationsMatchSchemaVersion(t *testing.T) {
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != SchemaVersion {
		t.Errorf("%d migration files, SchemaVersion = %d", len(ms), SchemaVersion)
	}
}

func TestMigrateFromEmpty(t *testing.T) {
	s, _ := openTemp(t)
	var v int
	if err := s.db.QueryRow(`SELECT version FROM schema_version`).Scan(&v); err != nil || v != SchemaVersion {
		t.Fatalf("schema version %d, %v; want %d", v, err, SchemaVersion)
	}
	var n int
	if err := s.db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE type = 'table'`).Scan(&n); err != nil || n != 12 {
		t.Errorf("%d tables, %v; want 12", n, err)
	}
}

// TestForeignKeysIndexed: a foreign key whose child column has no index
// makes every write to the parent scan the child table; with a million rows
// that turns a commit quadratic.
func TestForeignKeysIndexed(t *testing.T) {
	s, _ := openTemp(t)
	indexed := map[string]bool{} // table.column leading some index or the primary key
	tables := []string{}
	if err := each(context.Background(), s.db, `SELECT name FROM sqlite_master WHERE type = 'table'`, func(rs *sql.Rows) error {
		var name string
		if err := rs.Scan(&name); err != nil {
			return err
		}
		tables = append(tables, name)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, table := range tables {
		if err := each(context.Background(), s.db, `SELECT il.name, ii.name FROM pragma_index_list(?) il, pragma_index_info(il.name) ii WHERE ii.seqno = 0`, func(rs *sql.Rows) error {
			var index, col string
			if err := rs.Scan(&index, &col); err != nil {
				return err
			}
			indexed[table+"."+col] = true
			return nil
		}, table); err != nil {
			t.Fatal(err)
		}
	}
	fks := 0
	for _, table := range tables {
		if err := each(context.Background(), s.db, `SELECT "from", "table" FROM pragma_foreign_key_list(?)`, func(rs *sql.Rows) error {
			var from, parent string
			if err := rs.Scan(&from, &parent); err != nil {
				return err
			}
			fks++
			if !indexed[table+"."+from] {
				t.Errorf("foreign key %s.%s → %s has no index on %s.%s", table, from, parent, table, from)
			}
			return nil
		}, table); err != nil {
			t.Fatal(err)
		}
	}
	if fks == 0 {
		t.Error("no foreign keys found: the check proves nothing")
	}
}

var update = flag.Bool("update", false, "rewrite testdata/schema.sql")

// TestSchemaGolden pins the schema a fresh file gets, so that a change to
// a migration shows up in review as a change to testdata/schema.sql.
func TestSchemaGolden(t *testing.T) {
	s, _ := openTemp(t)
	var b strings.Builder
	if err := each(context.Background(), s.db, `SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type DESC, name`, func(rs *sql.Rows) error {
		var q string
		if err := rs.Scan(&q); err != nil {
			return err
		}
		b.WriteString(q + ";\n\n")
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "schema.sql")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if b.String() != string(want) {
		t.Errorf("schema differs from %s (run go test -update if the change is intended):\n%s", golden, b.String())
	}
}
