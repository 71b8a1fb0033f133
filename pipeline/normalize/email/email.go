// Package email cleans and checks e-mail addresses from customer sheets:
// full-width characters, mailto: links, display names, several addresses in
// one cell and frequent domain typos (qq.con → qq.com) from the rules file.
package email

import (
	"strings"

	"github.com/crmclean/crmclean/pipeline/msg"
	"github.com/crmclean/crmclean/pipeline/normalize/text"
	"github.com/crmclean/crmclean/pipeline/record"
)

// Issue rules reported by the normalizer.
const (
	RuleInvalid     = "email.invalid"
	RuleDomainFixed = "email.domain_fixed"
)

// Options configures a Normalizer; both lists come from the rules file.
type Options struct {
	DomainFixes map[string]string // misspelt domain → correct domain
	FreeDomains []string          // domains of free-mail providers
}

// Normalizer normalizes e-mail addresses. It is safe for concurrent use.
type Normalizer struct {
	fixes map[string]string
	free  map[string]struct{}
}

// New returns a Normalizer for opt. Domains are compared lower-cased.
func New(opt Options) *Normalizer {
	n := &Normalizer{fixes: map[string]string{}, free: map[string]struct{}{}}
	for from, to := range opt.DomainFixes {
		n.fixes[domainKey(from)] = domainKey(to)
	}
	for _, d := range opt.FreeDomains {
		n.free[domainKey(d)] = struct{}{}
	}
	return n
}

func domainKey(d string) string { return strings.Trim(strings.ToLower(text.Clean(d)), ".@ ") }

// Result is one address read from a cell.
type Result struct {
	Email string        // the normalized address (lower-case); the cleaned text when not Valid
	Valid bool          // Email is a syntactically valid address
	Issue *record.Issue // RuleInvalid or RuleDomainFixed, with Value (the text read) and Fix; nil when clean
}

// Normalize reads s as one address: NFKC (full-width ＠ and ．), lower-case,
// "mailto:", a display name ("张伟 <zw@qq.com>"), surrounding brackets, quotes
// and trailing punctuation removed, the ideographic full stop read as a dot,
// then a known misspelt domain fixed and the syntax checked. An empty or
// blank s gives the zero Result. For a cell that may hold several addresses,
// use NormalizeAll.
func (n *Normalizer) Normalize(s string) Result {
	return n.normalize(s, prepare(s))
}

// NormalizeAll reads every address of a cell, separated by ; , / 、 | or
// white space, in the order written; a repeated address is returned once.
// Words without a letter or digit beside the addresses (备用, 工作) are
// ignored; a cell without any @ is one invalid value. A blank cell gives nil.
func (n *Normalizer) NormalizeAll(s string) []Result {
	if plain(s) {
		return n.one(s) // prepare would return s as it is
	}
	c := prepare(s)
	if c == "" {
		return nil
	}
	if !strings.Contains(c, "@") {
		// No address at all: report the cell as one value, unsplit ("N/A").
		return []Result{n.normalize(c, c)}
	}
	if !strings.ContainsFunc(c, isListSeparator) {
		return n.one(c)
	}
	return n.list(c)
}

// plain reports whether s is one address as most cells hold it, which
// prepare leaves as it is: lower-case ASCII letters, digits and ._+- with
// one @, starting and ending with a letter or digit.
func plain(s string) bool {
	if s == "" || !alnumASCII(s[0]) || !alnumASCII(s[len(s)-1]) {
		return false
	}
	ats := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case alnumASCII(c), c == '.', c == '_', c == '+', c == '-':
		case c == '@':
			ats++
		default:
			return false
		}
	}
	return ats == 1
}

