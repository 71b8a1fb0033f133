package report

import (
	"math"
	"time"

	"github.com/crmclean/crmclean/pipeline/record"
	"github.com/crmclean/crmclean/rules"
)

const (
	maxExamples  = 5   // examples per issue rule or reason
	maxReview    = 100 // review pairs listed (review.csv has them all)
	maxReasons   = 20  // skipped-row reasons listed
	maxEvidence  = 12  // merge evidence lines listed
	sensitiveTag = "sensitive"
)

// Build computes every figure of the report from in. Volatile values (the
// start time and duration) come from in, so the same Input always gives the
// same Report.
func Build(in Input) *Report {
	rl := in.Rules
	if rl == nil {
		rl = rules.Default()
	}
	m := masker{on: !in.NoMask, lang: in.Lang}
	data := dataRows(in.Records)
	r := &Report{SchemaVersion: SchemaVersion}
	r.Summary = summarize(in, rl, data)
	agg := aggregate(data, in.Customers)
	r.Quality = quality(agg, in.Lang)
	r.Summary.QualityScore, r.Summary.QualityAfter = r.Quality.Overall, r.Quality.After
	r.Fields = fieldStats(agg)
	r.Issues = issueGroups(data, m)
	r.Summary.Repairs, r.Summary.RowsToFix = repairCounts(data)
	for _, g := range r.Issues {
		r.Summary.Issues += g.Count
	}
	r.Duplicates = duplicates(in, m)
	r.Numbers = numbers(in, m)
	r.Check = check(in, m)
	r.Summary.ReviewPairs = r.Duplicates.ReviewPairs
	r.Budget = budget(in)
	r.Rejected = rejectedGroups(data, m)
	r.Skipped = skippedGroups(in.Records, m)
	r.Address = addressRates(agg)
	r.Phones = phoneMix(agg)
	r.Files = fileStats(in, m, r.Quality.Files)
	r.Unreadable = unreadable(in, m)
	r.Settings = settings(in, rl)
	r.Verdict = verdict(r)
	return r
}

// dataRows returns the rows that are customer data: every row but the
// skipped ones (blank, title, header, footer rows).
func dataRows(recs []*record.Record) []*record.Record {
	out := make([]*record.Record, 0, len(recs)) // grown once: nearly every row is one
	for _, r := range recs {
		if r.Status != record.Skipped {
			out = append(out, r)
		}
	}
	return out
}

// countRows counts the rows of records: a run of blank rows (or of rows not
// read) counts all its rows.
func countRows(recs []*record.Record) int {
	n := 0
	for _, r := range recs {
		n += r.Prov.Rows()
	}
	return n
}

func summarize(in Input, rl *rules.Rules, data []*record.Record) Summary {
	s := Summary{
		DurationSeconds: round(in.Duration.Seconds(), 3),
		FilesFound:      len(in.Files),
		FilesIgnored:    len(in.Ignored),
		RowsRead:        countRows(in.Records),
		DataRows:        countRows(data),
		Customers:       len(in.Customers),
	}
	if !in.Started.IsZero() {
		s.StartedAt = in.Started.In(zone(rl.Dates.TimeZone)).Format(time.RFC3339)
	}
	for _, f := range in.Files {
		if f.Err != nil && len(f.Sheets) == 0 {
			s.FilesUnreadable++
			continue
		}
		s.FilesRead++
		s.SheetsRead += len(f.Sheets)
	}
	for _, r := range in.Records {
		switch r.Status {
		case record.Skipped:
			s.SkippedRows += r.Prov.Rows()
		case record.Rejected:
			s.RejectedRows += r.Prov.Rows()
		case record.Kept:
			s.KeptRows++
		case record.Merged:
			s.MergedRows++
		}
	}
	for _, c := range in.Customers {
		if c.Kind == record.Company {
			s.Companies++
		} else {
			s.Persons++
		}
	}
	return s
}

// zone turns the rules' "+08:00" time zone into a location; bad or empty
// values fall back to China Standard Time, the rules' default.
func zone(tz string) *time.Location {
	off, err := rules.ParseOffset(tz)
	if err != nil {
		return time.FixedZone("+08:00", 8*3600)
	}
	return time.FixedZone(tz, off)
}

func settings(in Input, rl *rules.Rules) Settings {
	lang := in.Lang
	if lang != "en" {
		lang = "zh"
	}
	return Settings{
		Version:         in.Version,
		RulesFile:       rl.Source,
		RulesHash:       rl.Hash,
		MergeThreshold:  rl.Match.MergeThreshold,
		ReviewThreshold: rl.Match.ReviewThreshold,
		MaxBlock:        rl.Match.MaxBlock,
		PhoneRegion:     rl.Phone.Region,
		TimeZone:        rl.Dates.TimeZone,
		KeepSensitive:   rl.Sensitive.Keep,
		Masked:          !in.NoMask,
		Lang:            lang,
	}
}

// verdict decides whether the data can go live: it can when no pair waits
// for review, no row was rejected and every file and sheet could be read.
func verdict(r *Report) Verdict {
	v := Verdict{Reasons: []VerdictCount{}}
	sheets := 0
	for _, u := range r.Unreadable {
		if u.Kind == "sheet" {
			sheets++
		}
	}
	for _, c := range []VerdictCount{
		{"unreadable_files", r.Summary.FilesUnreadable},
		{"unreadable_sheets", sheets},
		{"rejected_rows", r.Summary.RejectedRows},
		{"review_pairs", r.Summary.ReviewPairs},
		{"no_customers", b2i(r.Summary.Customers == 0)},
	} {
		if c.Count > 0 {
			v.Reasons = append(v.Reasons, c)
		}
	}
	v.Ready = len(v.Reasons) == 0
	return v
}

func share(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return round(float64(n)/float64(of), 4)
}

func round(x float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(x*p) / p
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
