package merge

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/crmclean/crmclean/pipeline/normalize"
	"github.com/crmclean/crmclean/pipeline/normalize/name"
	"github.com/crmclean/crmclean/pipeline/record"
	"github.com/crmclean/crmclean/rules"
)

// namer is the default rules' name reader, as a run has it.
var namer = sync.OnceValue(func() *name.Namer {
	n, err := normalize.New(rules.Default())
	if err != nil {
		panic(err)
	}
	return n.Namer()
})

func newMerger(t testing.TB, r *rules.Rules) *Merger {
	t.Helper()
	return New(r, namer())
}

func rec(file string, row int, fp string, n record.Normalized) *record.Record {
	return &record.Record{Prov: record.Provenance{File: file, Row: row}, Fingerprint: fp, Norm: n}
}

func mobile(num string, own bool) record.Phone {
	return record.Phone{E164: num, Type: record.Mobile, Own: own}
}

func TestMainMobile(t *testing.T) {
	tests := []struct {
		name string
		rows [][]record.Phone
		want string
	}{
		{"most frequent wins", [][]record.Phone{{mobile("+8613800000001", false)}, {mobile("+8613800000002", false)}, {mobile("+8613800000002", false)}}, "+8613800000002"},
		{"own marker breaks ties", [][]record.Phone{{mobile("+8613800000001", false), mobile("+8613800000002", true)}}, "+8613800000002"},
		{"first seen otherwise", [][]record.Phone{{mobile("+8613800000001", false)}, {mobile("+8613800000002", false)}}, "+8613800000001"},
		{"landlines are not mobiles", [][]record.Phone{{{E164: "+862161234567", Type: record.Landline}}}, ""},
	}
	m := newMerger(t, rules.Default())
	for _, tt := range tests {
		var rows []*record.Record
		for i, ph := range tt.rows {
			rows = append(rows, rec("a.csv", i+2, string(rune('a'+i)), record.Normalized{Name: "甲公司", Phones: ph}))
		}
		c := m.Build(rows)
		if c.Mobile != tt.want {
			t.Errorf("%s: mobile %q, want %q", tt.name, c.Mobile, tt.want)
		}
	}
}

func TestNotOwnNumbers(t *testing.T) {
	const rep, own = "+8613700001111", "+8615811112222"
	m := newMerger(t, rules.Default())
	m.SetNotOwn(map[string]bool{rep: true})
	rows := []*record.Record{
		// The rep's number recurs most, yet is never the customer's.
		rec("a.csv", 2, "a", record.Normalized{Name: "刘洋", Contact: "刘洋", Phones: []record.Phone{mobile(rep, false)}}),
		rec("a.csv", 3, "b", record.Normalized{Name: "刘洋", Contact: "刘洋", Phones: []record.Phone{mobile(rep, true)}}),
		rec("b.csv", 2, "c", record.Normalized{Name: "刘洋", Contact: "刘洋", Phones: []record.Phone{mobile(own, false)}}),
	}
	c := m.Build(rows)
	if c.Mobile != own || !slices.Equal(c.Phones, []string{own}) || !slices.Equal(c.SharedPhones, []string{rep}) {
		t.Errorf("mobile %q, phones %v, shared_phones %v; want %s, [%s], [%s]", c.Mobile, c.Phones, c.SharedPhones, own, own, rep)
	}
	if len(c.Contacts) != 1 || c.Contacts[0].Mobile != own || !slices.Equal(c.Contacts[0].SharedPhones, []string{rep}) {
		t.Errorf("contacts %+v, want 刘洋 with %s and the rep's number as shared", c.Contacts, own)
	}
	only := m.Build(rows[:2])
	if only.Mobile != "" || len(only.Phones) != 0 || !slices.Equal(only.SharedPhones, []string{rep}) {
		t.Errorf("a customer with only the rep's number: mobile %q, phones %v, shared %v; want none, none, [%s]", only.Mobile, only.Phones, only.SharedPhones, rep)
	}
}

