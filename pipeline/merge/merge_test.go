package merge

import (
	"slices"
	"testing"

	"github.com/crmclean/crmclean/pipeline/record"
	"github.com/crmclean/crmclean/rules"
)

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
	m := New(rules.Default())
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
	m := New(rules.Default())
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
	c := New(r).Build(rows)
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
	m := New(rules.Default())
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
	r.Values = []record.Value{{Field: "", Header: "积分", Text: "100"}, {Field: "sensitive", Header: "身份证号", Text: "110101199001011234"}}
	c := New(rules.Default()).Build([]*record.Record{r})
	if c.Extras["积分"] != "100" || c.Extras["身份证号"] != "" || c.Sensitive["身份证号"] == "" {
		t.Errorf("extras %v sensitive %v", c.Extras, c.Sensitive)
	}
}
