package report

import (
	"slices"

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

// rowScore is the quality score of a set of data rows, 0–100.
func rowScore(rows []*record.Record) float64 {
	if len(rows) == 0 {
		return 0
	}
	var sum [4]float64
	for _, r := range rows {
		t := rowTerms(r)
		for i := range t {
			sum[i] += t[i]
		}
	}
	total := 0.0
	for i, w := range scoreWeights {
		total += w.Weight * sum[i] / float64(len(rows))
	}
	return round(100*total, 1)
}

// quality computes the score; its formula is stated in lang.
func quality(data []*record.Record, customers []*merge.Customer, lang string) Quality {
	q := Quality{Formula: tr(lang, "formula"), Weights: scoreWeights, Overall: rowScore(data)}
	if len(customers) > 0 {
		var sum [4]float64
		for _, c := range customers {
			t := customerTerms(c)
			for i := range t {
				sum[i] += t[i]
			}
		}
		total := 0.0
		for i, w := range scoreWeights {
			total += w.Weight * sum[i] / float64(len(customers))
		}
		q.After = round(100*total, 1)
	}
	byFile := map[string][]*record.Record{}
	var files []string
	for _, r := range data {
		if _, ok := byFile[r.Prov.File]; !ok {
			files = append(files, r.Prov.File)
		}
		byFile[r.Prov.File] = append(byFile[r.Prov.File], r)
	}
	slices.Sort(files)
	q.Files = []FileScore{}
	for _, f := range files {
		q.Files = append(q.Files, FileScore{SourceFile: f, DataRows: len(byFile[f]), Score: rowScore(byFile[f])})
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

func fieldStats(data []*record.Record, customers []*merge.Customer) []FieldStat {
	out := make([]FieldStat, 0, len(fieldChecks))
	for _, fc := range fieldChecks {
		var filled, valid, after int
		for _, r := range data {
			if fc.filled(r) {
				filled++
				if fc.valid(r) {
					valid++
				}
			}
		}
		for _, c := range customers {
			if fc.after(c) {
				after++
			}
		}
		out = append(out, FieldStat{
			Field:        fc.field,
			FilledBefore: share(filled, len(data)),
			ValidBefore:  share(valid, len(data)),
			FilledAfter:  share(after, len(customers)),
			ValidAfter:   share(after, len(customers)),
		})
	}
	return out
}
