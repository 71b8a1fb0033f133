package rules

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Import profiles describe the extra files a CRM's importer wants: which
// files, which columns under which headers, and how each value is written.
// They are data: the built-in ones are embedded from profiles/*.yaml, and a
// user can write their own (--format my-crm.yaml) without touching Go.

//go:embed profiles/*.yaml
var profileFS embed.FS

// Profile is one import profile.
type Profile struct {
	Name        string        `yaml:"name"`
	Description string        `yaml:"description"`
	Files       []ProfileFile `yaml:"files"`
	Source      string        `yaml:"-"` // file the profile came from, "" for a built-in one
}

// ProfileFile is one CSV file a profile writes.
type ProfileFile struct {
	File    string          `yaml:"file"`    // file name in the output folder, ending .csv
	Rows    string          `yaml:"rows"`    // "customers" (one row per customer) or "contacts" (one per contact person)
	Columns []ProfileColumn `yaml:"columns"` // in file order
}

// ProfileColumn is one column of a profile file. Exactly one of Source and
// Value is set.
type ProfileColumn struct {
	Header   string            `yaml:"header"`   // header as the CRM expects it
	Source   string            `yaml:"source"`   // field it comes from (see ProfileSources)
	Fallback []string          `yaml:"fallback"` // fields tried in order when Source is empty
	Value    string            `yaml:"value"`    // a constant instead of a source
	Format   string            `yaml:"format"`   // see ProfileFormats
	Join     string            `yaml:"join"`     // separator for list fields; default "|"
	Map      map[string]string `yaml:"map"`      // replaces whole values, e.g. company: 企业
	Required bool              `yaml:"required"` // leave out rows where this column is empty
}

// Row kinds of a profile file.
const (
	RowsCustomers = "customers"
	RowsContacts  = "contacts"
)

// ProfileSources lists the fields a profile column can take its value from.
// street is the district and the detail address; full_address adds the
// province and city. In a contacts file, contact, mobile, phones, email and
// title are the contact person's own and contact_id is the contact's stable
// id (contacts.csv's, derived from its own rows); the others are their
// customer's.
// "extra:HEADER" takes an unmapped source column by its original header.
var ProfileSources = []string{"customer_id", "contact_id", "kind", "name", "contact", "mobile", "phones", "landline", "landline_ext",
	"email", "emails", "province", "city", "district", "address", "street", "full_address", "adcode", "uscc", "created_at",
	"source_ids", "source_count", "owner", "title"}

// ExtraSourcePrefix marks a source naming an unmapped source column.
const ExtraSourcePrefix = "extra:"

// Profile value formats. A "date:PATTERN" format writes a date with the
// tokens YYYY, MM, DD, hh, mm, ss, e.g. "date:YYYY/MM/DD".
const (
	FormatE164     = "e164"     // phones as +8613800138000 (the default)
	FormatNational = "national" // Chinese phones as dialled at home: 13800138000, 02161234567-801
	FormatDate     = "date"     // YYYY-MM-DD, the time of day dropped
	// FormatDateTime writes ISO 8601 date-times as they are, and dates as
	// YYYY-MM-DDT00:00:00.
	FormatDateTime = "datetime"
)

const datePrefix = "date:"

var (
	phoneSources = []string{"mobile", "phones", "landline"}
	dateSources  = []string{"created_at"}
	listSources  = []string{"phones", "emails", "source_ids"}
)

// ErrUnknownProfile is returned for a --format that is neither a built-in
// profile nor a file.
var ErrUnknownProfile = errors.New("unknown import profile")

// ProfileNames returns the names of the built-in profiles, sorted.
func ProfileNames() []string {
	entries, _ := profileFS.ReadDir("profiles")
	var names []string
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".yaml"))
	}
	sort.Strings(names)
	return names
}

// ProfileYAML returns the embedded file of a built-in profile, for a user to
// copy and adapt.
func ProfileYAML(name string) ([]byte, error) {
	data, err := profileFS.ReadFile("profiles/" + name + ".yaml")
	if err != nil {
		return nil, fmt.Errorf("%w %q (built in: %s)", ErrUnknownProfile, name, strings.Join(ProfileNames(), ", "))
	}
	return data, nil
}

