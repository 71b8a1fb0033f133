// Package validate applies the rules file's validation rules to normalized
// records: a violation of severity error rejects the row, one of severity
// warning keeps it and is reported.
package validate

import (
	"strings"

	"github.com/crmclean/crmclean/pipeline/msg"
	"github.com/crmclean/crmclean/pipeline/record"
	"github.com/crmclean/crmclean/rules"
)

// Validator applies one rule set.
type Validator struct {
	rules []check
}

// check is a validation rule with its format's issue looked up once.
type check struct {
	rules.Validation
	formatIssue string // the normalizer issue that reports a value not in Format, "" if none
}

// New returns a Validator for r.
func New(r *rules.Rules) *Validator {
	v := &Validator{rules: make([]check, len(r.Validation))}
	for i, rule := range r.Validation {
		v.rules[i] = check{Validation: rule, formatIssue: formatRules[rule.Format]}
	}
	return v
}

// formatRules maps a format to the normalizer issue that reports a value
// not in that format. Format mobile also fails valid numbers that are not
// mobiles (notMobile).
var formatRules = map[string]string{
	"email":  "email.invalid",
	"uscc":   "uscc.invalid",
	"date":   "date.invalid",
	"phone":  "phone.invalid",
	"mobile": "phone.invalid",
}

// Apply checks rec and rejects it when a rule of severity error fails.
// Skipped and already rejected rows are left alone.
func (v *Validator) Apply(rec *record.Record) {
	if rec.Status == record.Skipped || rec.Status == record.Rejected {
		return
	}
	for i := range v.rules {
		rule := &v.rules[i]
		sev := record.Severity(rule.Severity)
		if rule.Required && missing(rec, rule.Field) {
			rec.AddIssue(ruleIssue(record.Issue{Field: rule.Field, Col: -1, Rule: "required." + rule.Field, Severity: sev},
				rule.Message, msg.New("required.field", rule.Field)))
		}
		if want := rule.formatIssue; want != "" {
			for i := range rec.Issues {
				if rec.Issues[i].Rule == want && rec.Issues[i].Severity != record.Info {
					rec.Issues[i].Severity = sev
				}
			}
		}
		if rule.Format == "mobile" {
			notMobile(rec, rule.Field, sev, rule.Message)
		}
		if len(rule.Allowed) > 0 {
			for _, val := range rec.All(rule.Field) {
				if !allowed(rule.Allowed, val.Text()) {
					rec.AddIssue(ruleIssue(record.Issue{Field: rule.Field, Col: val.Col(), Header: val.Header(), Value: val.Raw(),
						Rule: "allowed." + rule.Field, Severity: sev}, rule.Message, msg.New("allowed.value", val.Text(), strings.Join(rule.Allowed, ", "))))
				}
			}
		}
	}
	if errs := rec.Errors(); errs != "" {
		rec.Reject(errs)
	}
}

// ruleIssue gives is the message of a validation rule: the catalogue's
// when the rules say what the default rules say (so that it follows
// --lang), the rules' own text as written otherwise, and def when the rule
// has none.
func ruleIssue(is record.Issue, text string, def msg.Msg) record.Issue {
	switch id := msg.ID(is.Rule); {
	case text == "":
		return record.NewIssue(is, def)
	case msg.Known(id) && msg.Text("en", id) == text:
		return record.NewIssue(is, msg.New(id))
	}
	is.Message = text
	return is
}

// notMobile adds an issue for each valid number of the row that is not a
// mobile (a landline, a 400 service number): format mobile accepts mobiles
// only, format phone any valid number. Invalid numbers are phone.invalid.
func notMobile(rec *record.Record, field string, sev record.Severity, text string) {
	for _, p := range rec.Norm.Phones {
		if p.Type == record.Mobile {
			continue
		}
		is := ruleIssue(record.Issue{Field: field, Col: p.Col, Value: p.Input, Rule: "phone.not_mobile", Severity: sev},
			text, msg.New("phone.not_mobile", msg.Nested(msg.ID("phone.type."+string(p.Type)))))
		for _, v := range rec.Values {
			if v.Col() == p.Col {
				is.Header, is.Value = v.Header(), v.Raw()
				break
			}
		}
		rec.AddIssue(is)
	}
}

func missing(rec *record.Record, field string) bool {
	n := &rec.Norm
	switch field {
	case "reach":
		return len(n.Phones) == 0 && len(n.Emails) == 0
	case record.FieldName:
		return n.Name == ""
	case record.FieldContact:
		return n.Contact == ""
	case record.FieldPhone:
		return len(n.Phones) == 0
	case record.FieldEmail:
		return len(n.Emails) == 0
	case record.FieldProvince:
		return n.Province == ""
	case record.FieldCity:
		return n.City == ""
	case record.FieldDistrict:
		return n.District == ""
	case record.FieldAddress:
		return n.Address == "" && n.District == ""
	case record.FieldUSCC:
		return n.USCC == ""
	case record.FieldCreatedAt:
		return n.CreatedAt == ""
	}
	return rec.Get(field) == ""
}

func allowed(list []string, s string) bool {
	for _, a := range list {
		if strings.EqualFold(a, s) {
			return true
		}
	}
	return false
}
