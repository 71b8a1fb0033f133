package phone

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/crmclean/crmclean/pipeline/record"
	"github.com/crmclean/crmclean/rules"
)

func newParser(t testing.TB) *Parser {
	t.Helper()
	r := rules.Default()
	p, err := New(Options{Region: r.Phone.Region, OwnMarkers: r.Phone.OwnMarkers})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return p
}

// describe renders a phone as "type key", with " own" when marked.
func describe(ph record.Phone) string {
	s := string(ph.Type) + " " + ph.Key()
	if ph.Own {
		s += " own"
	}
	return s
}

func TestParse(t *testing.T) {
	const hz, bj = "杭州市", "北京市"
	tests := []struct {
		name  string
		cell  string
		city  string
		want  []string // describe() of each phone
		rules []string // rules of the issues, in order
	}{
		// mobiles
		{name: "plain mobile", cell: "13800138000", want: []string{"mobile +8613800138000"}},
		{name: "mobile 14x", cell: "14712345678", want: []string{"mobile +8614712345678"}},
		{name: "mobile 16x", cell: "16612345678", want: []string{"mobile +8616612345678"}},
		{name: "mobile 17x", cell: "17712345678", want: []string{"mobile +8617712345678"}},
		{name: "mobile 199", cell: "19912345678", want: []string{"mobile +8619912345678"}},
		{name: "mobile 1740x satellite range", cell: "17400123456", want: []string{"mobile +8617400123456"}},
		{name: "mobile with spaces", cell: "138 0013 8000", want: []string{"mobile +8613800138000"}},
		{name: "mobile with dashes", cell: "138-0013-8000", want: []string{"mobile +8613800138000"}},
		{name: "mobile with dots", cell: "138.0013.8000", want: []string{"mobile +8613800138000"}},
		{name: "mobile +86", cell: "+86 138 0013 8000", want: []string{"mobile +8613800138000"}},
		{name: "mobile +86 in brackets", cell: "(+86)13800138000", want: []string{"mobile +8613800138000"}},
		{name: "mobile 0086", cell: "0086-13800138000", want: []string{"mobile +8613800138000"}},
		{name: "mobile 86 thirteen digits", cell: "8613800138000", want: []string{"mobile +8613800138000"}},
		{name: "mobile 86 space", cell: "86 13800138000", want: []string{"mobile +8613800138000"}},
		{name: "mobile full width", cell: "１３８００１３８０００", want: []string{"mobile +8613800138000"}},
		{name: "mobile full width plus", cell: "＋８６　１３８－００１３－８０００", want: []string{"mobile +8613800138000"}},
		{name: "mobile with leading trunk 0", cell: "013800138000", want: []string{"mobile +8613800138000"}, rules: []string{RuleTrunkZeroRemoved}},
		{name: "mobile excel float", cell: "13800138000.0", want: []string{"mobile +8613800138000"}},
		{name: "mobile excel scientific", cell: "1.3800138E+10", want: []string{"mobile +8613800138000"}, rules: []string{RuleExcelNumber}},
		{name: "mobile excel scientific all digits", cell: "1.3812345678e10", want: []string{"mobile +8613812345678"}, rules: []string{RuleExcelNumber}},
		{name: "excel scientific lossy", cell: "1.38123E+10", rules: []string{RuleInvalid}},
		{name: "mobile apostrophe text marker", cell: "'13800138000", want: []string{"mobile +8613800138000"}},

		// invalid
		{name: "mobile missing a digit", cell: "1380013800", rules: []string{RuleInvalid}},
		{name: "mobile extra digit", cell: "138001380001", rules: []string{RuleInvalid}},
		{name: "impossible mobile prefix", cell: "12012345678", rules: []string{RuleInvalid}},
		{name: "masked mobile", cell: "138****8000", rules: []string{RuleInvalid}},
		{name: "unknown area code", cell: "0001-2345678", rules: []string{RuleInvalid}},
		{name: "too short", cell: "12345", rules: []string{RuleInvalid}},
		{name: "no digits", cell: "见备注", rules: []string{RuleNoNumber}},
		{name: "invalid next to valid", cell: "1380013800/13900139000", want: []string{"mobile +8613900139000"}, rules: []string{RuleInvalid}},
		{name: "short number then mobile by space", cell: "1380013800 13900139000", want: []string{"mobile +8613900139000"}, rules: []string{RuleInvalid}},

		// landlines
		{name: "landline dash", cell: "0571-88881234", want: []string{"landline +8657188881234"}},
		{name: "landline brackets", cell: "(0571)8888 1234", want: []string{"landline +8657188881234"}},
		{name: "landline full width brackets", cell: "（０５７１）８８８８１２３４", want: []string{"landline +8657188881234"}},
		{name: "landline Beijing", cell: "010-62345678", city: bj, want: []string{"landline +861062345678"}},
		{name: "landline Beijing groups", cell: "010 6234 5678", city: bj, want: []string{"landline +861062345678"}},
		{name: "landline +86 without trunk", cell: "+86 571 8888 1234", want: []string{"landline +8657188881234"}},
		{name: "landline +86 with trunk", cell: "+86 (0)571 88881234", want: []string{"landline +8657188881234"}},
		{name: "landline 86 prefix", cell: "86-571-88881234", want: []string{"landline +8657188881234"}},
		{name: "landline seven digit city", cell: "0736-7123456", want: []string{"landline +867367123456"}},
		{name: "landline lost trunk zero", cell: "57188881234", want: []string{"landline +8657188881234"}, rules: []string{RuleTrunkZeroAdded}},
		{name: "landline area code mismatch", cell: "010-62345678", city: hz, want: []string{"landline +861062345678"}, rules: []string{RuleAreaCodeMismatch}},
		{name: "landline area code matches", cell: "0571-88881234", city: hz, want: []string{"landline +8657188881234"}},
		{name: "landline shared area code", cell: "024-31234567", city: "抚顺市", want: []string{"landline +862431234567"}},
		{name: "landline 8 digits where metadata says 7", cell: "0592-56769178", want: []string{"landline +8659256769178"}, rules: []string{RuleLandlineLength}},
		{name: "landline 7 digits where metadata says 8", cell: "0371-3936272", want: []string{"landline +863713936272"}, rules: []string{RuleLandlineLength}},
		{name: "landline in odd groups", cell: "0991-4568-0879", want: []string{"landline +8699145680879"}, rules: []string{RuleLandlineLength}},
		{name: "landline short subscriber", cell: "0571-888812", rules: []string{RuleInvalid}},
		{name: "landline too long", cell: "0571-888812345", rules: []string{RuleInvalid}},
		{name: "area code alone", cell: "0571", rules: []string{RuleInvalid}},
		{name: "area code without trunk then local", cell: "571 88881234", rules: []string{RuleInvalid}},
		{name: "landline unknown city no mismatch", cell: "0571-88881234", city: "某某市", want: []string{"landline +8657188881234"}},

		// local numbers without area code
		{name: "local inferred", cell: "88881234", city: hz, want: []string{"landline +8657188881234"}, rules: []string{RuleAreaCodeInferred}},
		{name: "local inferred with space", cell: "8888 1234", city: hz, want: []string{"landline +8657188881234"}, rules: []string{RuleAreaCodeInferred}},
		{name: "local Beijing", cell: "62345678", city: bj, want: []string{"landline +861062345678"}, rules: []string{RuleAreaCodeInferred}},
		{name: "local without city", cell: "88881234", rules: []string{RuleNoAreaCode}},
		{name: "local with unknown city", cell: "88881234", city: "某某市", rules: []string{RuleNoAreaCode}},
		{name: "local wrong length for city", cell: "8881234", city: hz, rules: []string{RuleInvalid}},
		{name: "local starting 86", cell: "86881234", city: hz, want: []string{"landline +8657186881234"}, rules: []string{RuleAreaCodeInferred}},

		// extensions
		{name: "ext dash", cell: "0571-88881234-801", want: []string{"landline +8657188881234;ext=801"}},
		{name: "ext 转", cell: "0571-88881234转801", want: []string{"landline +8657188881234;ext=801"}},
		{name: "ext 分机", cell: "0571-88881234 分机801", want: []string{"landline +8657188881234;ext=801"}},
		{name: "ext dot", cell: "0571-88881234 ext.801", want: []string{"landline +8657188881234;ext=801"}},
		{name: "ext word", cell: "0571-88881234ext801", want: []string{"landline +8657188881234;ext=801"}},
		{name: "ext x", cell: "0571-88881234 x801", want: []string{"landline +8657188881234;ext=801"}},
		{name: "ext hash", cell: "0571-88881234#801", want: []string{"landline +8657188881234;ext=801"}},
		{name: "ext full width 转", cell: "０５７１－８８８８１２３４转８０１", want: []string{"landline +8657188881234;ext=801"}},
		{name: "ext after four groups", cell: "010-6234-5678-56", want: []string{"landline +861062345678;ext=56"}},
		{name: "ext on inferred local", cell: "88881234-801", city: hz, want: []string{"landline +8657188881234;ext=801"}, rules: []string{RuleAreaCodeInferred}},
		{name: "ext on 400", cell: "400-800-1234转2", want: []string{"service +864008001234;ext=2"}},
		{name: "dash group after mobile", cell: "13800138000-801", want: []string{"mobile +8613800138000"}, rules: []string{RuleMobileExtension}},
		{name: "转 after mobile", cell: "13800138000转801", want: []string{"mobile +8613800138000"}, rules: []string{RuleMobileExtension}},
		{name: "long dash group is a number", cell: "0571-88881234-13800138000", want: []string{"landline +8657188881234", "mobile +8613800138000"}},
		{name: "our own key", cell: "+8657188881234;ext=801", want: []string{"landline +8657188881234;ext=801"}},

		// service numbers
		{name: "400", cell: "4008001234", want: []string{"service +864008001234"}},
		{name: "400 dashed", cell: "400-800-1234", want: []string{"service +864008001234"}},
		{name: "800 toll free", cell: "800-820-8820", want: []string{"service +868008208820"}},
		{name: "95 short number", cell: "95588", want: []string{"service +8695588"}},
		{name: "96 short number", cell: "96000", want: []string{"service +8696000"}},
		{name: "carrier hotline", cell: "10086客服", want: []string{"service +8610086"}},

		// foreign
		{name: "US number", cell: "+1 415 555 2671", want: []string{"other +14155552671"}},
		{name: "Hong Kong number", cell: "+852 2345 6789", want: []string{"other +85223456789"}},
		{name: "foreign 00 prefix", cell: "00852-23456789", want: []string{"other +85223456789"}},

		// several numbers and notes
		{name: "slash", cell: "13800138000/13900139000", want: []string{"mobile +8613800138000", "mobile +8613900139000"}},
		{name: "ideographic comma", cell: "13800138000、0571-88881234", want: []string{"mobile +8613800138000", "landline +8657188881234"}},
		{name: "full width semicolon", cell: "13800138000；13900139000", want: []string{"mobile +8613800138000", "mobile +8613900139000"}},
		{name: "full width comma", cell: "13800138000，13900139000", want: []string{"mobile +8613800138000", "mobile +8613900139000"}},
		{name: "new line", cell: "13800138000\n0571-88881234", want: []string{"mobile +8613800138000", "landline +8657188881234"}},
		{name: "space between complete numbers", cell: "13800138000 13900139000", want: []string{"mobile +8613800138000", "mobile +8613900139000"}},
		{name: "landline then mobile by space", cell: "0571 8888 1234 13800138000", want: []string{"landline +8657188881234", "mobile +8613800138000"}},
		{name: "duplicate in cell", cell: "13800138000/138-0013-8000", want: []string{"mobile +8613800138000"}},
		{name: "微信同号 after", cell: "13800138000微信同号", want: []string{"mobile +8613800138000 own"}},
		{name: "微信同号 in brackets", cell: "13800138000(微信同号)", want: []string{"mobile +8613800138000 own"}},
		{name: "手机 in full width brackets", cell: "13800138000（手机）", want: []string{"mobile +8613800138000 own"}},
		{name: "手机 label", cell: "手机:13800138000", want: []string{"mobile +8613800138000 own"}},
		{name: "电话 label is not own", cell: "电话：0571-88881234", want: []string{"landline +8657188881234"}},
		{name: "Tel label", cell: "Tel: 0571-88881234", want: []string{"landline +8657188881234"}},
		{name: "labels for two numbers", cell: "电话：0571-88881234 手机:13800138000", want: []string{"landline +8657188881234", "mobile +8613800138000 own"}},
		{name: "label without colon after a number", cell: "0571-88881234 手机13800138000", want: []string{"landline +8657188881234", "mobile +8613800138000 own"}},
		{name: "office and home", cell: "办0571-88881234 宅0571-87654321", want: []string{"landline +8657188881234", "landline +8657187654321"}},
		{name: "own marker on second number", cell: "13800138000/13900139000(微信同号)", want: []string{"mobile +8613800138000", "mobile +8613900139000 own"}},
		{name: "negated marker", cell: "13800138000(非本人)", want: []string{"mobile +8613800138000"}},
		{name: "name before number", cell: "张经理 13800138000", want: []string{"mobile +8613800138000"}},
		{name: "mobile keyword", cell: "Mobile: +86 138 0013 8000", want: []string{"mobile +8613800138000 own"}},
	}
	p := newParser(t)
	names := map[string]bool{}
	for _, tt := range tests {
		if names[tt.name] {
			t.Fatalf("duplicate case name %q", tt.name)
		}
		names[tt.name] = true
		t.Run(tt.name, func(t *testing.T) {
			res := p.Parse(tt.cell, Context{City: tt.city})
			var got, gotRules []string
			for _, ph := range res.Phones {
				got = append(got, describe(ph))
				if ph.Col != -1 || ph.Input == "" {
					t.Errorf("phone %s: Col %d, Input %q; want Col -1 and the input text", ph.E164, ph.Col, ph.Input)
				}
			}
			for _, is := range res.Issues {
				gotRules = append(gotRules, is.Rule)
				if is.Col != -1 || is.Value == "" || is.Text("en") == "" {
					t.Errorf("issue %+v: want Col -1, a value and a message", is)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Parse(%q, city %q) phones\n got  %q\n want %q", tt.cell, tt.city, got, tt.want)
			}
			if !slices.Equal(gotRules, tt.rules) {
				t.Errorf("Parse(%q, city %q) issues\n got  %q\n want %q\n %+v", tt.cell, tt.city, gotRules, tt.rules, res.Issues)
			}
		})
	}
	if len(tests) < 60 {
		t.Errorf("only %d cases", len(tests))
	}
}

func TestParseInput(t *testing.T) {
	p := newParser(t)
	res := p.Parse("手机:13800138000 （0571）8888 1234转801", Context{})
	var inputs []string
	for _, ph := range res.Phones {
		inputs = append(inputs, ph.Input)
	}
	want := []string{"13800138000", "（0571）8888 1234转801"}
	if !slices.Equal(inputs, want) {
		t.Errorf("inputs %q, want %q", inputs, want)
	}
}

func TestIssueFixes(t *testing.T) {
	p := newParser(t)
	tests := []struct {
		name, cell, city, rule string
		sev                    record.Severity
		fix                    string
		value                  string
	}{
		{"inferred", "8888-1234", "杭州市", RuleAreaCodeInferred, record.Info, "+8657188881234", "8888-1234"},
		{"no area code", "8888 1234", "", RuleNoAreaCode, record.Warning, "", "8888 1234"},
		{"mismatch", "010-62345678", "杭州市", RuleAreaCodeMismatch, record.Warning, "", "010-62345678"},
		{"invalid keeps text", "138-0013-800", "", RuleInvalid, record.Warning, "", "138-0013-800"},
		{"trunk zero", "57188881234", "", RuleTrunkZeroAdded, record.Info, "+8657188881234", "57188881234"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := p.Parse(tt.cell, Context{City: tt.city})
			if len(res.Issues) != 1 {
				t.Fatalf("Parse(%q): %d issues %+v, want 1", tt.cell, len(res.Issues), res.Issues)
			}
			is := res.Issues[0]
			if is.Rule != tt.rule || is.Severity != tt.sev || is.Fix != tt.fix || is.Value != tt.value {
				t.Errorf("Parse(%q) issue = %+v\nwant rule %s, severity %s, fix %q, value %q", tt.cell, is, tt.rule, tt.sev, tt.fix, tt.value)
			}
		})
	}
}

