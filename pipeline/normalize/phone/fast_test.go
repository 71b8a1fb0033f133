package phone

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// parseSlow is Parse without its fast paths (plainMobile, plainLandline).
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
			d + ".0", d + ".00", d + ".5", d + ".", d[:10] + ".0", d + "0.0", "1" + d[1:] + ".0", "1.0" + d,
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
		"+8613800138000", "12800138000", "138-00138000", "+86-138 0013 8000", "13800138000.0", "13800138000.5"} {
		f.Add(s)
	}
	p := newParser(f)
	f.Fuzz(func(t *testing.T, cell string) {
		if got, want := p.Parse(cell, Context{}), parseSlow(p, cell, Context{}); !reflect.DeepEqual(got, want) {
			t.Fatalf("Parse(%q) = %+v; slow path gives %+v", cell, got, want)
		}
	})
}

// landlineShapes renders subscriber numbers of several lengths after every
// area code, and after codes that are not area codes, in the layouts
// plainLandline reads and their near misses.
func landlineShapes() []string {
	var codes []string
	for k := range areaCodes {
		codes = append(codes, k)
	}
	sort.Strings(codes)
	codes = append(codes, "1", "13", "138", "00", "999", "2", "21", "")
	var out []string
	for i, code := range codes {
		for _, n := range []int{6, 7, 8, 9} {
			for _, first := range []byte{'1', '2', '8'} {
				sub := string(first) + fmt.Sprintf("%09d", (uint64(i*10+n)*7919+12345)*104729)[:n-1]
				out = append(out,
					"0"+code+sub, "0"+code+"-"+sub, "0"+code+" "+sub, "(0"+code+")"+sub,
					"（0"+code+"）"+sub, "0"+code+"--"+sub, "0"+code+"-"+sub+"-801", "(0"+code+")"+sub+"转8",
					code+sub, code+"-"+sub, "(0"+code+") "+sub, "(0"+code+sub, "0"+code+")"+sub,
					"0"+code+"-"+sub[:len(sub)/2]+"-"+sub[len(sub)/2:], "+86"+code+sub, "0"+code+"-",
				)
				out = append(out, " 0"+code+"-"+sub+" ")
			}
		}
	}
	return out
}

func TestPlainLandlineAgrees(t *testing.T) {
	p := newParser(t)
	fast := 0
	for _, cell := range landlineShapes() {
		if _, ok := p.plainLandline(strings.TrimSpace(cell), Context{}); ok {
			fast++
		}
		for _, city := range []string{"", "杭州市", "某某市"} {
			ctx := Context{City: city}
			if got, want := p.Parse(cell, ctx), parseSlow(p, cell, ctx); !reflect.DeepEqual(got, want) {
				t.Fatalf("Parse(%q, %q) = %+v; slow path gives %+v", cell, city, got, want)
			}
		}
	}
	if fast < 1000 {
		t.Errorf("plainLandline read only %d cells: the fast path is not taken", fast)
	}
}

// FuzzPlainLandline: the landline fast path gives what the slow path gives.
func FuzzPlainLandline(f *testing.F) {
	for _, s := range []string{"057188881234", "0571-88881234", "0571 88881234", "(0571)88881234", "010-62345678",
		"0736-7123456", "0571-8888123", "(010)6234567", "0999-1234567", "0755-12345678",
		"010-80012345", "010-81012345", "021-10012345", "021-10123456", "0571-951234", "0571-961234",
		"01080012345", "(021)8001234", "8078-1234567", "08078-1234567", "0571888-81234"} {
		f.Add(s, "杭州市")
		f.Add(s, "")
	}
	p := newParser(f)
	f.Fuzz(func(t *testing.T, cell, city string) {
		ctx := Context{City: city}
		if got, want := p.Parse(cell, ctx), parseSlow(p, cell, ctx); !reflect.DeepEqual(got, want) {
			t.Fatalf("Parse(%q, %q) = %+v; slow path gives %+v", cell, city, got, want)
		}
	})
}

// TestPlainLandlineDeepAgrees covers the subscriber numbers the generated
// table decides by two to four leading digits (010 and 021 numbers of 8
// digits starting 1 or 8, 6-digit numbers starting 9) and the kept 7- and
// 8-digit numbers of the wrong length, with and without a city: the fast
// path gives what the slow path gives.
func TestPlainLandlineDeepAgrees(t *testing.T) {
	p := newParser(t)
	var subs []string
	for _, lead := range []string{"1", "10", "100", "101", "109", "11", "8", "80", "800", "801", "809", "81", "89", "9", "95", "96", "2", "6"} {
		for _, n := range []int{6, 7, 8} {
			if len(lead) < n {
				subs = append(subs, lead+"2345678"[:n-len(lead)], lead+"0000000"[:n-len(lead)])
			}
		}
	}
	fast := 0
	for _, code := range []string{"10", "21", "20", "571", "736", "999", "8078", "807"} {
		for _, sub := range subs {
			for _, cell := range []string{"0" + code + sub, "0" + code + "-" + sub, "0" + code + " " + sub, "(0" + code + ")" + sub} {
				if _, ok := p.plainLandline(cell, Context{}); ok {
					fast++
				}
				for _, city := range []string{"", "北京市", "上海市", "杭州市"} {
					ctx := Context{City: city}
					if got, want := p.Parse(cell, ctx), parseSlow(p, cell, ctx); !reflect.DeepEqual(got, want) {
						t.Fatalf("Parse(%q, %q) = %+v; slow path gives %+v", cell, city, got, want)
					}
				}
			}
		}
	}
	if fast < 500 {
		t.Errorf("plainLandline read only %d cells: the fast path is not taken", fast)
	}
}
