package phone

import (
	"testing"
)

func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"13800138000", "138 0013 8000", "+86 138-0013-8000", "0086 13800138000", "8613800138000",
		"(0571)8888 1234", "0571-88881234-801", "0571-88881234转801", "010-6234-5678-56", "88881234",
		"13800138000/13900139000", "13800138000 13900139000", "手机:13800138000 电话：0571-88881234",
		"13800138000（微信同号）", "１３８００１３８０００", "13800138000.0", "1.3800138E+10", "1.38E+10",
		"4008001234", "400-800-1234转2", "95588", "+1 415 555 2671", "57188881234", "013800138000",
		"138****8000", "暂无", "+8657188881234;ext=801", "Tel: +852 2345 6789 ext. 12", "0736-7123456",
		"x801", "转", "+", "00", "86", "0", "1.0E+1", "(((", "13800138000-", "——", "#1#2#3",
		"0102000000", "+86102000000", // Beijing with a 7-digit subscriber number: kept with a warning, both ways
	} {
		f.Add(seed, "杭州市")
		f.Add(seed, "")
	}
	p := newParser(f)
	f.Fuzz(func(t *testing.T, cell, city string) {
		res := p.Parse(cell, Context{City: city})
		for _, ph := range res.Phones {
			if len(ph.E164) < 4 || ph.E164[0] != '+' || !allDigits(ph.E164[1:]) {
				t.Fatalf("Parse(%q): E164 %q is not + and digits", cell, ph.E164)
			}
			if !allDigits(ph.Ext) {
				t.Fatalf("Parse(%q): extension %q is not digits", cell, ph.Ext)
			}
			again := p.Parse(ph.Key(), Context{City: city})
			if len(again.Phones) != 1 {
				t.Fatalf("Parse(%q) gave %s; parsing that gave %+v", cell, ph.Key(), again)
			}
			a := again.Phones[0]
			if a.E164 != ph.E164 || a.Ext != ph.Ext || a.Type != ph.Type {
				t.Fatalf("Parse(%q) gave %s (%s); parsing that gave %s (%s)", cell, ph.Key(), ph.Type, a.Key(), a.Type)
			}
		}
		for _, is := range res.Issues {
			if is.Col != -1 || is.Rule == "" || is.Text("en") == "" {
				t.Fatalf("Parse(%q): malformed issue %+v", cell, is)
			}
		}
	})
}
