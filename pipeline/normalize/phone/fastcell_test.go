package phone

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// messyShapes renders the cells messyCell reads and their near misses:
// notes in brackets, 86 prefixes, full-width digits, short mobiles and
// lists of numbers with every separator.
func messyShapes() []string {
	var out []string
	mobiles := []string{"13800138000", "15863713075", "19912345678", "10012345678", "12345678901", "14012345678", "1380013800"}
	landlines := []string{"0571-88881234", "0579-62814659", "(027)39191761", "010-62345678", "0571 88881234", "0999-1234567", "0571-8888123", "057188881234", "0571-88881234-801", "88881234"}
	for _, m := range mobiles {
		for _, note := range []string{"微信同号", "手机", "同微信", "不是微信", "非本人微信", "宅", "转", "分机", "传真", "微信", "Wechat", "微信同号2", "", "微信 同号"} {
			for _, br := range [][2]string{{"(", ")"}, {"（", "）"}, {"(", "）"}, {"（", ")"}, {"(", ""}, {"", ")"}, {"[", "]"}, {"【", "】"}, {"", ""}} {
				out = append(out, m+br[0]+note+br[1], " "+m+br[0]+note+br[1])
			}
		}
		for _, pre := range []string{"86", "86-", "86 ", "86--", "860", "8", "87", "86+", "+86", "0086"} {
			out = append(out, pre+m, pre+m+"0", pre+m[:10])
		}
		wide := ""
		for _, r := range m {
			wide += string(r + 0xFEE0)
		}
		out = append(out, wide, wide+"1", wide[3:], wide[:30]+"1", strings.Replace(wide, "０", "0", 1), "86"+wide)
		for n := 7; n <= 12; n++ {
			if n <= len(m) {
				out = append(out, m[:n])
			}
		}
	}
	for a := '0'; a <= '9'; a++ {
		for b := '0'; b <= '9'; b++ {
			d := string(a) + string(b) + "12345678"
			out = append(out, d, d[:9], d+"9", "1"+string(b)+"1234567", "1"+string(b)+"12345678")
		}
	}
	pieces := append(append([]string{}, mobiles...), landlines...)
	pieces = append(pieces, "", "abc", "95588", "400-800-1234", "13800138000(微信同号)", "138-0013-8000")
	for _, sep := range append(listSeps, "//", " / ", "|", "\n", "、 ", "，") {
		for _, a := range pieces {
			for _, b := range pieces {
				out = append(out, a+sep+b)
			}
			out = append(out, a+sep+a+sep+a, a+sep+"13800138000"+sep+"0571-88881234"+sep+a, a+sep+a+sep+a+sep+a+sep+a, sep+a, a+sep)
		}
	}
	return out
}

func TestMessyCellAgrees(t *testing.T) {
	p := newParser(t)
	fast := 0
	for _, cell := range messyShapes() {
		if _, ok := p.messyCell(strings.TrimSpace(cell), Context{}); ok {
			fast++
		}
		for _, city := range []string{"", "杭州市", "金华市", "某某市"} {
			ctx := Context{City: city}
			if got, want := p.Parse(cell, ctx), parseSlow(p, cell, ctx); !reflect.DeepEqual(got, want) {
				t.Errorf("Parse(%q, %q) = %+v; slow path gives %+v", cell, city, got, want)
			}
		}
	}
	if fast < 1000 {
		t.Errorf("messyCell read only %d cells: the fast path is not taken", fast)
	}
}

func TestMessyCell(t *testing.T) {
	p := newParser(t)
	ctx := Context{City: "杭州市"}
	tests := []struct {
		name, cell string
		want       string // the phones as E164[own] Input, then issue rules
		fast       bool
	}{
		{"own note", "15863713075(微信同号)", "+8615863713075 own 15863713075", true},
		{"full-width brackets", "15863713075（微信同号）", "+8615863713075 own 15863713075", true},
		{"other note", "15863713075（宅）", "+8615863713075 15863713075", true},
		{"negated note", "15863713075(非微信同号)", "+8615863713075 15863713075", true},
		{"86 prefix", "8613179906681", "+8613179906681 8613179906681", true},
		{"86 and dash", "86-13179906681", "+8613179906681 86-13179906681", true},
		{"full-width", "１７３２４１９６８２５", "+8617324196825 １７３２４１９６８２５", true},
		{"ten digits", "1919686760", "phone.invalid", true},
		{"mobile and landline", "13589435953/0579-62814659", "+8613589435953 13589435953; +8657962814659 0579-62814659; phone.area_code_mismatch", true},
		{"two mobiles", "13092799503 18594663437", "+8613092799503 13092799503; +8618594663437 18594663437", true},
		{"repeated", "13092799503、13092799503", "+8613092799503 13092799503", true},
		{"landline after space", "13092799503 0571-88881234", "+8613092799503 13092799503; +8657188881234 0571-88881234", false},
		{"not a mobile", "12345678901/13800138000", "+8613800138000 13800138000; phone.invalid", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := p.Parse(tt.cell, ctx)
			var parts []string
			for _, ph := range res.Phones {
				own := ""
				if ph.Own {
					own = " own"
				}
				parts = append(parts, fmt.Sprintf("%s%s %s", ph.E164, own, ph.Input))
			}
			for _, is := range res.Issues {
				parts = append(parts, is.Rule)
			}
			if got := strings.Join(parts, "; "); got != tt.want {
				t.Errorf("Parse(%q) = %s; want %s", tt.cell, got, tt.want)
			}
			if _, ok := p.messyCell(tt.cell, ctx); ok != tt.fast {
				t.Errorf("messyCell(%q) taken = %v; want %v", tt.cell, ok, tt.fast)
			}
		})
	}
}

// FuzzMessyCell: the messy-cell fast path gives what the slow path gives.
func FuzzMessyCell(f *testing.F) {
	for _, s := range []string{"15863713075(微信同号)", "15863713075（手机）", "8613179906681", "86-13179906681", "１７３２４１９６８２５",
		"1919686760", "13589435953/0579-62814659", "13092799503 18594663437", "18594663437、13092799503", "13800138000,(0571)88881234",
		"13800138000/0571-8888123", "010-80012345/021-10123456", "0571-88881234/0571-88881234"} {
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
