package report

import (
	"testing"

	"github.com/crmclean/crmclean/pipeline/record"
)

func TestWrittenTerms(t *testing.T) {
	mob := func(in string) record.Phone { return record.Phone{E164: "+86" + in, Type: record.Mobile, Input: in} }
	norm := record.Normalized{Name: "华信科技", Phones: []record.Phone{mob("13800138000")}, Emails: []string{"a@qq.com"},
		Province: "上海市", City: "上海市", District: "浦东新区"}
	fix := func(field, rule, value, to string) record.Issue {
		return record.Issue{Field: field, Rule: rule, Severity: record.Info, Value: value, Fix: to}
	}
	tests := []struct {
		name   string
		norm   func(n *record.Normalized)
		issues []record.Issue
		want   [4]float64
	}{
		{"valid as written", nil, nil, [4]float64{1, 1, 1, 1}},
		{"name from a ditto mark", nil, []record.Issue{fix("name", "cell.ditto", "同上", "华信科技")}, [4]float64{0, 1, 1, 1}},
		{"the only phone repaired", nil, []record.Issue{fix("phone", "phone.trunk_zero_removed", "13800138000", "+8613800138000")}, [4]float64{1, 0, 1, 1}},
		{"one of two phones repaired",
			func(n *record.Normalized) { n.Phones = append(n.Phones, mob("13900139000")) },
			[]record.Issue{fix("phone", "phone.trunk_zero_removed", "13800138000", "+8613800138000")}, [4]float64{1, 1, 1, 1}},
		{"e-mail domain corrected", nil, []record.Issue{fix("email", "email.domain_fixed", "a@qq.con", "a@qq.com")}, [4]float64{1, 1, 1, 0}},
		{"province and city inferred", nil, []record.Issue{fix("address", "address.inferred", "浦东新区", "上海市浦东新区")}, [4]float64{1, 1, 1.0 / 3, 1}},
		{"place name corrected", nil, []record.Issue{fix("address", "address.typo_fixed", "浦束新区", "浦东新区")}, [4]float64{1, 1, 0, 1}},
		{"a warning is no repair", nil, []record.Issue{{Field: "phone", Rule: "phone.landline_length", Severity: record.Warning, Value: "13800138000"}}, [4]float64{1, 1, 1, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &record.Record{Norm: norm, Issues: tt.issues}
			r.Norm.Phones = append([]record.Phone(nil), norm.Phones...)
			if tt.norm != nil {
				tt.norm(&r.Norm)
			}
			if got := writtenTerms(r); got != tt.want {
				t.Errorf("writtenTerms = %v, want %v", got, tt.want)
			}
		})
	}
}