func alnumASCII(c byte) bool { return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' }

// isListSeparator reports whether r separates the addresses of a cell.
func isListSeparator(r rune) bool {
	return r == ';' || r == ',' || r == '/' || r == '、' || r == '|' || r == ' '
}

// one is list for a prepared cell without separators: the one part, read
// as list reads it, without splitting or a set of the addresses seen.
func (n *Normalizer) one(c string) []Result {
	out := make([]Result, 0, 1)
	p := strings.Trim(c, trimChars)
	if p == "" || !strings.Contains(p, "@") && !hasAlnum(p) {
		return out
	}
	return append(out, n.normalize(p, p))
}

// list reads every address of a prepared cell that holds an @.
func (n *Normalizer) list(c string) []Result {
	parts := strings.FieldsFunc(c, isListSeparator)
	out := make([]Result, 0, len(parts))
	seen := make(map[string]bool, len(parts))
	for _, p := range parts {
		p = strings.Trim(p, trimChars)
		if p == "" || !strings.Contains(p, "@") && !hasAlnum(p) {
			continue // a label such as 备用 or 工作 beside the addresses
		}
		r := n.normalize(p, p)
		if seen[r.Email] {
			continue
		}
		seen[r.Email] = true
		out = append(out, r)
	}
	return out
}

// IsFree reports whether domain (or the domain of an address) belongs to a
// free-mail provider such as qq.com or 163.com.
func (n *Normalizer) IsFree(domain string) bool {
	if at := strings.LastIndexByte(domain, '@'); at >= 0 {
		domain = domain[at+1:]
	}
	_, ok := n.free[domainKey(domain)]
	return ok
}

// Domain returns the part of a normalized address after the @, or "".
func Domain(email string) string {
	if at := strings.LastIndexByte(email, '@'); at >= 0 {
		return email[at+1:]
	}
	return ""
}

// trimChars are stripped from both ends of an address.
const trimChars = " \"'`<>()[]{}.,;:!?"

// prepare cleans a cell: NFKC and spaces, lower-case, the ideographic full
// stop as a dot, mailto:, labels and display names removed, and no spaces
// around "@".
func prepare(s string) string {
	s = strings.ToLower(text.Clean(s))
	if s == "" {
		return ""
	}
	s = strings.ReplaceAll(s, "。", ".")
	s = strings.ReplaceAll(s, "mailto:", "")
	// "张伟 <zw@qq.com>": keep what is inside the brackets.
	if i := strings.IndexByte(s, '<'); i >= 0 {
		if j := strings.IndexByte(s[i:], '>'); j > 0 && strings.Contains(s[i:i+j], "@") && strings.Count(s, "@") == 1 {
			s = s[i+1 : i+j]
		}
	}
	// A label before the address: "邮箱:zw@qq.com", "email:zw@qq.com".
	if at := strings.IndexByte(s, '@'); at > 0 {
		if colon := strings.LastIndexAny(s[:at], ":"); colon >= 0 && !strings.ContainsAny(strings.TrimLeft(s[colon+1:at], " "), " ;,/") {
			if label := s[:colon]; label == "email" || label == "e-mail" || label == "mail" || !hasAlnum(label) {
				s = strings.TrimLeft(s[colon+1:], " ")
			}
		}
	}
	s = strings.ReplaceAll(s, " @", "@")
	s = strings.ReplaceAll(s, "@ ", "@")
	return strings.Trim(s, trimChars)
}

func (n *Normalizer) normalize(orig, s string) Result {
	s = strings.Trim(s, trimChars)
	if s == "" {
		return Result{}
	}
	local, domain, found := strings.Cut(s, "@")
	if !found || !validLocal(local) || !validDomain(domain) {
		// A misspelt domain can also be an invalid one (qq.c0m is not, but
		// yeah.ent is valid): try the fix before giving up.
		if fixed, ok := n.fixes[domain]; found && ok && validLocal(local) {
			return n.fixed(orig, local, fixed)
		}
		return Result{Email: s, Issue: issue(record.Issue{Rule: RuleInvalid, Severity: record.Warning, Value: orig},
			msg.New("email.invalid", orig, whyInvalid(local, domain, found)))}
	}
	if fixed, ok := n.fixes[domain]; ok {
		return n.fixed(orig, local, fixed)
	}
	return Result{Email: s, Valid: true}
}

func (n *Normalizer) fixed(orig, local, domain string) Result {
	e := local + "@" + domain
	if !validDomain(domain) {
		return Result{Email: e, Issue: issue(record.Issue{Rule: RuleInvalid, Severity: record.Warning, Value: orig},
			msg.New("email.invalid_fixed", orig, domain))}
	}
	return Result{Email: e, Valid: true, Issue: issue(record.Issue{Rule: RuleDomainFixed, Severity: record.Info, Value: orig, Fix: e},
		msg.New("email.domain_fixed", orig, e))}
}

func issue(is record.Issue, m msg.Msg) *record.Issue {
	is = record.NewIssue(is, m)
	return &is
}

// validLocal checks the part before the @: 1–64 characters of the unquoted
// (dot-atom) form, no leading, trailing or doubled dot.
func validLocal(l string) bool {
	if l == "" || len(l) > 64 || l[0] == '.' || l[len(l)-1] == '.' || strings.Contains(l, "..") {
		return false
	}
	for i := 0; i < len(l); i++ {
		c := l[i]
		if !(isAlnum(c) || strings.IndexByte(".!#$%&'*+/=?^_`{|}~-", c) >= 0) {
			return false
		}
	}
	return true
}

// validDomain checks the part after the @: at least two dot-separated labels
// of letters, digits and inner hyphens (1–63 each), a top-level domain of two
// or more letters (or an xn-- label), 253 characters at most.
func validDomain(d string) bool {
	if d == "" || len(d) > 253 || strings.IndexByte(d, '.') < 0 {
		return false
	}
	tld := d[strings.LastIndexByte(d, '.')+1:]
	for rest := d; ; {
		l, after, more := strings.Cut(rest, ".")
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			if !isAlnum(l[i]) && l[i] != '-' {
				return false
			}
		}
		if !more {
			break
		}
		rest = after
	}
	if strings.HasPrefix(tld, "xn--") {
		return true
	}
	if len(tld) < 2 {
		return false
	}
	for i := 0; i < len(tld); i++ {
		if tld[i] < 'a' || tld[i] > 'z' {
			return false
		}
	}
	return true
}

// whyInvalid says what is wrong with an address, as a message argument.
func whyInvalid(local, domain string, found bool) string {
	switch {
	case !found:
		return msg.Nested("email.why.no_at")
	case strings.Contains(domain, "@"):
		return msg.Nested("email.why.many_at")
	case local == "":
		return msg.Nested("email.why.no_local")
	case domain == "":
		return msg.Nested("email.why.no_domain")
	case !validLocal(local):
		return msg.Nested("email.why.bad_local", local)
	case !strings.Contains(domain, "."):
		return msg.Nested("email.why.no_dot", domain)
	default:
		return msg.Nested("email.why.bad_domain", domain)
	}
}

func hasAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		if isAlnum(s[i]) || s[i] >= 'A' && s[i] <= 'Z' {
			return true
		}
	}
	return false
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
}
