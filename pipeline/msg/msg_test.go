package msg

import (
	"regexp"
	"slices"
	"testing"
)

var verbRE = regexp.MustCompile(`%\[(\d)\][sq]`)

// TestCatalogueArguments checks that both texts of every message use the
// same arguments, so that no language drops or invents one.
func TestCatalogueArguments(t *testing.T) {
	args := func(s string) []string {
		var out []string
		for _, m := range verbRE.FindAllStringSubmatch(s, -1) {
			if !slices.Contains(out, m[1]) {
				out = append(out, m[1])
			}
		}
		slices.Sort(out)
		return out
	}
	for id, e := range catalogue {
		if e[0] == "" || e[1] == "" {
			t.Errorf("%s: a text is empty", id)
		}
		if zh, en := args(e[0]), args(e[1]); !slices.Equal(zh, en) {
			t.Errorf("%s: zh uses arguments %v, en %v", id, zh, en)
		}
	}
}

func TestIn(t *testing.T) {
	tests := []struct {
		name   string
		m      Msg
		zh, en string
	}{
		{"plain", New("cell.ditto"), "“同上”已替换为上一行的值", "ditto mark replaced by the value of the row above"},
		{"nested", New("phone.invalid", "1380013800", Nested("phone.why.mobile_length", "10")),
			"“1380013800”不是电话号码：10 位数字，手机号应为 11 位", `"1380013800" is not a phone number: 10 digits, a mobile number has 11`},
		{"or list", New("address.ambiguous", "朝阳区", Or("北京市朝阳区", "吉林省长春市朝阳区")),
			"“朝阳区”可能是北京市朝阳区或吉林省长春市朝阳区；请补上省或市以便区分", `"朝阳区" could be 北京市朝阳区 or 吉林省长春市朝阳区; add the province or city to tell which`},
		{"or more", New("address.ambiguous", "X", OrMore(3, "A", "B")),
			"“X”可能是A、B或另外 3 个；请补上省或市以便区分", `"X" could be A or B or 3 more; add the province or city to tell which`},
		{"and list", New("address.renamed_split", "崇文区", And("东城区", "西城区"), "2010", "北京市"),
			"“崇文区”是旧名：2010 年已拆分为东城区和西城区；保留北京市，区县留空",
			`"崇文区" is a former name: it was split into 东城区 and 西城区 in 2010; kept 北京市 and left the district empty`},
		{"unknown id passes through", Msg{Args: []string{"my own rule text"}}, "my own rule text", "my own rule text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.m.In("zh"); got != tt.zh {
				t.Errorf("zh = %q, want %q", got, tt.zh)
			}
			if got := tt.m.In("en"); got != tt.en {
				t.Errorf("en = %q, want %q", got, tt.en)
			}
			if got := string(tt.m.AppendIn([]byte("x"), "zh")); got != "x"+tt.zh {
				t.Errorf("AppendIn zh = %q, want %q", got, "x"+tt.zh)
			}
			if got := string(tt.m.AppendIn(nil, "en")); got != tt.en {
				t.Errorf("AppendIn en = %q, want %q", got, tt.en)
			}
		})
	}
}

// TestReasonRoundTrip checks that every lineage reason the pipeline words
// in English reads back as its message.
func TestReasonRoundTrip(t *testing.T) {
	tests := []Msg{
		New("skip.blank"), New("skip.title"), New("skip.header"), New("skip.repeated_header"),
		New("skip.footer", `"合计"`), New("skip.note", `"制表人：张静"`), New("reject.no_header"),
		New("merged.same_customer", Where("客户.xlsx", `华"东`, "12")), New("merged.same_customer", Where("会员.csv", "", "3")),
		New("sheet.hidden"), New("file.lock"), New("skip.blank_rows"), New("merged.identical_sheet"),
		New("merged.identical", Where("客户.xlsx", "华东", "7")),
		New("reject.identical", Where("会员.csv", "", "3"), Nested("reject.unread_last", "9", "zip: not a valid zip file")),
		New("reject.unread_rows", "12", "40", "xml: unexpected EOF"), New("reject.unread_below", "12", "xml: unexpected EOF"),
	}
	for _, want := range tests {
		en := want.In("en")
		got := Reason(en)
		if got.ID != want.ID || got.In("zh") != want.In("zh") {
			t.Errorf("Reason(%q) = %v (%q), want %v (%q)", en, got, got.In("zh"), want, want.In("zh"))
		}
	}
	if got := Reason("something else"); !got.IsZero() || got.In("zh") != "something else" {
		t.Errorf("an unknown reason = %v, want it unchanged", got)
	}
}

// FuzzReason checks that reading a lineage reason never panics and that a
// reason read as a message renders back to the same English text.
func FuzzReason(f *testing.F) {
	for _, m := range []Msg{New("skip.footer", `"合计"`), New("merged.same_customer", Where("a.xlsx", "S\t1\"", "3")),
		New("reject.unread_rows", "2", "9", "eof"), New("merged.identical", Where("b.csv", "", "4"))} {
		f.Add(m.In("en"))
	}
	f.Add("blank row")
	f.Add("same customer as x, sheet \"\\q\", row 7")
	f.Fuzz(func(t *testing.T, reason string) {
		m := Reason(reason)
		if got := m.In("en"); got != reason {
			t.Errorf("Reason(%q) = %v, renders %q", reason, m, got)
		}
		_ = m.In("zh")
	})
}