// LoadProfile returns the profile for a --format value: the name of a
// built-in profile (generic, salesforce, cn-crm) or the path of a profile
// file. A value ending in .yaml or .yml, or containing a path separator,
// is always read as a file.
func LoadProfile(format string) (*Profile, error) {
	if format == "" {
		format = "generic"
	}
	isPath := strings.ContainsAny(format, `/\`) || strings.HasSuffix(format, ".yaml") || strings.HasSuffix(format, ".yml")
	if !isPath {
		data, err := ProfileYAML(format)
		if err != nil {
			return nil, err
		}
		return ParseProfile(data, "")
	}
	data, err := os.ReadFile(format)
	if err != nil {
		return nil, fmt.Errorf("read import profile: %w", err)
	}
	p, err := ParseProfile(data, format)
	if err != nil {
		return nil, err
	}
	return p, nil
}

// ParseProfile decodes and validates a profile; name labels errors (the
// file path, or "" for a built-in profile).
func ParseProfile(data []byte, name string) (*Profile, error) {
	label := name
	if label == "" {
		label = "built-in profile"
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w: %w", label, ErrInvalid, err)
	}
	var p Profile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("%s: %w: %s", label, ErrInvalid, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if err := p.validate(&doc); err != nil {
		return nil, fmt.Errorf("%s: %w", label, err)
	}
	p.Source = name
	return &p, nil
}

// validate checks what the YAML decoder cannot, naming the line and key.
func (p *Profile) validate(doc *yaml.Node) error {
	fail := func(msg string, keys ...string) error {
		if line := lineOf(doc, keys...); line > 0 {
			return fmt.Errorf("%w: line %d: %s: %s", ErrInvalid, line, strings.Join(keys, "."), msg)
		}
		return fmt.Errorf("%w: %s: %s", ErrInvalid, strings.Join(keys, "."), msg)
	}
	if p.Name == "" {
		return fail("a profile needs a name", "name")
	}
	files := map[string]bool{}
	for i, f := range p.Files {
		fi := strconv.Itoa(i)
		if f.File == "" || path.Base(f.File) != f.File || strings.ContainsAny(f.File, `\:`) || !strings.HasSuffix(strings.ToLower(f.File), ".csv") || f.File[0] == '.' {
			return fail(fmt.Sprintf("file %q must be a plain file name ending in .csv", f.File), "files", fi, "file")
		}
		if files[strings.ToLower(f.File)] {
			return fail(fmt.Sprintf("file %q is listed twice", f.File), "files", fi, "file")
		}
		files[strings.ToLower(f.File)] = true
		if f.Rows != RowsCustomers && f.Rows != RowsContacts {
			return fail(fmt.Sprintf("rows must be %s or %s, not %q", RowsCustomers, RowsContacts, f.Rows), "files", fi, "rows")
		}
		if len(f.Columns) == 0 {
			return fail("a file needs at least one column", "files", fi, "columns")
		}
		headers := map[string]bool{}
		for j, c := range f.Columns {
			key := func(k string) []string { return []string{"files", fi, "columns", strconv.Itoa(j), k} }
			if c.Header == "" {
				return fail("a column needs a header", key("header")...)
			}
			if headers[c.Header] {
				return fail(fmt.Sprintf("header %q is used twice", c.Header), key("header")...)
			}
			headers[c.Header] = true
			if (c.Source == "") == (c.Value == "") {
				return fail(fmt.Sprintf("column %q needs exactly one of source and value", c.Header), key("source")...)
			}
			for _, s := range append([]string{c.Source}, c.Fallback...) {
				if s == "" && c.Value != "" {
					continue
				}
				if !validSource(s) {
					k := key("source")
					if s != c.Source {
						k = key("fallback")
					}
					return fail(fmt.Sprintf("unknown source %q (known: %s, or %sHEADER)", s, strings.Join(ProfileSources, ", "), ExtraSourcePrefix), k...)
				}
			}
			if f.Rows == RowsCustomers && (c.Source == "contact_id" || contains(c.Fallback, "contact_id")) {
				return fail("contact_id applies to contacts files only", key("source")...)
			}
			if c.Join != "" && !contains(listSources, c.Source) {
				return fail(fmt.Sprintf("join applies to list sources (%s) only", strings.Join(listSources, ", ")), key("join")...)
			}
			if err := checkFormat(c); err != nil {
				return fail(err.Error(), key("format")...)
			}
		}
	}
	return nil
}

func validSource(s string) bool {
	if h, ok := strings.CutPrefix(s, ExtraSourcePrefix); ok {
		return h != ""
	}
	return contains(ProfileSources, s)
}

// checkFormat reports a format that is unknown or does not fit the column's
// source.
func checkFormat(c ProfileColumn) error {
	sources := append([]string{c.Source}, c.Fallback...)
	all := func(kinds []string) bool {
		for _, s := range sources {
			if !contains(kinds, s) {
				return false
			}
		}
		return true
	}
	switch {
	case c.Format == "":
		return nil
	case c.Format == FormatE164 || c.Format == FormatNational:
		if !all(phoneSources) {
			return fmt.Errorf("format %s applies to phone sources (%s) only", c.Format, strings.Join(phoneSources, ", "))
		}
	case c.Format == FormatDate || c.Format == FormatDateTime || strings.HasPrefix(c.Format, datePrefix):
		if !all(dateSources) {
			return fmt.Errorf("format %s applies to date sources (%s) only", c.Format, strings.Join(dateSources, ", "))
		}
		if pat, ok := strings.CutPrefix(c.Format, datePrefix); ok {
			if _, err := DateLayout(pat); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("unknown format %q (known: %s, %s, %s, %s, %sPATTERN)", c.Format, FormatE164, FormatNational, FormatDate, FormatDateTime, datePrefix)
	}
	return nil
}

// DateLayout turns a date pattern such as "YYYY/MM/DD hh:mm" into a Go time
// layout. Letters other than the tokens YYYY, MM, DD, hh, mm, ss are errors,
// so a typo does not silently print a literal.
func DateLayout(pattern string) (string, error) {
	tokens := []struct{ tok, layout string }{{"YYYY", "2006"}, {"MM", "01"}, {"DD", "02"}, {"hh", "15"}, {"mm", "04"}, {"ss", "05"}}
	var b strings.Builder
	hasToken := false
next:
	for i := 0; i < len(pattern); {
		for _, t := range tokens {
			if strings.HasPrefix(pattern[i:], t.tok) {
				b.WriteString(t.layout)
				i += len(t.tok)
				hasToken = true
				continue next
			}
		}
		c := pattern[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			return "", fmt.Errorf("date pattern %q: unexpected %q (use YYYY, MM, DD, hh, mm, ss)", pattern, c)
		}
		b.WriteByte(c)
		i++
	}
	if !hasToken {
		return "", fmt.Errorf("date pattern %q has no YYYY, MM, DD, hh, mm or ss", pattern)
	}
	return b.String(), nil
}

// DatePattern returns the pattern of a date:PATTERN format, if it is one.
func DatePattern(format string) (string, bool) { return strings.CutPrefix(format, datePrefix) }
