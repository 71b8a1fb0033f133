package pipeline

import (
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/crmclean/crmclean/pipeline/merge"
	"github.com/crmclean/crmclean/pipeline/record"
	"github.com/crmclean/crmclean/pipeline/state"
	"github.com/crmclean/crmclean/rules"
)

const fixtureSheets = "../fixtures/sheets"

// syncEnv is a project folder for incremental-run tests: a copy of the
// fixture sheets, a state file and numbered output folders.
type syncEnv struct {
	t      *testing.T
	dir    string
	sheets string
	state  string
	runs   int
	rules  *rules.Rules
}

func newSyncEnv(t *testing.T) *syncEnv {
	t.Helper()
	dir := t.TempDir()
	e := &syncEnv{t: t, dir: dir, sheets: filepath.Join(dir, "sheets"), state: filepath.Join(dir, "state", "crm.db"), rules: rules.Default()}
	if err := os.CopyFS(e.sheets, os.DirFS(fixtureSheets)); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *syncEnv) config(mod ...func(*Config)) Config {
	e.runs++
	cfg := Config{Inputs: []string{e.sheets}, Out: filepath.Join(e.dir, fmt.Sprintf("out%d", e.runs)), Rules: e.rules,
		Workers: 2, Lang: "en", State: e.state}
	for _, m := range mod {
		m(&cfg)
	}
	return cfg
}

// run runs Run and returns the result and its output folder.
func (e *syncEnv) run(mod ...func(*Config)) (*Result, string) {
	e.t.Helper()
	cfg := e.config(mod...)
	res, err := Run(context.Background(), cfg)
	if err != nil {
		e.t.Fatalf("run %d: %v", e.runs, err)
	}
	return res, cfg.Out
}

func (e *syncEnv) write(name, content string) {
	e.t.Helper()
	if err := os.WriteFile(filepath.Join(e.sheets, name), []byte(content), 0o600); err != nil {
		e.t.Fatal(err)
	}
}

// readRows reads a CSV output file as maps by header.
func readRows(t *testing.T, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cr := csv.NewReader(f)
	header, err := cr.Read()
	if err != nil {
		t.Fatal(err)
	}
	header[0] = strings.TrimPrefix(header[0], "\uFEFF")
	var out []map[string]string
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		for i, h := range header {
			m[h] = rec[i]
		}
		out = append(out, m)
	}
}

func changesByKind(res *Result) map[string][]string {
	out := map[string][]string{}
	for _, c := range res.Sync.Changes {
		out[c.Change] = append(out[c.Change], c.ID)
	}
	return out
}

func customerIDs(res *Result) []string {
	var ids []string
	for _, c := range res.Customers {
		ids = append(ids, c.ID)
	}
	return ids
}

// customerOf returns the customer holding the row with fingerprint fp.
func customerOf(res *Result, fp string) *merge.Customer {
	for _, c := range res.Customers {
		for _, r := range c.Rows {
			if r.Fingerprint == fp {
				return c
			}
		}
	}
	return nil
}

func sameFile(t *testing.T, a, b string) {
	t.Helper()
	x, err := os.ReadFile(a)
	if err != nil {
		t.Fatal(err)
	}
	y, err := os.ReadFile(b)
	if err != nil {
		t.Fatal(err)
	}
	if string(x) != string(y) {
		xl, yl := strings.Split(string(x), "\n"), strings.Split(string(y), "\n")
		for i := range min(len(xl), len(yl)) {
			if xl[i] != yl[i] {
				t.Errorf("%s and %s differ on line %d:\n%s\n%s", a, b, i+1, xl[i], yl[i])
				return
			}
		}
		t.Errorf("%s and %s differ: %d and %d lines", a, b, len(xl), len(yl))
	}
}