func TestSurvivorship(t *testing.T) {
	r := rules.Default()
	r.Survivorship.Fields["contact"] = "most_recent"
	r.Survivorship.Fields["owner"] = "source_priority"
	r.Survivorship.SourcePriority = []string{"crm*.csv"}
	r.Survivorship.FileDates = map[string]string{"old.csv": "2030-01-01"}
	rows := []*record.Record{
		rec("new.csv", 2, "f1", record.Normalized{Name: "华信科技", Contact: "张伟", Owner: "王五", CreatedAt: "2024-05-01"}),
		rec("crm-export.csv", 2, "f2", record.Normalized{Name: "北京华信科技有限公司", Contact: "李娜", Owner: "赵六", CreatedAt: "2023-01-01"}),
		rec("old.csv", 9, "f3", record.Normalized{Name: "华信科技", Contact: "刘强", CreatedAt: "2019-01-01"}),
	}
	c := newMerger(t, r).Build(rows)
	if c.Name != "北京华信科技有限公司" {
		t.Errorf("name (most_complete) = %q", c.Name)
	}
	if c.Contact != "刘强" {
		t.Errorf("contact (most_recent, old.csv dated 2030 by the rules) = %q", c.Contact)
	}
	if c.Owner != "赵六" {
		t.Errorf("owner (source_priority crm*) = %q", c.Owner)
	}
	if c.CreatedAt != "2019-01-01" {
		t.Errorf("created_at (earliest) = %q", c.CreatedAt)
	}
	if !slices.ContainsFunc(c.Conflicts, func(cf Conflict) bool { return cf.Field == "contact" && len(cf.Others) == 2 }) {
		t.Errorf("contact conflict not reported: %+v", c.Conflicts)
	}
	if len(c.Contacts) != 3 {
		t.Errorf("contacts = %+v, want all three people", c.Contacts)
	}
}

func TestIDAndLineageDeterministic(t *testing.T) {
	mk := func() []*record.Record {
		return []*record.Record{
			rec("b.csv", 5, "fp-b", record.Normalized{Name: "甲", Province: "浙江省", City: "杭州市"}),
			rec("a.csv", 3, "fp-a", record.Normalized{Name: "甲", Province: "浙江省", City: "杭州市", District: "西湖区", Address: "文三路1号"}),
		}
	}
	m := newMerger(t, rules.Default())
	x, y := mk(), mk()
	slices.Reverse(y)
	cx, cy := m.Build(x), m.Build(y)
	if cx.ID != cy.ID || cx.ID != ID(x) {
		t.Fatalf("ids differ with input order: %s %s", cx.ID, cy.ID)
	}
	// The most complete row is kept; the other is merged into it.
	if cx.Rows[0].Prov.File != "a.csv" || cx.Rows[0].Status != record.Kept || cx.Rows[1].Status != record.Merged {
		t.Errorf("lineage: %+v %+v", cx.Rows[0].Prov, cx.Rows[1].Status)
	}
	// Location fields come together from the most precise row.
	if cx.District != "西湖区" || cx.Address != "文三路1号" || cx.City != "杭州市" {
		t.Errorf("location %s/%s/%s %s", cx.Province, cx.City, cx.District, cx.Address)
	}
}

func TestSensitiveKeptApart(t *testing.T) {
	r := rec("a.csv", 2, "f", record.Normalized{Name: "张伟"})
	r.Values = []record.Value{record.NewValue("", 0, "积分", "100", ""), record.NewValue("sensitive", 0, "身份证号", "110101199001011234", "")}
	c := newMerger(t, rules.Default()).Build([]*record.Record{r})
	if c.Extras["积分"] != "100" || c.Extras["身份证号"] != "" || c.Sensitive["身份证号"] == "" {
		t.Errorf("extras %v sensitive %v", c.Extras, c.Sensitive)
	}
}

// contactRow is a row of company 华信 naming contact with number.
func contactRow(fp, contact, number string) *record.Record {
	n := record.Normalized{Kind: record.Company, Name: "华信科技有限公司", Contact: contact}
	if number != "" {
		n.Phones = []record.Phone{mobile(number, false)}
	}
	return rec("a.csv", 0, fp, n)
}