func TestNew(t *testing.T) {
	if _, err := New(Options{Region: "XX"}); !errors.Is(err, ErrRegion) {
		t.Errorf("New(region XX) error = %v, want ErrRegion", err)
	}
	p, err := New(Options{})
	if err != nil {
		t.Fatalf("New(empty) = %v", err)
	}
	if got := p.Parse("13800138000", Context{}); len(got.Phones) != 1 {
		t.Errorf("default region: got %+v", got)
	}
	us, err := New(Options{Region: "us"})
	if err != nil {
		t.Fatalf("New(us) = %v", err)
	}
	res := us.Parse("(415) 555-2671", Context{})
	if len(res.Phones) != 1 || res.Phones[0].E164 != "+14155552671" || res.Phones[0].Type != record.Landline {
		t.Errorf("US region: got %+v", res)
	}
}

func TestOwnMarkersConfigurable(t *testing.T) {
	p, err := New(Options{OwnMarkers: []string{"本人"}})
	if err != nil {
		t.Fatal(err)
	}
	res := p.Parse("13800138000(微信同号) 13900139000本人", Context{})
	var got []string
	for _, ph := range res.Phones {
		got = append(got, describe(ph))
	}
	want := []string{"mobile +8613800138000", "mobile +8613900139000 own"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestAreaCode(t *testing.T) {
	tests := []struct{ city, want string }{
		{"北京市", "10"}, {"上海市", "21"}, {"天津市", "22"}, {"重庆市", "23"},
		{"杭州市", "571"}, {"深圳市", "755"}, {"广州市", "20"}, {"苏州市", "512"},
		{"遵义市", "852"}, {"襄阳市", "710"}, {"株洲市", "731"}, {"三亚市", "898"},
		{"杭州", "571"}, {"", ""}, {"火星市", ""},
	}
	for _, tt := range tests {
		if got := AreaCode(tt.city); got != tt.want {
			t.Errorf("AreaCode(%q) = %q, want %q", tt.city, got, tt.want)
		}
	}
}

func TestCityOfAreaCode(t *testing.T) {
	tests := []struct {
		code string
		want []string
	}{
		{"10", []string{"北京市"}},
		{"010", []string{"北京市"}},
		{"21", []string{"上海市"}},
		{"22", []string{"天津市"}},
		{"23", []string{"重庆市"}},
		{"0571", []string{"杭州市"}},
		{"24", []string{"沈阳市", "铁岭市", "抚顺市"}},
		{"731", []string{"长沙市", "湘潭市", "株洲市"}},
		{"000", nil},
		{"", nil},
	}
	for _, tt := range tests {
		if got := CityOfAreaCode(tt.code); !slices.Equal(got, tt.want) {
			t.Errorf("CityOfAreaCode(%q) = %q, want %q", tt.code, got, tt.want)
		}
	}
	// every city name is canonical: no province prefix, a proper suffix
	for code, a := range areaCodes {
		for _, c := range a.cities {
			if strings.Contains(c, "省") || !(strings.HasSuffix(c, "市") || strings.HasSuffix(c, "州") || strings.HasSuffix(c, "地区") || strings.HasSuffix(c, "盟")) {
				t.Errorf("area code %s: city %q is not a canonical city name", code, c)
			}
			if AreaCode(c) == "" {
				t.Errorf("AreaCode(%q) is empty though 0%s serves it", c, code)
			}
		}
	}
}

func TestExcelNumber(t *testing.T) {
	tests := []struct {
		in   string
		want string
		kind excelKind
	}{
		{"13800138000.0", "13800138000", excelFloat},
		{"13800138000.00", "13800138000", excelFloat},
		{"13800138000.5", "", notExcel},
		{"0571.8888", "", notExcel},
		{"1.3800138E+10", "13800138000", excelSci},
		{"1.3800138e10", "13800138000", excelSci},
		{"1.38001380001E+10", "", excelLossy}, // a fraction left after shifting
		{"8.613800138E+12", "8613800138000", excelSci},
		{"1.38001E+10", "", excelLossy},
		{"1.38E+10", "", excelLossy},
		{"13.800138E+9", "", notExcel},
		{"1.3800138E-10", "", notExcel},
		{"1.3800138E+100", "", notExcel},
		{"abc", "", notExcel},
		{"13800138000", "", notExcel},
	}
	for _, tt := range tests {
		got, kind := excelNumber(tt.in)
		if got != tt.want || kind != tt.kind {
			t.Errorf("excelNumber(%q) = %q, %d; want %q, %d", tt.in, got, kind, tt.want, tt.kind)
		}
	}
}

// TestFastPathAgreesWithPhonenumbers checks the generated tables against
// phonenumbers on a spread of numbers: the fast path must never accept
// what phonenumbers rejects, nor type a number differently.
func TestFastPathAgreesWithPhonenumbers(t *testing.T) {
	p := newParser(t)
	var checked int
	for prefix := 100; prefix <= 199; prefix++ {
		for _, rest := range []string{"00000000", "12345678", "98765432"} {
			d := fmt.Sprint(prefix) + rest
			fast := p.mobile(d)
			slow := p.slow("+86" + d)
			if (fast.st == whole) != (slow.st == whole) || (fast.st == whole && fast.typ != slow.typ) {
				t.Errorf("%s: table says %v %s, phonenumbers %v %s", d, fast.st, fast.typ, slow.st, slow.typ)
			}
			checked++
		}
	}
	for code := range areaCodes {
		for _, sub := range []string{"2345678", "82345678", "6123456", "12345678", "02345678", "96123"} {
			nat := code + sub
			fast := p.landline(nat)
			slow := p.slow("+86" + nat)
			if fast.st == whole && fast.fix != RuleLandlineLength && (slow.st != whole || slow.typ != record.Landline) {
				t.Errorf("%s: table says landline, phonenumbers %v %s", nat, slow.st, slow.typ)
			}
			if slow.st == whole && slow.typ == record.Landline && fast.st != whole {
				t.Errorf("%s: phonenumbers says landline, table %v (%s)", nat, fast.st, fast.why)
			}
			checked++
		}
	}
	t.Logf("%d numbers checked", checked)
}

// TestParseConcurrent runs the parser from several goroutines, for -race.
// TestParseConcurrent: one Parser used by several goroutines at once (as
// the normalization workers do) gives every cell the result it gives alone;
// under -race this also finds unsynchronized state in the parser.
func TestParseConcurrent(t *testing.T) {
	p := newParser(t)
	cells := []string{"0571-88881234", "400-800-1234", "95588", "+1 415 555 2671", "88881234", "17451340321",
		"13800138000 微信同号", "021-61234567转806", "手机:13912345678/座机0571-88881234", "1380013800"}
	ctx := Context{City: "杭州市"}
	want := make([]Result, len(cells))
	for i, c := range cells {
		want[i] = p.Parse(c, ctx)
	}
	if len(want[0].Phones) == 0 {
		t.Fatalf("Parse(%q) found no number: the cases test nothing", cells[0])
	}
	const workers, rounds = 8, 50
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range rounds {
				i := (w + r) % len(cells) // the goroutines parse different cells at once
				if got := p.Parse(cells[i], ctx); !reflect.DeepEqual(got, want[i]) {
					t.Errorf("worker %d: Parse(%q) = %+v, want %+v as alone", w, cells[i], got, want[i])
					return
				}
			}
		}()
	}
	wg.Wait()
}