func TestSyncFirstRunEqualsBatch(t *testing.T) {
	e := newSyncEnv(t)
	res, out := e.run()
	if !res.Sync.First || len(res.Sync.FilesReused) != 0 {
		t.Errorf("first run: First=%v reused=%v", res.Sync.First, res.Sync.FilesReused)
	}
	batch := Config{Inputs: []string{e.sheets}, Out: filepath.Join(e.dir, "batch"), Rules: e.rules, Workers: 2, Lang: "en"}
	if _, err := Run(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"clean.csv", "lineage.csv", "links.csv", "review.csv", "contacts.csv", "rejects.csv"} {
		sameFile(t, filepath.Join(out, f), filepath.Join(batch.Out, f))
	}
	if got := changesByKind(res); len(got["new"]) != len(res.Customers) || len(got) != 1 {
		t.Errorf("first run changes: %d kinds, %d new of %d customers", len(got), len(got["new"]), len(res.Customers))
	}
	if _, err := os.Stat(filepath.Join(out, "changes.csv")); err != nil {
		t.Error(err)
	}
	fi, err := os.Stat(e.state)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("state file mode %v, want 0600", fi.Mode().Perm())
	}
}

func TestSyncRerunUnchanged(t *testing.T) {
	e := newSyncEnv(t)
	first, out1 := e.run()
	second, out2 := e.run()
	if len(second.Sync.FilesRead) == 0 && len(second.Sync.FilesReused) == 0 {
		t.Fatal("no files in the second run")
	}
	// Only files that could not be read are read again.
	for _, f := range second.Sync.FilesRead {
		for _, fr := range second.Files {
			if fr.Rel == f && fr.Err == nil {
				t.Errorf("%s was read again though unchanged", f)
			}
		}
	}
	if !slices.Equal(customerIDs(first), customerIDs(second)) {
		t.Error("customer ids changed on an unchanged re-run")
	}
	if got := changesByKind(second); len(got["unchanged"]) != len(second.Customers) || len(got) != 1 {
		t.Errorf("re-run changes: %v kinds", len(got))
	}
	for _, f := range []string{"clean.csv", "lineage.csv", "links.csv", "review.csv", "contacts.csv"} {
		sameFile(t, filepath.Join(out1, f), filepath.Join(out2, f))
	}
}

// newRowsCSV writes rows for n single-row customers of res (same name and
// mobile) and two brand-new customers into a new sheet.
func newRowsCSV(t *testing.T, res *Result, n int) (string, []string) {
	t.Helper()
	var b strings.Builder
	b.WriteString("客户名称,手机,备注\n")
	var picked []string
	for _, c := range res.Customers {
		if len(picked) == n {
			break
		}
		if c.Kind != record.Company || c.Mobile == "" || c.Name == "" || len(c.Rows) != 1 {
			continue
		}
		fmt.Fprintf(&b, "%s,%s,新来源\n", c.Name, strings.TrimPrefix(c.Mobile, "+86"))
		picked = append(picked, c.ID)
	}
	if len(picked) < n {
		t.Fatalf("only %d companies with a mobile in the fixtures", len(picked))
	}
	b.WriteString("甘肃陇原星辰测试贸易有限公司,13919190001,新客户\n")
	b.WriteString("宁夏贺兰山测试农业有限公司,13919190002,新客户\n")
	return b.String(), picked
}

