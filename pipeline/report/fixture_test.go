package report

import (
	"fmt"
	"time"

	"github.com/crmclean/crmclean/pipeline/ingest"
	"github.com/crmclean/crmclean/pipeline/match"
	"github.com/crmclean/crmclean/pipeline/merge"
	"github.com/crmclean/crmclean/pipeline/record"
	"github.com/crmclean/crmclean/pipeline/source"
	"github.com/crmclean/crmclean/rules"
)

// Personal values of the fixture: none may appear in a masked report.
const (
	mobile1    = "13800138000"
	mobile2    = "13900139000"
	email1     = "zhangwei@qq.com"
	contact1   = "张伟"
	person1    = "李娜"
	contact3   = "欧阳娜娜"
	person2    = "Li Na"
	idNumber   = "110101199003071234" // sensitive column: never shown, even unmasked
	cappedKey  = "+862188889999"      // a blocking key: never shown
	landline1  = "+862162345678"
	rejMobile  = "13912345678"
	badMobile  = "1380013800"
	companyA   = "上海华信科技有限公司"
	companyB   = "广州华新贸易有限公司"
	hostileTxt = `<img src=x onerror=alert(1)>`
)

// fixtureRules are the default rules with the volatile parts pinned, so
// that edits to default.yaml do not change the golden report.
func fixtureRules() *rules.Rules {
	r := rules.Default()
	r.Hash = "0123456789abcdef"
	r.Source = ""
	r.Match = rules.MatchRules{MergeThreshold: 12, ReviewThreshold: 6, MaxBlock: 200}
	r.Dates.TimeZone = "+08:00"
	r.Phone.Region = "CN"
	r.Sensitive.Keep = true
	return r
}

func val(field string, col int, header, text string) record.Value {
	return record.NewValue(field, col, header, text, text)
}

func skipped(file, sheet string, row int, reason string) *record.Record {
	return &record.Record{Prov: record.Provenance{File: file, Sheet: sheet, Row: row}, Status: record.Skipped, Reason: reason}
}

