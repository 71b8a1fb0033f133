package normalize

import (
	"reflect"
	"testing"

	"github.com/crmclean/crmclean/pipeline/normalize/phone"
	"github.com/crmclean/crmclean/pipeline/record"
	"github.com/crmclean/crmclean/rules"
)

// mergePhones is Normalizer.phone without its one-number shortcut: every
// number found is merged into out.Phones one by one.
func mergePhones(n *Normalizer, rec *record.Record, out *record.Normalized) {
	base := len(out.Phones)
	for v := range values(rec, record.FieldPhone) {
		res := n.phones.Parse(v.Text(), phone.Context{City: out.City})
	next:
		for _, p := range res.Phones {
			p.Col = v.Col()
			for i := base; i < len(out.Phones); i++ {
				if samePhone(out.Phones[i], p) {
					out.Phones[i].Own = out.Phones[i].Own || p.Own
					continue next
				}
			}
			out.Phones = append(out.Phones, p)
		}
		for _, is := range res.Issues {
			issue(rec, v, record.FieldPhone, is)
		}
	}
}

// TestPhoneShortcut checks the phones and issues of rows with one or more
// phone cells against the plain merge.
func TestPhoneShortcut(t *testing.T) {
	n, err := New(rules.Default())
	if err != nil {
		t.Fatal(err)
	}
	cells := [][]string{
		{"13800138000"},
		{"13800138000", "138-0013-8000"},
		{"0571-88881234", "13800138000"},
		{"13800138000 13900139000"},
		{"13800138000", "13800138000(微信同号)"},
		{"12345"},
		{"12345", "13800138000"},
		{"+86 138 0013 8000", "057188881234", "0571-88881234转123"},
		{"88881234"},
		{"", "13800138000"},
	}
	for _, row := range cells {
		t.Run(row[0], func(t *testing.T) {
			var rec record.Record
			for i, c := range row {
				rec.Values = append(rec.Values, record.NewValue(record.FieldPhone, i, "电话", c, c))
			}
			rec.Norm.City = "杭州市"
			want := rec
			want.Values = append([]record.Value(nil), rec.Values...)
			mergePhones(n, &want, &want.Norm)
			n.phone(&rec, &rec.Norm)
			if !reflect.DeepEqual(rec.Norm.Phones, want.Norm.Phones) {
				t.Errorf("phones = %+v, want %+v", rec.Norm.Phones, want.Norm.Phones)
			}
			if !reflect.DeepEqual(rec.Issues, want.Issues) {
				t.Errorf("issues = %+v, want %+v", rec.Issues, want.Issues)
			}
		})
	}
}

// FuzzPhoneShortcut: two phone cells give what the plain merge gives.
func FuzzPhoneShortcut(f *testing.F) {
	f.Add("13800138000", "138-0013-8000")
	f.Add("0571-88881234", "")
	f.Add("13800138000 13900139000", "12345")
	f.Add("12345", "13800138000(微信同号)")
	n, err := New(rules.Default())
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		var rec record.Record
		for i, c := range []string{a, b} {
			rec.Values = append(rec.Values, record.NewValue(record.FieldPhone, i, "电话", c, c))
		}
		want := rec
		want.Values = append([]record.Value(nil), rec.Values...)
		mergePhones(n, &want, &want.Norm)
		n.phone(&rec, &rec.Norm)
		if !reflect.DeepEqual(rec.Norm.Phones, want.Norm.Phones) || !reflect.DeepEqual(rec.Issues, want.Issues) {
			t.Fatalf("%q, %q: phones %+v issues %+v, want %+v and %+v", a, b, rec.Norm.Phones, rec.Issues, want.Norm.Phones, want.Issues)
		}
	})
}
