package report

import (
	"cmp"
	"slices"
	"strings"

	"github.com/crmclean/crmclean/pipeline/msg"
	"github.com/crmclean/crmclean/pipeline/record"
)

var severityRank = map[record.Severity]int{record.Error: 3, record.Warning: 2, record.Info: 1}

func issueGroups(data []*record.Record, m masker) []IssueGroup {
	groups := map[string]*IssueGroup{}
	lastRow := map[string]*record.Record{}
	for _, r := range data {
		for _, is := range r.Issues {
			g := groups[is.Rule]
			if g == nil {
				g = &IssueGroup{Rule: is.Rule, BySeverity: map[string]int{}, Examples: []Example{}}
				groups[is.Rule] = g
			}
			g.Count++
			g.BySeverity[string(is.Severity)]++
			if severityRank[is.Severity] > severityRank[record.Severity(g.Severity)] {
				g.Severity = string(is.Severity)
			}
			if lastRow[is.Rule] != r {
				lastRow[is.Rule] = r
				g.Rows++
			}
			if len(g.Examples) < maxExamples {
				ex := example(r, is, sensitiveCol(r, is.Col) || is.Field == sensitiveTag, m)
				if g.Message == "" {
					g.Message = ex.Message
				}
				g.Examples = append(g.Examples, ex)
			}
		}
	}
	out := make([]IssueGroup, 0, len(groups))
	for _, g := range groups {
		out = append(out, *g)
	}
	slices.SortFunc(out, func(a, b IssueGroup) int {
		return cmp.Or(
			-cmp.Compare(severityRank[record.Severity(a.Severity)], severityRank[record.Severity(b.Severity)]),
			-cmp.Compare(a.Count, b.Count),
			strings.Compare(a.Rule, b.Rule))
	})
	return out
}

// sensitiveCol reports whether column col of r holds a sensitive value.
// It is asked only of the issues shown as examples: a set of r's
// sensitive columns made for every row was most of the report's garbage
// left after its repairs.
func sensitiveCol(r *record.Record, col int) bool {
	return slices.ContainsFunc(r.Values, func(v record.Value) bool { return v.Field() == sensitiveTag && v.Col() == col })
}

// example renders one issue for the report; values of sensitive columns
// never appear, personal ones are masked.
func example(r *record.Record, is record.Issue, sensitive bool, m masker) Example {
	ex := Example{Location: loc(r.Prov), Column: is.Column(), Header: is.Header}
	if sensitive {
		ex.Message = msg.Text(m.lang, "sensitive.hidden")
		return ex
	}
	person := r.Norm.Kind == record.Person
	ex.Value = m.field(is.Field, is.Value, person)
	ex.Fix = m.field(is.Field, is.Fix, person)
	text := is.Text(m.lang)
	if m.on && personal(is.Field, person) {
		for _, pair := range [][2]string{{is.Value, ex.Value}, {is.Fix, ex.Fix}} {
			if pair[0] != "" && pair[0] != pair[1] {
				text = strings.ReplaceAll(text, pair[0], pair[1])
			}
		}
		text = scrub(text)
	}
	ex.Message = text
	return ex
}

func loc(p record.Provenance) Location {
	return Location{SourceFile: p.File, Sheet: p.Sheet, Row: p.Row, RowEnd: p.RowEnd}
}

func rejectedGroups(data []*record.Record, m masker) []ReasonGroup {
	groups := map[string]*ReasonGroup{}
	for _, r := range data {
		if r.Status != record.Rejected {
			continue
		}
		seen := map[string]bool{}
		add := func(reason, msg string) {
			if seen[reason] {
				return
			}
			seen[reason] = true
			g := groups[reason]
			if g == nil {
				g = &ReasonGroup{Reason: reason, Message: msg, Examples: []Location{}}
				groups[reason] = g
			}
			g.Rows += r.Prov.Rows()
			if len(g.Examples) < maxExamples {
				g.Examples = append(g.Examples, loc(r.Prov))
			}
		}
		for _, is := range r.Issues {
			if is.Severity == record.Error {
				add(is.Rule, example(r, is, sensitiveCol(r, is.Col) || is.Field == sensitiveTag, m).Message)
			}
		}
		if len(seen) == 0 {
			reason := msg.Reason(r.Reason)
			add(cmp.Or(string(reason.ID), m.text(r.Reason)), m.text(reason.In(m.lang)))
		}
	}
	return sortGroups(groups, 0)
}

func skippedGroups(recs []*record.Record, m masker) []ReasonGroup {
	groups := map[string]*ReasonGroup{}
	masked := map[string]string{} // reasons repeat: mask each once
	for _, r := range recs {
		if r.Status != record.Skipped {
			continue
		}
		rm := msg.Reason(r.Reason)
		key := string(rm.ID) // a footer's reason quotes its row: one group per quote
		if len(rm.Args) > 0 || key == "" {
			var ok bool
			if key, ok = masked[r.Reason]; !ok {
				key = m.text(r.Reason)
				masked[r.Reason] = key
			}
		}
		g := groups[key]
		if g == nil {
			g = &ReasonGroup{Reason: cmp.Or(string(rm.ID), key), Message: m.text(rm.In(m.lang)), Examples: []Location{}}
			groups[key] = g
		}
		g.Rows += r.Prov.Rows()
		if len(g.Examples) < maxExamples {
			g.Examples = append(g.Examples, loc(r.Prov))
		}
	}
	return sortGroups(groups, maxReasons)
}

// sortGroups orders reason groups by rows, then reason, keeping at most
// limit of them (all when limit is 0).
func sortGroups(groups map[string]*ReasonGroup, limit int) []ReasonGroup {
	out := make([]ReasonGroup, 0, len(groups))
	for _, g := range groups {
		out = append(out, *g)
	}
	slices.SortFunc(out, func(a, b ReasonGroup) int {
		return cmp.Or(-cmp.Compare(a.Rows, b.Rows), strings.Compare(a.Reason, b.Reason), strings.Compare(a.Message, b.Message))
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}
