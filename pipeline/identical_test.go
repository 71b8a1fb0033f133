package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/crmclean/crmclean/pipeline/merge"
	"github.com/crmclean/crmclean/pipeline/record"
	"github.com/crmclean/crmclean/rules"
)

// identicalSheet is a CSV of n copies of one company's row, two other
// companies, and three copies of a row that is rejected (no name).
func identicalSheet(n int) string {
	var b strings.Builder
	b.WriteString("客户名称,联系人,手机,地址\n")
	for range n {
		b.WriteString("上海恒丰电子有限公司,张伟,13800138000,上海市浦东新区世纪大道100号\n")
	}
	b.WriteString("北京华信科技有限公司,李娜,13900139000,北京市海淀区中关村大街1号\n")
	b.WriteString("广州南方贸易有限公司,王芳,13700137000,广州市天河区天河路2号\n")
	for range 3 {
		b.WriteString(",,13600136000,杭州市西湖区文三路3号\n")
	}
	return b.String()
}

// checkIdenticalLineage checks that lineage.csv in out lists every data
// row of identicalSheet(n) in 台账.csv once, the n copies in one customer
// (id) and the rejected copies rejected, and returns that id.
func checkIdenticalLineage(t *testing.T, out string, n int) string {
	t.Helper()
	byRow := map[int]map[string]string{}
	for _, row := range readRows(t, filepath.Join(out, "lineage.csv")) {
		if row["source_file"] != "台账.csv" {
			continue
		}
		num, err := strconv.Atoi(row["row"])
		if err != nil {
			t.Fatalf("lineage row %v: %v", row, err)
		}
		if _, dup := byRow[num]; dup {
			t.Fatalf("row %d listed twice in lineage.csv", num)
		}
		byRow[num] = row
	}
	if len(byRow) != n+6 { // the header, n copies, 2 companies, 3 rejected copies
		t.Fatalf("lineage.csv lists %d rows of 台账.csv, want %d", len(byRow), n+6)
	}
	id := byRow[2]["customer_id"]
	if id == "" || byRow[2]["status"] != string(record.Kept) && byRow[2]["status"] != string(record.Merged) {
		t.Fatalf("first copy: %v, want it in a customer", byRow[2])
	}
	for num := 3; num <= n+1; num++ {
		if r := byRow[num]; r["status"] != string(record.Merged) || r["customer_id"] != id || !strings.Contains(r["reason"], "row 2") {
			t.Fatalf("copy at row %d: %v; want merged into %s as identical to row 2", num, r, id)
		}
	}
	for num := n + 4; num <= n+6; num++ {
		if r := byRow[num]; r["status"] != string(record.Rejected) || r["customer_id"] != "" {
			t.Errorf("rejected copy at row %d: %v; want rejected", num, r)
		}
	}
	return id
}

// TestIdenticalRowsCostOnce checks that 50,000 copies of one row are one
// row to clean and match: one customer holding them all, every copy in
// lineage.csv merged into it, and no review pair among the copies; copies
// of a rejected row are rejected with it.
func TestIdenticalRowsCostOnce(t *testing.T) {
	const n = 50_000
	dir := t.TempDir()
	in := filepath.Join(dir, "sheets")
	if err := os.MkdirAll(in, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(in, "台账.csv"), []byte(identicalSheet(n)), 0o600); err != nil {
		t.Fatal(err)
	}
	progress := &readProgress{}
	cfg := Config{Inputs: []string{in}, Out: filepath.Join(dir, "out"), Rules: rules.Default(), Workers: 2, Lang: "en", Progress: progress}
	res, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got := progress.read.Load(); got != int64(len(res.Records)) {
		t.Errorf("progress counted %d rows read, want all %d", got, len(res.Records))
	}
	if res.Match.Stats.Records > 3 {
		t.Errorf("%d rows matched, want 3 (one per distinct usable row)", res.Match.Stats.Records)
	}
	if len(res.Match.Review) != 0 || len(res.Match.Links) != 0 {
		t.Errorf("%d review pairs and %d links, want none", len(res.Match.Review), len(res.Match.Links))
	}
	if len(res.Customers) != 3 {
		t.Fatalf("%d customers, want 3", len(res.Customers))
	}
	var big *merge.Customer
	for _, c := range res.Customers {
		if c.Name == "上海恒丰电子有限公司" {
			big = c
		}
	}
	if big == nil || len(big.Rows) != n {
		t.Fatalf("the copied company: %+v, want one customer of %d rows", big, n)
	}
	if len(big.Contacts) != 1 || len(big.Contacts[0].Rows) != n || big.Contacts[0].ID == "" {
		t.Fatalf("contacts of the copied company: %+v, want one of %d rows", big.Contacts, n)
	}
	for _, r := range big.Rows {
		if r.ContactID != big.Contacts[0].ID {
			t.Fatalf("row %d names contact %q, want %s", r.Prov.Row, r.ContactID, big.Contacts[0].ID)
		}
	}
	if id := checkIdenticalLineage(t, cfg.Out, n); id != big.ID {
		t.Errorf("copies in %s, customer is %s", id, big.ID)
	}
	clean := readRows(t, filepath.Join(cfg.Out, "clean.csv"))
	if len(clean) != 3 {
		t.Errorf("clean.csv has %d customers, want 3", len(clean))
	}
	for _, c := range clean {
		if c["customer_id"] == big.ID && c["source_count"] != strconv.Itoa(n) {
			t.Errorf("clean.csv: source_count %s, want %d", c["source_count"], n)
		}
	}
	if contacts := readRows(t, filepath.Join(cfg.Out, "contacts.csv")); len(contacts) != 3 {
		t.Errorf("contacts.csv has %d contacts, want 3", len(contacts))
	}
}

