// Package rules holds what a user may change without touching Go: header
// synonyms, placeholder values, validation rules, word lists, pinyin readings,
// match thresholds. Defaults are embedded in the binary (default.yaml); a
// user's file is layered on top and validated on load.
package rules

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"os"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
	"go.yaml.in/yaml/v3"

	"github.com/crmclean/crmclean/pipeline/normalize/pinyin"
)

//go:embed default.yaml
var defaultYAML []byte

// DefaultYAML returns the embedded default rules file, as `crmclean init` writes it.
func DefaultYAML() []byte { return bytes.Clone(defaultYAML) }

// Rules is the whole rule set of a run.
type Rules struct {
	Columns      map[string][]string `yaml:"columns"`
	FileMappings []FileMapping       `yaml:"file_mappings"`
	Placeholders []string            `yaml:"placeholders"`
	DittoMarks   []string            `yaml:"ditto_marks"`
	NoiseMarkers []string            `yaml:"noise_markers"`
	Sensitive    Sensitive           `yaml:"sensitive"`
	Phone        PhoneRules          `yaml:"phone"`
	Names        NameRules           `yaml:"names"`
	Pinyin       PinyinRules         `yaml:"pinyin"`
	Email        EmailRules          `yaml:"email"`
	Dates        DateRules           `yaml:"dates"`
	Validation   []Validation        `yaml:"validation"`
	Match        MatchRules          `yaml:"match"`
	Survivorship Survivorship        `yaml:"survivorship"`
	Source       string              `yaml:"-"` // file the user's rules came from, "" for defaults
	Hash         string              `yaml:"-"` // sha256 of the effective rules
}

// FileMapping pins header → field for files whose path matches Pattern.
type FileMapping struct {
	Pattern string            `yaml:"pattern"`
	Columns map[string]string `yaml:"columns"`
}

// Sensitive lists columns of personal data that must not travel.
type Sensitive struct {
	Keep    bool     `yaml:"keep"`
	Headers []string `yaml:"headers"`
}

// PhoneRules configures phone normalization.
type PhoneRules struct {
	Region     string   `yaml:"region"`
	OwnMarkers []string `yaml:"own_markers"`
	// NotOwnNumbers are numbers that are never a customer's own (sample
	// and filler numbers such as 13800138000), as 11-digit mobiles or in
	// E.164: no evidence in matching, never a customer's mobile.
	NotOwnNumbers []string `yaml:"not_own_numbers"`
}

// NotOwnE164 returns NotOwnNumbers in E.164 (an 11-digit mobile gets +86).
func (p PhoneRules) NotOwnE164() []string {
	out := make([]string, 0, len(p.NotOwnNumbers))
	for _, n := range p.NotOwnNumbers {
		n = strings.TrimSpace(n)
		if len(n) == 11 && n[0] == '1' {
			n = "+86" + n
		}
		out = append(out, n)
	}
	return out
}

// NameRules configures name and company handling.
type NameRules struct {
	LegalForms        []string `yaml:"legal_forms"`
	CompanyWords      []string `yaml:"company_words"`
	BranchWords       []string `yaml:"branch_words"`
	IndividualMarkers []string `yaml:"individual_markers"`
	// ContactRoles are role notes written after a contact person's name
	// (何芳芳-代理, 王强（经理）): taken off the name into the title.
	ContactRoles []string `yaml:"contact_roles"`
}

// PinyinRules corrects go-pinyin's per-character readings.
type PinyinRules struct {
	Surnames   map[string][]string `yaml:"surnames"`
	PlaceWords map[string]string   `yaml:"place_words"`
}

// EmailRules configures e-mail cleaning.
type EmailRules struct {
	DomainFixes map[string]string `yaml:"domain_fixes"`
	FreeDomains []string          `yaml:"free_domains"`
}

// DateRules configures date parsing.
type DateRules struct {
	TimeZone string `yaml:"time_zone"`
}

// Validation is one rule on a field.
type Validation struct {
	Field    string `yaml:"field"`
	Required bool   `yaml:"required"`
	// Format: email, uscc, date, phone (any valid number) or mobile
	// (mobiles only: a landline or a 400 number fails it).
	Format   string   `yaml:"format"`
	Allowed  []string `yaml:"allowed"`
	Severity string   `yaml:"severity"`
	Message  string   `yaml:"message"`
}

// MatchRules holds the duplicate-detection thresholds.
type MatchRules struct {
	MergeThreshold  float64 `yaml:"merge_threshold"`
	ReviewThreshold float64 `yaml:"review_threshold"`
	MaxBlock        int     `yaml:"max_block"`
	// LearnPattern is how many decisions (review apply, with a state), all
	// the same way, an evidence pattern needs before later runs apply that
	// verdict to its pairs by themselves; 0 never applies one.
	LearnPattern int `yaml:"learn_pattern,omitempty"`
}