func TestSyncNewFile(t *testing.T) {
	e := newSyncEnv(t)
	first, _ := e.run()
	content, picked := newRowsCSV(t, first, 3)
	e.write("新增客户.csv", content)
	second, out := e.run(func(c *Config) { c.ChangesOnly = true })

	if !slices.Equal(second.Sync.FilesRead, append(unreadable(second), "新增客户.csv")) && !slices.Contains(second.Sync.FilesRead, "新增客户.csv") {
		t.Errorf("files read: %v", second.Sync.FilesRead)
	}
	got := changesByKind(second)
	if len(got["new"]) != 2 {
		t.Errorf("new customers: %v, want the 2 new companies", got["new"])
	}
	for _, id := range picked {
		if !slices.Contains(got["updated"], id) {
			t.Errorf("customer %s got a new row but is not updated (updated: %v)", id, got["updated"])
		}
	}
	if len(got["updated"]) != len(picked) || len(got["merged"]) != 0 || len(got["retired"]) != 0 {
		t.Errorf("changes: %d updated, %d merged, %d retired", len(got["updated"]), len(got["merged"]), len(got["retired"]))
	}
	if len(got["unchanged"]) != len(first.Customers)-len(picked) {
		t.Errorf("unchanged: %d, want %d", len(got["unchanged"]), len(first.Customers)-len(picked))
	}
	// Every earlier customer keeps its id.
	var ids []string
	for _, c := range second.Sync.Changes {
		if c.Change == state.ChangeUnchanged || c.Change == state.ChangeUpdated {
			ids = append(ids, c.ID)
		}
	}
	if !slices.Equal(ids, customerIDs(first)) {
		t.Errorf("%d customers kept their id, want all %d", len(ids), len(first.Customers))
	}
	// --changes-only: clean.csv holds the new and updated customers only;
	// lineage.csv the rows of the new file and of the changed customers.
	clean := readRows(t, filepath.Join(out, "clean.csv"))
	if len(clean) != len(got["new"])+len(got["updated"]) {
		t.Errorf("clean.csv has %d customers, want %d", len(clean), len(got["new"])+len(got["updated"]))
	}
	for _, row := range readRows(t, filepath.Join(out, "lineage.csv")) {
		if row["source_file"] != "新增客户.csv" && !slices.Contains(picked, row["customer_id"]) && !slices.Contains(second.Sync.FilesRead, row["source_file"]) {
			t.Errorf("lineage.csv lists an unchanged row: %v", row)
		}
	}
	// changes.csv of a changes-only run lists what changed, not the
	// unchanged customers (counted in the summary instead).
	changes := readRows(t, filepath.Join(out, "changes.csv"))
	lines := map[string]int{}
	for _, row := range changes {
		if row["contact_id"] == "" {
			lines[row["change"]]++
		}
	}
	if lines["unchanged"] != 0 || lines["new"] != len(got["new"]) || lines["updated"] != len(got["updated"]) {
		t.Errorf("changes.csv customer lines by change: %v, want %d new, %d updated, no unchanged", lines, len(got["new"]), len(got["updated"]))
	}
}

func unreadable(res *Result) []string {
	var out []string
	for _, f := range res.Files {
		if f.Err != nil {
			out = append(out, f.Rel)
		}
	}
	return out
}

func TestSyncChangedFileReusesRows(t *testing.T) {
	e := newSyncEnv(t)
	first, _ := e.run()
	// Insert a title line and a new customer at the top of a CSV: every
	// row below moves down, but keeps its identity and its customer.
	path := filepath.Join(e.sheets, "财务开票信息.csv")
	old, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(old), "\n")
	var header int
	for i, l := range lines {
		if strings.HasPrefix(l, "购买方名称") {
			header = i
		}
	}
	cols := strings.Count(lines[header], ",")
	added := "青海昆仑测试矿业有限公司" + strings.Repeat(",", cols) + "\n"
	edited := strings.Join(lines[:header+1], "") + added + strings.Join(lines[header+1:], "")
	e.write("财务开票信息.csv", edited)

	second, _ := e.run()
	if !slices.Contains(second.Sync.FilesRead, "财务开票信息.csv") {
		t.Fatalf("changed file not read: %v", second.Sync.FilesRead)
	}
	if second.Sync.RowsReused == 0 {
		t.Error("no row of the changed file was reused")
	}
	before := map[string]*record.Record{}
	for _, r := range first.Records {
		if r.Prov.File == "财务开票信息.csv" && r.Fingerprint != "" {
			before[r.Fingerprint] = r
		}
	}
	moved := 0
	for _, r := range second.Records {
		old, ok := before[r.Fingerprint]
		if !ok || r.Prov.File != "财务开票信息.csv" {
			continue
		}
		if r.Prov.Row != old.Prov.Row+1 {
			t.Errorf("row %s moved from %d to %d, want +1", r.Fingerprint, old.Prov.Row, r.Prov.Row)
		}
		if r.CustomerID != old.CustomerID {
			t.Errorf("row %d changed customer %s → %s", r.Prov.Row, old.CustomerID, r.CustomerID)
		}
		moved++
	}
	if moved != len(before) {
		t.Errorf("%d of %d rows found again", moved, len(before))
	}
	if got := changesByKind(second); len(got["new"]) != 1 || len(got["merged"]) != 0 || len(got["retired"]) != 0 {
		t.Errorf("changes: %v new, %v merged, %v retired", got["new"], got["merged"], got["retired"])
	}
}

