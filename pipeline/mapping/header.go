// Package mapping finds the header row of a sheet, maps its columns to the
// canonical customer fields, and tells customer rows from noise (title rows,
// footers, subtotals, repeated headers).
package mapping

import (
	"path"
	"sort"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/crmclean/crmclean/rules"
)

// HeaderKey normalizes a header for comparison: NFKC (full-width to
// half-width), lower case, no white space, no leading "*" or trailing ":",
// no bracketed annotation such as "(必填)" or "[选填]".
func HeaderKey(h string) string {
	h = norm.NFKC.String(h)
	var b strings.Builder
	depth := 0
	for _, r := range h {
		switch {
		case r == '(' || r == '[' || r == '【' || r == '〔' || r == '<' || r == '《':
			depth++
		case r == ')' || r == ']' || r == '】' || r == '〕' || r == '>' || r == '》':
			if depth > 0 {
				depth--
			}
		case depth > 0:
		case unicode.IsSpace(r) || r == '*' || r == '＊' || r == '\u200b' || r == '\ufeff':
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return strings.TrimRight(b.String(), ":：")
}

// Headers maps header texts to canonical fields using the rules' synonyms.
type Headers struct {
	exact     map[string]string // HeaderKey(synonym) → field
	owners    []string          // header keys of the owner field's synonyms, longest first
	sensitive []string          // header keys of sensitive columns
	pins      []rules.FileMapping
}

// qualifiers may stand before a known header without changing its field,
// longest first.
var qualifiers = []string{"联系人", "客户", "公司", "单位", "企业", "会员", "联系", "主要", "常用", "备用", "其他", "其它", "办公", "家庭", "门店", "法人", "本人", "个人", "主"}

// NewHeaders indexes the synonyms, sensitive headers and file pins of r.
func NewHeaders(r *rules.Rules) *Headers {
	h := &Headers{exact: map[string]string{}, pins: r.FileMappings}
	fields := make([]string, 0, len(r.Columns))
	for f := range r.Columns {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	for _, f := range fields {
		for _, s := range r.Columns[f] {
			k := HeaderKey(s)
			if k == "" {
				continue
			}
			if _, dup := h.exact[k]; !dup {
				h.exact[k] = f
			}
		}
	}
	for k, f := range h.exact {
		if f == "owner" {
			h.owners = append(h.owners, k)
		}
	}
	sort.Slice(h.owners, func(i, j int) bool {
		a, b := h.owners[i], h.owners[j]
		return len(a) > len(b) || len(a) == len(b) && a < b
	})
	for _, s := range r.Sensitive.Headers {
		h.sensitive = append(h.sensitive, HeaderKey(s))
	}
	return h
}

// Evidence kinds for a column mapping.
const (
	BySynonym  = "header synonym"
	ByPartial  = "header contains synonym"
	ByPin      = "pinned by rules file_mappings"
	ByContent  = "content"
	Unmapped   = "unmapped"
	BySensible = "sensitive"
)

// Lookup maps one header text to a field. It returns the field ("" when
// unknown) and the evidence kind.
func (h *Headers) Lookup(header string) (field, evidence string) {
	k := HeaderKey(header)
	if k == "" {
		return "", Unmapped
	}
	if f, ok := h.exact[k]; ok {
		return f, BySynonym
	}
	// "客户手机号码2", "联系人电话": Chinese headers put the head noun last, so a
	// synonym that ends the header wins over one inside it.
	trimmed := strings.TrimRightFunc(k, unicode.IsDigit)
	if f, ok := h.exact[trimmed]; ok && trimmed != "" {
		return f, BySynonym
	}
	// "负责人电话", "业务员手机": the phone of our own staff member who owns
	// the customer, never the customer's.
	for _, o := range h.owners {
		if rest, ok := strings.CutPrefix(trimmed, o); ok && rest != "" && h.exact[rest] == "phone" {
			return "owner_phone", ByPartial
		}
	}
	// "客户手机", "联系人电话", "公司邮箱": a qualifier before a known header.
	for _, q := range qualifiers {
		rest, ok := strings.CutPrefix(trimmed, q)
		if !ok || rest == "" {
			continue
		}
		if f, ok := h.exact[rest]; ok {
			return f, ByPartial
		}
	}
	return "", Unmapped
}

// Sensitive reports whether a header names personal data that must not travel.
func (h *Headers) Sensitive(header string) bool {
	k := HeaderKey(header)
	if k == "" {
		return false
	}
	for _, s := range h.sensitive {
		if k == s || (hasHan(s) && len([]rune(s)) >= 3 && strings.Contains(k, s)) {
			return true
		}
	}
	return false
}

// Pinned returns the field a rules file pins header to for the file at rel
// (a "/"-separated relative path), and whether a pin applies.
func (h *Headers) Pinned(rel, header string) (string, bool) {
	k := HeaderKey(header)
	for _, p := range h.pins {
		if ok, _ := path.Match(p.Pattern, rel); !ok {
			if ok, _ = path.Match(p.Pattern, path.Base(rel)); !ok {
				continue
			}
		}
		for ph, f := range p.Columns {
			if HeaderKey(ph) == k {
				return f, true
			}
		}
	}
	return "", false
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}
