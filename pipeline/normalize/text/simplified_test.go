package text

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/longbridgeapp/opencc"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

func TestToSimplified(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"ascii", "Room 801", "Room 801"},
		{"province city district", "廣東省廣州市天河區", "广东省广州市天河区"},
		{"taipei", "臺北", "台北"},
		{"person", "張偉", "张伟"},
		{"surname chen", "陳", "陈"},
		{"zhengzhou", "鄭州", "郑州"},
		{"company suffix", "實業有限公司", "实业有限公司"},
		{"develop", "發展", "发展"},
		{"international", "國際", "国际"},
		{"telephone", "電話", "电话"},
		{"shenyang phrase", "瀋陽市和平區", "沈阳市和平区"},
		{"mixed with digits", "北京市朝陽區建國路88號", "北京市朝阳区建国路88号"},
		{"simplified fan", "范", "范"},
		{"simplified yu", "于", "于"},
		{"simplified hou", "后", "后"},
		{"simplified mian", "面", "面"},
		{"simplified name fan", "范冰冰", "范冰冰"},
		{"simplified address", "广东省广州市天河区体育西路103号", "广东省广州市天河区体育西路103号"},
		{"simplified qian kept", "李乾", "李乾"},
		{"surname yu kept in simplified", "於明", "於明"},
		{"traditional qianlong phrase", "乾隆皇帝傳", "乾隆皇帝传"},
		{"traditional gan", "乾燥劑", "干燥剂"},
		{"yu in traditional", "於是台灣", "于是台湾"},
		{"hou traditional", "後來", "后来"},
		{"noodles", "麵包店", "面包店"},
		{"half simplified half traditional", "深圳市南山區科技园", "深圳市南山区科技园"},
		{"bank", "中國銀行股份有限公司", "中国银行股份有限公司"},
		{"zhong surname", "鍾", "钟"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ToSimplified(tt.in); got != tt.want {
				t.Errorf("ToSimplified(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if got := ToSimplified(tt.want); got != tt.want {
				t.Errorf("ToSimplified(%q) = %q, want it unchanged", tt.want, got)
			}
		})
	}
}

// TestToSimplifiedGolden converts testdata/t2s.input line by line; run with
// -update to rewrite testdata/t2s.golden.
func TestToSimplifiedGolden(t *testing.T) {
	in, err := os.ReadFile(filepath.Join("testdata", "t2s.input"))
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	for line := range strings.Lines(string(in)) {
		line = strings.TrimSuffix(line, "\n")
		out.WriteString(line + "\t" + ToSimplified(line) + "\n")
	}
	golden := filepath.Join("testdata", "t2s.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(out.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if out.String() != string(want) {
		t.Errorf("ToSimplified output differs from %s (run go test -update and review the diff):\n%s", golden, out.String())
	}
}

// TestT2STableCurrent checks the generated table against the converter in
// go.mod: every character t2s changes on its own must be a trigger. It fails
// after an opencc upgrade until `go generate` is run.
func TestT2STableCurrent(t *testing.T) {
	cc, err := opencc.New("t2s")
	if err != nil {
		t.Fatal(err)
	}
	c := t2s()
	missing, extra := 0, 0
	for r := rune(0x2E80); r < 0x40000; r++ {
		if !unicode.Is(unicode.Han, r) {
			continue
		}
		out, _ := cc.Convert(string(r))
		changes := out != string(r)
		if changes != c.trigger.has(r) {
			if changes {
				missing++
			} else {
				extra++
			}
			if missing+extra <= 5 {
				t.Errorf("%q: t2s changes it = %v, in t2sTriggers = %v", r, changes, !changes)
			}
		}
	}
	if missing+extra > 0 {
		t.Errorf("t2s_table.go is stale: %d missing, %d extra; run go generate", missing, extra)
	}
}

func TestToSimplifiedNoAllocOnSimplified(t *testing.T) {
	ToSimplified("張") // build the converter outside the measurement
	for _, s := range []string{"张伟", "广东省广州市天河区体育西路103号", "Room 801", "李乾"} {
		if n := testing.AllocsPerRun(100, func() { ToSimplified(s) }); n != 0 {
			t.Errorf("ToSimplified(%q) allocates %v times, want 0", s, n)
		}
	}
}

func FuzzToSimplified(f *testing.F) {
	for _, s := range []string{"", "廣東省廣州市天河區", "張偉", "李乾", "乾隆", "於是", "瀋陽", "abc", "\xff張", "麽", "重覆"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		once := ToSimplified(s)
		if twice := ToSimplified(once); twice != once {
			t.Fatalf("not idempotent: %q → %q → %q", s, once, twice)
		}
	})
}

func BenchmarkToSimplified(b *testing.B) {
	for _, bc := range []struct{ name, in string }{
		{"simplified", "广东省广州市天河区体育西路103号维多利广场A座"},
		{"traditional", "廣東省廣州市天河區體育西路103號維多利廣場A座"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			ToSimplified(bc.in)
			b.ReportAllocs()
			for b.Loop() {
				ToSimplified(bc.in)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

func BenchmarkT2SInit(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := opencc.New("t2s"); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func TestToSimplifiedConcurrent(t *testing.T) {
	done := make(chan string)
	for range 8 {
		go func() { done <- ToSimplified("廣東省廣州市天河區") }()
	}
	for range 8 {
		if got := <-done; got != "广东省广州市天河区" {
			t.Errorf("concurrent ToSimplified = %q", got)
		}
	}
}

// traditionalSlow is converter.traditional decoding every rune.
func traditionalSlow(c *converter, s string) bool {
	for _, r := range s {
		if c.trigger.has(r) && !c.ambiguous.has(r) {
			return true
		}
	}
	return false
}

func TestTraditionalAgrees(t *testing.T) {
	c := t2s()
	found := 0
	cases := []string{"", "abc", "\xe4\xb8", "\xff\xfe", "廣東省", "广东省", "李乾", "乾隆皇帝傳", "\U00020000", "張\xe4\xb8偉"}
	for r := rune(0x2E00); r < 0xA100; r++ {
		cases = append(cases, string(r), "a"+string(r), "广"+string(r)+"\xe4")
	}
	for _, s := range cases {
		got, want := c.traditional(s), traditionalSlow(c, s)
		if got != want {
			t.Errorf("traditional(%q) = %v, decoding every rune gives %v", s, got, want)
		}
		if got {
			found++
		}
	}
	if found < 1000 {
		t.Errorf("traditional found only %d texts: the cases miss the traditional characters", found)
	}
}

// FuzzTraditional: traditional agrees with decoding every rune.
func FuzzTraditional(f *testing.F) {
	for _, s := range []string{"", "廣東省", "广东省", "李乾", "張\xe4\xb8偉", "\U00020000"} {
		f.Add(s)
	}
	c := t2s()
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := c.traditional(s), traditionalSlow(c, s); got != want {
			t.Fatalf("traditional(%q) = %v, decoding every rune gives %v", s, got, want)
		}
	})
}
