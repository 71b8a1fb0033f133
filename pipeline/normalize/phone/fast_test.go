package phone

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// parseSlow is Parse without the plainMobile fast path.
func parseSlow(p *Parser, cell string, ctx Context) Result {
	cell = strings.TrimSpace(cell)
	if cell == "" {
		return Result{}
	}
	return p.parse(cell, ctx)
}

// mobileShapes renders numbers after every mobile prefix, and some that
// are not mobile prefixes, in the layouts plainMobile reads and their near
// misses.
func mobileShapes() []string {
	var prefixes []string
	for k := range mobilePrefixes {
		prefixes = append(prefixes, k)
	}
	sort.Strings(prefixes)
	prefixes = append(prefixes, "10", "12", "100", "140", "01", "02", "0", "9", "86", "00")
	var out []string
	for i, pre := range prefixes {
		d := pre + fmt.Sprintf("%011d", (uint64(i)*7919+12345)*104729)[:11-len(pre)]
		layouts := []string{
			d, d[:3] + "-" + d[3:7] + "-" + d[7:], d[:3] + " " + d[3:7] + " " + d[7:], d[:3] + "-" + d[3:7] + " " + d[7:],
			d[:3] + "--" + d[3:7] + "-" + d[7:], d[:4] + "-" + d[4:], d[:3] + "-" + d[3:], d[:10], d + "0", d[:3] + "-" + d[3:7] + "-" + d[7:10],
		}
		for _, l := range layouts {
			for _, cc := range []string{"", "+86", "+86 ", "+86-", "0086", "0086-", "0086 ", "86", "86-", "+86  ", "+ 86 ", "+86/", "+860", "(+86)"} {
				out = append(out, cc+l, " "+cc+l+" ", cc+l+"-1", cc+l+"/"+d)
			}
		}
	}
	return out
}

func TestPlainMobileAgrees(t *testing.T) {
	p := newParser(t)
	fast := 0
	for _, cell := range mobileShapes() {
		if _, ok := plainMobile(strings.TrimSpace(cell)); ok {
			fast++
		}
		for _, city := range []string{"", "杭州市"} {
			ctx := Context{City: city}
			if got, want := p.Parse(cell, ctx), parseSlow(p, cell, ctx); !reflect.DeepEqual(got, want) {
				t.Errorf("Parse(%q) = %+v; slow path gives %+v", cell, got, want)
			}
		}
	}
	if fast < 1000 {
		t.Errorf("plainMobile read only %d cells: the fast path is not taken", fast)
	}
}

// FuzzPlainMobile: the fast path gives what the slow path gives.
func FuzzPlainMobile(f *testing.F) {
	for _, s := range []string{"13800138000", "138-0013-8000", "138 0013 8000", "+86 13800138000", "0086-13800138000",
		"+8613800138000", "12800138000", "138-00138000", "+86-138 0013 8000"} {
		f.Add(s)
	}
	p := newParser(f)
	f.Fuzz(func(t *testing.T, cell string) {
		if got, want := p.Parse(cell, Context{}), parseSlow(p, cell, Context{}); !reflect.DeepEqual(got, want) {
			t.Fatalf("Parse(%q) = %+v; slow path gives %+v", cell, got, want)
		}
	})
}
