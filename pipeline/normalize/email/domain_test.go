package email

import (
	"strings"
	"testing"
)

// validDomainSplit is validDomain as first written, splitting the domain
// into a slice of labels.
func validDomainSplit(d string) bool {
	if d == "" || len(d) > 253 {
		return false
	}
	labels := strings.Split(d, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			if !isAlnum(l[i]) && l[i] != '-' {
				return false
			}
		}
	}
	tld := labels[len(labels)-1]
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

// domainCases are domains on both sides of every check of validDomain.
var domainCases = []string{
	"", "qq.com", "QQ.com", "mail.qq.com", "a.b.c.d.cn", "qq", "qq.", ".qq.com", "qq..com", "qq.c", "qq.c0m", "qq.co-",
	"-qq.com", "qq-.com", "q-q.com", "xn--fiqs8s.xn--55qx5d", "xn--.com", "qq.xn--", "qq.xn-", "qq_.com", "qq.com.",
	"163.com", "1.2", "a.bc", "a.b1", "中国.cn", "qq.com@x.com", strings.Repeat("a", 63) + ".com",
	strings.Repeat("a", 64) + ".com", strings.Repeat("a.", 126) + "cn", strings.Repeat("a.", 127) + "cn", "a.-b.cn", ".",
	"..", "a.b.", "x.y.zz",
}

func TestValidDomainAgrees(t *testing.T) {
	valid := 0
	for _, d := range domainCases {
		got, want := validDomain(d), validDomainSplit(d)
		if got != want {
			t.Errorf("validDomain(%q) = %v, the split version gives %v", d, got, want)
		}
		if got {
			valid++
		}
	}
	if valid < 5 || valid == len(domainCases) {
		t.Errorf("%d of %d domains valid: the cases do not reach both answers", valid, len(domainCases))
	}
}

// FuzzValidDomain: validDomain agrees with the split version on any input.
func FuzzValidDomain(f *testing.F) {
	for _, d := range domainCases {
		f.Add(d)
	}
	f.Fuzz(func(t *testing.T, d string) {
		if got, want := validDomain(d), validDomainSplit(d); got != want {
			t.Fatalf("validDomain(%q) = %v, the split version gives %v", d, got, want)
		}
	})
}