func TestSyncMissingFile(t *testing.T) {
	e := newSyncEnv(t)
	first, _ := e.run()
	onlyThere := map[string]bool{} // customers whose rows all come from the removed file
	for _, c := range first.Customers {
		all := true
		for _, r := range c.Rows {
			all = all && r.Prov.File == "门店会员.xlsx"
		}
		if all {
			onlyThere[c.ID] = true
		}
	}
	if len(onlyThere) == 0 {
		t.Fatal("fixture: no customer only in 门店会员.xlsx")
	}
	if err := os.Rename(filepath.Join(e.sheets, "门店会员.xlsx"), filepath.Join(e.dir, "门店会员.xlsx")); err != nil {
		t.Fatal(err)
	}

	kept, _ := e.run()
	if !slices.Equal(kept.Sync.FilesKept, []string{"门店会员.xlsx"}) {
		t.Errorf("files kept: %v", kept.Sync.FilesKept)
	}
	if !slices.Equal(customerIDs(first), customerIDs(kept)) {
		t.Error("customers changed although the missing file's rows are kept by default")
	}

	gone, _ := e.run(func(c *Config) { c.RetireMissing = true })
	if !slices.Equal(gone.Sync.FilesGone, []string{"门店会员.xlsx"}) {
		t.Errorf("files retired: %v", gone.Sync.FilesGone)
	}
	retired := changesByKind(gone)["retired"]
	for id := range onlyThere {
		if !slices.Contains(retired, id) {
			t.Errorf("customer %s lost all its rows but is not retired", id)
		}
	}
	if len(retired) != len(onlyThere) {
		t.Errorf("retired %d customers, want %d", len(retired), len(onlyThere))
	}
	for _, r := range gone.Records {
		if r.Prov.File == "门店会员.xlsx" {
			t.Fatalf("a row of the retired file is still in the run: %s", r.Prov)
		}
	}
	// A retired customer stays retired, and is not listed again.
	again, _ := e.run()
	if n := len(changesByKind(again)["retired"]); n != 0 {
		t.Errorf("%d customers retired again", n)
	}
}

// storeDecisions records decisions as `crmclean decide` would.
func storeDecisions(t *testing.T, path string, ds ...state.Decision) {
	t.Helper()
	st, err := state.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.AddDecisions(context.Background(), ds); err != nil {
		t.Fatal(err)
	}
}

func TestSyncHonoursDecisions(t *testing.T) {
	e := newSyncEnv(t)
	first, _ := e.run()
	// A customer of two or more rows, and two single-row customers.
	var multi *merge.Customer
	var singles []*merge.Customer
	for _, c := range first.Customers {
		switch {
		case len(c.Rows) >= 2 && multi == nil:
			multi = c
		case len(c.Rows) == 1 && len(singles) < 2 && c.Kind == record.Company:
			singles = append(singles, c)
		}
	}
	if multi == nil || len(singles) < 2 {
		t.Fatal("fixture lacks the customers this test needs")
	}
	a, b := multi.Rows[0].Fingerprint, multi.Rows[1].Fingerprint
	x, y := singles[0].Rows[0].Fingerprint, singles[1].Rows[0].Fingerprint
	storeDecisions(t, e.state,
		state.Decision{A: a, B: b, Verdict: state.Keep, Source: "test"},
		state.Decision{A: x, B: y, Verdict: state.Merge, Source: "test"})

	second, _ := e.run()
	ca, cb := customerOf(second, a), customerOf(second, b)
	if ca == nil || cb == nil || ca.ID == cb.ID {
		t.Fatalf("rows decided keep are still one customer")
	}
	if ca.ID != multi.ID && cb.ID != multi.ID {
		t.Errorf("neither part kept the split customer's id %s (%s, %s)", multi.ID, ca.ID, cb.ID)
	}
	cx, cy := customerOf(second, x), customerOf(second, y)
	if cx == nil || cx != cy {
		t.Fatalf("rows decided merge are not one customer")
	}
	got := changesByKind(second)
	if len(got["merged"]) != 1 || len(got["new"]) != 1 {
		t.Errorf("changes: merged %v, new %v", got["merged"], got["new"])
	}
	survivor := cx.ID
	var mergedInto string
	for _, c := range second.Sync.Changes {
		if c.Change == state.ChangeMerged {
			mergedInto = c.MergedInto
		}
	}
	if mergedInto != survivor || (survivor != singles[0].ID && survivor != singles[1].ID) {
		t.Errorf("merged into %q, survivor %q, want one of the two earlier ids", mergedInto, survivor)
	}

	// Decisions hold in every later run, with ids stable from now on.
	third, _ := e.run()
	if !slices.Equal(customerIDs(second), customerIDs(third)) {
		t.Error("ids changed in the run after the decisions")
	}
	if customerOf(third, a).ID == customerOf(third, b).ID || customerOf(third, x).ID != customerOf(third, y).ID {
		t.Error("decisions not honoured in a later run")
	}
}

