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
	tests := []applyCase{
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
			Values: []record.Value{record.NewValue("gender", 2, "", "未知", "未知")}}, "",
			[]string{"allowed.gender"}, []record.Severity{record.Warning}},
		{"allowed", record.Record{Norm: record.Normalized{Name: "华信", Emails: []string{"a@qq.com"}},
			Values: []record.Value{record.NewValue("gender", 2, "", "男", "男")}}, "", nil, nil},
		{"skipped row", record.Record{Status: record.Skipped}, record.Skipped, nil, nil},
	}
	v := New(r)
	runApply(t, v, tests)
}

type applyCase = struct {
	name       string
	rec        record.Record
	wantStatus record.Status
	wantRules  []string
	wantSev    []record.Severity
}

func runApply(t *testing.T, v *Validator, tests []applyCase) {
	t.Helper()
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

// TestApplyMobileFormat: format mobile accepts mobiles only (a landline or
// a 400 number fails it, naming its column), format phone any valid
// number; an invalid number fails both.
func TestApplyMobileFormat(t *testing.T) {
	mobile := record.Phone{E164: "+8613800138000", Type: record.Mobile, Col: 1, Input: "13800138000"}
	landline := record.Phone{E164: "+862161234567", Type: record.Landline, Col: 2, Input: "021-61234567"}
	service := record.Phone{E164: "+864008123456", Type: record.Service, Col: 2, Input: "400-812-3456"}
	invalid := record.Issue{Field: "phone", Col: 2, Rule: "phone.invalid", Severity: record.Warning, Message: "bad"}
	rec := func(issues []record.Issue, phones ...record.Phone) record.Record {
		return record.Record{Norm: record.Normalized{Name: "华信", Phones: phones}, Issues: issues,
			Values: []record.Value{record.NewValue("phone", 1, "手机", "", "13800138000"), record.NewValue("phone", 2, "电话", "", "021-61234567")}}
	}
	for _, format := range []string{"mobile", "phone"} {
		t.Run(format, func(t *testing.T) {
			v := New(&rules.Rules{Validation: []rules.Validation{{Field: "phone", Format: format, Severity: "error"}}})
			tests := []applyCase{
				{"mobile", rec(nil, mobile), "", nil, nil},
				{"invalid number", rec([]record.Issue{invalid}, mobile), record.Rejected, []string{"phone.invalid"}, []record.Severity{record.Error}},
			}
			if format == "mobile" {
				tests = append(tests,
					applyCase{"landline", rec(nil, mobile, landline), record.Rejected, []string{"phone.not_mobile"}, []record.Severity{record.Error}},
					applyCase{"service number", rec(nil, service), record.Rejected, []string{"phone.not_mobile"}, []record.Severity{record.Error}})
			} else {
				tests = append(tests,
					applyCase{"landline", rec(nil, mobile, landline), "", nil, nil},
					applyCase{"service number", rec(nil, service), "", nil, nil})
			}
			runApply(t, v, tests)
		})
	}
	// The issue names the landline's column and value.
	v := New(&rules.Rules{Validation: []rules.Validation{{Field: "phone", Format: "mobile", Severity: "warning"}}})
	r := rec(nil, mobile, landline)
	v.Apply(&r)
	if len(r.Issues) != 1 || r.Issues[0].Header != "电话" || r.Issues[0].Value != "021-61234567" || r.Issues[0].Column() != "C" {
		t.Errorf("issues %+v, want one on column C (电话) with its value", r.Issues)
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
