package report

import (
	"cmp"
	"maps"
	"slices"
	"strings"

	"github.com/crmclean/crmclean/pipeline/merge"
	"github.com/crmclean/crmclean/pipeline/record"
)

// Quality score weights; they sum to 1.
var scoreWeights = []FieldWeight{
	{"name", 0.35},
	{"phone", 0.35},
	{"address", 0.20},
	{"email", 0.10},
}

// rowTerms gives a data row's valid value per score field, in
// scoreWeights order.
func rowTerms(r *record.Record) [4]float64 {
	var t [4]float64
	n := &r.Norm
	if n.Name != "" {
		t[0] = 1
	}
	if len(n.Phones) > 0 {
		t[1] = 1
	}
	t[2] = float64(levels(n.Province, n.City, n.District)) / 3
	if len(n.Emails) > 0 {
		t[3] = 1
	}
	return t
}

// repairedField maps the field of an issue to the score or field-table
// field it concerns.
var repairedField = map[string]string{
	record.FieldName: "name", record.FieldContact: "contact", record.FieldPhone: "phone", "mobile": "phone", "landline": "phone",
	record.FieldEmail: "email", record.FieldAddress: "address", record.FieldProvince: "address", record.FieldCity: "address",
	record.FieldDistrict: "address", record.FieldUSCC: "uscc", record.FieldCreatedAt: "created_at",
}

// repairs are the fixes crmclean applied to one row: the issues that carry
// the value written instead (Fix), each with the score or field-table
// field it concerns. A row has few: a list, not a map per row (at a
// million rows the maps were most of the report's garbage).
type repairs []repair

type repair struct {
	field string
	is    *record.Issue
}

func repairsOf(r *record.Record) repairs { return appendRepairs(nil, r) }

// appendRepairs appends the repairs of r to dst.
func appendRepairs(dst repairs, r *record.Record) repairs {
	for i := range r.Issues {
		is := &r.Issues[i]
		if is.Fix == "" {
			continue
		}
		if f, ok := repairedField[is.Field]; ok {
			dst = append(dst, repair{f, is})
		}
	}
	return dst
}

// touched reports whether s is the value or the fix of one of the repairs
// of field.
func (rp repairs) touched(field, s string) bool {
	for _, x := range rp {
		if x.field == field && (s == x.is.Value || s == x.is.Fix) {
			return true
		}
	}
	return false
}

// of reports whether one of the repairs is of field.
func (rp repairs) of(field string) bool {
	return slices.ContainsFunc(rp, func(x repair) bool { return x.field == field })
}

// validAsWritten reports whether a row's field held a valid value before
// crmclean repaired anything: a repaired value (a ditto mark resolved, an
// area code inferred, a misspelt domain or place name corrected) is valid
// after cleaning, not before. Phones and e-mails count when one of them
// came through unrepaired.
func validAsWritten(r *record.Record, rp repairs, field string) bool {
	switch field {
	case "phone":
		return slices.ContainsFunc(r.Norm.Phones, func(p record.Phone) bool { return !rp.touched("phone", p.Input) })
	case "email":
		return slices.ContainsFunc(r.Norm.Emails, func(e string) bool { return !rp.touched("email", e) })
	}
	return !rp.of(field)
}

// writtenTerms are rowTerms counting only values valid as written. An
// address whose province and city were only inferred from its district
// counts the district alone; any other repair of it counts nothing.
func writtenTerms(r *record.Record) [4]float64 { return writtenTermsOf(r, repairsOf(r)) }

// writtenTermsOf is writtenTerms given the row's repairs.
func writtenTermsOf(r *record.Record, rp repairs) [4]float64 {
	t := rowTerms(r)
	if len(rp) == 0 {
		return t
	}
	for i, f := range []string{"name", "phone", "", "email"} {
		if f != "" && t[i] > 0 && !validAsWritten(r, rp, f) {
			t[i] = 0
		}
	}
	if rp.of("address") {
		inferred := !slices.ContainsFunc(rp, func(x repair) bool { return x.field == "address" && x.is.Rule != "address.inferred" })
		if inferred && r.Norm.District != "" {
			t[2] = min(t[2], 1.0/3)
		} else {
			t[2] = 0
		}
	}
	return t
}

func customerTerms(c *merge.Customer) [4]float64 {
	var t [4]float64
	if c.Name != "" {
		t[0] = 1
	}
	if len(c.Phones) > 0 {
		t[1] = 1
	}
	t[2] = float64(levels(c.Province, c.City, c.District)) / 3
	if c.Email != "" {
		t[3] = 1
	}
	return t
}

func levels(parts ...string) int {
	n := 0
	for _, p := range parts {
		if p != "" {
			n++
		}
	}
	return n
}