func TestSyncRulesChange(t *testing.T) {
	e := newSyncEnv(t)
	first, _ := e.run()
	r := rules.Default()
	r.Placeholders = append(r.Placeholders, "待补充")
	e.rules = r
	second, _ := e.run()
	if !second.Sync.RulesChanged || len(second.Sync.FilesReused) != 0 || second.Sync.RowsReused != 0 {
		t.Errorf("rules changed: RulesChanged=%v reused files %v rows %d", second.Sync.RulesChanged, second.Sync.FilesReused, second.Sync.RowsReused)
	}
	if !slices.Equal(customerIDs(first), customerIDs(second)) {
		t.Error("ids changed with a rules change that changes no row")
	}
}

func TestSyncRepublishesAfterCrash(t *testing.T) {
	e := newSyncEnv(t)
	e.run()
	content, _ := newRowsCSV(t, mustRun(t, e), 2)
	e.write("新增客户.csv", content)

	crash := errors.New("killed after commit")
	failpoint = func(step string) error {
		if step == "committed" {
			return crash
		}
		return nil
	}
	cfg := e.config()
	_, err := Run(context.Background(), cfg)
	failpoint = func(string) error { return nil }
	if !errors.Is(err, crash) {
		t.Fatalf("run: %v, want the crash", err)
	}
	if _, err := os.Stat(cfg.Out); !os.IsNotExist(err) {
		t.Fatalf("outputs of the crashed run exist: %v", err)
	}
	// The next run publishes the crashed run's outputs first, then its own.
	res, _ := e.run()
	if res.Sync.Republished == nil || res.Sync.Republished.Out != cfg.Out {
		t.Fatalf("republished: %+v", res.Sync.Republished)
	}
	changes := readRows(t, filepath.Join(cfg.Out, "changes.csv"))
	news := 0
	for _, c := range changes {
		if c["change"] == state.ChangeNew {
			news++
		}
	}
	if news != 2 {
		t.Errorf("republished changes.csv has %d new customers, want 2", news)
	}
	// Its own delta, in its own folder, carries the crashed run's changes
	// (an import of the latest folder alone misses nothing); the next one
	// changes nothing.
	if got := changesByKind(res); len(got[state.ChangeNew]) != 2 || len(got[state.ChangeUpdated]) != 2 || res.Sync.Carried == nil {
		t.Errorf("the run after the crash: %d new, %d updated, carried %v; want the crashed run's 2 new and 2 updated",
			len(got[state.ChangeNew]), len(got[state.ChangeUpdated]), res.Sync.Carried != nil)
	}
	if got := changesByKind(mustRun(t, e)); len(got) != 1 || len(got[state.ChangeUnchanged]) == 0 {
		t.Errorf("the run after that changed customers: %d kinds of change", len(got))
	}
}

// mustRun runs once more and returns the result.
func mustRun(t *testing.T, e *syncEnv) *Result {
	t.Helper()
	res, _ := e.run()
	return res
}

// partition lists each customer's row fingerprints, sorted, for comparing
// how two runs grouped the same rows whatever the ids.
func partition(res *Result) []string {
	var out []string
	for _, c := range res.Customers {
		var fps []string
		for _, r := range c.Rows {
			fps = append(fps, r.Fingerprint)
		}
		slices.Sort(fps)
		out = append(out, strings.Join(fps, ","))
	}
	slices.Sort(out)
	return out
}

