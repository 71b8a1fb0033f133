package email

import (
	"reflect"
	"strings"
	"testing"

	"github.com/crmclean/crmclean/rules"
)

func newDefault() *Normalizer {
	r := rules.Default()
	return New(Options{DomainFixes: r.Email.DomainFixes, FreeDomains: r.Email.FreeDomains})
}

func TestNormalize(t *testing.T) {
	n := newDefault()
	tests := []struct {
		name  string
		in    string
		email string
		valid bool
		rule  string
	}{
		{"plain", "zhang.wei@qq.com", "zhang.wei@qq.com", true, ""},
		{"upper case", "Zhang.Wei@QQ.COM", "zhang.wei@qq.com", true, ""},
		{"padded", "  li@163.com\t", "li@163.com", true, ""},
		{"full-width at and dot", "wang＠１６３．ｃｏｍ", "wang@163.com", true, ""},
		{"ideographic full stop", "wang@163。com", "wang@163.com", true, ""},
		{"mailto", "mailto:sales@example.com.cn", "sales@example.com.cn", true, ""},
		{"angle brackets", "<sales@example.cn>", "sales@example.cn", true, ""},
		{"display name", "张伟 <zw@example.com>", "zw@example.com", true, ""},
		{"trailing punctuation", "li@163.com。", "li@163.com", true, ""},
		{"trailing semicolon", "li@163.com;", "li@163.com", true, ""},
		{"spaces around at", "li @ 163.com", "li@163.com", true, ""},
		{"plus tag", "li+crm@gmail.com", "li+crm@gmail.com", true, ""},
		{"hyphen domain", "a@my-company.com.cn", "a@my-company.com.cn", true, ""},
		{"idn tld", "a@example.xn--fiqs8s", "a@example.xn--fiqs8s", true, ""},
		{"fix qq.con", "123456@qq.con", "123456@qq.com", true, RuleDomainFixed},
		{"fix gmial", "Bob@Gmial.com", "bob@gmail.com", true, RuleDomainFixed},
		{"fix yeah.ent", "x@yeah.ent", "x@yeah.net", true, RuleDomainFixed},
		{"fix with full-width", "x＠qq．con", "x@qq.com", true, RuleDomainFixed},
		{"no at", "zhangwei.qq.com", "zhangwei.qq.com", false, RuleInvalid},
		{"two ats", "a@b@qq.com", "a@b@qq.com", false, RuleInvalid},
		{"no tld", "a@localhost", "a@localhost", false, RuleInvalid},
		{"one letter tld", "a@example.c", "a@example.c", false, RuleInvalid},
		{"numeric tld", "a@example.123", "a@example.123", false, RuleInvalid},
		{"double dot local", "a..b@qq.com", "a..b@qq.com", false, RuleInvalid},
		{"double dot domain", "a@qq..com", "a@qq..com", false, RuleInvalid},
		{"leading dot local", "@qq.com", "@qq.com", false, RuleInvalid},
		{"hyphen label edge", "a@-qq.com", "a@-qq.com", false, RuleInvalid},
		{"chinese local", "张伟@qq.com", "张伟@qq.com", false, RuleInvalid},
		{"qq number only", "12345678", "12345678", false, RuleInvalid},
		{"empty", "", "", false, ""},
		{"blank", " \u3000 ", "", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := n.Normalize(tt.in)
			rule := ""
			if got.Issue != nil {
				rule = got.Issue.Rule
				if got.Issue.Text("en") == "" || got.Issue.Value != tt.in {
					t.Errorf("issue without message: %+v", got.Issue)
				}
			}
			if got.Email != tt.email || got.Valid != tt.valid || rule != tt.rule {
				t.Errorf("Normalize(%q) = {%q valid=%v rule=%q}, want {%q valid=%v rule=%q}",
					tt.in, got.Email, got.Valid, rule, tt.email, tt.valid, tt.rule)
			}
			if got.Valid {
				again := n.Normalize(got.Email)
				if again.Email != got.Email || !again.Valid || again.Issue != nil {
					t.Errorf("Normalize(%q) = %+v, want it unchanged and clean", got.Email, again)
				}
			}
		})
	}
}

