package merge

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/crmclean/crmclean/pipeline/cputime"
	"github.com/crmclean/crmclean/pipeline/record"
	"github.com/crmclean/crmclean/rules"
)

// benchClusters makes n customers the way the benchmark corpus writes
// them: one to six rows each (about 1.7 on average), companies with one to
// three contact persons, some written romanized, as a title form (王总) or
// with a homophone typo on another row, individuals with only their name.
func benchClusters(n int) [][]*record.Record {
	rng := rand.New(rand.NewPCG(7, 13))
	surnames := []struct{ han, roman string }{{"王", "Wang"}, {"李", "Li"}, {"张", "Zhang"}, {"刘", "Liu"}, {"陈", "Chen"}, {"杨", "Yang"}}
	givens := []struct{ han, typo, roman string }{{"思佳", "思嘉", "Sijia"}, {"天宇", "天雨", "Tianyu"}, {"建国", "建果", "Jianguo"}, {"秀英", "秀鹰", "Xiuying"}, {"立轩", "立宣", "Lixuan"}}
	sizes := []int{1, 1, 1, 1, 2, 2, 2, 3, 3, 6}
	out := make([][]*record.Record, n)
	for i := range out {
		company := rng.IntN(10) < 6
		kind := record.Person
		name := ""
		if company {
			kind, name = record.Company, fmt.Sprintf("华信%d科技有限公司", i)
		}
		people := 1 + rng.IntN(3)
		if !company {
			people = 1
		}
		size := sizes[rng.IntN(len(sizes))]
		for r := range size {
			p := (r + i) % people
			s, g := surnames[(i+p)%len(surnames)], givens[(i*3+p)%len(givens)]
			contact := s.han + g.han
			switch rng.IntN(10) {
			case 0:
				contact = s.roman + " " + g.roman
			case 1:
				contact = s.han + g.typo
			case 2:
				contact = s.han + "总"
			}
			n := record.Normalized{Kind: kind, Name: name, Contact: contact, Province: "浙江省", City: "杭州市", District: "西湖区",
				Address: fmt.Sprintf("文三路%d号", i), CreatedAt: "2024-05-01",
				Phones: []record.Phone{mobile(fmt.Sprintf("+86138%04d%04d", i%10000, p), r == 0)}}
			if !company {
				n.Name, n.Contact = contact, ""
			}
			out[i] = append(out[i], rec("客户.csv", i*6+r+2, fmt.Sprintf("fp-%07d-%d", i, r), n))
		}
	}
	return out
}

// BenchmarkBuild measures building golden records, contacts included.
func BenchmarkBuild(b *testing.B) {
	clusters := benchClusters(20_000)
	rows := 0
	for _, cl := range clusters {
		rows += len(cl)
	}
	b.ReportAllocs()
	cpu0 := cputime.Process()
	for b.Loop() {
		m := newMerger(b, rules.Default()) // one a run: nothing read in an earlier loop
		for _, cl := range clusters {
			m.Build(cl)
		}
	}
	cpu := cputime.Process() - cpu0
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(len(clusters))*float64(b.N)/b.Elapsed().Seconds(), "customers/s")
	if cpu > 0 { // user and system time, which a loaded machine stretches less
		b.ReportMetric(float64(len(clusters))*float64(b.N)/cpu.Seconds(), "customers/cpu-s")
	}
}