// fixtureInput is a small hand-made run: two readable files, one damaged
// file, an ignored lock file, a merged pair, a rejected row, issues of
// several kinds and a fake match result with one link and two review pairs.
func fixtureInput() Input {
	const ledger, members = "华东/客户台账.xlsx", "门店会员.csv"
	mob1 := record.Phone{E164: "+86" + mobile1, Type: record.Mobile, Col: 2}
	r1 := &record.Record{
		Prov: record.Provenance{File: ledger, Sheet: "华东", Row: 3}, Fingerprint: "f1",
		Values: []record.Value{
			val("name", 0, "客户名称", companyA), val("contact", 1, "联系人", contact1),
			val("phone", 2, "手机", "138 0013 8000"), val("email", 3, "邮箱", "zhangwei@qq.con"),
			val("address", 4, "地址", "上海市浦东新区张江路88号"),
		},
		Issues: []record.Issue{{Field: "email", Col: 3, Header: "邮箱", Value: "zhangwei@qq.con", Rule: "email.domain_fixed",
			Severity: record.Info, Message: `e-mail domain "qq.con" corrected to "qq.com"`, Fix: email1}},
		Norm: record.Normalized{Kind: record.Company, Name: companyA, Contact: contact1, Phones: []record.Phone{mob1},
			Emails: []string{email1}, Province: "上海市", City: "上海市", District: "浦东新区", Address: "张江路88号", Adcode: "310115"},
		Status: record.Kept, CustomerID: "C1",
	}
	r2 := &record.Record{
		Prov: record.Provenance{File: ledger, Sheet: "华东", Row: 4}, Fingerprint: "f2",
		Values: []record.Value{
			val("name", 0, "客户名称", "上海华信科技"), val("contact", 1, "联系人", contact1),
			val("phone", 2, "手机", mobile1), val("address", 4, "地址", "浦东新区张江"),
		},
		Issues: []record.Issue{{Field: "address", Col: 4, Header: "地址", Value: "浦东新区", Rule: "address.inferred",
			Severity: record.Info, Message: "province and city inferred from the district", Fix: "上海市上海市浦东新区"}},
		Norm: record.Normalized{Kind: record.Company, Name: "上海华信科技", Contact: contact1, Phones: []record.Phone{mob1},
			Province: "上海市", City: "上海市", District: "浦东新区", Address: "张江", Adcode: "310115"},
		Status: record.Merged, Reason: "same customer as " + ledger + `, sheet "华东", row 3`, CustomerID: "C1",
	}
	r3 := &record.Record{
		Prov: record.Provenance{File: ledger, Sheet: "华东", Row: 5}, Fingerprint: "f3",
		Values: []record.Value{
			val("name", 0, "客户名称", person1), val("phone", 2, "手机", "021-6234 5678转801"),
			val("address", 4, "地址", "上海市朝阳路1号"),
		},
		Issues: []record.Issue{{Field: "address", Col: 4, Header: "地址", Value: "朝阳路", Rule: "address.ambiguous",
			Severity: record.Warning, Message: `"朝阳路" fits several districts; left unresolved`}},
		Norm: record.Normalized{Kind: record.Person, Name: person1, Contact: person1,
			Phones:   []record.Phone{{E164: landline1, Ext: "801", Type: record.Landline, Col: 2}},
			Province: "上海市", City: "上海市", Address: "朝阳路1号", Adcode: "310100"},
		Status: record.Kept, CustomerID: "C2",
	}
	r4 := &record.Record{
		Prov: record.Provenance{File: ledger, Sheet: "华东", Row: 6}, Fingerprint: "f4",
		Values: []record.Value{val("phone", 2, "手机", rejMobile)},
		Issues: []record.Issue{{Field: "name", Col: -1, Rule: "required.name", Severity: record.Error,
			Message: "no customer name (and no contact person to name an individual)"}},
		Norm:   record.Normalized{Phones: []record.Phone{{E164: "+86" + rejMobile, Type: record.Mobile, Col: 2}}},
		Status: record.Rejected, Reason: "no customer name (and no contact person to name an individual)",
	}
	r6 := &record.Record{
		Prov: record.Provenance{File: ledger, Sheet: "华南", Row: 3}, Fingerprint: "f6",
		Values: []record.Value{
			val("name", 0, "公司", companyB), val("contact", 1, "联系人", contact3),
			val("phone", 2, "电话", "400-812-3123"), val("uscc", 3, "信用代码", "91440101MA5ABCDE1X"),
			val("created_at", 4, "建档日期", "2023/1/5"), val("sensitive", 5, "身份证号", idNumber),
			val("address", 6, "地址", hostileTxt),
		},
		Issues: []record.Issue{
			{Field: "uscc", Col: 3, Header: "信用代码", Value: "91440101MA5ABCDE1X", Rule: "uscc.invalid", Severity: record.Warning,
				Message: "not a valid unified social credit code (18 characters with a GB 32100-2015 check character)"},
			{Col: 5, Header: "身份证号", Value: idNumber, Rule: "cell.lossy_number", Severity: record.Warning,
				Message: fmt.Sprintf("%q was stored by Excel as a floating-point number", idNumber)},
			{Field: "address", Col: 6, Header: "地址", Value: hostileTxt, Rule: "address.ambiguous", Severity: record.Warning,
				Message: "no place name found"},
		},
		Norm: record.Normalized{Kind: record.Company, Name: companyB, Contact: contact3,
			Phones: []record.Phone{{E164: "+864008123123", Type: record.Service, Col: 2}}, CreatedAt: "2023-01-05"},
		Status: record.Kept, CustomerID: "C3",
	}
	r7 := &record.Record{
		Prov: record.Provenance{File: members, Row: 2}, Fingerprint: "f7",
		Values: []record.Value{
			val("name", 0, "会员姓名", person2), val("phone", 1, "手机号", "+86 139 0013 9000"),
			val("email", 2, "邮箱", "li.na@example.com"),
		},
		Norm: record.Normalized{Kind: record.Person, Name: person2, Contact: person2, Emails: []string{"li.na@example.com"},
			Phones: []record.Phone{{E164: "+86" + mobile2, Type: record.Mobile, Col: 1}}},
		Status: record.Kept, CustomerID: "C4",
	}
	r8 := &record.Record{
		Prov: record.Provenance{File: members, Row: 3}, Fingerprint: "f8",
		Values: []record.Value{
			val("name", 0, "会员姓名", "王小明"), val("phone", 1, "手机号", badMobile),
			val("city", 2, "城市", "杭州"),
		},
		Issues: []record.Issue{
			{Field: "phone", Col: 1, Header: "手机号", Value: badMobile, Rule: "phone.invalid", Severity: record.Warning,
				Message: fmt.Sprintf("%q is not a phone number: 10 digits, a mobile needs 11", badMobile)},
			{Field: "reach", Col: -1, Rule: "required.reach", Severity: record.Warning,
				Message: "no way to reach the customer (no mobile, landline or e-mail)"},
		},
		Norm:   record.Normalized{Kind: record.Person, Name: "王小明", Contact: "王小明", Province: "浙江省", City: "杭州市", Adcode: "330100"},
		Status: record.Kept, CustomerID: "C5",
	}
	records := []*record.Record{
		skipped(ledger, "华东", 1, "title row above the header"),
		skipped(ledger, "华东", 2, "header row"),
		r1, r2, r3, r4,
		skipped(ledger, "华东", 7, "footer row (合计)"),
		skipped(ledger, "华南", 1, "blank row"),
		skipped(ledger, "华南", 2, "header row"),
		r6,
		skipped(members, "", 1, "header row"),
		r7, r8,
		skipped(members, "", 4, "blank row"),
	}
	customers := []*merge.Customer{
		{ID: "C1", Kind: record.Company, Name: companyA, Contact: contact1, Mobile: "+86" + mobile1, Phones: []string{"+86" + mobile1},
			Email: email1, Emails: []string{email1}, Province: "上海市", City: "上海市", District: "浦东新区", Address: "张江路88号",
			Adcode: "310115", Rows: []*record.Record{r1, r2},
			Conflicts: []merge.Conflict{{Field: "name", Chosen: companyA, Others: []string{"上海华信科技"}}}},
		{ID: "C2", Kind: record.Person, Name: person1, Contact: person1, Phones: []string{"+862162345678;ext=801"},
			Landline: "+862162345678", LandlineExt: "801", Province: "上海市", City: "上海市", Address: "朝阳路1号", Adcode: "310100",
			Rows: []*record.Record{r3}},
		{ID: "C3", Kind: record.Company, Name: companyB, Contact: contact3, Phones: []string{"+864008123123"},
			CreatedAt: "2023-01-05", Rows: []*record.Record{r6}},
		{ID: "C4", Kind: record.Person, Name: person2, Contact: person2, Mobile: "+86" + mobile2, Phones: []string{"+86" + mobile2},
			Email: "li.na@example.com", Emails: []string{"li.na@example.com"}, Rows: []*record.Record{r7}},
		{ID: "C5", Kind: record.Person, Name: "王小明", Contact: "王小明", Province: "浙江省", City: "杭州市", Adcode: "330100",
			Rows: []*record.Record{r8}},
	}
	matched := []*record.Record{r1, r2, r3, r6, r7, r8}
	mr := &match.Result{
		Clusters: [][]record.Key{{0, 1}, {2}, {3}, {4}, {5}},
		Links: []match.Pair{{A: 0, B: 1, Score: 18.46, Evidence: []match.Evidence{
			{Field: "mobile", Outcome: "agree", Weight: 9.2, Detail: "+86" + mobile1},
			{Field: "name", Outcome: "near", Weight: 4.1, Detail: companyA + " ~ 上海华信科技"},
			{Field: "contact", Outcome: "agree", Weight: 3.0, Detail: contact1},
			{Field: "address", Outcome: "fuzzy", Weight: 2.16, Detail: "浦东新区"},
			{Field: "email", Outcome: "missing", Weight: 0},
		}}},
		Review: []match.Pair{
			{A: 2, B: 4, Score: 6.2, Evidence: []match.Evidence{
				{Field: "name", Outcome: "agree", Weight: 7.0, Detail: person1 + " ~ " + person2 + " (same pinyin lina)"},
				{Field: "mobile", Outcome: "missing", Weight: 0},
				{Field: "landline", Outcome: "disagree", Weight: -0.8, Detail: landline1 + " ≠ none"},
			}},
			{A: 0, B: 3, Score: 7.04, Evidence: []match.Evidence{
				{Field: "name", Outcome: "fuzzy", Weight: 6.5, Detail: "华信 ~ 华新 (same pinyin huaxin)"},
				{Field: "contact", Outcome: "disagree", Weight: -2.1, Detail: contact1 + " ≠ " + contact3},
				{Field: "branch", Outcome: "agree", Weight: 2.64},
			}},
		},
		Numbers: []match.NumberUse{
			{Number: "+86" + mobile2, Mobile: true, Class: match.NumberNotOwn, Why: match.WhyRep, Customers: 3, Rows: 3,
				Records: []record.Key{2, 4, 5}, Owner: contact3},
			{Number: landline1, Class: match.NumberShared, Why: match.WhyHousehold, Customers: 2, Rows: 2, Records: []record.Key{2, 4}},
		},
		Stats: match.Stats{Records: 6, CandidatePairs: 4, MergePairs: 1, ReviewPairs: 2, BlockedMerges: 1,
			CappedBlocks: []match.CappedBlock{{KeyType: "landline", Key: cappedKey, Size: 250}}},
	}
	files := []ingest.FileReport{
		{Input: ingest.Input{Path: "/data/in/华东/客户台账.xlsx", Rel: ledger}, Format: "xlsx",
			Sheets: []ingest.SheetReport{
				{Name: "华东", HeaderFound: true, Rows: 7, DataRows: 4, Noise: 1},
				{Name: "华南", HeaderFound: true, Rows: 3, DataRows: 1},
			},
			Skipped: []source.SkippedSheet{{Name: "说明", Reason: "hidden sheet"}}},
		{Input: ingest.Input{Path: "/data/in/门店会员.csv", Rel: members}, Format: "csv", Encoding: "GB18030",
			Sheets: []ingest.SheetReport{{HeaderFound: true, Rows: 4, DataRows: 2}}},
		{Input: ingest.Input{Path: "/data/in/损坏.xlsx", Rel: "损坏.xlsx"},
			Err: &source.FileError{Path: "损坏.xlsx", Err: source.ErrCorrupt, Hint: "open it in Excel and save it again as .xlsx"}},
	}
	return Input{
		Version:   "1.2.3-test",
		Started:   time.Date(2026, 11, 23, 4, 0, 0, 0, time.UTC),
		Duration:  3250 * time.Millisecond,
		Files:     files,
		Ignored:   []ingest.Ignored{{Path: "/data/in/~$客户台账.xlsx", Reason: "Office lock file"}},
		Records:   records,
		Customers: customers,
		Match:     mr,
		Rows:      matched,
		Rules:     fixtureRules(),
	}
}
