package pipeline

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/crmclean/crmclean/pipeline/merge"
	"github.com/crmclean/crmclean/pipeline/record"
	"github.com/crmclean/crmclean/pipeline/state"
	"github.com/crmclean/crmclean/rules"
)

// contactOfRows is a contact as a test compares it: its customer, name
// and the fingerprints of its rows.
type contactOfRows struct {
	customer, name string
	rows           []string
}

func (c contactOfRows) String() string {
	return fmt.Sprintf("%s %s %v", c.customer, c.name, c.rows)
}

// contactsByID lists every contact of customers by id.
func contactsByID(t *testing.T, customers []*merge.Customer) map[string]contactOfRows {
	t.Helper()
	out := map[string]contactOfRows{}
	for _, c := range customers {
		for _, ct := range c.Contacts {
			var fps []string
			for _, r := range ct.Rows {
				fps = append(fps, r.Fingerprint)
			}
			sort.Strings(fps)
			if _, dup := out[ct.ID]; dup {
				t.Errorf("contact id %s given twice", ct.ID)
			}
			out[ct.ID] = contactOfRows{c.ID, ct.Name, fps}
		}
	}
	return out
}

// processWith runs the batch pipeline with decisions on pairs of rows.
func processWith(t *testing.T, cfg Config, decisions map[[2]string]string) *Result {
	t.Helper()
	cfg.Decisions = decisions
	res, err := prepare(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestContactIDsDoNotMove checks that a contact's id follows its own rows:
// the same whatever the workers or the order the files are given in, and
// unchanged for every contact an added row or a merge decision elsewhere
// does not touch (ids by position moved from one person to another when a
// customer gained a contact).
func TestContactIDsDoNotMove(t *testing.T) {
	dir := t.TempDir()
	sheets := filepath.Join(dir, "sheets")
	if err := os.CopyFS(sheets, os.DirFS(fixtureSheets)); err != nil {
		t.Fatal(err)
	}
	cfg := Config{Inputs: []string{sheets}, Rules: rules.Default(), Workers: 2}
	base := processWith(t, cfg, nil)
	want := contactsByID(t, base.Customers)
	if len(want) < 100 {
		t.Fatalf("only %d contacts in the fixtures", len(want))
	}

	entries, err := os.ReadDir(sheets)
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, e := range entries {
		files = append(files, filepath.Join(sheets, e.Name()))
	}
	slices.Reverse(files)

	// A merge decision between two single-row companies with a contact.
	var pair []*merge.Customer
	for _, c := range base.Customers {
		if c.Kind == record.Company && len(c.Rows) == 1 && len(c.Contacts) == 1 && len(pair) < 2 {
			pair = append(pair, c)
		}
	}
	if len(pair) < 2 {
		t.Fatal("fixture lacks two single-row companies")
	}
	decided := state.PairKey(pair[0].Rows[0].Fingerprint, pair[1].Rows[0].Fingerprint)

	for _, tc := range []struct {
		name      string
		res       func() *Result
		untouched func(id string) bool // contacts whose id must not change
	}{
		{"one worker", func() *Result { c := cfg; c.Workers = 1; return processWith(t, c, nil) }, nil},
		{"four workers", func() *Result { c := cfg; c.Workers = 4; return processWith(t, c, nil) }, nil},
		{"files given in reverse order", func() *Result {
			c := cfg
			c.Inputs = files
			return processWith(t, c, nil)
		}, nil},
		{"a row added", func() *Result {
			added := filepath.Join(dir, "added")
			if err := os.CopyFS(added, os.DirFS(sheets)); err != nil {
				t.Fatal(err)
			}
			// A new company whose contact shares a surname and a mobile
			// with nobody.
			os.WriteFile(filepath.Join(added, "新增.csv"), []byte("客户名称,联系人,手机,地址\n甘肃陇原星辰测试贸易有限公司,季立轩,13919190001,甘肃省兰州市城关区庆阳路1号\n"), 0o600)
			c := cfg
			c.Inputs = []string{added}
			return processWith(t, c, nil)
		}, nil},
		{"a merge decision elsewhere", func() *Result {
			return processWith(t, cfg, map[[2]string]string{decided: state.Merge})
		}, func(id string) bool { return want[id].customer != pair[0].ID && want[id].customer != pair[1].ID }},
	} {
		got := contactsByID(t, tc.res().Customers)
		for id, w := range want {
			g, ok := got[id]
			if tc.untouched != nil && !tc.untouched(id) {
				// The decided customers' contacts keep their ids too, in
				// the merged customer.
				if !ok || g.name != w.name || !slices.Equal(g.rows, w.rows) {
					t.Errorf("%s: contact %s (%s) became %v", tc.name, id, w, g)
				}
				continue
			}
			if !ok || g.name != w.name || !slices.Equal(g.rows, w.rows) || g.customer != w.customer {
				t.Errorf("%s: contact %s was %s, now %v", tc.name, id, w, g)
			}
		}
	}
}

// TestSyncContactKeepsItsID checks that with a state a contact keeps its
// id when it gains a row whose fingerprint is smaller than its rows' (a
// batch run would derive another), and that changes.csv says what became
// of each contact: new, updated, merged into another, retired.
func TestSyncContactKeepsItsID(t *testing.T) {
	e := newSyncEnv(t)
	if err := os.RemoveAll(e.sheets); err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(e.sheets, 0o700)
	const header = "客户名称,联系人,手机,地址\n"
	e.write("a.csv", header+
		"华信科技有限公司,陈思佳,13812340001,浙江省杭州市西湖区文三路1号\n"+
		"恒达机械有限公司,王建国,13812340002,江苏省南京市玄武区中山路2号\n"+
		"顺泓建材有限公司,马泽洋,13812340004,四川省成都市武侯区人民南路4号\n")
	e.write("b.csv", header+
		"远景贸易有限公司,季立轩,13812340005,湖北省武汉市江汉区解放大道5号\n"+
		"远景商贸有限公司,Ji Lixuan,13912340005,湖北省武汉市江汉区解放大道5号\n")
	first, _ := e.run()
	ids := map[string]string{} // contact name → id
	for _, c := range first.Customers {
		for _, ct := range c.Contacts {
			ids[ct.Name] = ct.ID
		}
	}
	for _, n := range []string{"陈思佳", "王建国", "季立轩", "Ji Lixuan"} {
		if ids[n] == "" {
			t.Fatalf("first run: no contact %s in %v", n, ids)
		}
	}
	for _, c := range first.Sync.ContactChanges {
		if c.Change != state.ChangeNew {
			t.Errorf("first run: contact %s %s, want new", c.ID, c.Change)
		}
	}

	// 陈思佳 gains a row (a homophone typo) whose fingerprint is smaller
	// than hers; 王建国's company leaves a.csv; 马泽洋's company gets a second
	// contact on its own number.
	var gained string
	for i := range 200 {
		row := fmt.Sprintf("华信科技有限公司,陈饲佳,13812340001,浙江省杭州市西湖区文三路1号 %d号楼\n", i+1)
		fp := fingerprintOf(t, header+row)
		if fp < minFingerprint(first, ids["陈思佳"]) {
			gained = row
			break
		}
	}
	if gained == "" {
		t.Fatal("no row with a smaller fingerprint found")
	}
	e.write("a.csv", header+
		"华信科技有限公司,陈思佳,13812340001,浙江省杭州市西湖区文三路1号\n"+gained+
		"顺泓建材有限公司,马泽洋,13812340004,四川省成都市武侯区人民南路4号\n"+
		"顺泓建材有限公司,马泽宇,13812340004,四川省成都市武侯区人民南路4号\n")
	second, out2 := e.run()
	var huaxin *merge.Customer
	for _, c := range second.Customers {
		if c.Name == "华信科技有限公司" {
			huaxin = c
		}
	}
	if huaxin == nil || len(huaxin.Contacts) != 1 || len(huaxin.Contacts[0].Rows) != 2 {
		t.Fatalf("华信 after the new row: %+v", huaxin)
	}
	if got := huaxin.Contacts[0].ID; got != ids["陈思佳"] {
		t.Errorf("陈思佳 got id %s, want %s as before", got, ids["陈思佳"])
	}
	if batch := merge.ContactID(huaxin.Contacts[0].Rows); batch == ids["陈思佳"] {
		t.Errorf("the new row does not sort first: the test proves nothing")
	}
	lines := contactLinesOf(second)
	if got := lines[ids["王建国"]]; got != state.ChangeRetired {
		t.Errorf("王建国: %q, want retired", got)
	}
	if got := lines[ids["陈思佳"]]; got != state.ChangeUnchanged {
		t.Errorf("陈思佳: %q, want unchanged (a variant's row added)", got)
	}
	var zeyu string
	for _, c := range second.Customers {
		for _, ct := range c.Contacts {
			if ct.Name == "马泽宇" {
				zeyu = ct.ID
			}
		}
	}
	if zeyu == "" || lines[zeyu] != state.ChangeNew || lines[ids["马泽洋"]] != state.ChangeUnchanged {
		t.Errorf("马泽宇 %s: %q, 马泽洋: %q; want new (a sibling, his own contact) and unchanged", zeyu, lines[zeyu], lines[ids["马泽洋"]])
	}
	// changes.csv: each customer's line, then its contacts'.
	rows := readRows(t, filepath.Join(out2, "changes.csv"))
	if len(rows) != len(second.Sync.Changes)+len(second.Sync.ContactChanges) {
		t.Errorf("changes.csv has %d lines, want %d customers' and %d contacts'", len(rows), len(second.Sync.Changes), len(second.Sync.ContactChanges))
	}
	last := ""
	for i, r := range rows {
		if r["contact_id"] == "" {
			last = r["customer_id"]
		} else if r["customer_id"] != last && r["change"] != state.ChangeRetired {
			t.Errorf("changes.csv line %d: contact %s of %s not after its customer's line", i+2, r["contact_id"], r["customer_id"])
		}
	}

	// A decision merges the two 远景 companies: Ji Lixuan is 季立轩 written
	// in latin letters, one contact now, under one of the two ids.
	x, y := customerOfName(t, second, "远景贸易有限公司"), customerOfName(t, second, "远景商贸有限公司")
	storeDecisions(t, e.state, state.Decision{A: x.Rows[0].Fingerprint, B: y.Rows[0].Fingerprint, Verdict: state.Merge, Source: "test"})
	third, _ := e.run()
	merged := customerOfName(t, third, "远景贸易有限公司")
	if len(merged.Contacts) != 1 || merged.Contacts[0].Name != "季立轩" {
		t.Fatalf("merged customer's contacts %+v, want 季立轩 alone", merged.Contacts)
	}
	kept, gone := merged.Contacts[0].ID, ids["Ji Lixuan"]
	if kept == gone {
		gone = ids["季立轩"]
	}
	if kept != ids["季立轩"] && kept != ids["Ji Lixuan"] {
		t.Errorf("merged contact has id %s, want one of %s %s", kept, ids["季立轩"], ids["Ji Lixuan"])
	}
	var found bool
	for _, c := range third.Sync.ContactChanges {
		if c.ID == gone {
			found = true
			if c.Change != state.ChangeMerged || c.MergedInto != kept {
				t.Errorf("contact %s: %s into %q, want merged into %s", gone, c.Change, c.MergedInto, kept)
			}
		}
	}
	if !found {
		t.Errorf("no line for contact %s, merged into %s", gone, kept)
	}
	// Every other contact kept its id.
	before, after := contactsByID(t, second.Customers), contactsByID(t, third.Customers)
	for id, c := range before {
		if c.customer == x.ID || c.customer == y.ID {
			continue
		}
		if a, ok := after[id]; !ok || a.name != c.name {
			t.Errorf("contact %s (%s) became %v after a decision elsewhere", id, c, a)
		}
	}
}

func customerOfName(t *testing.T, res *Result, name string) *merge.Customer {
	t.Helper()
	for _, c := range res.Customers {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no customer %s", name)
	return nil
}

// contactLinesOf returns the change of every contact line by contact id.
func contactLinesOf(res *Result) map[string]string {
	out := map[string]string{}
	for _, c := range res.Sync.ContactChanges {
		out[c.ID] = c.Change
	}
	return out
}

// minFingerprint is the smallest fingerprint of the rows of contact id.
func minFingerprint(res *Result, id string) string {
	for _, c := range res.Customers {
		for _, ct := range c.Contacts {
			if ct.ID == id {
				fps := []string{}
				for _, r := range ct.Rows {
					fps = append(fps, r.Fingerprint)
				}
				return slices.Min(fps)
			}
		}
	}
	return ""
}

// fingerprintOf is the fingerprint of the second row of content read as
// a.csv.
func fingerprintOf(t *testing.T, content string) string {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "a.csv")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	res, err := prepare(context.Background(), Config{Inputs: []string{dir}, Rules: rules.Default(), Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res.Records {
		if r.Prov.Row == 2 {
			return r.Fingerprint
		}
	}
	t.Fatal("no row 2")
	return ""
}

// TestLegacyStateContacts runs the current crmclean on a state written
// before contacts had ids (testdata/legacy_state): its golden records list
// contacts without ids and its rows carry none. The contacts get the ids
// the current crmclean computes from their rows; customers whose golden
// record comes out otherwise under the current rules (variants joined,
// the Chinese name first) are reported updated, the others unchanged.
func TestLegacyStateContacts(t *testing.T) {
	dir := t.TempDir()
	sheets := filepath.Join(dir, "sheets")
	if err := os.CopyFS(sheets, os.DirFS("testdata/legacy_state/sheets")); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("testdata/legacy_state/state.db")
	if err != nil {
		t.Fatal(err)
	}
	statePath := filepath.Join(dir, "state.db")
	if err := os.WriteFile(statePath, data, 0o600); err != nil {
		t.Fatal(err)
	}
	sameRules(t, statePath)
	runs := 0
	run := func() (*Result, string) {
		runs++
		cfg := Config{Inputs: []string{sheets}, Out: filepath.Join(dir, fmt.Sprintf("out%d", runs)), Rules: rules.Default(),
			Workers: 2, Lang: "en", State: statePath}
		res, err := Run(context.Background(), cfg)
		if err != nil {
			t.Fatalf("run %d: %v", runs, err)
		}
		return res, cfg.Out
	}
	batch := processWith(t, Config{Inputs: []string{sheets}, Rules: rules.Default(), Workers: 2}, nil)
	computed := contactsByID(t, batch.Customers)

	first, _ := run()
	if first.Sync.First || first.Sync.RulesChanged {
		t.Fatalf("first run on the old state: First=%v RulesChanged=%v; want an incremental run", first.Sync.First, first.Sync.RulesChanged)
	}
	if len(first.Sync.FilesRead) != 0 {
		t.Errorf("files read %v, want none (all unchanged)", first.Sync.FilesRead)
	}
	got := contactsByID(t, first.Customers)
	for id, c := range computed {
		if g, ok := got[id]; !ok || g.name != c.name || !slices.Equal(g.rows, c.rows) {
			t.Errorf("contact %s: %v, want %s as computed from its rows", id, g, c)
		}
	}
	if len(got) != len(computed) {
		t.Errorf("%d contacts, want %d", len(got), len(computed))
	}
	change := map[string]string{}
	for _, c := range first.Sync.Changes {
		change[customerOfID(t, first, c.ID).Name] = c.Change
	}
	for name, want := range map[string]string{
		"华信科技有限公司": state.ChangeUpdated,   // 陈思佳 and Chen Sijia: one contact now
		"恒达机械有限公司": state.ChangeUpdated,   // 王建国 and 王总
		"韩一全":      state.ChangeUpdated,   // was HAN YIQUAN
		"顺泓建材有限公司": state.ChangeUnchanged, // siblings, two contacts as before
		"张伟":       state.ChangeUnchanged,
	} {
		if change[name] != want {
			t.Errorf("%s: %q, want %q", name, change[name], want)
		}
	}
	for _, c := range first.Sync.ContactChanges {
		if c.Change != state.ChangeUnchanged {
			t.Errorf("contact %s of %s: %s, want unchanged (the ids are computed as the state's rows give them)", c.ID, c.Customer, c.Change)
		}
	}
	if n := len(first.Sync.ContactChanges); n != len(computed) {
		t.Errorf("%d contact lines, want %d", n, len(computed))
	}

	// The updated golden records carry the contacts' ids now; a re-run
	// changes nothing.
	st, err := state.Open(context.Background(), statePath)
	if err != nil {
		t.Fatal(err)
	}
	huaxin := customerOfName(t, first, "华信科技有限公司")
	b, err := st.Golden(context.Background(), huaxin.ID)
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	if g, err := state.ParseGolden(b); err != nil || g.Legacy() || len(g.Contacts) != 1 || g.Contacts[0].ID != huaxin.Contacts[0].ID {
		t.Errorf("stored golden record of 华信: %+v (%v), want its one contact with id %s", g, err, huaxin.Contacts[0].ID)
	}
	second, _ := run()
	for _, c := range second.Sync.Changes {
		if c.Change != state.ChangeUnchanged {
			t.Errorf("re-run: customer %s %s, want unchanged", c.ID, c.Change)
		}
	}

	// A row added to 华信 by a changed file: the contact keeps its id.
	f, err := os.OpenFile(filepath.Join(sheets, "客户.csv"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(f, "华信科技有限公司,陈饲佳,13812340001,浙江省杭州市西湖区文三路1号\n")
	f.Close()
	third, _ := run()
	h := customerOfName(t, third, "华信科技有限公司")
	if len(h.Contacts) != 1 || h.Contacts[0].ID != huaxin.Contacts[0].ID || len(h.Contacts[0].Rows) != 3 {
		t.Errorf("华信's contacts after a row: %+v, want one, %s, with three rows", h.Contacts, huaxin.Contacts[0].ID)
	}
	for _, c := range third.Sync.ContactChanges {
		if c.Change != state.ChangeUnchanged {
			t.Errorf("after a row: contact %s of %s %s, want unchanged", c.ID, c.Customer, c.Change)
		}
	}
}

func customerOfID(t *testing.T, res *Result, id string) *merge.Customer {
	t.Helper()
	for _, c := range res.Customers {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("no customer %s", id)
	return nil
}

// TestChangeLines checks the order of changes.csv: by customer, a
// customer's own line before its contacts', a contact whose customer has
// no line of its own where its id sorts.
func TestChangeLines(t *testing.T) {
	si := &SyncInfo{
		Changes: []state.CustomerChange{{ID: "C1", Change: "updated"}, {ID: "C3", Change: "merged", MergedInto: "C1"}, {ID: "C5", Change: "unchanged"}},
		ContactChanges: []state.ContactChange{{Customer: "C1", ID: "P1", Change: "new"}, {Customer: "C2", ID: "P2", Change: "retired"},
			{Customer: "C3", ID: "P3", Change: "merged", MergedInto: "P1"}, {Customer: "C4", ID: "P4", Change: "retired"}},
	}
	tests := []struct {
		name        string
		changesOnly bool
		want        []string
	}{
		{"full run", false, []string{"C1,,updated,", "C1,P1,new,", "C2,P2,retired,", "C3,,merged,C1", "C3,P3,merged,P1", "C4,P4,retired,", "C5,,unchanged,"}},
		{"changes only leaves unchanged out", true, []string{"C1,,updated,", "C1,P1,new,", "C2,P2,retired,", "C3,,merged,C1", "C3,P3,merged,P1", "C4,P4,retired,"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, l := range changeLines(si, tt.changesOnly) {
				got = append(got, strings.Join([]string{l.ID, l.ContactID, l.Change, l.MergedInto}, ","))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("lines\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

// sameRules marks the runs of the state file at path as made with today's
// default rules. The legacy state was written with the default rules of its
// time; defaults added since (more sensitive headers, say) would make its
// next run a full one, and this test is about contacts, not rule changes.
func sameRules(t *testing.T, path string) {
	t.Helper()
	hash, err := RulesHash(rules.Default())
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`UPDATE runs SET rules_hash = ?`, hash); err != nil {
		t.Fatal(err)
	}
}