func TestSyncIncrementalMatchesLikeBatch(t *testing.T) {
	e := newSyncEnv(t)
	first, _ := e.run()
	content, _ := newRowsCSV(t, first, 4)
	e.write("新增客户.csv", content)
	second, out := e.run()

	usable := 0
	for _, r := range second.Records {
		if r.Status == record.Kept || r.Status == record.Merged {
			usable++
		}
	}
	if second.Sync.RowsMatched == 0 || second.Sync.RowsMatched*2 > usable {
		t.Errorf("matched %d of %d rows: an incremental run should match the new rows and the customers they touch", second.Sync.RowsMatched, usable)
	}
	// Without --changes-only the outputs hold every customer and row.
	if n := len(readRows(t, filepath.Join(out, "clean.csv"))); n != len(second.Customers) || n != len(first.Customers)+2 {
		t.Errorf("clean.csv has %d customers, result %d, want %d", n, len(second.Customers), len(first.Customers)+2)
	}
	if n := len(readRows(t, filepath.Join(out, "lineage.csv"))); n != len(first.Records)+7 {
		t.Errorf("lineage.csv has %d rows, want %d (a header and 6 rows more)", n, len(first.Records)+7)
	}
	// The same rows in one batch run group the same way.
	batch := Config{Inputs: []string{e.sheets}, Out: filepath.Join(e.dir, "batch"), Rules: e.rules, Workers: 2, Lang: "en"}
	bres, err := Run(context.Background(), batch)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := partition(second), partition(bres); !slices.Equal(got, want) {
		t.Errorf("incremental run grouped rows into %d customers, a batch run into %d", len(got), len(want))
	}
	// Links and open review pairs survive incremental runs.
	for _, f := range []string{"links.csv", "review.csv"} {
		got, want := readRows(t, filepath.Join(out, f)), readRows(t, filepath.Join(batch.Out, f))
		if len(got) != len(want) {
			t.Errorf("%s: %d pairs after an incremental run, %d in a batch run", f, len(got), len(want))
		}
	}
}

func TestSyncChangesOnlyRepublish(t *testing.T) {
	e := newSyncEnv(t)
	first, _ := e.run()
	content, picked := newRowsCSV(t, first, 2)
	e.write("新增客户.csv", content)
	failpoint = func(step string) error {
		if step == "committed" {
			return errors.New("killed")
		}
		return nil
	}
	cfg := e.config(func(c *Config) { c.ChangesOnly = true })
	_, err := Run(context.Background(), cfg)
	failpoint = func(string) error { return nil }
	if err == nil {
		t.Fatal("the failpoint did not stop the run")
	}
	e.run()
	clean := readRows(t, filepath.Join(cfg.Out, "clean.csv"))
	var ids []string
	for _, c := range clean {
		ids = append(ids, c["customer_id"])
	}
	for _, id := range picked {
		if !slices.Contains(ids, id) {
			t.Errorf("republished changes-only clean.csv lacks updated customer %s: %v", id, ids)
		}
	}
	if len(clean) != len(picked)+2 {
		t.Errorf("republished changes-only clean.csv has %d customers, want %d", len(clean), len(picked)+2)
	}
}

// TestSyncStopsAtEveryStep stops a run with a new sheet at each step of
// Run and checks that the next run ends in the same state and outputs as
// a run that was never stopped.
func TestSyncStopsAtEveryStep(t *testing.T) {
	// The reference: the same two runs, never stopped.
	ref := newSyncEnv(t)
	first, _ := ref.run()
	content, _ := newRowsCSV(t, first, 2)
	ref.write("新增客户.csv", content)
	want, wantOut := ref.run()

	for _, step := range syncSteps {
		t.Run(step, func(t *testing.T) {
			e := newSyncEnv(t)
			e.run()
			e.write("新增客户.csv", content)
			stop := errors.New("stopped at " + step)
			failpoint = func(s string) error {
				if s == step {
					return stop
				}
				return nil
			}
			cfg := e.config()
			_, err := Run(context.Background(), cfg)
			failpoint = func(string) error { return nil }
			if !errors.Is(err, stop) {
				t.Fatalf("run: %v, want %v", err, stop)
			}
			res, out := e.run()
			if !slices.Equal(partition(res), partition(want)) || !slices.Equal(customerIDs(res), customerIDs(want)) {
				t.Errorf("after a stop at %s the customers differ from an unstopped run", step)
			}
			for _, f := range []string{"clean.csv", "lineage.csv", "links.csv", "review.csv"} {
				sameFile(t, filepath.Join(out, f), filepath.Join(wantOut, f))
			}
			// The stopped run's outputs exist once it committed (republished).
			if _, err := os.Stat(filepath.Join(cfg.Out, "changes.csv")); (step != "staged") != (err == nil) {
				t.Errorf("outputs of the run stopped at %s: %v", step, err)
			}
		})
	}
}

