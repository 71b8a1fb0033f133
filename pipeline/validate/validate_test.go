package validate

import (
	"reflect"
	"testing"

	"github.com/crmclean/crmclean/pipeline/record"
	"github.com/crmclean/crmclean/rules"
)

func TestApply(t *testing.T) {
	r := &rules.Rules{Validation: []rules.Validation{
		{Field: "name", Required: true, Severity: "error", Message: "no customer name"},
		{Field: "reach", Required: true, Severity: "warning"},
		{Field: "email", Format: "email", Severity: "error"},
		{Field: "uscc", Format: "uscc", Severity: "warning"},
		{Field: "gender", Allowed: []string{"男", "女"}, Severity: "warning"},
	}}
	emailIssue := record.Issue{Field: "email", Col: 3, Rule: "email.invalid", Severity: record.Warning, Message: "bad"}
	tests := []struct {
		name       string
		rec        record.Record
		wantStatus record.Status
		wantRules  []string
		wantSev    []record.Severity
	}{
		{"complete", record.Record{Norm: record.Normalized{Name: "华信", Emails: []string{"a@qq.com"}}}, "", nil, nil},
		{"no name", record.Record{Norm: record.Normalized{Emails: []string{"a@qq.com"}}}, record.Rejected,
			[]string{"required.name"}, []record.Severity{record.Error}},
		{"no reach", record.Record{Norm: record.Normalized{Name: "华信"}}, "",
			[]string{"required.reach"}, []record.Severity{record.Warning}},
		{"format raises severity", record.Record{Norm: record.Normalized{Name: "华信", Phones: []record.Phone{{E164: "+8613800138000"}}},
			Issues: []record.Issue{emailIssue}}, record.Rejected, []string{"email.invalid"}, []record.Severity{record.Error}},
		{"info kept", record.Record{Norm: record.Normalized{Name: "华信", Emails: []string{"a@qq.com"}},
			Issues: []record.Issue{{Rule: "email.invalid", Severity: record.Info}}}, "", []string{"email.invalid"}, []record.Severity{record.Info}},
		{"not allowed", record.Record{Norm: record.Normalized{Name: "华信", Emails: []string{"a@qq.com"}},
			Values: []record.Value{{Field: "gender", Col: 2, Text: "未知", Raw: "未知"}}}, "",
			[]string{"allowed.gender"}, []record.Severity{record.Warning}},
		{"allowed", record.Record{Norm: record.Normalized{Name: "华信", Emails: []string{"a@qq.com"}},
			Values: []record.Value{{Field: "gender", Col: 2, Text: "男", Raw: "男"}}}, "", nil, nil},
		{"skipped row", record.Record{Status: record.Skipped}, record.Skipped, nil, nil},
	}
	v := New(r)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := tt.rec
			v.Apply(&rec)
			var rules []string
			var sevs []record.Severity
			for _, is := range rec.Issues {
				rules = append(rules, is.Rule)
				sevs = append(sevs, is.Severity)
			}
			if rec.Status != tt.wantStatus || !reflect.DeepEqual(rules, tt.wantRules) || !reflect.DeepEqual(sevs, tt.wantSev) {
				t.Errorf("Apply: status %q, issues %q %q; want %q, %q %q", rec.Status, rules, sevs, tt.wantStatus, tt.wantRules, tt.wantSev)
			}
		})
	}
}

func TestApplyDefaultRules(t *testing.T) {
	v := New(rules.Default())
	rec := record.Record{Issues: []record.Issue{{Rule: "date.invalid", Severity: record.Info}}}
	v.Apply(&rec)
	if rec.Status != record.Rejected || rec.Reason == "" {
		t.Errorf("a row without name: status %q, reason %q; want rejected with a reason", rec.Status, rec.Reason)
	}
}
