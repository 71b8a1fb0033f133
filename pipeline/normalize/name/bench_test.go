package name

import (
	"testing"

	"github.com/crmclean/crmclean/pipeline/record"
)

// benchNames mixes the shapes a customer sheet holds.
var benchNames = []struct {
	name string
	kind record.Kind
}{
	{"北京华信科技有限公司", record.Company},
	{"单小明", record.Person},
	{"华信科技（北京）有限责任公司", record.Company},
	{"欧阳娜娜", record.Person},
	{"重庆长安汽车股份有限公司上海分公司", record.Company},
	{"张伟", record.Person},
	{"Huaxin Technology Co., Ltd.", record.Company},
	{"王小红", record.Person},
}

func bench(b *testing.B, f func(name string, kind record.Kind)) {
	b.ReportAllocs()
	rows := 0
	for b.Loop() {
		x := benchNames[rows%len(benchNames)]
		f(x.name, x.kind)
		rows++
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkReadings(b *testing.B) {
	n := newTestNamer()
	bench(b, func(s string, k record.Kind) { n.Readings(s, k) })
}

func BenchmarkPinyin(b *testing.B) {
	n := newTestNamer()
	bench(b, func(s string, k record.Kind) { n.Pinyin(s, k) })
}

func BenchmarkMatchKey(b *testing.B) {
	n := newTestNamer()
	bench(b, func(s string, _ record.Kind) { n.MatchKey(s) })
}

func BenchmarkDisplay(b *testing.B) {
	n := newTestNamer()
	bench(b, func(s string, _ record.Kind) { n.Display(s) })
}

func BenchmarkKind(b *testing.B) {
	n := newTestNamer()
	bench(b, func(s string, _ record.Kind) { n.Kind(s, false) })
}

func BenchmarkNormalizeUSCC(b *testing.B) {
	bench(b, func(string, record.Kind) { NormalizeUSCC("91110108MA01ABCD1E") })
}
