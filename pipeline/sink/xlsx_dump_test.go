package sink
import ("testing";"time";"fmt";"github.com/crmclean/crmclean/pipeline/record")
func TestDumpBig(t *testing.T) {
	base := testRejected()[0]
	var recs []*record.Record
	for i := 0; i < 50000; i++ { r := *base; r.Prov.Row = i+2; recs = append(recs, &r) }
	start := time.Now()
	if err := WriteRejectsXLSX(t.TempDir(), recs); err != nil { t.Fatal(err) }
	fmt.Println("50k comments", time.Since(start))
}