// Survivorship decides how golden-record fields are chosen.
type Survivorship struct {
	Default        string            `yaml:"default"`
	Fields         map[string]string `yaml:"fields"`
	SourcePriority []string          `yaml:"source_priority"`
	// FileDates gives the date of the data in files matching a pattern
	// (YYYY-MM-DD), used by most_recent before a row's created_at.
	FileDates map[string]string `yaml:"file_dates"`
}

// Fields lists the canonical fields a column can map to.
var Fields = []string{"name", "contact", "phone", "source_id", "email", "province", "city", "district",
	"address", "created_at", "owner", "owner_phone", "notes", "uscc", "gender", "title", "seq"}

var validationFields = append(append([]string(nil), Fields...), "reach")

var (
	severities = []string{"error", "warning"}
	formats    = []string{"", "email", "uscc", "date", "phone", "mobile"}
	strategies = []string{"most_frequent", "most_complete", "most_recent", "earliest", "source_priority"}
)

// ErrInvalid is wrapped by every validation error.
var ErrInvalid = errors.New("invalid rules")

// Default returns the embedded default rules.
func Default() *Rules {
	r, err := parse(defaultYAML, "", nil)
	if err != nil {
		panic("embedded default rules: " + err.Error())
	}
	return r
}

// Load returns the default rules with the file at path layered on top.
// An empty path gives the defaults.
func Load(path string) (*Rules, error) {
	if path == "" {
		return Default(), nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read rules: %w", err)
	}
	base := Default()
	r, err := parse(data, path, base)
	if err != nil {
		return nil, err
	}
	r.Source = path
	return r, nil
}

func parse(data []byte, name string, base *Rules) (*Rules, error) {
	var r Rules
	if base != nil {
		r = *base
	}
	label := name
	if label == "" {
		label = "default rules"
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w: %w", label, ErrInvalid, err)
	}
	if err := checkKeys(&doc); err != nil {
		return nil, fmt.Errorf("%s: %w: %w", label, ErrInvalid, err)
	}
	if len(doc.Content) > 0 {
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&r); err != nil {
			return nil, fmt.Errorf("%s: %w: %s", label, ErrInvalid, strings.TrimPrefix(err.Error(), "yaml: "))
		}
	}
	if err := r.validate(&doc); err != nil {
		return nil, fmt.Errorf("%s: %w", label, err)
	}
	sum := sha256.New()
	sum.Write(defaultYAML)
	if base != nil {
		sum.Write(data)
	}
	r.Hash = hex.EncodeToString(sum.Sum(nil))[:16]
	return &r, nil
}

// validate checks values that the YAML decoder cannot, naming the line.
func (r *Rules) validate(doc *yaml.Node) error {
	fail := func(msg string, keys ...string) error {
		if line := lineOf(doc, keys...); line > 0 {
			return fmt.Errorf("%w: line %d: %s: %s", ErrInvalid, line, strings.Join(keys, "."), msg)
		}
		return fmt.Errorf("%w: %s: %s", ErrInvalid, strings.Join(keys, "."), msg)
	}
	for field := range r.Columns {
		if !contains(Fields, field) {
			return fail(fmt.Sprintf("unknown field %q (known: %s)", field, strings.Join(Fields, ", ")), "columns", field)
		}
	}
	for i, fm := range r.FileMappings {
		idx := strconv.Itoa(i)
		if _, err := path.Match(fm.Pattern, ""); err != nil || fm.Pattern == "" {
			return fail(fmt.Sprintf("bad pattern %q", fm.Pattern), "file_mappings", idx, "pattern")
		}
		for h, f := range fm.Columns {
			if f != "" && !contains(Fields, f) {
				return fail(fmt.Sprintf("header %q maps to unknown field %q", h, f), "file_mappings", idx, "columns", h)
			}
		}
	}
	for i, v := range r.Validation {
		idx := strconv.Itoa(i)
		if !contains(validationFields, v.Field) {
			return fail(fmt.Sprintf("unknown field %q", v.Field), "validation", idx, "field")
		}
		if !contains(severities, v.Severity) {
			return fail(fmt.Sprintf("severity must be error or warning, not %q", v.Severity), "validation", idx, "severity")
		}
		if !contains(formats, v.Format) {
			return fail(fmt.Sprintf("unknown format %q (known: email, uscc, date, phone, mobile)", v.Format), "validation", idx, "format")
		}
	}
	for i, n := range r.Phone.NotOwnNumbers {
		if !plainNumber(n) {
			return fail(fmt.Sprintf("%q is not an 11-digit mobile or an E.164 number (+8613800138000)", n), "phone", "not_own_numbers", strconv.Itoa(i))
		}
	}
	if r.Match.ReviewThreshold > r.Match.MergeThreshold {
		return fail(fmt.Sprintf("review_threshold %g is above merge_threshold %g", r.Match.ReviewThreshold, r.Match.MergeThreshold), "match", "review_threshold")
	}
	if r.Match.MaxBlock < 2 {
		return fail("must be at least 2", "match", "max_block")
	}
	if r.Match.LearnPattern < 0 {
		return fail(fmt.Sprintf("%d: must be 0 (never) or a number of decisions", r.Match.LearnPattern), "match", "learn_pattern")
	}
	if r.Survivorship.Default != "" && !contains(strategies, r.Survivorship.Default) {
		return fail(fmt.Sprintf("unknown strategy %q (known: %s)", r.Survivorship.Default, strings.Join(strategies, ", ")), "survivorship", "default")
	}
	for f, s := range r.Survivorship.Fields {
		if !contains(strategies, s) {
			return fail(fmt.Sprintf("unknown strategy %q (known: %s)", s, strings.Join(strategies, ", ")), "survivorship", "fields", f)
		}
	}
	for pattern, d := range r.Survivorship.FileDates {
		if _, err := path.Match(pattern, ""); err != nil {
			return fail(fmt.Sprintf("bad pattern %q", pattern), "survivorship", "file_dates", pattern)
		}
		if _, err := time.Parse("2006-01-02", d); err != nil {
			return fail(fmt.Sprintf("date must be YYYY-MM-DD, not %q", d), "survivorship", "file_dates", pattern)
		}
	}
	if _, err := ParseOffset(r.Dates.TimeZone); err != nil {
		return fail(err.Error(), "dates", "time_zone")
	}
	if region := strings.ToUpper(strings.TrimSpace(r.Phone.Region)); len(region) != 2 || !phonenumbers.GetSupportedRegions()[region] {
		return fail(fmt.Sprintf("region must be a two-letter country code such as CN, not %q", r.Phone.Region), "phone", "region")
	}
	return r.validatePinyin(fail)
}