// TestSyncKeepsRowsOfAFileNowUnreadable: a sheet that was read before and
// is damaged now keeps its customers; it is reported, not retired.
func TestSyncKeepsRowsOfAFileNowUnreadable(t *testing.T) {
	e := newSyncEnv(t)
	first, _ := e.run()
	// Damage a workbook: same name, not a zip any more.
	e.write("门店会员.xlsx", "PK\x03\x04 damaged")
	second, _ := e.run()
	if !slices.Contains(second.Sync.FilesKept, "门店会员.xlsx") || slices.Contains(second.Sync.FilesRead, "门店会员.xlsx") {
		t.Errorf("damaged file: kept %v, read %v", second.Sync.FilesKept, second.Sync.FilesRead)
	}
	if got := changesByKind(second); len(got["retired"]) != 0 || len(got["updated"]) != 0 || len(got["new"]) != 0 {
		t.Errorf("a damaged copy changed customers: %d retired, %d updated, %d new", len(got["retired"]), len(got["updated"]), len(got["new"]))
	}
	if !slices.Equal(customerIDs(first), customerIDs(second)) {
		t.Error("customers changed")
	}
	var damaged bool
	for _, f := range second.Files {
		damaged = damaged || f.Rel == "门店会员.xlsx" && f.Err != nil
	}
	if !damaged {
		t.Error("the damaged file is not reported")
	}
}

