package state

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/crmclean/crmclean/pipeline/record"
)

func TestOpenCreatesOwnerOnlyFiles(t *testing.T) {
	s, path := openTemp(t)
	mustCommit(t, s, fixtureRun("a.xlsx"), fixtureChanges(0, "a.xlsx", 3))
	seen := 0
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(p)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		seen++
		if got := fi.Mode().Perm(); got != 0o600 {
			t.Errorf("%s: mode %o, want 600", p, got)
		}
	}
	if seen < 2 {
		t.Errorf("expected the database and its WAL on disk, found %d files", seen)
	}
	var mode string
	if err := s.db.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v; want wal", mode, err)
	}
	var fk int
	if err := s.db.QueryRow(`PRAGMA foreign_keys`).Scan(&fk); err != nil || fk != 1 {
		t.Errorf("foreign_keys = %d, %v; want 1", fk, err)
	}
}

func TestOpenPathsNeedingEscapes(t *testing.T) {
	for _, name := range []string{"客户 数据#1?.db", "50%off&more.db"} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, name)
			s, err := Open(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			mustCommit(t, s, fixtureRun(), fixtureChanges(0, "a.xlsx", 1))
			s.Close()
			entries, _ := os.ReadDir(dir)
			if len(entries) != 1 || entries[0].Name() != name {
				var names []string
				for _, e := range entries {
					names = append(names, e.Name())
				}
				t.Errorf("files in the folder: %q, want just %q", names, name)
			}
		})
	}
}

func TestOpenTightensExistingFile(t *testing.T) {
	s, path := openTemp(t)
	s.Close()
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	fi, _ := os.Stat(path)
	if got := fi.Mode().Perm(); got != 0o600 {
		t.Errorf("mode after reopening a 644 file: %o, want 600", got)
	}
}

func TestOpenRefuses(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		prepare func(t *testing.T, path string)
		want    error
		msg     string
	}{
		{
			name: "newer schema",
			prepare: func(t *testing.T, path string) {
				s, err := Open(ctx, path)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := s.db.Exec(`UPDATE schema_version SET version = 99`); err != nil {
					t.Fatal(err)
				}
				s.Close()
			},
			want: ErrNewerSchema,
			msg:  "schema version 99",
		},
		{
			name: "text file",
			prepare: func(t *testing.T, path string) {
				if err := os.WriteFile(path, []byte(strings.Repeat("客户名称,手机\n", 200)), 0o600); err != nil {
					t.Fatal(err)
				}
			},
			want: ErrNotState,
			msg:  "not a SQLite database",
		},
		{
			name: "other SQLite database",
			prepare: func(t *testing.T, path string) {
				db, err := sql.Open("sqlite", path)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := db.Exec(`CREATE TABLE contacts (name TEXT)`); err != nil {
					t.Fatal(err)
				}
				db.Close()
			},
			want: ErrNotState,
			msg:  "other tables",
		},
		{
			name: "empty file",
			prepare: func(t *testing.T, path string) {
				if err := os.WriteFile(path, nil, 0o600); err != nil {
					t.Fatal(err)
				}
			},
			want: ErrNotState,
			msg:  "the file is empty (0 bytes)",
		},
		{
			name: "folder",
			prepare: func(t *testing.T, path string) {
				if err := os.Mkdir(path, 0o700); err != nil {
					t.Fatal(err)
				}
			},
			want: ErrNotState,
			msg:  "it is a folder",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := t.TempDir() + "/state.db"
			tt.prepare(t, path)
			s, err := Open(ctx, path)
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded, want an error")
			}
			if !errors.Is(err, tt.want) {
				t.Errorf("Open error = %v, want %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.msg) || !strings.Contains(err.Error(), path) {
				t.Errorf("Open error %q should mention %q and the path", err, tt.msg)
			}
		})
	}
}