// validatePinyin checks the surname and place-word readings, so that a bad
// entry is reported with its line when the rules are loaded.
func (r *Rules) validatePinyin(fail func(msg string, keys ...string) error) error {
	for _, k := range slices.Sorted(maps.Keys(r.Pinyin.Surnames)) {
		n := utf8.RuneCountInString(k)
		if n < 1 || n > 2 || len(r.Pinyin.Surnames[k]) == 0 {
			return fail("want a one- or two-character surname with at least one reading", "pinyin", "surnames", k)
		}
		for _, rd := range r.Pinyin.Surnames[k] {
			if len(strings.Fields(rd)) != n || !allSyllables(rd) {
				return fail(fmt.Sprintf("reading %q needs %d pinyin syllable(s) without tones, space-separated", rd, n), "pinyin", "surnames", k)
			}
		}
	}
	for _, k := range slices.Sorted(maps.Keys(r.Pinyin.PlaceWords)) {
		v := r.Pinyin.PlaceWords[k]
		if n := utf8.RuneCountInString(k); n == 0 || len(strings.Fields(v)) != n || !allSyllables(v) {
			return fail(fmt.Sprintf("reading %q needs one pinyin syllable without tones per character, space-separated", v), "pinyin", "place_words", k)
		}
	}
	return nil
}

func allSyllables(s string) bool {
	for _, f := range strings.Fields(s) {
		if !pinyin.IsSyllable(strings.ToLower(f)) {
			return false
		}
	}
	return true
}

var offsetRE = regexp.MustCompile(`^([+-])(\d\d):(\d\d)$`)

// ParseOffset parses a "+08:00"-style zone offset into seconds east of UTC.
func ParseOffset(s string) (int, error) {
	m := offsetRE.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("time zone must look like +08:00, not %q", s)
	}
	h, _ := strconv.Atoi(m[2])
	mi, _ := strconv.Atoi(m[3])
	if h > 14 || mi > 59 {
		return 0, fmt.Errorf("time zone %q is out of range", s)
	}
	sec := h*3600 + mi*60
	if m[1] == "-" {
		sec = -sec
	}
	return sec, nil
}

// lineOf finds the line of the node at keys (map keys or sequence indexes).
func lineOf(doc *yaml.Node, keys ...string) int {
	n := doc
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := 0
	for _, k := range keys {
		switch n.Kind {
		case yaml.MappingNode:
			found := false
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == k {
					line = n.Content[i].Line
					n = n.Content[i+1]
					found = true
					break
				}
			}
			if !found {
				return line
			}
		case yaml.SequenceNode:
			i, err := strconv.Atoi(k)
			if err != nil || i >= len(n.Content) {
				return line
			}
			n = n.Content[i]
			line = n.Line
		default:
			return line
		}
	}
	return line
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// plainNumber reports an 11-digit mobile (13800138000) or an E.164 number
// (+ and 8 to 15 digits).
func plainNumber(n string) bool {
	n = strings.TrimSpace(n)
	digits := strings.TrimPrefix(n, "+")
	if digits == "" || strings.Trim(digits, "0123456789") != "" {
		return false
	}
	if n[0] == '+' {
		return len(digits) >= 8 && len(digits) <= 15
	}
	return len(digits) == 11 && digits[0] == '1'
}