func TestContactVariants(t *testing.T) {
	const a, b, c = "+8613800000001", "+8613800000002", "+8613800000003"
	type row struct{ contact, number string }
	tests := []struct {
		name   string
		rows   []row
		shared []string // numbers several customers share
		want   []string // the contacts, by display name, each with the names it holds
	}{
		{"homophone typo", []row{{"陈思佳", a}, {"陈饲佳", a}}, nil, []string{"陈思佳=陈思佳+陈饲佳"}},
		{"romanized either order", []row{{"Chen Sijia", a}, {"陈思佳", b}, {"SIJIA CHEN", ""}}, nil, []string{"陈思佳=Chen Sijia+陈思佳+SIJIA CHEN"}},
		{"variants without a number", []row{{"陈思佳", ""}, {"陈饲佳", c}}, nil, []string{"陈思佳=陈思佳+陈饲佳"}},
		{"siblings on one number", []row{{"马泽洋", a}, {"马泽宇", a}}, nil, []string{"马泽洋=马泽洋", "马泽宇=马泽宇"}},
		{"household on one number", []row{{"马泽洋", a}, {"马子骞", a}, {"马瑞霖", a}}, []string{a}, []string{"马泽洋=马泽洋", "马子骞=马子骞", "马瑞霖=马瑞霖"}},
		{"title form, the only one of the surname", []row{{"陈天宇", a}, {"陈先生", b}}, nil, []string{"陈天宇=陈天宇+陈先生"}},
		{"title form sharing the number of one of two", []row{{"陈天宇", a}, {"陈思佳", b}, {"陈先生", a}}, nil, []string{"陈天宇=陈天宇+陈先生", "陈思佳=陈思佳"}},
		{"title form sharing a number with both", []row{{"陈天宇", a}, {"陈思佳", a}, {"陈先生", a}}, nil, []string{"陈天宇=陈天宇", "陈思佳=陈思佳", "陈先生=陈先生"}},
		{"title form with two candidates, no number", []row{{"陈天宇", a}, {"陈思佳", b}, {"陈先生", ""}}, nil, []string{"陈天宇=陈天宇", "陈思佳=陈思佳", "陈先生=陈先生"}},
		{"title forms of one person", []row{{"王总", a}, {"王建国", a}, {"王先生", b}}, nil, []string{"王建国=王总+王建国+王先生"}},
		{"title forms alone stay apart", []row{{"陈先生", a}, {"陈女士", a}}, nil, []string{"陈先生=陈先生", "陈女士=陈女士"}},
		{"title of another surname", []row{{"陈天宇", a}, {"王总", a}}, nil, []string{"陈天宇=陈天宇", "王总=王总"}},
		{"rare reading on an own number", []row{{"郭汐柏", a}, {"郭汐博", a}}, nil, []string{"郭汐柏=郭汐柏+郭汐博"}},
		{"rare reading on a shared number", []row{{"郭汐柏", a}, {"郭汐博", a}}, []string{a}, []string{"郭汐柏=郭汐柏", "郭汐博=郭汐博"}},
		{"rare reading without a common number", []row{{"郭汐柏", a}, {"郭汐博", b}}, nil, []string{"郭汐柏=郭汐柏", "郭汐博=郭汐博"}},
		{"one mobile, two people", []row{{"季立轩", a}, {"季梓妍", a}}, nil, []string{"季立轩=季立轩", "季梓妍=季梓妍"}},
	}
	for _, tc := range tests {
		m := newMerger(t, rules.Default())
		shared := map[string]bool{}
		for _, n := range tc.shared {
			shared[n] = true
		}
		m.SetShared(shared)
		var rows []*record.Record
		for i, r := range tc.rows {
			rows = append(rows, contactRow(string(rune('a'+i)), r.contact, r.number))
			rows[i].Prov.Row = i + 2
		}
		var got []string
		for _, ct := range m.Build(rows).Contacts {
			var held []string
			for _, r := range ct.Rows {
				if !slices.Contains(held, r.Norm.Contact) {
					held = append(held, r.Norm.Contact)
				}
				if r.ContactID != ct.ID {
					t.Errorf("%s: row naming %s has contact id %q, want %q", tc.name, r.Norm.Contact, r.ContactID, ct.ID)
				}
			}
			got = append(got, ct.Name+"="+strings.Join(held, "+"))
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: contacts %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestContactFields(t *testing.T) {
	const a, b, rep = "+8613800000001", "+8613800000002", "+8613700001111"
	m := newMerger(t, rules.Default())
	m.SetNotOwn(map[string]bool{rep: true})
	rows := []*record.Record{
		contactRow("f1", "Chen Sijia", a),
		contactRow("f2", "陈饲佳", b),
		contactRow("f3", "陈思佳", b),
		contactRow("f4", "陈思佳", rep),
	}
	rows[1].Norm.Emails = []string{"sijia@example.com"}
	rows[2].Norm.SetTitle("采购")
	for i, r := range rows {
		r.Prov.Row = i + 2
	}
	c := m.Build(rows)
	if len(c.Contacts) != 1 {
		t.Fatalf("contacts %+v, want one", c.Contacts)
	}
	ct := c.Contacts[0]
	want := Contact{ID: ContactID(rows), Name: "陈思佳", Mobile: b, Phones: []string{a, b}, SharedPhones: []string{rep},
		Email: "sijia@example.com", Title: "采购"}
	if ct.ID != want.ID || ct.Name != want.Name || ct.Mobile != want.Mobile || !slices.Equal(ct.Phones, want.Phones) ||
		!slices.Equal(ct.SharedPhones, want.SharedPhones) || ct.Email != want.Email || ct.Title != want.Title {
		t.Errorf("contact %+v, want %+v", ct, want)
	}
	// The main contact, chosen among the names written, is shown as the
	// contact is.
	if c.Contact != "陈思佳" {
		t.Errorf("main contact %q, want 陈思佳", c.Contact)
	}
}

func TestChineseNameWins(t *testing.T) {
	tests := []struct {
		name     string
		strategy string
		names    []string
		want     string
	}{
		{"most complete, romanized longer", "most_complete", []string{"HAN YIQUAN", "韩一全"}, "韩一全"},
		{"most frequent, romanized more often", "most_frequent", []string{"HAN YIQUAN", "HAN YIQUAN", "韩一全"}, "韩一全"},
		{"most complete among Chinese", "most_complete", []string{"Chen Tianyu", "陈天", "陈天宇"}, "陈天宇"},
		{"romanized only", "most_complete", []string{"HAN YIQUAN", "Han Yiquan"}, "HAN YIQUAN"},
	}
	for _, tc := range tests {
		r := rules.Default()
		r.Survivorship.Fields["name"] = tc.strategy
		r.Survivorship.Fields["contact"] = tc.strategy
		var rows []*record.Record
		for i, n := range tc.names {
			rows = append(rows, rec("a.csv", i+2, string(rune('a'+i)), record.Normalized{Kind: record.Person, Name: n, Contact: n}))
		}
		c := newMerger(t, r).Build(rows)
		if c.Name != tc.want || c.Contact != tc.want {
			t.Errorf("%s: name %q, contact %q, want %q", tc.name, c.Name, c.Contact, tc.want)
		}
	}
}

// TestContactIDsStable checks that a contact's id depends on its own rows
// only: not on row order, on other contacts or customers, nor on a merge
// that brings another customer's rows in.
func TestContactIDsStable(t *testing.T) {
	const a, b = "+8613800000001", "+8613800000002"
	m := newMerger(t, rules.Default())
	ids := func(rows []*record.Record) map[string]string {
		out := map[string]string{}
		for _, ct := range m.Build(rows).Contacts {
			out[ct.Name] = ct.ID
		}
		return out
	}
	mk := func() []*record.Record {
		return []*record.Record{contactRow("f5", "季立轩", a), contactRow("f2", "季梓妍", b), contactRow("f9", "季立轩", a)}
	}
	base := ids(mk())
	if base["季立轩"] != ContactID([]*record.Record{{Fingerprint: "f5"}}) || base["季梓妍"] != ContactID([]*record.Record{{Fingerprint: "f2"}}) {
		t.Fatalf("ids %v, want each from its smallest fingerprint", base)
	}
	reversed := mk()
	slices.Reverse(reversed)
	for i, r := range reversed {
		r.Prov.Row = i + 2
	}
	// A merge decision brings another customer's rows in: 季梓妍 is no
	// longer the first contact, and a new contact comes first.
	merged := append([]*record.Record{contactRow("f1", "王建国", "+8613900000009")}, mk()...)
	merged[0].Prov.File = "0.csv"
	for name, rows := range map[string][]*record.Record{"reversed": reversed, "merged": merged, "one row less": mk()[:2]} {
		got := ids(rows)
		for who, id := range base {
			if got[who] != id {
				t.Errorf("%s: %s got id %q, want %q", name, who, got[who], id)
			}
		}
	}
}

// TestReadingsShared checks that contacts come out the same from a Merger
// that read their names for earlier customers (reading) as from a new one.
func TestReadingsShared(t *testing.T) {
	shared := newMerger(t, rules.Default())
	render := func(c *Customer) string {
		var b strings.Builder
		for _, ct := range c.Contacts {
			fmt.Fprintf(&b, "%s %s %d|", ct.ID, ct.Name, len(ct.Rows))
		}
		return b.String()
	}
	for i, cl := range benchClusters(500) {
		want := render(newMerger(t, rules.Default()).Build(cl))
		if got := render(shared.Build(cl)); got != want {
			t.Fatalf("customer %d: %s with readings shared, %s without", i, got, want)
		}
	}
	if shared.cached.Load() == 0 {
		t.Error("no reading kept")
	}
}

// TestNoExtrasNoMap: a customer whose rows carry no extra column (or only
// empty ones, or only mapped and sensitive ones) holds no Extras map.
func TestNoExtrasNoMap(t *testing.T) {
	tests := []struct {
		name   string
		values []record.Value
	}{
		{"no values", nil},
		{"mapped only", []record.Value{record.NewValue("name", 0, "客户名称", "张伟", "")}},
		{"empty extra", []record.Value{record.NewValue("", 0, "积分", "", "")}},
		{"sensitive only", []record.Value{record.NewValue("sensitive", 0, "身份证号", "110101199001011234", "")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := rec("a.csv", 2, "f", record.Normalized{Name: "张伟"})
			r.Values = tt.values
			if c := newMerger(t, rules.Default()).Build([]*record.Record{r}); c.Extras != nil {
				t.Errorf("extras %#v, want nil", c.Extras)
			}
		})
	}
}
