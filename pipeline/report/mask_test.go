package report

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestMaskPhone(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"mobile", "13800138000", "138****8000"},
		{"mobile with spaces", "138 0013 8000", "138 **** 8000"},
		{"mobile with hyphens", "138-0013-8000", "138-****-8000"},
		{"E.164 mobile", "+8613800138000", "+86138****8000"},
		{"E.164 with space", "+86 138 0013 8000", "+86 138 **** 8000"},
		{"0086 prefix", "008613800138000", "0086138****8000"},
		{"landline with area code", "010-62345678", "010-****5678"},
		{"landline with ext 转", "021-6234 5678转801", "021-**** 5678转801"},
		{"landline with ext word", "0571-87654321 ext 12", "0571-****4321 ext 12"},
		{"E.164 landline with ext", "+862162345678;ext=801", "+86216***5678;ext=801"},
		{"bracketed area code", "(0755)12345678", "(0755)****5678"},
		{"local landline", "62345678", "****5678"},
		{"seven digits", "1380013", "***0013"},
		{"service number", "400-812-3123", "400-***-3123"},
		{"short code untouched", "95588", "95588"},
		{"two mobiles", "13800138000/13900139000", "138****8000/139****9000"},
		{"with text", "手机13800138000（微信同号）", "手机138****8000（微信同号）"},
		{"empty", "", ""},
		{"no digits", "暂无", "暂无"},
		{"already masked", "138****8000", "138****8000"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := MaskPhone(c.in); got != c.want {
				t.Errorf("MaskPhone(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

func TestMaskEmail(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"plain", "zhangwei@qq.com", "z***@qq.com"},
		{"one letter", "z@qq.com", "z***@qq.com"},
		{"dotted", "li.na@example.com.cn", "l***@example.com.cn"},
		{"two addresses", "a1@163.com; bob@126.com", "a***@163.com; b***@126.com"},
		{"chinese local part", "张伟@公司.cn", "张***@公司.cn"},
		{"no at sign", "zhangwei", "z***"},
		{"in text", "邮箱:zhangwei@qq.com", "邮箱:z***@qq.com"},
		{"empty", "", ""},
		{"already masked", "z***@qq.com", "z***@qq.com"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := MaskEmail(c.in); got != c.want {
				t.Errorf("MaskEmail(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

func TestMaskName(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"two characters", "张伟", "张*"},
		{"three characters", "张三伟", "张*伟"},
		{"four characters", "欧阳娜娜", "欧**娜"},
		{"one character", "张", "*"},
		{"one latin letter", "Z", "*"},
		{"not a name", "a@b.c", "a**.*"},
		{"minority name", "买买提·艾力", "买****力"},
		{"romanized", "Zhang Wei", "Z**** W**"},
		{"romanized one word", "Zhangwei", "Z*******"},
		{"romanized initial", "Wei Z.", "W** Z."},
		{"romanized single letters", "A B", "A *"},
		{"romanized hyphen", "Li-Na Wang", "L*-** W***"},
		{"surrounding spaces", " 李娜 ", "李*"},
		{"empty", "", ""},
		{"already masked chinese", "张*伟", "张*伟"},
		{"already masked latin", "Z**** W**", "Z**** W**"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := MaskName(c.in); got != c.want {
				t.Errorf("MaskName(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

func TestScrub(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"phone in message", `"13800138000x" is not a phone number`, `"138****8000x" is not a phone number`},
		{"email in message", `domain of zhangwei@qq.con fixed`, `domain of z***@qq.con fixed`},
		{"date left alone", "2023-01-05", "2023-01-05"},
		{"counts left alone", "row has 12 cells where the header row has 10", "row has 12 cells where the header row has 10"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := scrub(c.in); got != c.want {
				t.Errorf("scrub(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

func FuzzMask(f *testing.F) {
	for _, s := range []string{"13800138000", "+86 138 0013 8000", "021-6234 5678转801", "zhangwei@qq.com",
		"a@b@c", "张伟", "欧阳娜娜", "Zhang Wei", "", "@", "+", "(((", "1 2 3 4 5 6 7 8 9 0 1", "\xff\xfe", "转@"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, fn := range []struct {
			name string
			mask func(string) string
		}{{"MaskPhone", MaskPhone}, {"MaskEmail", MaskEmail}, {"MaskName", MaskName}, {"scrub", scrub}} {
			once := fn.mask(s)
			if twice := fn.mask(once); twice != once {
				t.Errorf("%s not idempotent on %q: %q then %q", fn.name, s, once, twice)
			}
		}
		// A masked phone never shows a whole mobile number.
		if m := MaskPhone(s); utf8.ValidString(s) && strings.Count(m, "*") == 0 && longestDigits(m) > 6 {
			t.Errorf("MaskPhone(%q) = %q shows %d digits in a row", s, m, longestDigits(m))
		}
		if utf8.ValidString(s) && letters(s) >= 2 && MaskName(s) == strings.TrimSpace(s) {
			t.Errorf("MaskName(%q) = %q hides nothing", s, MaskName(s))
		}
	})
}

func longestDigits(s string) int {
	best, n := 0, 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n++
			best = max(best, n)
		} else {
			n = 0
		}
	}
	return best
}

func letters(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			n++
		}
	}
	return n
}