func TestSprint(t *testing.T) {
	for _, tc := range []struct {
		name   string
		format string
		args   []string
	}{
		{"indexed", "与 %[1]s 为同一客户", []string{"a.csv，第 3 行"}},
		{"reordered", "%[2]s，%[1]s，%[2]s", []string{"x", "y"}},
		{"plain", "%s and %s", []string{"x", "y"}},
		{"percent", "100%% %s", []string{"x"}},
		{"quoted", "sheet %[1]q", []string{`华"东`}},
		{"quoted control", "%q", []string{"a\tb\x00\xff"}},
		{"flag falls back", "%+q %-s", []string{"华", "x"}},
		{"missing", "%s %s", []string{"x"}},
		{"extra", "%s", []string{"x", "y"}},
		{"extra after index", "%[1]s", []string{"x", "y"}},
		{"bad index", "%[3]s", []string{"x"}},
		{"zero index", "%[0]s", []string{"x"}},
		{"index then plain", "%[1]s %s", []string{"x", "y"}},
		{"trailing percent", "x %", nil},
		{"no verbs", "空行", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got, want := sprint(tc.format, tc.args), sprintf(tc.format, tc.args); got != want {
				t.Errorf("sprint(%q, %q) = %q, fmt gives %q", tc.format, tc.args, got, want)
			}
		})
	}
}

func FuzzSprint(f *testing.F) {
	f.Add("与 %[1]s 为同一客户 %[2]s%%", "a", "b")
	f.Add("%s %s %[1]s %", "a", "")
	f.Fuzz(func(t *testing.T, format, a, b string) {
		for _, args := range [][]string{nil, {a}, {a, b}} {
			if got, want := sprint(format, args), sprintf(format, args); got != want {
				t.Errorf("sprint(%q, %q) = %q, fmt gives %q", format, args, got, want)
			}
		}
	})
}

func TestParseWhere(t *testing.T) {
	for _, s := range whereCases {
		t.Run(s, func(t *testing.T) { checkParseWhere(t, s) })
	}
}

var whereCases = []string{"a.csv, row 3", `a.xlsx, sheet "华东", row 12`, `a, b.xlsx, sheet "x", row 1`, `a.xlsx, sheet "x\"y", row 2`,
	`a.xlsx, sheet "x", row 2, sheet "y", row 3`, `a.xlsx, sheet "x\`, `a.xlsx, sheet "\\", row 4`, "a\n.csv, row 3", `a.xlsx, sheet "x` + "\n" + `", row 5`,
	`a.xlsx, sheet "x\` + "\n" + `", row 5`, "a.csv, row ", "a.csv, row 3x", ", row 1", `, sheet "", row 9`, "a.csv,  row 3", "\xff, row 1",
	`a.xlsx, sheet "\xff", row 1`, `a.xlsx, sheet "\` + "\xff" + `", row 1`, "a.csv, row 1, row 2"}

func FuzzParseWhere(f *testing.F) {
	for _, s := range whereCases {
		f.Add(s)
	}
	f.Fuzz(checkParseWhere)
}

func checkParseWhere(t *testing.T, s string) {
	t.Helper()
	if got, want := parseWhere(s), whereRE.FindStringSubmatch(s); !slices.Equal(got, want) {
		t.Errorf("parseWhere(%q) = %q, the expression gives %q", s, got, want)
	}
}

// FuzzAppendIn checks that AppendIn renders every message of the
// catalogue as In does, whatever its arguments: plain, nested, lists, too
// few or too many.
func FuzzAppendIn(f *testing.F) {
	ids := make([]ID, 0, len(catalogue))
	for id := range catalogue {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	f.Add(uint16(0), "华信", "3", uint8(2))
	f.Add(uint16(7), "a\x1fb", "", uint8(5))
	f.Add(uint16(40), "%s", "x\x1e", uint8(9))
	f.Fuzz(func(t *testing.T, pick uint16, a, b string, shape uint8) {
		id := ID(a)
		if int(pick) < len(ids) {
			id = ids[pick]
		}
		nested := ids[int(pick)*7%len(ids)]
		args := [][]string{nil, {a}, {a, b}, {a, b, a}, {Nested(nested, a, b)}, {a, Nested(nested, b)},
			{Or(a, b)}, {a, And(a, b)}, {OrMore(2, a, b), a}, {Nested(nested)}}[int(shape)%10]
		m := New(id, args...)
		for _, lang := range []string{"zh", "en"} {
			if got, want := string(m.AppendIn([]byte("x"), lang)), "x"+m.In(lang); got != want {
				t.Errorf("%v in %s: AppendIn %q, In %q", m, lang, got, want)
			}
		}
	})
}

func TestNested(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no arguments", nil, "\x1dwhere.file\x1f"},
		{"one", []string{"a.csv"}, "\x1dwhere.file\x1fa.csv"},
		{"three, one empty", []string{"a.csv", "", "7"}, "\x1dwhere.file\x1fa.csv\x1f\x1f7"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Nested("where.file", tc.args...); got != tc.want {
				t.Errorf("Nested = %q, want %q", got, tc.want)
			}
		})
	}
}