// TestSyncKeepsRowsOfAFileBrokenOffMidway: a file the state knows that
// now breaks off mid-way (here a cell beyond the 1 MB limit) keeps its
// stored rows, like a file that cannot be read at all: the rows below the
// break must not be taken for deleted.
func TestSyncKeepsRowsOfAFileBrokenOffMidway(t *testing.T) {
	e := newSyncEnv(t)
	first, _ := e.run()
	raw, err := os.ReadFile(filepath.Join(e.sheets, "老系统导出.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(raw), "\n")
	lines[3] = strings.Repeat("长", 400_000) + "," + lines[3] // row 4: a cell of 1.2 MB
	e.write("老系统导出.csv", strings.Join(lines, ""))
	second, _ := e.run()
	if !slices.Contains(second.Sync.FilesKept, "老系统导出.csv") || slices.Contains(second.Sync.FilesRead, "老系统导出.csv") {
		t.Errorf("file broken off: kept %v, read %v", second.Sync.FilesKept, second.Sync.FilesRead)
	}
	if got := changesByKind(second); len(got["retired"]) != 0 || len(got["updated"]) != 0 || len(got["new"]) != 0 {
		t.Errorf("a copy broken off changed customers: %d retired, %d updated, %d new", len(got["retired"]), len(got["updated"]), len(got["new"]))
	}
	if !slices.Equal(customerIDs(first), customerIDs(second)) {
		t.Error("customers changed")
	}
}

// TestSyncRematchesWhenRowsDouble: weights estimated on one small sheet
// are not used to match ten times as many rows; the run that more than
// doubles the rows matches every row, as a batch run would.
func TestSyncRematchesWhenRowsDouble(t *testing.T) {
	e := newSyncEnv(t)
	all := e.sheets
	e.sheets = filepath.Join(e.dir, "first")
	if err := os.MkdirAll(e.sheets, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(all, "销售部客户台账.xlsx"), filepath.Join(e.sheets, "销售部客户台账.xlsx")); err != nil {
		t.Fatal(err)
	}
	e.run()
	if err := os.Rename(filepath.Join(e.sheets, "销售部客户台账.xlsx"), filepath.Join(all, "销售部客户台账.xlsx")); err != nil {
		t.Fatal(err)
	}
	e.sheets = all
	grown, _ := e.run()
	if !grown.Sync.Regrown {
		t.Fatal("a run with ten times the rows did not match every row")
	}
	batch := Config{Inputs: []string{e.sheets}, Out: filepath.Join(e.dir, "batch"), Rules: e.rules, Workers: 2, Lang: "en"}
	bres, err := prepare(context.Background(), batch)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(partition(grown), partition(bres)) {
		t.Error("after matching every row again, customers differ from a batch run")
	}
	// A small sheet later is matched incrementally again.
	content, _ := newRowsCSV(t, grown, 2)
	e.write("新增客户.csv", content)
	if next, _ := e.run(); next.Sync.Regrown || next.Sync.RowsMatched == 0 {
		t.Errorf("a small sheet after the rematch: Regrown=%v, rows matched %d", next.Sync.Regrown, next.Sync.RowsMatched)
	}
}

// TestSyncStateWithoutFullRows: a state written before the rows of the
// last full run were kept does not make every later run a full one.
func TestSyncStateWithoutFullRows(t *testing.T) {
	e := newSyncEnv(t)
	first, _ := e.run()
	db, err := sql.Open("sqlite", e.state)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`DELETE FROM settings WHERE name = ?`, settingFullRows); err != nil {
		t.Fatal(err)
	}
	db.Close()
	content, _ := newRowsCSV(t, first, 2)
	e.write("新增客户.csv", content)
	if next, _ := e.run(); next.Sync.Regrown {
		t.Error("a small sheet on a state without match.full_rows matched every row")
	}
}

// TestSyncNumberTurnsOutNotOwn checks that a number shared by two
// customers in a first run and by two more in a later one becomes nobody's
// own: the later run takes it out of every carrier's mobile and phones,
// the earlier customers' too, and keeps it so on a run that reads none of
// its rows.
func TestSyncNumberTurnsOutNotOwn(t *testing.T) {
	const rep = "+8613700001111"
	e := newSyncEnv(t)
	e.write("客户经理甲.csv", "客户名称,手机,客户经理\n欧阳霁,13700001111,王经理\n司马璇,13700001111,王经理\n")
	_, out1 := e.run()
	byName := func(out string) map[string]map[string]string {
		m := map[string]map[string]string{}
		for _, row := range readRows(t, filepath.Join(out, "clean.csv")) {
			m[row["name"]] = row
		}
		return m
	}
	if c := byName(out1)["司马璇"]; c["mobile"] != rep || c["shared_phones"] != "" {
		t.Fatalf("run 1: 司马璇 mobile %q shared %q; two customers sharing a number keep it", c["mobile"], c["shared_phones"])
	}
	e.write("客户经理乙.csv", "客户名称,手机,客户经理\n上官翎,13700001111,王经理\n诸葛岚,13700001111,王经理\n")
	_, out2 := e.run()
	got := byName(out2)
	for _, name := range []string{"欧阳霁", "司马璇", "上官翎", "诸葛岚"} {
		if c := got[name]; c["mobile"] != "" || c["phones"] != "" || c["shared_phones"] != rep {
			t.Errorf("run 2: %s mobile %q phones %q shared %q; want the rep's number in shared_phones only", name, c["mobile"], c["phones"], c["shared_phones"])
		}
	}
	e.write("其他.csv", "姓名,手机\n慕容烁,13912340004\n")
	res3, out3 := e.run()
	if slices.Contains(res3.Sync.FilesRead, "客户经理甲.csv") {
		t.Fatalf("run 3 read 客户经理甲.csv again; the test needs it left alone")
	}
	if c := byName(out3)["司马璇"]; c["mobile"] != "" || c["shared_phones"] != rep {
		t.Errorf("run 3: 司马璇 (left alone) mobile %q shared %q; want the stored judgement", c["mobile"], c["shared_phones"])
	}
}