func hasAddress(r *record.Record) bool {
	for _, f := range []string{record.FieldProvince, record.FieldCity, record.FieldDistrict, record.FieldAddress} {
		if r.Get(f) != "" {
			return true
		}
	}
	return false
}

// scoreSum sums the terms of rows (or customers) for a score.
type scoreSum struct {
	sum [4]float64
	n   int
}

func (s *scoreSum) add(t [4]float64) {
	for i := range t {
		s.sum[i] += t[i]
	}
	s.n++
}

// score is the quality score of the rows summed, 0–100; 0 for none.
func (s *scoreSum) score() float64 {
	if s.n == 0 {
		return 0
	}
	total := 0.0
	for i, w := range scoreWeights {
		total += w.Weight * s.sum[i] / float64(s.n)
	}
	return round(100*total, 1)
}

// quality states the score of the rows and of the customers counted in a;
// its formula is stated in lang.
func quality(a *aggregates, lang string) Quality {
	q := Quality{Formula: tr(lang, "formula"), Weights: scoreWeights, Overall: a.score.score()}
	if a.customers > 0 {
		q.After = a.customerScore.score()
	}
	files := slices.Sorted(maps.Keys(a.byFile))
	q.Files = []FileScore{}
	for _, f := range files {
		q.Files = append(q.Files, FileScore{SourceFile: f, DataRows: a.byFile[f].n, Score: a.byFile[f].score()})
	}
	return q
}

// fieldCheck says, for one field, whether a row has it filled and valid
// and whether a customer has it.
type fieldCheck struct {
	field         string
	filled, valid func(*record.Record) bool
	after         func(*merge.Customer) bool
}

var fieldChecks = []fieldCheck{
	{"name",
		func(r *record.Record) bool { return r.Get(record.FieldName) != "" || r.Get(record.FieldContact) != "" },
		func(r *record.Record) bool { return r.Norm.Name != "" },
		func(c *merge.Customer) bool { return c.Name != "" }},
	{"contact",
		func(r *record.Record) bool { return r.Get(record.FieldContact) != "" },
		func(r *record.Record) bool { return r.Norm.Contact != "" },
		func(c *merge.Customer) bool { return c.Contact != "" }},
	{"phone",
		func(r *record.Record) bool { return r.Get(record.FieldPhone) != "" },
		func(r *record.Record) bool { return len(r.Norm.Phones) > 0 },
		func(c *merge.Customer) bool { return len(c.Phones) > 0 }},
	{"email",
		func(r *record.Record) bool { return r.Get(record.FieldEmail) != "" },
		func(r *record.Record) bool { return len(r.Norm.Emails) > 0 },
		func(c *merge.Customer) bool { return c.Email != "" }},
	{"address",
		hasAddress,
		func(r *record.Record) bool { return r.Norm.District != "" },
		func(c *merge.Customer) bool { return c.District != "" }},
	{"uscc",
		func(r *record.Record) bool { return r.Get(record.FieldUSCC) != "" },
		func(r *record.Record) bool { return r.Norm.USCC != "" },
		func(c *merge.Customer) bool { return c.USCC != "" }},
	{"created_at",
		func(r *record.Record) bool { return r.Get(record.FieldCreatedAt) != "" },
		func(r *record.Record) bool { return r.Norm.CreatedAt != "" },
		func(c *merge.Customer) bool { return c.CreatedAt != "" }},
}

func fieldStats(a *aggregates) []FieldStat {
	out := make([]FieldStat, 0, len(fieldChecks))
	for i, fc := range fieldChecks {
		out = append(out, FieldStat{
			Field:        fc.field,
			FilledBefore: share(a.filled[i], a.data),
			ValidBefore:  share(a.valid[i], a.data),
			FilledAfter:  share(a.after[i], a.customers),
			ValidAfter:   share(a.after[i], a.customers),
		})
	}
	return out
}

// repairCounts counts the values crmclean repaired (issues with a fix), by
// rule, and the rows with a problem that needs a person.
func repairCounts(data []*record.Record) ([]RuleCount, int) {
	by := map[string]int{}
	toFix := 0
	for _, r := range data {
		needs := false
		for _, is := range r.Issues {
			if is.Fix != "" {
				by[is.Rule]++
			}
			needs = needs || is.Severity != record.Info || is.Fix == "" // as in the fix list
		}
		if needs {
			toFix++
		}
	}
	out := []RuleCount{}
	for rule, n := range by {
		out = append(out, RuleCount{rule, n})
	}
	slices.SortFunc(out, func(a, b RuleCount) int {
		return cmp.Or(-cmp.Compare(a.Count, b.Count), strings.Compare(a.Rule, b.Rule))
	})
	return out, toFix
}
