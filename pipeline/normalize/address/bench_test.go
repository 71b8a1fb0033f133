package address

import (
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// benchAddresses mix the shapes seen in customer sheets: full names, short
// names with spaces, a bare district, municipalities and split columns.
var benchAddresses = []Input{
	{Address: "浙江省杭州市西湖区文三路90号东部软件园3号楼5层"},
	{Address: "广东 深圳 南山区 科技园南区科苑路15号"},
	{Address: "北京市朝阳区建国路88号SOHO现代城A座1203室"},
	{Address: "义乌市稠州北路1号国际商贸城"},
	{Address: "江苏省南京市鼓楼区中山北路30号"},
	{Address: "上海浦东新区世纪大道100号环球金融中心"},
	{Address: "四川成都武侯区人民南路四段1号"},
	{Address: "湖北省武汉市洪山区珞喻路1037号"},
	{Province: "浙江省", City: "宁波市", District: "鄞州区", Address: "天童南路588号"},
	{Province: "广东", City: "东莞", Address: "长安镇振安中路1号"},
	{Address: "朝阳区建国路88号"},
	{Address: "新疆乌鲁木齐市天山区解放北路1号"},
}

func BenchmarkResolve(b *testing.B) {
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		Resolve(benchAddresses[n%len(benchAddresses)])
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "addresses/s")
}

// BenchmarkResolveCorpus resolves the address column of the benchmark
// corpus's UTF-8 CSV (`make bench`; CRMCLEAN_BENCH_DIR names its folder),
// in file order: the mix and the cache behaviour of a real run, which the
// dozen addresses above cannot show.
func BenchmarkResolveCorpus(b *testing.B) {
	dir := os.Getenv("CRMCLEAN_BENCH_DIR")
	if dir == "" {
		b.Skip("CRMCLEAN_BENCH_DIR not set: run make bench")
	}
	f, err := os.Open(filepath.Join(dir, "sheets", "老系统导出.csv"))
	if err != nil {
		b.Skipf("benchmark corpus: %v", err)
	}
	defer f.Close()
	cr := csv.NewReader(f)
	head, err := cr.Read()
	if err != nil {
		b.Fatal(err)
	}
	col := slices.Index(head, "Address")
	if col < 0 {
		b.Fatalf("no Address column in %q", head)
	}
	var ins []Input
	for {
		row, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		if row[col] != "" {
			ins = append(ins, Input{Address: row[col]})
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, in := range ins {
			Resolve(in)
		}
	}
	b.ReportMetric(float64(len(ins))*float64(b.N)/b.Elapsed().Seconds(), "addresses/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/(float64(len(ins))*float64(b.N)), "ns/address")
}
