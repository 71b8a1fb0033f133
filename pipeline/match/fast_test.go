package match

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/crmclean/crmclean/pipeline/normalize"
	"github.com/crmclean/crmclean/pipeline/record"
	"github.com/crmclean/crmclean/rules"
)

// compactSlow is compact without its fast path.
func compactSlow(s string) string {
	s = strings.TrimSpace(s)
	if !strings.ContainsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsUpper(r) }) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if !unicode.IsSpace(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// bigramsSlow is bigrams without its fast path for CJK ideographs.
func bigramsSlow(s string) []uint32 {
	var prev rune
	var out []uint32
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsPunct(r) {
			continue
		}
		r = unicode.ToLower(r)
		if prev != 0 {
			out = append(out, uint32(prev)*2654435761^uint32(r))
		}
		prev = r
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// featureCases are values on both sides of the fast paths' conditions.
var featureCases = []string{
	"", " ", "张伟", "张 伟", "Zhang Wei", "ZHANG\u3000WEI", "华信科技\u00a0有限公司", "北京华信科技有限公司上海分公司",
	"浙江省杭州市西湖区文三路 90 号 A座 1201室", "文三路90号（东门）", "ＡＢＣ华信", "İstanbul", "ǅemal", "\u212a",
	"a\u0085b", "\t华信\n", "\xff\xfe华信", "华", "华信", "abc", "㐀㐁", "𠀀𠀁", "〇一二", "华信！科技", "Ⅻ号楼",
}

func TestCompactAgrees(t *testing.T) {
	for _, s := range featureCases {
		if got, want := compact(s), compactSlow(s); got != want {
			t.Errorf("compact(%q) = %q, slow path gives %q", s, got, want)
		}
	}
}

func TestBigramsAgrees(t *testing.T) {
	for _, s := range featureCases {
		if got, want := bigrams(s), bigramsSlow(s); !reflect.DeepEqual(got, want) {
			t.Errorf("bigrams(%q) = %v, slow path gives %v", s, got, want)
		}
	}
}

func TestNeedsCompactEveryRune(t *testing.T) {
	for r := rune(0); r <= 0x10FFFF; r++ {
		s := "a" + string(r) + "b"
		if got, want := needsCompact(s), unicode.IsSpace(r) || unicode.IsUpper(r); got != want && utf8ValidRune(r) {
			t.Fatalf("needsCompact(%q) = %v, want %v", s, got, want)
		}
	}
}

func utf8ValidRune(r rune) bool { return r < 0xD800 || r > 0xDFFF }

// TestReaderReadingsAgree: readings cut from the reader's slab are the
// namer's Readings, also when a name overflows the slab.
func TestReaderReadingsAgree(t *testing.T) {
	norm, err := normalize.New(rules.Default())
	if err != nil {
		t.Fatal(err)
	}
	namer := norm.Namer()
	rd := reader{namer: namer}
	long := strings.Repeat("华信", slabSize)
	var got, want [][][]string
	for _, s := range append(featureCases, long, "欧阳娜娜", "重庆长安汽车") {
		for _, kind := range []record.Kind{record.Person, record.Company} {
			got = append(got, rd.readings(s, kind))
			want = append(want, namer.Readings(s, kind))
		}
	}
	if !reflect.DeepEqual(got, want) { // compared after all calls: later ones must not disturb earlier ones
		t.Errorf("reader.readings = %q, Readings gives %q", got, want)
	}
}

// FuzzFeatureFastPaths: compact, bigrams and the reader's readings agree
// with their slow paths on any input.
func FuzzFeatureFastPaths(f *testing.F) {
	for _, s := range featureCases {
		f.Add(s)
	}
	norm, err := normalize.New(rules.Default())
	if err != nil {
		f.Fatal(err)
	}
	namer := norm.Namer()
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := compact(s), compactSlow(s); got != want {
			t.Fatalf("compact(%q) = %q, slow path gives %q", s, got, want)
		}
		if got, want := bigrams(s), bigramsSlow(s); !reflect.DeepEqual(got, want) {
			t.Fatalf("bigrams(%q) = %v, slow path gives %v", s, got, want)
		}
		rd := reader{namer: namer}
		if got, want := rd.readings(s, record.Company), namer.Readings(s, record.Company); !reflect.DeepEqual(got, want) {
			t.Fatalf("reader.readings(%q) = %q, Readings gives %q", s, got, want)
		}
	})
}
