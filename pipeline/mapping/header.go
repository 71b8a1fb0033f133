// Package mapping finds the header row of a sheet, maps its columns to the
// canonical customer fields, and tells customer rows from noise (title rows,
// footers, subtotals, repeated headers).
package mapping

import (
	"path"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/crmclean/crmclean/pipeline/normalize/text"
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
	sensitive []sensitiveHeader // the rules' sensitive headers
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
		sh := sensitiveHeader{key: SensitiveKey(s), han: hasHan(s)}
		if !sh.han {
			sh.words = englishWords(s)
		}
		if sh.key != "" {
			h.sensitive = append(h.sensitive, sh)
		}
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
	// BySensitiveContent: an unmapped column whose values are mostly
	// identity or bank card numbers, whatever its header.
	BySensitiveContent = "sensitive content"
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

// Sensitive reports whether a header names personal data that must not
// travel. Headers and the rules' sensitive headers are compared as
// SensitiveKey makes them; a Chinese entry of three characters or more
// matches inside a longer header too (法人身份证号 holds 身份证), and an
// English one matches as a run of words (Payee Bank Account No holds bank
// account).
func (h *Headers) Sensitive(header string) bool {
	k := SensitiveKey(header)
	if k == "" {
		return false
	}
	var words []string
	for _, s := range h.sensitive {
		switch {
		case k == s.key:
			return true
		case s.han:
			if utf8.RuneCountInString(s.key) >= 3 && strings.Contains(k, s.key) {
				return true
			}
		case len(s.words) > 0:
			if words == nil {
				words = englishWords(header)
			}
			if containsRun(words, s.words) {
				return true
			}
		}
	}
	return false
}

// sensitiveHeader is one of the rules' sensitive headers, prepared for
// Sensitive.
type sensitiveHeader struct {
	key   string   // SensitiveKey of the header
	han   bool     // it holds Chinese characters
	words []string // its English words, for a header without Chinese
}

// SensitiveKey normalizes a header for the sensitive-column match: HeaderKey
// (NFKC, lower case, no spaces or annotations), traditional characters
// made simplified (身份證號 → 身份证号), ASCII punctuation dropped
// (ID No. → idno), and variant spellings folded into one: 帐 → 账,
// 账户 → 账号, 号码 and 编号 → 号 (银行帐户, 银行账户 and 银行账号 are one).
func SensitiveKey(header string) string {
	k := text.ToSimplified(HeaderKey(header))
	k = strings.Map(func(r rune) rune {
		if r < utf8.RuneSelf && (unicode.IsPunct(r) || unicode.IsSymbol(r)) {
			return -1
		}
		return r
	}, k)
	for _, f := range sensitiveFolds {
		k = strings.ReplaceAll(k, f[0], f[1])
	}
	return k
}

// sensitiveFolds are SensitiveKey's variant spellings, applied in order.
var sensitiveFolds = [][2]string{{"帐", "账"}, {"账户", "账号"}, {"号码", "号"}, {"编号", "号"}}

// englishWords splits a header into lower-case runs of latin letters and
// digits: "Bank Account No." → bank, account, no.
func englishWords(header string) []string {
	return strings.FieldsFunc(strings.ToLower(norm.NFKC.String(header)), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	})
}

// containsRun reports whether words holds run as consecutive words.
func containsRun(words, run []string) bool {
	for i := 0; i+len(run) <= len(words); i++ {
		if slices.Equal(words[i:i+len(run)], run) {
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