// readProgress counts the rows the read stage reports.
type readProgress struct {
	stage atomic.Value
	read  atomic.Int64
}

func (p *readProgress) Stage(name string, _ int64) { p.stage.Store(name) }
func (p *readProgress) Done()                      {}
func (p *readProgress) Add(int64)                  {}
func (p *readProgress) AddRows(n int64) {
	if p.stage.Load() == "read" {
		p.read.Add(n)
	}
}

// TestIdenticalRowsSync checks that copies keep their customer through the
// state: stored with the row they copy, loaded with it when a new row
// joins its customer, and following it there.
func TestIdenticalRowsSync(t *testing.T) {
	const n = 2_000
	e := &syncEnv{t: t, dir: t.TempDir(), rules: rules.Default()}
	e.sheets, e.state = filepath.Join(e.dir, "sheets"), filepath.Join(e.dir, "state", "crm.db")
	if err := os.MkdirAll(e.sheets, 0o700); err != nil {
		t.Fatal(err)
	}
	e.write("台账.csv", identicalSheet(n))
	first, out1 := e.run()
	id := checkIdenticalLineage(t, out1, n)
	if first.Match.Stats.Records > 3 {
		t.Errorf("first run matched %d rows, want 3", first.Match.Stats.Records)
	}

	// A new row of the copied company: its customer is read back from
	// the state, copies and all.
	e.write("新增.csv", "客户名称,联系人,手机,地址,备注\n上海恒丰电子有限公司,张伟,13800138000,上海市浦东新区世纪大道100号,新来源\n")
	second, out2 := e.run()
	if got := checkIdenticalLineage(t, out2, n); got != id {
		t.Errorf("second run: copies in %s, want %s as before", got, id)
	}
	contactOf := func(res *Result) (string, int) {
		for _, c := range res.Customers {
			if c.ID != id || len(c.Contacts) != 1 {
				continue
			}
			ct := c.Contacts[0]
			for _, r := range c.Rows {
				if r.ContactID != ct.ID {
					t.Errorf("row %s %d names contact %q, want %s", r.Prov.File, r.Prov.Row, r.ContactID, ct.ID)
				}
			}
			return ct.ID, len(ct.Rows)
		}
		return "", -1
	}
	contact, _ := contactOf(first)
	if got, rows := contactOf(second); got != contact || rows != n+1 {
		t.Errorf("customer %s after the new row: contact %s of %d rows, want %s of %d", id, got, rows, contact, n+1)
	}
	if second.Sync.RowsMatched > 4 {
		t.Errorf("second run matched %d rows, want at most 4", second.Sync.RowsMatched)
	}
	if ch := changesByKind(second); len(ch["updated"]) != 1 || ch["updated"][0] != id {
		t.Errorf("changes %v, want %s updated", ch, id)
	}

	// The rules change: every file is read again, and the copies follow
	// their first row as before.
	e.rules = rules.Default()
	e.rules.Match.ReviewThreshold++
	third, out3 := e.run()
	if !third.Sync.RulesChanged {
		t.Fatal("rules change not seen")
	}
	if got := checkIdenticalLineage(t, out3, n); got != id {
		t.Errorf("third run: copies in %s, want %s", got, id)
	}
}

// BenchmarkIdenticalRows measures a run on a sheet of 50,000 copies of one
// row: the copies are read but neither cleaned nor matched.
func BenchmarkIdenticalRows(b *testing.B) {
	in := filepath.Join(b.TempDir(), "sheets")
	if err := os.MkdirAll(in, 0o700); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(in, "台账.csv"), []byte(identicalSheet(50_000)), 0o600); err != nil {
		b.Fatal(err)
	}
	cfg := Config{Inputs: []string{in}, Rules: rules.Default(), Workers: 2, Progress: noProgress{}}
	b.ReportAllocs()
	var rows int
	for b.Loop() {
		res, err := prepare(context.Background(), cfg)
		if err != nil {
			b.Fatal(err)
		}
		rows = len(res.Records)
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