func TestDomainFixIssue(t *testing.T) {
	n := New(Options{DomainFixes: map[string]string{"QQ.CON": "qq.com"}})
	got := n.Normalize("ZW@qq.con")
	want := Result{Email: "zw@qq.com", Valid: true}
	if got.Email != want.Email || !got.Valid || got.Issue == nil {
		t.Fatalf("Normalize = %+v, want %+v with an issue", got, want)
	}
	if got.Issue.Value != "ZW@qq.con" || got.Issue.Fix != "zw@qq.com" || got.Issue.Severity != "info" {
		t.Errorf("issue = %+v, want Value ZW@qq.con, Fix zw@qq.com, severity info", *got.Issue)
	}
}

func TestNormalizeAll(t *testing.T) {
	n := newDefault()
	tests := []struct {
		name string
		in   string
		want []string // "email" for valid, "!email" for invalid
	}{
		{"one", "a@qq.com", []string{"a@qq.com"}},
		{"semicolon", "a@qq.com;b@163.com", []string{"a@qq.com", "b@163.com"}},
		{"full-width semicolon", "a@qq.com；b@163.com", []string{"a@qq.com", "b@163.com"}},
		{"comma and space", "a@qq.com, b@163.com", []string{"a@qq.com", "b@163.com"}},
		{"chinese comma", "a@qq.com，b@163.com", []string{"a@qq.com", "b@163.com"}},
		{"slash", "a@qq.com/b@163.com", []string{"a@qq.com", "b@163.com"}},
		{"enumeration comma", "a@qq.com、b@163.com", []string{"a@qq.com", "b@163.com"}},
		{"space", "a@qq.com b@163.com", []string{"a@qq.com", "b@163.com"}},
		{"newline", "a@qq.com\nb@163.com", []string{"a@qq.com", "b@163.com"}},
		{"duplicate once", "a@qq.com; A@QQ.COM", []string{"a@qq.com"}},
		{"one bad one good", "a@qq; b@163.com", []string{"!a@qq", "b@163.com"}},
		{"fixed in list", "a@qq.con;b@163.com", []string{"a@qq.com", "b@163.com"}},
		{"empty separators", " ; ,", nil},
		{"no at kept whole", "N/A", []string{"!n/a"}},
		{"label beside address", "zw@qq.com 备用", []string{"zw@qq.com"}},
		{"label before address", "邮箱：zw@qq.com", []string{"zw@qq.com"}},
		{"english label", "Email: zw@qq.com", []string{"zw@qq.com"}},
		{"full stop between addresses", "a@qq.com. b@163.com", []string{"a@qq.com", "b@163.com"}},
		{"stray word reported", "zhang wei@qq.com", []string{"!zhang", "wei@qq.com"}},
		{"empty", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, r := range n.NormalizeAll(tt.in) {
				if r.Valid {
					got = append(got, r.Email)
				} else {
					got = append(got, "!"+r.Email)
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("NormalizeAll(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestIsFree(t *testing.T) {
	n := newDefault()
	tests := []struct {
		name string
		in   string
		want bool
	}{
		{"qq", "qq.com", true},
		{"upper", "QQ.COM", true},
		{"address", "zw@163.com", true},
		{"vip", "vip.qq.com", true},
		{"company", "huawei.com", false},
		{"subdomain of free is not free", "mail.qq.com", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := n.IsFree(tt.in); got != tt.want {
				t.Errorf("IsFree(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
	if Domain("a@qq.com") != "qq.com" || Domain("nope") != "" {
		t.Error("Domain misreads")
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"", "a@qq.com", "A@QQ.CON", "mailto:<x@y.cn>", "张伟 <zw@example.com>", "a@b@c", "wang＠１６３．ｃｏｍ", "a@qq.com;b@163.com", "@", "<>", "a @ b . com", "\xff@qq.com"} {
		f.Add(s)
	}
	n := newDefault()
	f.Fuzz(func(t *testing.T, s string) {
		for _, r := range append(n.NormalizeAll(s), n.Normalize(s)) {
			if !r.Valid {
				continue
			}
			again := n.Normalize(r.Email)
			if again.Email != r.Email || !again.Valid || again.Issue != nil {
				t.Fatalf("not idempotent: %q → %q → %+v", s, r.Email, again)
			}
			all := n.NormalizeAll(r.Email)
			if len(all) != 1 || all[0].Email != r.Email {
				t.Fatalf("NormalizeAll(%q) = %+v, want the one address back", r.Email, all)
			}
		}
	})
}

func BenchmarkNormalizeAll(b *testing.B) {
	n := newDefault()
	cells := []string{"zhang.wei@qq.com", "Li.Na@163.COM", "wang＠１６３．ｃｏｍ", "a@qq.con;b@126.com", "sales@example.com.cn", "不详@"}
	b.ReportAllocs()
	for b.Loop() {
		for _, c := range cells {
			n.NormalizeAll(c)
		}
	}
	b.ReportMetric(float64(b.N*len(cells))/b.Elapsed().Seconds(), "rows/s")
}

// oneCases are cells without separators, which NormalizeAll reads through
// its single-part path.
var oneCases = []string{"zw@qq.com", "ZW@QQ.COM", "<zw@qq.com>", "mailto:zw@163.con", "\"a@b.cn\".", "@", "@@",
	"。@。", "备用@", "zw@qq。com", "ｚｗ＠ｑｑ．ｃｏｍ", "a@b", "-@-", "张伟<zw@qq.com>", "x@y.com.", "“a@b.com”"}

// TestOneMatchesList checks the single-part path against the general one
// on cells without separators: the same results, issues included.
func TestOneMatchesList(t *testing.T) {
	n := newDefault()
	for _, s := range oneCases {
		t.Run(s, func(t *testing.T) { checkOne(t, n, s) })
	}
}

func checkOne(t *testing.T, n *Normalizer, s string) {
	t.Helper()
	c := prepare(s)
	if c == "" || !strings.Contains(c, "@") || strings.ContainsFunc(c, isListSeparator) {
		return
	}
	if got, want := n.one(c), n.list(c); !reflect.DeepEqual(got, want) {
		t.Fatalf("one(%q) = %+v, list gives %+v", c, got, want)
	}
}

// plainCases are cells on either side of plain's limits.
var plainCases = []string{"zw@qq.com", "zhang.wei+crm@example.com.cn", "a_b-c@d-e.cn", "1@2", "zw@qq.con", "a@qq.com.",
	".a@qq.com", "Zw@qq.com", "zw@@qq.com", "zw", "zw@qq.com ", "zw@qq.com;b@163.com", "zw@qq。com", "zw@qq.com\u200b", "a..b@c.com", ""}

// TestPlainSkipsNothing checks that the cells plain lets past prepare are
// ones prepare leaves as they are, so NormalizeAll gives what it gave
// without the shortcut.
func TestPlainSkipsNothing(t *testing.T) {
	for _, s := range plainCases {
		t.Run(s, func(t *testing.T) { checkPlain(t, s) })
	}
	if !plain("zw@qq.com") || plain("ZW@qq.com") || plain("a@b@c") {
		t.Fatal("plain: wrong answer on its own examples")
	}
}

func checkPlain(t *testing.T, s string) {
	t.Helper()
	if !plain(s) {
		return
	}
	if c := prepare(s); c != s || strings.ContainsFunc(c, isListSeparator) {
		t.Fatalf("plain(%q) but prepare gives %q", s, c)
	}
}

func FuzzPlain(f *testing.F) {
	for _, s := range append(plainCases, oneCases...) {
		f.Add(s)
	}
	f.Fuzz(checkPlain)
}

func FuzzOneMatchesList(f *testing.F) {
	for _, s := range oneCases {
		f.Add(s)
	}
	n := newDefault()
	f.Fuzz(func(t *testing.T, s string) { checkOne(t, n, s) })
}