// TestOpenCreatesWhole: a new state file is whole from the moment it
// exists (never empty, so a later Open never refuses it as truncated),
// owner-only, and leaves nothing beside it.
func TestOpenCreatesWhole(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Size() == 0 || st.Mode().Perm() != 0o600 {
		t.Fatalf("state file: size %d, mode %v; want a non-empty 0600 file", st.Size(), st.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != "state.db" && !strings.HasPrefix(e.Name(), "state.db-") {
			t.Errorf("left beside the state file: %s", e.Name())
		}
	}
	s, err = Open(context.Background(), path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	s.Close()
}

func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	ch := fixtureChanges(0, "a.xlsx", 3)
	rejected := fixtureRecord("a.xlsx", 9, "", "+8613900000009", "")
	ch.Rows = append(ch.Rows, RowOf(rejected))
	ch.Decisions = []Decision{{A: ch.Rows[1].Fingerprint, B: ch.Rows[0].Fingerprint, Verdict: Keep, Source: "review.xlsx"}}
	run := mustCommit(t, s, fixtureRun("客户/a.xlsx"), ch)

	p, err := s.Previous(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if p.Base != run {
		t.Errorf("Base = %d, want %d", p.Base, run)
	}
	if p.Last == nil || p.Last.ID != run || p.Last.RulesHash != "r1" {
		t.Errorf("Last = %+v, want run %d", p.Last, run)
	}
	if got, want := p.Files["a.xlsx"], (File{Rel: "a.xlsx", Hash: "h-a.xlsx", Rows: 3, Run: run}); got != want {
		t.Errorf("file = %+v, want %+v", got, want)
	}
	if len(p.Customers) != 3 {
		t.Errorf("%d customers, want 3", len(p.Customers))
	}
	for _, c := range ch.Customers {
		got := p.Customers[c.ID]
		want := Customer{ID: c.ID, GoldenHash: GoldenHash(c.Golden), FirstRun: run, LastRun: run}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("customer %s = %+v, want %+v", c.ID, got, want)
		}
		g, err := s.Golden(ctx, c.ID)
		if err != nil || string(g) != string(c.Golden) {
			t.Errorf("Golden(%s) = %s, %v; want %s", c.ID, g, err, c.Golden)
		}
		if p.Issued[c.ID] != run {
			t.Errorf("Issued[%s] = %d, want %d", c.ID, p.Issued[c.ID], run)
		}
	}
	var got []Row
	if err := s.EachRow(ctx, "", func(r Row) error { got = append(got, r); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(ch.Rows) {
		t.Fatalf("%d rows back, want %d", len(got), len(ch.Rows))
	}
	for i, want := range ch.Rows {
		want.FirstRun, want.LastRun = run, run
		if !reflect.DeepEqual(got[i], want) {
			t.Errorf("row %d:\n got %+v\nwant %+v", i, got[i], want)
		}
	}
	if r := got[3].Record(); r.Status != "rejected" || r.Reason != "no name" || r.CustomerID != "" {
		t.Errorf("rejected row back as %+v", r)
	}
	var other int
	if err := s.EachRow(ctx, "b.xlsx", func(Row) error { other++; return nil }); err != nil || other != 0 {
		t.Errorf("EachRow(b.xlsx) gave %d rows, %v; want none", other, err)
	}
	d := p.Decisions[PairKey(ch.Rows[0].Fingerprint, ch.Rows[1].Fingerprint)]
	if d.Verdict != Keep || d.A > d.B || d.Run != run || d.Source != "review.xlsx" {
		t.Errorf("decision = %+v", d)
	}
	audit, err := s.Audit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := fixtureRun("客户/a.xlsx")
	want.ID, want.Kind = run, KindRun
	want.Counts["decisions.keep"] = 1
	if len(audit) != 1 || !reflect.DeepEqual(audit[0], want) {
		t.Errorf("Audit = %+v, want [%+v]", audit, want)
	}
}

func TestRowOfRedactsSensitive(t *testing.T) {
	r := fixtureRecord("a.xlsx", 2, fixtureName, fixturePhone, "C1")
	row := RowOf(r)
	for _, v := range row.Values {
		if v.Field() == SensitiveField && (v.Text() != "" || v.Raw() != "" || v.Header() != "身份证号") {
			t.Errorf("sensitive value kept as %+v", v)
		}
	}
	for _, is := range row.Issues {
		if strings.Contains(is.Value+is.Fix, fixtureID) {
			t.Errorf("sensitive value kept in issue %+v", is)
		}
	}
	if r.Values[2].Text() != fixtureID {
		t.Error("RowOf changed the record it was given")
	}
	if row.ContentHash != ContentHash(r) || row.ContentHash == "" {
		t.Error("content hash not set")
	}
	r2 := fixtureRecord("a.xlsx", 2, fixtureName, fixturePhone, "C1")
	r2.Values[2] = r2.Values[2].WithText(r2.Values[2].Text(), "110101199003071235")
	if ContentHash(r2) == ContentHash(r) {
		t.Error("content hash ignores a change in a sensitive cell")
	}
}

func TestRowOfSkippedRow(t *testing.T) {
	skipped := &record.Record{Prov: record.Provenance{File: "a.xlsx", Sheet: "客户", Row: 1}, Status: record.Skipped, Reason: "title row"}
	row := RowOf(skipped)
	if row.Fingerprint == "" {
		t.Fatal("a skipped row got no key")
	}
	other := *skipped
	other.Prov.Row = 2
	if RowOf(&other).Fingerprint == row.Fingerprint {
		t.Error("two skipped rows share a key")
	}
	if back := row.Record(); back.Fingerprint != "" || back.Prov != skipped.Prov || back.Reason != "title row" {
		t.Errorf("Record() = %+v", back)
	}
}

func TestSensitiveNeverInFile(t *testing.T) {
	s, path := openTemp(t)
	mustCommit(t, s, fixtureRun("a.xlsx"), fixtureChanges(0, "a.xlsx", 5))
	raw := fileBytes(t, path)
	if !strings.Contains(raw, fixtureName) {
		t.Fatal("fixture name not found in the file: the check below would prove nothing")
	}
	if strings.Contains(raw, fixtureID) {
		t.Error("a sensitive value reached the state file in clear")
	}
}

// fileBytes returns the database and its WAL as one string.
func fileBytes(t *testing.T, path string) string {
	t.Helper()
	var b strings.Builder
	for _, p := range []string{path, path + "-wal"} {
		data, err := os.ReadFile(p)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
		b.Write(data)
	}
	return b.String()
}

func TestCommitUpsertsAndForgets(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	ch := fixtureChanges(0, "a.xlsx", 3)
	ch2 := fixtureChanges(0, "b.xlsx", 2)
	ch.Rows = append(ch.Rows, ch2.Rows...)
	ch.Customers = append(ch.Customers, ch2.Customers...)
	ch.Files = append(ch.Files, ch2.Files...)
	r1 := mustCommit(t, s, fixtureRun(), ch)

	// Run 2: b.xlsx is gone, a.xlsx row 3 deleted, row 2 edited.
	edited := ch.Rows[0]
	edited.Norm.City = "上海市"
	edited.ContentHash = "edited"
	r2 := mustCommit(t, s, fixtureRun(), Changes{Base: r1, GoneFiles: []string{"b.xlsx"},
		GoneRows: []string{ch.Rows[2].Fingerprint}, Rows: []Row{edited},
		Files: []File{{Rel: "a.xlsx", Hash: "h2", Rows: 2}}})

	var rows []Row
	if err := s.EachRow(ctx, "", func(r Row) error { rows = append(rows, r); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 {
		t.Fatalf("%d rows left, want 2", len(rows))
	}
	if rows[0].Norm.City != "上海市" || rows[0].FirstRun != r1 || rows[0].LastRun != r2 {
		t.Errorf("edited row = city %q runs %d..%d", rows[0].Norm.City, rows[0].FirstRun, rows[0].LastRun)
	}
	if rows[1].LastRun != r1 {
		t.Errorf("untouched row last run %d, want %d", rows[1].LastRun, r1)
	}
	p, err := s.Previous(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := p.Files["b.xlsx"]; ok || p.Files["a.xlsx"].Hash != "h2" {
		t.Errorf("files = %+v", p.Files)
	}
}

func TestCommitRejects(t *testing.T) {
	s, _ := openTemp(t)
	r1 := mustCommit(t, s, fixtureRun(), fixtureChanges(0, "a.xlsx", 1))
	orphan := fixtureChanges(r1, "b.xlsx", 1)
	orphan.Customers = nil // the row points at a customer that does not exist
	tests := []struct {
		name string
		ch   Changes
		want string
	}{
		{"stale base", fixtureChanges(0, "b.xlsx", 1), "another run changed the state file"},
		{"row without customer", orphan, "FOREIGN KEY"},
		{"bad verdict", Changes{Base: r1, Decisions: []Decision{{A: "x", B: "y", Verdict: "maybe"}}}, `verdict "maybe"`},
		{"self merge", Changes{Base: r1, Customers: []Customer{{ID: "C1", MergedInto: "C1"}}}, "merged into itself"},
		{"no fingerprint", Changes{Base: r1, Rows: []Row{{}}}, "no fingerprint"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := dump(t, s)
			_, err := s.Commit(context.Background(), fixtureRun(), tt.ch)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Commit error = %v, want one containing %q", err, tt.want)
			}
			if after := dump(t, s); after != before {
				t.Error("a refused commit changed the state")
			}
		})
	}
}

func TestUnpublished(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	if u, err := s.Unpublished(ctx); err != nil || u != nil {
		t.Fatalf("empty store: Unpublished = %+v, %v", u, err)
	}
	lastPublished := func(want int64) {
		t.Helper()
		if got, err := s.LastPublished(ctx); err != nil || got != want {
			t.Errorf("LastPublished = %d, %v; want %d", got, err, want)
		}
	}
	lastPublished(0)
	r1 := mustCommit(t, s, fixtureRun("a.xlsx"), fixtureChanges(0, "a.xlsx", 1))
	u, err := s.Unpublished(ctx)
	if err != nil || u == nil || u.ID != r1 || u.Out != "out" {
		t.Fatalf("after commit: Unpublished = %+v, %v; want run %d", u, err, r1)
	}
	lastPublished(0)
	if err := s.MarkPublished(ctx, r1); err != nil {
		t.Fatal(err)
	}
	if u, err := s.Unpublished(ctx); err != nil || u != nil {
		t.Errorf("after MarkPublished: Unpublished = %+v, %v", u, err)
	}
	lastPublished(r1)
	if err := s.AddDecisions(ctx, []Decision{{A: "x", B: "y", Verdict: Merge}}); err != nil {
		t.Fatal(err)
	}
	if u, err := s.Unpublished(ctx); err != nil || u != nil {
		t.Errorf("a decisions entry made Unpublished return %+v, %v", u, err)
	}
	if err := s.MarkPublished(ctx, 42); err == nil || !strings.Contains(err.Error(), "no such run") {
		t.Errorf("MarkPublished(42) = %v, want no such run", err)
	}
}

func TestHashFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := dir + "/" + name
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	a, err := HashFile(write("a.csv", "客户名称,手机\n张三,13912345678\n"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, content string
		same          bool
	}{
		{"same bytes, other name", "客户名称,手机\n张三,13912345678\n", true},
		{"one digit changed", "客户名称,手机\n张三,13912345679\n", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := HashFile(write(tt.name+".csv", tt.content))
			if err != nil {
				t.Fatal(err)
			}
			if (h == a) != tt.same {
				t.Errorf("hash %s vs %s: same = %v, want %v", h, a, h == a, tt.same)
			}
		})
	}
	if _, err := HashFile(dir + "/missing.csv"); err == nil || !strings.Contains(err.Error(), "missing.csv") {
		t.Errorf("HashFile(missing) = %v, want an error naming the file", err)
	}
}

// TestHashFileRefusesSpecialFiles checks that a FIFO is refused at once
// rather than waited on.
func TestHashFileRefusesSpecialFiles(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "管道.csv")
	if err := mkfifo(fifo); err != nil {
		t.Skip("mkfifo:", err)
	}
	if _, err := HashFile(fifo); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("HashFile(fifo) = %v, want an error: not a regular file", err)
	}
}
